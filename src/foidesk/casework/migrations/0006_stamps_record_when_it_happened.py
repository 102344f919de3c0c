import foidesk.casework.models
from django.db import migrations, models

# The stamps change only where their Python default comes from (auto_now_add becomes
# casework.models.moment); the columns stay as they are. Saying so keeps SQLite from
# copying each table, the timeline among them, to alter a column that does not change.
STAMPS = [
    ("clockevent", "recorded_at", {}),
    ("contribution", "requested_at", {}),
    ("request", "created_at", {}),
    ("requester", "created_at", {}),
    ("timelineevent", "at", {"db_index": True}),
]


class Migration(migrations.Migration):

    dependencies = [
        ('casework', '0005_open_requests_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name=model,
                    name=name,
                    field=models.DateTimeField(
                        default=foidesk.casework.models.moment, editable=False, **options
                    ),
                )
                for model, name, options in STAMPS
            ],
        ),
    ]
