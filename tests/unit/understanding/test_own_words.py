"""A condition or treatment kept in the person's own words, and a relation without "my"."""

from __future__ import annotations

import pytest

from bot.understanding.own_words import own_words, without_my


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("I think it's called Erdheim-Chester", "Erdheim-Chester"),
        ("they said something called castleman disease i think", "castleman disease"),
        ("yeah, my dad has a kind of vasculitis", "vasculitis"),
        ("yup it's fibrous dysplasia", "fibrous dysplasia"),
        ("um the doctors said POEMS syndrome maybe", "POEMS syndrome"),
        ("  kikuchi  disease.  ", "kikuchi disease"),
        ("it's called", ""),
        ("word " * 30, ("word " * 16).strip()),
    ],
)
def test_own_words(text: str, words: str) -> None:
    assert own_words(text) == words


@pytest.mark.parametrize(
    ("relation", "word"),
    [("my dad", "dad"), ("your mom", "mom"), ("mother-in-law", "mother-in-law"), ("myself", "myself"), ("my", "my")],
)
def test_without_my(relation: str, word: str) -> None:
    assert without_my(relation) == word
