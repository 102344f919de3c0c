from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "foidesk.intake"
    verbose_name = "Intake and correspondence"
