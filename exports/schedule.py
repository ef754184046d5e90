"""When a digest is due: daily, weekly (a weekday) or monthly (a day of the month) at an hour, in
the subscriber's time zone. Pure functions of the schedule and an instant, tested on their own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

DAILY, WEEKLY, MONTHLY = "daily", "weekly", "monthly"


@dataclass(frozen=True)
class Schedule:
    frequency: str
    hour: int
    timezone: str = "UTC"
    weekday: int = 0  # Monday = 0
    day_of_month: int = 1  # 1..28, so every month has it

    def _matches(self, day: dt.date) -> bool:
        if self.frequency == WEEKLY:
            return day.weekday() == self.weekday
        if self.frequency == MONTHLY:
            return day.day == self.day_of_month
        return True

    def _at(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(self.hour), ZoneInfo(self.timezone)).astimezone(dt.UTC)

    def next_after(self, instant: dt.datetime) -> dt.datetime:
        """The first send time strictly after `instant`."""
        day = instant.astimezone(ZoneInfo(self.timezone)).date() - dt.timedelta(days=1)
        for offset in range(64):
            candidate = day + dt.timedelta(days=offset)
            if self._matches(candidate) and self._at(candidate) > instant:
                return self._at(candidate)
        raise ValueError(f"no send time within two months for {self}")

    def last_at_or_before(self, instant: dt.datetime) -> dt.datetime:
        """The latest send time at or before `instant`."""
        day = instant.astimezone(ZoneInfo(self.timezone)).date() + dt.timedelta(days=1)
        for offset in range(64):
            candidate = day - dt.timedelta(days=offset)
            if self._matches(candidate) and self._at(candidate) <= instant:
                return self._at(candidate)
        raise ValueError(f"no send time within two months for {self}")

    def between(self, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
        """Send times t with start <= t <= end."""
        times, t = [], start - dt.timedelta(microseconds=1)
        while (t := self.next_after(t)) <= end:
            times.append(t)
        return times
