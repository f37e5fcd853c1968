from django.db import migrations


def seed(apps, schema_editor):
    from catalog.categories import seed as seed_categories

    seed_categories(apps.get_model("catalog", "Category"))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
