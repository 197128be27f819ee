"""Phone shorthand spelled out before the facts reader's phrases look at a message."""

from __future__ import annotations

import pytest

from bot.understanding.shorthand import spell_out, straighten


@pytest.mark.parametrize(
    ("text", "spelled"),
    [
        ("dx'd w/ breast cancer, surgery nxt wk", "diagnosed with breast cancer, surgery next week"),
        ("my dads surg is in 2 wks", "my dads surgery is in 2 weeks"),
        ("Drs r not sure", "doctors are not sure"),
        ("tx starts 2moro", "treatment starts tomorrow"),
        ("its in 3mos", "its in 3 months"),
        ("they dont know", "they don't know"),
        ("hw long wil it tk", "how long wil it take"),
        ("wat shud i ask abt the scan", "what should i ask about the scan"),
        ("wen cn i start", "when can i start"),
    ],
)
def test_spell_out(text: str, spelled: str) -> None:
    assert spell_out(text) == spelled


def test_straighten() -> None:
    assert straighten("  don\u2019t   know \u2018it\u2019 ") == "don't know 'it'"
