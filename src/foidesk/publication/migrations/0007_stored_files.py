# Every stored file a FileField: the names already stored are kept as they are.

import foidesk.publication.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('publication', '0006_round_robins_moved'),
    ]

    operations = [
        migrations.RenameField(
            model_name='disclosurefile',
            old_name='stored_as',
            new_name='file',
        ),
        migrations.AlterField(
            model_name='disclosurefile',
            name='file',
            field=models.FileField(max_length=300, upload_to=foidesk.publication.models.disclosure_file_path),
        ),
    ]
