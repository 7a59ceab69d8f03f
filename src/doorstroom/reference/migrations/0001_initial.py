from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="ReferenceCode",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("list_name", models.CharField(max_length=60, verbose_name="list")),
                ("code", models.CharField(max_length=20, verbose_name="code")),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("valid_from", models.DateField(blank=True, null=True, verbose_name="valid from")),
                ("valid_until", models.DateField(blank=True, null=True, verbose_name="obsolete after")),
                ("parent", models.CharField(blank=True, max_length=80, verbose_name="parent")),
                ("domain", models.CharField(blank=True, max_length=100, verbose_name="information domain")),
            ],
            options={
                "verbose_name": "reference code",
                "verbose_name_plural": "reference codes",
                "ordering": ["list_name", "name"],
                "indexes": [models.Index(fields=["list_name", "code"], name="reference_list_code_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("list_name", "code", "parent", "valid_until"),
                        name="reference_code_unique",
                    )
                ],
            },
        ),
    ]
