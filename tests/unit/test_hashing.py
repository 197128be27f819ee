"""Keyed hashes stand in for ids and numbers: stable, purpose-bound, and useless without the key."""

from __future__ import annotations

import hashlib

import pytest

from bot.security import hashing


def test_the_same_value_and_purpose_give_the_same_hash() -> None:
    assert hashing.keyed_hash("sms:+14155550123", "sender") == hashing.keyed_hash("sms:+14155550123", "sender")


def test_purposes_and_keys_give_unrelated_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    sender = hashing.keyed_hash("+14155550123", "sender")
    assert hashing.keyed_hash("+14155550123", "sms_destination") != sender
    assert sender != hashlib.sha256(b"+14155550123").hexdigest()  # not recomputable without the key
    monkeypatch.setenv(hashing.HASH_KEY_VARIABLE, "another key")
    assert hashing.keyed_hash("+14155550123", "sender") != sender


def test_a_missing_key_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(hashing.HASH_KEY_VARIABLE)
    with pytest.raises(hashing.MissingHashKey, match="make run"):
        hashing.keyed_hash("x", "sender")
