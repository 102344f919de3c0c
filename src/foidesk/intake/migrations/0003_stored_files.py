# Every stored file a FileField: the names already stored are kept as they are.

import foidesk.intake.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0002_automatic_email'),
    ]

    operations = [
        migrations.RenameField(
            model_name='attachment',
            old_name='stored_as',
            new_name='file',
        ),
        migrations.AlterField(
            model_name='attachment',
            name='file',
            field=models.FileField(blank=True, max_length=300, upload_to=foidesk.intake.models.attachment_path),
        ),
        migrations.AlterField(
            model_name='inboundmessage',
            name='raw_file',
            field=models.FileField(help_text='The message as it came.', max_length=300, upload_to=foidesk.intake.models.raw_message_path),
        ),
    ]
