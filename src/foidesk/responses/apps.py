from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    name = "foidesk.responses"
    verbose_name = "Responses"

    def ready(self):
        # Importing connects the receivers of the outgoing mail's delivered and
        # not_delivered signals.
        from foidesk.responses import sending  # noqa: F401
