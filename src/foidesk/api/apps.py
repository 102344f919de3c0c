from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "foidesk.api"
    verbose_name = "API"
