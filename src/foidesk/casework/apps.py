from django.apps import AppConfig
from django.conf import settings


class CaseworkConfig(AppConfig):
    name = "foidesk.casework"
    verbose_name = "Casework"

    def ready(self):
        # The case types are checked as foidesk starts: a configuration that names an
        # unknown state, step or clock event, or leaves a state unreachable, stops it here.
        from foidesk import law
        from foidesk.casework import workflow

        workflow.load(settings.CASE_TYPES, clock_events=set(law.Event))
