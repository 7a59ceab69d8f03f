"""The database refuses two placements of one client whose periods overlap: an exclusion
constraint on PostgreSQL, triggers on SQLite. A placement's period runs from its start to its exit
(exclusive; open while there is no exit)."""

from django.db import migrations

PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """ALTER TABLE tenancies_placement ADD CONSTRAINT tenancies_placement_no_overlap_per_client
       EXCLUDE USING gist (
         care_provider_id WITH =,
         client_ref WITH =,
         daterange(start_date, exit_date, '[)') WITH &&
       )""",
]
PG_DOWN = [
    "ALTER TABLE tenancies_placement DROP CONSTRAINT tenancies_placement_no_overlap_per_client",
]
_OVERLAP = """
  SELECT RAISE(ABORT, 'tenancies_placement_no_overlap_per_client')
  WHERE EXISTS (
    SELECT 1 FROM tenancies_placement p
    WHERE p.care_provider_id = NEW.care_provider_id AND p.client_ref = NEW.client_ref
      AND p.id IS NOT NEW.id
      AND p.start_date < COALESCE(NEW.exit_date, '9999-12-31')
      AND NEW.start_date < COALESCE(p.exit_date, '9999-12-31')
  );
"""
SQLITE_UP = [
    f"""CREATE TRIGGER tenancies_placement_no_overlap_insert BEFORE INSERT ON tenancies_placement
        BEGIN {_OVERLAP} END""",
    f"""CREATE TRIGGER tenancies_placement_no_overlap_update BEFORE UPDATE ON tenancies_placement
        BEGIN {_OVERLAP} END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS tenancies_placement_no_overlap_insert",
    "DROP TRIGGER IF EXISTS tenancies_placement_no_overlap_update",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("tenancies", "0002_placement_states_pathway_signals")]
    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": PG_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
