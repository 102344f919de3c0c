from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "foidesk.publication"
    verbose_name = "Disclosure log"
