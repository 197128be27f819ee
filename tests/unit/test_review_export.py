"""``make export-review`` (bot.advocates.review_export): labelled messages into a private file for review.

A real SQLite database; the file is parsed back with Rasa's own NLU reader, as it would be if a
reviewer copied it into data/nlu.
"""

from __future__ import annotations

import stat
from datetime import datetime, timezone
from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from bot.advocates import review_export
from bot.persistence import audit as audit_trail
from bot.persistence import repository, staff

READINGS = [("nlu_fallback", 0.7), ("faq", 0.44), ("request_records", 0.41)]
NOW = datetime(2026, 12, 3, 12, 30, tzinfo=timezone.utc)


@pytest.fixture
def advocate_id(database: str) -> int:
    return staff.create_advocate("maria@example.org", "Maria", "not-a-real-password-hash")["id"]


def labelled(sender: str, text: str, label: str | None, advocate_id: int) -> int:
    repository.record_unclear_message(sender, text, "fallback", READINGS)
    newest = repository.list_unclear_messages(limit=1)[0]["id"]
    assert repository.label_unclear_message(newest, label, advocate_id) is not None
    return newest


def test_the_export_groups_by_intent_behind_a_review_header(tmp_path: Path, advocate_id: int) -> None:
    labelled("web:a", "i need the papers from the clinic, I'm Jane Roe", "request_records", advocate_id)
    labelled("sms:+14155550199", "what do i take to the appt", "faq/what_to_bring", advocate_id)
    labelled("web:b", "records from dr lee pls", "request_records", advocate_id)
    labelled("web:c", "asdfgh", None, advocate_id)  # not for training
    repository.record_unclear_message("web:d", "still unlabelled", "fallback", READINGS)

    path = review_export.export(tmp_path / "review", now=NOW)

    assert path is not None and path.parent == tmp_path / "review"
    content = path.read_text(encoding="utf-8")
    assert content.startswith("# CANDIDATES FOR REVIEW, NOT TRAINING DATA.")
    assert "before any of\n# it enters data/nlu" in content and "3 message(s)" in content
    data = RasaYAMLReader().reads(content)
    examples = sorted((m.get("intent"), m.get("text")) for m in data.intent_examples)
    assert examples == [
        ("faq", "what do i take to the appt"),
        ("request_records", "i need the papers from the clinic, I'm <name>"),
        ("request_records", "records from dr <name> pls"),
    ]
    assert "- intent: faq/what_to_bring" in content
    assert "asdfgh" not in content and "still unlabelled" not in content and "Jane" not in content
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    [entry] = [e for e in audit_trail.list_audit() if e["action"] == "export_review"]
    assert entry["detail"] == {"messages": 3, "file": path.name}


def test_the_next_export_has_only_new_labels(tmp_path: Path, advocate_id: int) -> None:
    folder = tmp_path / "review"
    labelled("web:a", "i need the papers from the clinic", "request_records", advocate_id)
    first = review_export.export(folder, now=NOW)

    assert review_export.export(folder, now=NOW.replace(minute=31)) is None
    assert list(folder.iterdir()) == [first]

    labelled("web:b", "can i get my scans on a cd", "request_records", advocate_id)
    second = review_export.export(folder, now=NOW.replace(minute=32))
    assert second is not None and second != first
    assert "scans on a cd" in second.read_text() and "papers" not in second.read_text()
    assert [row["exported_at"] is not None for row in repository.list_unclear_messages(labelled=True)] == [True, True]


def test_it_never_writes_into_the_training_data(advocate_id: int) -> None:
    labelled("web:a", "i need the papers from the clinic", "request_records", advocate_id)
    with pytest.raises(review_export.ExportRefused):
        review_export.export(review_export.TRAINING_DIR / "review")
    assert repository.unclear_messages_for_export() != []  # nothing marked exported


def test_the_command_says_when_there_is_nothing_new(
    tmp_path: Path, database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "review"
    assert review_export.main(["--out", str(folder)]) == 0
    assert "nothing written" in capsys.readouterr().out
    assert not folder.exists()
