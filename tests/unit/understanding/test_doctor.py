"""Asking for the words to ask the doctor for another opinion, read from free text."""

from __future__ import annotations

import pytest

from bot.understanding import doctor


@pytest.mark.parametrize(
    "text",
    [
        "how do i bring up a second opinion with my oncologist",
        "what should i say to my surgeon about seeing someone else",
        "help me ask my gp for a referral",
        "how can my dad tell his cardiologist he wants another opinion",
        "is there a nice way to ask for a 2nd opinion",  # "way to ask"
    ],
)
def test_asking_for_the_words_to_use(text: str) -> None:
    assert doctor.asks_for_words(text)


@pytest.mark.parametrize(
    "text",
    [
        "how do i ask my doctor for my records before the second opinion",  # the records journey
        "what should i say to my doctor about my side effects",  # not about another opinion
        "will my doctor be offended if i get a second opinion",  # the worry, an FAQ
        "what questions to ask at the second opinion",  # suggestions
        "how do i tell my insurance i want another doctor",
    ],
)
def test_other_requests_are_not_asking_for_words(text: str) -> None:
    assert not doctor.asks_for_words(text)
