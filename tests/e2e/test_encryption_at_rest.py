"""Encryption at rest over the real stack: what a conversation saves is not readable in any file the
stack writes its data to, and "delete my data" destroys the person's key.

A person texts a question with a unique marker over (signed) SMS; another writes a records letter
with a name and a date of birth on the REST channel and prints their list (a share token in the
bot's own message). None of those strings, nor the phone number, may appear in the database files
(``advocate.db``, ``-wal``, ``-shm``), the key store (``keys.db``) or anything in ``var/``.
"""

from __future__ import annotations

import os
import re
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot import launcher
from bot.security import keystore
from bot.security.crypto import UndecryptableValue
from bot.security.hashing import keyed_hash
from tests.e2e.harness import Stack
from tests.e2e.test_journeys import click, text_of
from tests.e2e.test_sms import new_number, text_and_wait

LINK = re.compile(r"/my-questions/([A-Za-z0-9_-]+)")
# A name the NLU takes as an answer (an unusual one can be classified `not_sure`, which skips the field).
NAME = "Jane Doe"
BIRTH_DATE = "November 23, 1958"


def workdir(stack: Stack) -> Path:
    return stack.log_path.parent


@pytest.fixture
def stack_secrets(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """This process hashes and unwraps with the stack's own (freshly generated) keys."""
    secrets = launcher.read_env_file(workdir(stack) / "var" / "secrets.env")
    for name in ("ADVOCATE_HASH_KEY", "ADVOCATE_MASTER_KEY"):
        monkeypatch.setenv(name, secrets[name])
    yield secrets
    keystore.dispose_engines()


def data_files(stack: Stack) -> list[Path]:
    """The database, its side files, the key store, and everything in var/."""
    folder = workdir(stack)
    files = [path for path in folder.iterdir() if path.is_file() and path.name.startswith(("advocate.db", "keys.db"))]
    return files + [path for path in (folder / "var").rglob("*") if path.is_file()]


def person_of(stack: Stack, sender_ids: list[str]) -> str:
    """The keyed hash the rows carry, for whichever spelling the channel gives the sender id."""
    engine = create_engine(stack.database_url)
    try:
        with engine.connect() as connection:
            for sender_id in sender_ids:
                person = keyed_hash(sender_id, "sender")
                query = text("SELECT count(*) FROM questions WHERE sender_id = :p")
                if connection.execute(query, {"p": person}).scalar_one():
                    return person
    finally:
        engine.dispose()
    raise AssertionError("no questions stored under any of the sender's ids")


def stored_question(stack: Stack, person: str) -> str:
    engine = create_engine(stack.database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT text FROM questions WHERE sender_id = :p ORDER BY id LIMIT 1"), {"p": person}
            ).scalar_one()
    finally:
        engine.dispose()


@pytest.mark.usefixtures("stack_secrets")
def test_nothing_a_conversation_saves_is_readable_at_rest_and_erase_destroys_the_key(stack: Stack) -> None:
    marker = f"quokka{uuid.uuid4().hex[:8]}"
    number = new_number()
    text_and_wait(stack, number, "hi")
    text_and_wait(stack, number, f"Please save this question: is {marker} treatable?")

    sender = f"e2e-at-rest-{uuid.uuid4().hex[:8]}"
    for answer in (
        "I need to request my medical records",
        "Mercy General Hospital",
        "All of them",
        "All dates",
        "Electronic copy",
        "email them to me at pq.hartwig@example.com",
        NAME,
        BIRTH_DATE,
    ):
        replies = stack.say(sender, answer)
    assert "164.524" in text_of(replies)
    stack.say(sender, f"save this question: what does {marker} mean for me?")
    token_match = LINK.search(text_of(stack.say(sender, "print my list")))
    assert token_match, "the bot sends a link to the printable list"
    token = token_match.group(1)
    [letter] = stack.api("GET", f"/api/conversations/{sender}/records-requests").json()
    assert (letter["patient_name"], letter["date_of_birth"]) == (NAME, BIRTH_DATE), letter  # stored, reads back

    files = data_files(stack)
    assert {"advocate.db", "keys.db"} <= {path.name for path in files}
    for path in files:
        content = path.read_bytes()
        for secret in (marker, NAME, BIRTH_DATE, "pq.hartwig@example.com", number, number.lstrip("+"), token):
            assert secret.encode() not in content, f"{secret!r} in plaintext in {path.name}"
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, f"{path.name} is readable by others"
    assert stat.S_IMODE((workdir(stack) / "var").stat().st_mode) == 0o700

    # "Delete my data": the key goes, and with it every copy of the old ciphertext.
    person = person_of(stack, [sender, f"rest:{sender}"])
    old_question = stored_question(stack, person)
    cipher = keystore.find(stack.database_url, person)
    wrapped = keystore.wrapped_key(stack.database_url, person)
    assert cipher is not None and wrapped is not None
    assert marker in (cipher.open("questions", "text", old_question) or "")

    replies = click(stack, sender, stack.say(sender, "delete my data"), "yes, delete")
    assert "deleted" in text_of(replies).lower()

    assert keystore.wrapped_key(stack.database_url, person) != wrapped
    for path in data_files(stack):
        assert wrapped not in path.read_bytes(), f"the destroyed key is still in {path.name}"
    now = keystore.find(stack.database_url, person)  # none, or a fresh one for what came after
    if now is not None:
        with pytest.raises(UndecryptableValue):
            now.open("questions", "text", old_question)
    assert stack.api("GET", f"/api/conversations/{sender}/questions").json() == []
    assert os.path.exists(workdir(stack) / "keys.db")
