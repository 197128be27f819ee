"""bot.security.crypto: sealed values open only for their person, column and untampered bytes."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest

from bot.security.crypto import (
    CIPHERTEXT_PREFIX,
    MasterKey,
    PersonCipher,
    UndecryptableValue,
    current_master_key,
    master_keys,
    new_data_key,
)

KEY = new_data_key()
ALICE = "a" * 64
BOB = "b" * 64


def flip_last_byte(sealed: str) -> str:
    body = sealed[len(CIPHERTEXT_PREFIX) :]
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    raw[-1] ^= 1
    return CIPHERTEXT_PREFIX + base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")


@pytest.mark.parametrize(
    "value", ["Will I need chemo after surgery?", "", "Jane Q. Public, 1961-04-02", "ünïcødé ✓ 🙂", "x" * 10_000]
)
def test_round_trip(value: str) -> None:
    cipher = PersonCipher(ALICE, KEY)
    sealed = cipher.seal("questions", "text", value)
    assert sealed is not None and sealed.startswith(CIPHERTEXT_PREFIX)
    assert value == "" or value not in sealed
    assert cipher.open("questions", "text", sealed) == value


def test_each_value_gets_its_own_nonce() -> None:
    cipher = PersonCipher(ALICE, KEY)
    assert cipher.seal("questions", "text", "same") != cipher.seal("questions", "text", "same")


def test_none_stays_none_and_json_round_trips() -> None:
    cipher = PersonCipher(ALICE, KEY)
    assert cipher.seal("records_requests", "date_of_birth", None) is None
    assert cipher.open("records_requests", "date_of_birth", None) is None
    answers = {"urgency": "weeks", "condition": "lymphoma", "list": [1, "two"]}
    assert cipher.open_json("assessments", "answers", cipher.seal_json("assessments", "answers", answers)) == answers


# Each case: how the stored value is opened wrongly. All must fail, none may return anything.
WRONG_OPENINGS: dict[str, Callable[[str], object]] = {
    "another person's key": lambda sealed: PersonCipher(ALICE, new_data_key()).open("questions", "text", sealed),
    "the right key under another person": lambda sealed: PersonCipher(BOB, KEY).open("questions", "text", sealed),
    "another column": lambda sealed: PersonCipher(ALICE, KEY).open("questions", "source", sealed),
    "another table": lambda sealed: PersonCipher(ALICE, KEY).open("handoff_messages", "text", sealed),
    "a flipped bit": lambda sealed: PersonCipher(ALICE, KEY).open("questions", "text", flip_last_byte(sealed)),
    "cut short": lambda sealed: PersonCipher(ALICE, KEY).open("questions", "text", sealed[:20]),
    "plaintext": lambda sealed: PersonCipher(ALICE, KEY).open("questions", "text", "What stage is it?"),
}


@pytest.mark.parametrize("opening", list(WRONG_OPENINGS.values()), ids=list(WRONG_OPENINGS))
def test_wrong_key_tampering_or_swapped_place_fails(opening: Callable[[str], object]) -> None:
    sealed = PersonCipher(ALICE, KEY).seal("questions", "text", "What stage is it?")
    assert sealed is not None
    with pytest.raises(UndecryptableValue):
        opening(sealed)


def test_master_key_is_derived_from_the_secret_and_has_a_stable_id() -> None:
    one, again, other = (MasterKey.from_secret(s) for s in ("secret-one", "secret-one", "secret-two"))
    assert one.key_id == again.key_id != other.key_id
    assert len(one.key_id) == 16 and "secret" not in one.key_id
    wrapped = one.wrap(KEY, ALICE)
    assert again.unwrap(wrapped, ALICE) == KEY
    with pytest.raises(UndecryptableValue):
        other.unwrap(wrapped, ALICE)
    with pytest.raises(UndecryptableValue):
        one.unwrap(wrapped, BOB)  # a wrapped key moved to another person's row


def test_rotation_reads_old_and_new_master_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVOCATE_MASTER_KEY", "old-master")
    wrapped = current_master_key().wrap(KEY, ALICE)
    old_id = current_master_key().key_id
    monkeypatch.setenv("ADVOCATE_MASTER_KEY", "new-master")
    assert old_id not in master_keys()
    monkeypatch.setenv("ADVOCATE_MASTER_KEY_PREVIOUS", "old-master")
    keys = master_keys()
    assert set(keys) == {old_id, current_master_key().key_id}
    rewrapped = current_master_key().wrap(keys[old_id].unwrap(wrapped, ALICE), ALICE)
    monkeypatch.delenv("ADVOCATE_MASTER_KEY_PREVIOUS")
    assert master_keys()[current_master_key().key_id].unwrap(rewrapped, ALICE) == KEY
