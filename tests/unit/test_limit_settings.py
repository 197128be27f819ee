"""The abuse limits' settings and the phone-number countries they are checked against."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.logic.phone_countries import country_of, is_allowed
from bot.security.limits import LimitSettings, handoff_quota, text_quotas


@pytest.mark.parametrize(
    ("number", "country"),
    [
        ("+14155550123", "US"), ("+12125550123", "US"), ("+17875550123", "US"),  # Puerto Rico counts as US
        ("+14165550123", "CA"), ("+16045550123", "CA"), ("+15145550123", "CA"),
        ("+18765550123", "JM"), ("+18095550123", "DO"), ("+12425550123", "BS"),  # +1 but not US/Canada
        ("+447700900123", "GB"), ("+33612345678", "FR"), ("+353871234567", "IE"), ("+525512345678", "MX"),
        ("+99912345678", None), ("+1415555012", None), ("14155550123", None), ("+1415555012x", None),
    ],
)  # fmt: skip
def test_country_of_a_number(number: str, country: str | None) -> None:
    assert country_of(number) == country


def test_unknown_places_are_never_allowed() -> None:
    assert is_allowed("+14155550123", frozenset({"US"}))
    assert not is_allowed("+14165550123", frozenset({"US"}))
    assert not is_allowed("+99912345678", frozenset({"US", "CA"}))


def test_defaults() -> None:
    settings = LimitSettings.from_env({})
    assert settings == LimitSettings(3, 200, 3, frozenset({"US", "CA"}), 3)
    assert settings.country_names() == "the United States and Canada"


def test_settings_are_read_and_checked() -> None:
    settings = LimitSettings.from_env(
        {"SMS_DAILY_LIMIT_PER_NUMBER": "5", "SMS_DAILY_LIMIT_TOTAL": "0", "SMS_ALLOWED_COUNTRIES": " mx,US ,gb",
         "HANDOFF_HOURLY_LIMIT_PER_PERSON": "1"}
    )  # fmt: skip
    assert settings.texts_per_number_per_day == 5 and settings.texts_per_day == 0
    assert settings.handoffs_per_person_per_hour == 1
    assert settings.country_names() == "the United States, Mexico and the United Kingdom"
    with pytest.raises(ValueError, match="SMS_DAILY_LIMIT_TOTAL must be a whole number"):
        LimitSettings.from_env({"SMS_DAILY_LIMIT_TOTAL": "-1"})
    with pytest.raises(ValueError, match="no phone numbering known for XX"):
        LimitSettings.from_env({"SMS_ALLOWED_COUNTRIES": "US,XX"})


def test_quotas_are_per_utc_day_and_hour() -> None:
    settings = LimitSettings.from_env({})
    late = datetime(2026, 12, 3, 23, 59, tzinfo=timezone.utc)
    number, total = text_quotas("+14155550123", settings, late)
    assert number.period == total.period == "2026-12-03"
    assert number.expires_at == datetime(2026, 12, 4, tzinfo=timezone.utc) and total.subject == "all"
    assert text_quotas("+14155550123", settings, datetime(2026, 12, 4, 0, 1, tzinfo=timezone.utc))[0].period == (
        "2026-12-04"
    )
    handoff = handoff_quota("person-1", settings, late)
    assert handoff.period == "2026-12-03T23" and handoff.limit == 3
    assert handoff.expires_at == datetime(2026, 12, 4, tzinfo=timezone.utc)
