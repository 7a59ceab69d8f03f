"""The passend toewijzen limits of 2026 (source and caveats in docs/affordability.md)."""

from decimal import Decimal

from django.db import migrations

LIMITS_2026 = {
    "year": 2026,
    "income_single": Decimal("29400"),
    "income_multi": Decimal("39925"),
    "income_senior_single": Decimal("28775"),
    "income_senior_multi": Decimal("38650"),
    # The lower and higher capping limits (aftoppingsgrenzen) of the rent benefit.
    "rent_limit_low": Decimal("713.00"),
    "rent_limit_high": Decimal("764.00"),
    "social_rent_limit": Decimal("932.93"),
    "source": (
        "Rijksoverheid, 25 november 2025: Indexering inkomensgrenzen woningcorporaties, "
        "maximale huurprijsgrenzen en huurtoeslagparameters 2026"
    ),
    "source_url": (
        "https://www.rijksoverheid.nl/actueel/nieuws/2025/11/25/indexering-inkomensgrenzen-"
        "woningcorporaties-maximale-huurprijsgrenzen-en-huurtoeslagparameters-2026"
    ),
}


def load(apps, schema_editor):
    limits = apps.get_model("lettings", "AffordabilityLimits")
    limits.objects.update_or_create(year=LIMITS_2026["year"], defaults=LIMITS_2026)


def unload(apps, schema_editor):
    apps.get_model("lettings", "AffordabilityLimits").objects.filter(year=2026).delete()


class Migration(migrations.Migration):
    dependencies = [("lettings", "0003_vacancies_applications_offers")]
    operations = [migrations.RunPython(load, unload)]
