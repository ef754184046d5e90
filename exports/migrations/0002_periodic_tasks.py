"""The periodic tasks, created once as rows that administrators edit in the admin (django-celery-beat).

dispatch digests every minute, evaluate alerts every minute (each alert has its own interval),
purge expired PDF exports every hour.
"""

from django.db import migrations

PERIODIC = [
    ("Dispatch due digests", "exports.tasks.dispatch_digests", 1, "minutes"),
    ("Evaluate due alerts", "exports.tasks.evaluate_alerts", 1, "minutes"),
    ("Purge expired PDF exports", "exports.tasks.purge_exports", 1, "hours"),
]


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, every, period in PERIODIC:
        interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": interval})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in PERIODIC]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("exports", "0001_exports_digests_alerts"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
