"""An FAQ answer only for a message about its subject (bot.understanding.faq_topics)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.understanding.faq_topics import FAQ_KEYS, is_about

DOMAIN = Path(__file__).resolve().parents[3] / "domain.yml"


def test_every_faq_of_the_domain_has_a_subject() -> None:
    responses = yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["responses"]
    faqs = {name.removeprefix("utter_faq/") for name in responses if name.startswith("utter_faq/")}

    assert faqs == FAQ_KEYS


@pytest.mark.parametrize(
    ("faq", "text"),
    [
        ("faq/records_fees", "the clinic says copies of my chart are $80, can they do that"),
        ("faq/records_time", "it's been five weeks and the hospital still hasn't sent my scans"),
        ("faq/records_rights", "my surgeon's office won't give me my file. are they allowed to refuse?"),
        ("faq/how_long_wait", "is it risky to put off the operation until I hear from another doctor"),
        ("faq/medicare", "im on medicaid does that pay for this"),
        ("faq/doctor_offended", "i feel like im cheating on my oncologist lol"),
        ("faq/how_many_opinions", "is there a limit on opinions? i already saw two doctors"),
        ("faq/remote_opinion", "I can't travel, can someone review my case by video"),
        ("faq/family_help", "my son wants to handle all this for me, is that ok"),
        ("faq/opinions_differ", "the second surgeon said the opposite of the first one"),
        ("faq/insurance_coverage", "how much is this going to cost me out of pocket"),
        ("faq/what_to_bring", "what papers should I have ready for the new doctor"),
        # typed in phone shorthand
        ("faq/records_time", "hw long til the clinic hs 2 send my files"),
        ("faq/what_to_bring", "wat shud i take w me to the appt"),
    ],
)
def test_messages_about_the_subject_get_the_answer(faq: str, text: str) -> None:
    assert is_about(faq, text)


@pytest.mark.parametrize(
    ("faq", "text"),
    [
        ("faq/records_time", "how long should i keep taking the antibiotics"),
        ("faq/how_many_opinions", "does alzheimer's skip a generation"),
        ("faq/records_fees", "is it expensive to freeze your eggs"),
        ("faq/how_long_wait", "how long does a sprained ankle take to heal"),
        ("faq/what_is_second_opinion", "what is sleep apnea"),
        ("faq/medicare", "what does a high white blood cell count mean"),
    ],
)
def test_messages_about_something_else_do_not(faq: str, text: str) -> None:
    assert not is_about(faq, text)


def test_an_unknown_faq_is_never_silenced() -> None:
    assert is_about("faq/a_new_one", "anything at all")
