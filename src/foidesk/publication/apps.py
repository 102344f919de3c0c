from django.apps import AppConfig
from django.db.models.signals import post_save


class PublicationConfig(AppConfig):
    name = "foidesk.publication"
    verbose_name = "Disclosure log"

    def ready(self):
        from foidesk.casework.models import Request
        from foidesk.publication.similar_requests import follow_new_request

        post_save.connect(follow_new_request, sender=Request, dispatch_uid="round_robins")
