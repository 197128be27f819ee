"""The request at the end of a long story (bot.understanding.requests)."""

from __future__ import annotations

import pytest

from bot.understanding.requests import (
    asks_about_a_records_request,
    asks_for_records,
    asks_whether_to_get_a_second_opinion,
    tells_own_case,
)


@pytest.mark.parametrize(
    "text",
    [
        "They found a mass on my kidney and the urologist wants to take the whole kidney out. "
        "Should I get another opinion?",
        "my wife's oncologist is recommending a stem cell transplant. "
        "do we need a second opinion for something this big",
        "Is a second opinion overkill for a hernia repair? My surgeon seems very sure.",
        "can you help us decide whether my dad should see someone else before the operation",
        "dx'd w/ thyroid ca, surgeon says total thyroidectomy. thinking about a 2nd opinion",
    ],
)
def test_asking_whether_to_get_one(text: str) -> None:
    assert asks_whether_to_get_a_second_opinion(text)


@pytest.mark.parametrize(
    "text",
    [
        "what is a second opinion exactly",
        "my doctor got upset when I mentioned a second opinion",
        "how do I get copies of my scans",
    ],
)
def test_other_messages_do_not_ask_whether(text: str) -> None:
    assert not asks_whether_to_get_a_second_opinion(text)


def test_own_case_needs_a_person_and_what_the_doctors_said() -> None:
    assert tells_own_case("My brother was diagnosed with leukemia and they want to start chemo Monday")
    assert not tells_own_case("how often do second opinions change anything")


@pytest.mark.parametrize(
    ("text", "records", "status"),
    [
        ("Please get my pathology slides and the report from St. Luke's sent to the new oncologist", True, False),
        ("I need copies of my MRI films from Valley Imaging, Dr. Osei ordered them in May", True, False),
        ("can you write the letter asking Riverside Clinic for my chart", True, False),
        ("I requested my records from Mercy four weeks ago and still nothing has come", False, True),
        ("put in a request for my scans on the 3rd, where does it stand?", False, True),
        ("what does my pathology report mean", False, False),
        ("following up on my request for the cath report, the office says it is being processed", False, True),
        ("the request we sent through you to Summit Ortho for my x-rays - has anything changed?", False, True),
    ],
)
def test_records_requests_and_their_status(text: str, records: bool, status: bool) -> None:
    assert asks_for_records(text) is records
    assert asks_about_a_records_request(text) is status
