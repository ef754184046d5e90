"""The Celery app: Redis as broker when REDIS_URL (or CELERY_BROKER_URL) is set, otherwise kombu's
filesystem transport under var/broker, so `make run` starts web, worker and beat on one machine with
no server. Settings are the CELERY_* names in config/settings.py; periodic tasks live in the database
(django-celery-beat), editable in the admin.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
