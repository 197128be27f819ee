"""Office hours: reading ADVOCATE_HOURS, open or closed at a moment, and what a person is told."""
from __future__ import annotations

from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.logic.office_hours import OfficeHours, clock, expectation

NEW_YORK = "America/New_York"
WEEKDAYS = "Mon-Fri 09:00-17:00"


def at(local: str, zone: str = NEW_YORK) -> datetime:
    """A moment given in the advocates' local time, as the aware UTC datetime the code receives."""
    return datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


# 2026-11-23 is a Monday; 2026-11-27 a Friday; 2026-11-28 a Saturday.
@pytest.mark.parametrize(
    ("spec", "moment", "is_open"),
    [
        (WEEKDAYS, "2026-11-23 09:00", True),  # opening minute
        (WEEKDAYS, "2026-11-23 08:59", False),
        (WEEKDAYS, "2026-11-23 16:59", True),
        (WEEKDAYS, "2026-11-23 17:00", False),  # closing minute is closed
        (WEEKDAYS, "2026-11-27 12:00", True),
        (WEEKDAYS, "2026-11-28 12:00", False),  # Saturday
        (WEEKDAYS, "2026-11-29 12:00", False),  # Sunday
        ("Mon-Fri 09:00-17:00; Sat 10:00-13:00", "2026-11-28 11:00", True),
        ("Mon-Fri 09:00-17:00; Sat 10:00-13:00", "2026-11-28 13:30", False),
        ("Mon,Wed,Fri 9-12", "2026-11-25 11:59", True),
        ("Mon,Wed,Fri 9-12", "2026-11-24 10:00", False),  # Tuesday
        ("Fri-Mon 20:00-24:00", "2026-11-29 23:59", True),  # wraps over the weekend, to midnight
        ("Fri-Mon 20:00-24:00", "2026-11-25 21:00", False),  # Wednesday
        ("monday-friday 08:30-16:30", "2026-11-23 08:45", True),  # full day names, any case
        ("always", "2026-11-29 03:00", True),
        # Summer time: 9:00 in New York is 13:00 UTC in July and 14:00 UTC in November.
        (WEEKDAYS, "2026-07-06 09:00", True),
        (WEEKDAYS, "2026-07-06 08:59", False),
    ],
)
def test_open_or_closed(spec: str, moment: str, is_open: bool) -> None:
    assert OfficeHours.parse(spec, NEW_YORK).is_open(at(moment)) is is_open


def test_the_hours_are_in_the_configured_time_zone() -> None:
    moment = datetime(2026, 11, 23, 15, 0, tzinfo=timezone.utc)  # 10:00 New York, 07:00 Los Angeles
    assert OfficeHours.parse(WEEKDAYS, NEW_YORK).is_open(moment)
    assert not OfficeHours.parse(WEEKDAYS, "America/Los_Angeles").is_open(moment)


@pytest.mark.parametrize(
    ("spec", "zone", "problem"),
    [
        ("Mon-Fri 9 to 5", NEW_YORK, "cannot read"),
        ("Mon-Fri 17:00-09:00", NEW_YORK, "ends before it starts"),
        ("Mon-Fri 09:00-09:00", NEW_YORK, "ends before it starts"),
        ("Mon-Fry 09:00-17:00", NEW_YORK, "not a day"),
        ("Mon-Fri 09:00-25:00", NEW_YORK, "not a time of day"),
        ("Mon-Fri 09:61-17:00", NEW_YORK, "not a time of day"),
        ("", NEW_YORK, "no days and times"),
        (" ; ", NEW_YORK, "no days and times"),
        (WEEKDAYS, "Mars/Olympus_Mons", "not a time zone"),
        (WEEKDAYS, "", "not a time zone"),
    ],
)
def test_mistakes_in_the_settings_are_explained(spec: str, zone: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        OfficeHours.parse(spec, zone)


@pytest.mark.parametrize(
    ("spec", "description"),
    [
        (WEEKDAYS, "Monday to Friday, 9:00 AM to 5:00 PM (New York time)"),
        (
            "Mon-Fri 08:30-17:30; Sat 10:00-13:00",
            "Monday to Friday, 8:30 AM to 5:30 PM; Saturday, 10:00 AM to 1:00 PM (New York time)",
        ),
        ("Mon,Thu 12:00-24:00", "Monday, Thursday, 12:00 PM to midnight (New York time)"),
        ("always", "around the clock"),
    ],
)
def test_hours_in_words(spec: str, description: str) -> None:
    assert OfficeHours.parse(spec, NEW_YORK).describe() == description


@pytest.mark.parametrize(
    ("moment", "online", "expected", "absent"),
    [
        # Open, someone signed in: a reply within minutes.
        ("2026-11-23 10:00", True, "online now and will usually reply within a few minutes", "leave"),
        # Open, nobody signed in: leave a message, reply before closing.
        ("2026-11-23 10:00", False, "usually before 5:00 PM (New York time)", "online now"),
        # Closed, before opening on a weekday: today.
        ("2026-11-23 07:15", False, "after we open today at 9:00 AM (New York time)", "online now"),
        # Closed after hours: tomorrow.
        ("2026-11-23 18:00", True, "after we open tomorrow at 9:00 AM", "online now"),
        # Friday evening and the weekend: Monday.
        ("2026-11-27 17:00", False, "after we open on Monday at 9:00 AM", "tomorrow"),
        ("2026-11-29 23:30", False, "after we open tomorrow at 9:00 AM", "online now"),
    ],
)
def test_what_the_person_is_told(moment: str, online: bool, expected: str, absent: str) -> None:
    text = expectation(at(moment), OfficeHours.parse(WEEKDAYS, NEW_YORK), online)
    assert expected in text
    assert absent not in text
    if "online now" not in text:
        assert "leave your message here" in text
        assert "911" in text  # waiting for a human is never a reason to wait in an emergency


def test_out_of_hours_names_the_hours() -> None:
    text = expectation(at("2026-11-28 12:00"), OfficeHours.parse(WEEKDAYS, NEW_YORK), advocate_online=True)
    assert "Our advocates work Monday to Friday, 9:00 AM to 5:00 PM (New York time)" in text


def test_around_the_clock_with_nobody_signed_in_promises_soon() -> None:
    text = expectation(at("2026-11-29 03:00"), OfficeHours.parse("always", NEW_YORK), advocate_online=False)
    assert "reply right here, soon" in text


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        OfficeHours.parse(WEEKDAYS, NEW_YORK).is_open(datetime(2026, 11, 23, 10))


@pytest.mark.parametrize(
    ("hour", "minute", "text"), [(0, 0, "midnight"), (9, 0, "9:00 AM"), (12, 0, "12:00 PM"), (17, 30, "5:30 PM")]
)
def test_clock(hour: int, minute: int, text: str) -> None:
    assert clock(time(hour, minute)) == text
