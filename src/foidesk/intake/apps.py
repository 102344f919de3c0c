from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "foidesk.intake"
    verbose_name = "Intake and correspondence"

    def ready(self):
        from foidesk.intake import services  # noqa: F401 (registers the emails the workflow sends)
