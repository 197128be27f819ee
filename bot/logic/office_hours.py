"""When human advocates work, and what a person handed over to them is told about the wait.

Pure logic (no database, no environment): :mod:`bot.advocates.availability` feeds it the configured
hours and whether an advocate is signed in. The hours are written the way an operator would say
them, e.g. ``ADVOCATE_HOURS="Mon-Fri 09:00-17:00; Sat 10:00-13:00"`` in ``ADVOCATE_TIMEZONE``, and
``always`` means someone is on duty around the clock.

A person who asks for a human must never be left guessing: the reply says whether someone is here
now, and if not, when one will be, in the advocates' own time zone named in words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY_INDEX = {name[:3].lower(): index for index, name in enumerate(DAY_NAMES)}
ALWAYS = "always"
# "Mon-Fri 09:00-17:00", "Sat,Sun 10:00-14:00", "Tue 9:30-12"
_SEGMENT = re.compile(r"^(?P<days>[A-Za-z,\-\s]+?)\s+(?P<start>\d{1,2}(?::\d{2})?)\s*-\s*(?P<end>\d{1,2}(?::\d{2})?)$")
END_OF_DAY = time.max

EMERGENCY_NOTE = "If it becomes an emergency, call 911."


@dataclass(frozen=True)
class Window:
    """Advocates are on duty on ``day`` (0 = Monday) from ``start`` until just before ``end``."""

    day: int
    start: time
    end: time


def _parse_time(raw: str, spec: str) -> time:
    hours, _, minutes = raw.partition(":")
    hour, minute = int(hours), int(minutes or 0)
    if hour == 24 and minute == 0:
        return END_OF_DAY
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ValueError(f"office hours {spec!r}: {raw!r} is not a time of day (use HH:MM, 00:00 to 24:00)")
    return time(hour, minute)


def _parse_day(raw: str, spec: str) -> int:
    key = raw.strip().lower()[:3]
    if key not in _DAY_INDEX or not DAY_NAMES[_DAY_INDEX[key]].lower().startswith(raw.strip().lower()):
        raise ValueError(f"office hours {spec!r}: {raw.strip()!r} is not a day (use Mon, Tue, ... Sun)")
    return _DAY_INDEX[key]


def _parse_days(raw: str, spec: str) -> list[int]:
    days: list[int] = []
    for part in raw.split(","):
        first, dash, last = part.partition("-")
        if not dash:
            days.append(_parse_day(first, spec))
            continue
        start, end = _parse_day(first, spec), _parse_day(last, spec)
        # "Fri-Mon" wraps over the weekend.
        days.extend((start + offset) % 7 for offset in range((end - start) % 7 + 1))
    return days


@dataclass(frozen=True)
class OfficeHours:
    """The weekly on-duty windows in one time zone; ``windows`` empty with ``always`` = around the clock."""

    windows: tuple[Window, ...]
    zone: ZoneInfo
    always: bool = False

    @classmethod
    def parse(cls, spec: str, timezone_name: str) -> OfficeHours:
        """Read ``ADVOCATE_HOURS`` / ``ADVOCATE_TIMEZONE``; a mistake raises ValueError saying what is wrong.

        Segments are separated by ``;``. An overnight shift is written as two segments
        ("Mon-Fri 20:00-24:00; Tue-Sat 00:00-06:00"), so every window starts and ends on one day.
        """
        try:
            zone = ZoneInfo(timezone_name.strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"ADVOCATE_TIMEZONE {timezone_name!r} is not a time zone name (e.g. America/New_York)"
            ) from None
        if spec.strip().lower() == ALWAYS:
            return cls((), zone, always=True)
        windows: list[Window] = []
        for segment in filter(None, (part.strip() for part in spec.split(";"))):
            match = _SEGMENT.match(segment)
            if not match:
                raise ValueError(
                    f"office hours {spec!r}: cannot read {segment!r}; write e.g. 'Mon-Fri 09:00-17:00; Sat 10:00-13:00'"
                )
            start, end = _parse_time(match["start"], spec), _parse_time(match["end"], spec)
            if end <= start:
                raise ValueError(
                    f"office hours {spec!r}: {segment!r} ends before it starts; split an overnight shift in two"
                )
            windows.extend(Window(day, start, end) for day in _parse_days(match["days"], spec))
        if not windows:
            raise ValueError(f"office hours {spec!r}: no days and times given (or write '{ALWAYS}')")
        return cls(tuple(sorted(set(windows), key=lambda w: (w.day, w.start))), zone)

    def local(self, now: datetime) -> datetime:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        return now.astimezone(self.zone)

    def is_open(self, now: datetime) -> bool:
        if self.always:
            return True
        local = self.local(now)
        moment = local.time().replace(tzinfo=None)
        return any(w.day == local.weekday() and w.start <= moment < w.end for w in self.windows)

    def closing_time(self, now: datetime) -> datetime | None:
        """When the window open at ``now`` ends (local), or None if closed now or always open."""
        if self.always:
            return None
        local = self.local(now)
        moment = local.time().replace(tzinfo=None)
        for w in self.windows:
            if w.day == local.weekday() and w.start <= moment < w.end:
                return _at(local, w.end)
        return None

    def next_opening(self, now: datetime) -> datetime | None:
        """The next start of a window strictly after ``now`` (local); None when always open."""
        if self.always:
            return None
        local = self.local(now)
        for offset in range(8):
            day = local + timedelta(days=offset)
            for w in self.windows:
                if w.day == day.weekday():
                    start = _at(day, w.start)
                    if start > local:
                        return start
        return None  # unreachable with at least one window

    def zone_label(self) -> str:
        """"New York time" for America/New_York: a place people recognise, not an abbreviation."""
        key = getattr(self.zone, "key", None) or str(self.zone)
        return f"{key.rsplit('/', 1)[-1].replace('_', ' ')} time"

    def describe(self) -> str:
        """The hours in words, e.g. "Monday to Friday, 9:00 AM to 5:00 PM (New York time)"."""
        if self.always:
            return "around the clock"
        by_hours: dict[tuple[time, time], list[int]] = {}
        for w in self.windows:
            by_hours.setdefault((w.start, w.end), []).append(w.day)
        parts = [
            f"{_days_in_words(days)}, {clock(start)} to {clock(end)}" for (start, end), days in by_hours.items()
        ]
        return f"{'; '.join(parts)} ({self.zone_label()})"


def _at(day: datetime, moment: time) -> datetime:
    """``day``'s date at ``moment`` in its zone; the end-of-day marker means midnight after it."""
    if moment == END_OF_DAY:
        return datetime.combine((day + timedelta(days=1)).date(), time(0), tzinfo=day.tzinfo)
    return datetime.combine(day.date(), moment, tzinfo=day.tzinfo)


