from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "foidesk.casework"
    verbose_name = "Casework"
