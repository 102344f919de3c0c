from django.conf import settings
from django.core.management.base import BaseCommand

from foidesk.casework import workflow


class Command(BaseCommand):
    help = "Show the case types' workflows as docs/case-types.md has them; --write updates it."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help="Write docs/case-types.md.")

    def handle(self, *args, write=False, **options):
        text = workflow.as_markdown(workflow.CASE_TYPES.values())
        if not write:
            self.stdout.write(text, ending="")
            return
        path = settings.PROJECT_DIR / "docs" / "case-types.md"
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {path}")