def _days_in_words(days: list[int]) -> str:
    days = sorted(set(days))
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return f"{DAY_NAMES[days[0]]} to {DAY_NAMES[days[-1]]}"
    return ", ".join(DAY_NAMES[d] for d in days)


def clock(moment: time) -> str:
    """12-hour clock as people in the US read it: "9:00 AM", "5:30 PM", "midnight"."""
    if moment == END_OF_DAY or moment == time(0):
        return "midnight"
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def when_in_words(moment: datetime, now: datetime) -> str:
    """"today at 9:00 AM", "tomorrow at 9:00 AM", "on Monday at 9:00 AM" (in ``moment``'s zone)."""
    days_ahead = (moment.date() - now.astimezone(moment.tzinfo).date()).days
    at = clock(moment.time())
    if days_ahead == 0:
        return f"today at {at}"
    if days_ahead == 1:
        return f"tomorrow at {at}"
    return f"on {DAY_NAMES[moment.weekday()]} at {at}"


def expectation(now: datetime, hours: OfficeHours, advocate_online: bool) -> str:
    """What the person is told when handed over: is someone here, and if not, when will they be.

    Three cases: open with an advocate signed in; open but nobody signed in (the next advocate to
    sign in replies, usually before today's closing time); closed (they reply after the next
    opening). In the last two the person is told plainly to leave a message: the bot stays quiet and
    keeps it for the advocate, and the handoff waits in the queue.
    """
    if hours.is_open(now) and advocate_online:
        return "An advocate is online now and will usually reply within a few minutes."
    if hours.is_open(now):
        closing = hours.closing_time(now)
        when = f"usually before {clock(closing.time())} ({hours.zone_label()})" if closing else "soon"
        return (
            "No advocate is signed in at this moment. Please leave your message here: the next advocate "
            f"to sign in will see it and reply right here, {when}. {EMERGENCY_NOTE}"
        )
    opening = hours.next_opening(now)
    when = when_in_words(opening, now) if opening else "as soon as possible"
    return (
        f"Our advocates work {hours.describe()}, so no one is here right now. Please leave your message "
        f"here: an advocate will read it and reply right here after we open {when} ({hours.zone_label()}). "
        f"{EMERGENCY_NOTE}"
    )
