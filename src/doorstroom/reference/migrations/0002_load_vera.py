from django.db import migrations


def load_vera(apps, schema_editor):
    from doorstroom.reference.loading import load

    load(apps.get_model("reference", "ReferenceCode"))


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]

    operations = [migrations.RunPython(load_vera, migrations.RunPython.noop)]
