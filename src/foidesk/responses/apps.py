from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    name = "foidesk.responses"
    verbose_name = "Responses"

    def ready(self):
        from foidesk.responses import services  # noqa: F401 (registers the workflow guards)
