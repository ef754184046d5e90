"""Beat queues again, every minute, the jobs, digests and alert e-mails that waited too long."""

from django.db import migrations

NAME = "Queue again stalled exports, digests and alert e-mails"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=NAME, defaults={"task": "exports.tasks.requeue_stalled", "interval": interval}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("exports", "0003_requeue_and_alert_mail")]

    operations = [migrations.RunPython(create, remove)]
