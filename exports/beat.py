"""The beat scheduler (CELERY_BEAT_SCHEDULER): django-celery-beat's, which starts again on a new broker
connection when a send fails.

Celery's scheduler keeps one connection and one producer for its whole life. A send that failed while
kombu opened the broker (the SQLAlchemy transport creating its tables on a new broker file at the same
moment as the worker: the first `make run`) left that producer on a closed channel, and every later
send failed too, with "channel disconnected", until beat was restarted: no digest, alert, requeue,
warm-up or purge ran, while beat looked alive to the supervisor. Here a failed send drops both and is
tried once more on a new connection; if that fails as well, the error is logged as before, and the
next due send starts on a new connection again.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from celery.beat import ScheduleEntry, SchedulingError
from django_celery_beat.schedulers import DatabaseScheduler

log = logging.getLogger(__name__)


class Scheduler(DatabaseScheduler):  # type: ignore[misc]  # django-celery-beat ships no types
    def apply_async(
        self, entry: ScheduleEntry, producer: Any = None, advance: bool = True, **kwargs: Any
    ) -> Any:
        try:
            return super().apply_async(entry, producer, advance, **kwargs)
        except SchedulingError as exc:
            log.warning("beat: %s; sending it again on a new broker connection", exc)
            self.drop_connection()
        try:  # already advanced (when asked to) by the first try
            return super().apply_async(entry, self.producer, False, **kwargs)
        except SchedulingError:
            self.drop_connection()
            raise

    def drop_connection(self) -> None:
        """Forget the producer and the connection (cached properties of celery's Scheduler, which drops
        them the same way when it closes) and release the connection with its channels; the next send
        opens new ones."""
        self.__dict__.pop("producer", None)
        connection = self.__dict__.pop("connection", None)
        if connection is not None:
            with contextlib.suppress(Exception):  # it may be broken: that is why it goes
                connection.release()
