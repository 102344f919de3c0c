from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    name = "foidesk.responses"
    verbose_name = "Responses"

    def ready(self):
        # Importing registers the workflow's guards and effects, and the receivers of
        # the outgoing mail's delivered and not_delivered signals.
        from foidesk.responses import sending, services  # noqa: F401
