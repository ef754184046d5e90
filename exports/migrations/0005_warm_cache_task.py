"""The periodic check that warms the cache after a warehouse change (exports.warming), every minute."""

from django.db import migrations

NAME = "Warm the cache after a warehouse change"
TASK = "exports.tasks.warm_cache"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(name=NAME, defaults={"task": TASK, "interval": interval})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("exports", "0004_requeue_periodic_task")]

    operations = [migrations.RunPython(create, remove)]
