from django.apps import AppConfig
from django.db.models.signals import post_save


class SimilarConfig(AppConfig):
    name = "foidesk.similar"
    verbose_name = "Similar requests and round-robins"

    def ready(self):
        # A signal, not a call from casework: casework sits below this app, and every
        # request, however it is logged, is looked for in the round-robins once committed.
        from foidesk.casework.models import Request
        from foidesk.similar.services import follow_new_request

        post_save.connect(follow_new_request, sender=Request, dispatch_uid="round_robins")
