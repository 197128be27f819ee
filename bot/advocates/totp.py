"""The optional second factor: time-based one-time codes (RFC 6238, pyotp), enrolled with the CLI.

``python -m bot.advocates totp-enable EMAIL`` makes a secret, shows it once (and the otpauth://
URI an authenticator app reads), and stores it encrypted: AES-256-GCM (``cryptography``) under a
key derived with HKDF-SHA256 from ``ADVOCATE_MASTER_KEY`` for this one purpose, with the account's
e-mail as associated data (a secret copied onto another account does not decrypt). A database
reader without the master key cannot make codes. Losing the master key means re-enrolling.
"""
from __future__ import annotations

import base64
import os

import pyotp
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MASTER_KEY_VARIABLE = "ADVOCATE_MASTER_KEY"
ISSUER = "Second Opinion Advocate"
_FORMAT = "v1"
_NONCE_BYTES = 12
# Codes of the step before and after count too: phones' clocks drift.
VALID_WINDOW = 1


class TotpKeyMissing(RuntimeError):
    """ADVOCATE_MASTER_KEY is not set, so secrets can be neither stored nor read."""


def _key() -> bytes:
    master = os.environ.get(MASTER_KEY_VARIABLE, "")
    if not master:
        raise TotpKeyMissing(f"{MASTER_KEY_VARIABLE} is not set (make run generates it into var/secrets.env)")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"advocate-totp-secret")
    return hkdf.derive(master.encode())


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def encrypt_secret(secret: str, email: str) -> str:
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(_key()).encrypt(nonce, secret.encode(), email.encode())
    return f"{_FORMAT}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def decrypt_secret(stored: str, email: str) -> str | None:
    """The secret, or None when it cannot be read (other key, other account, damaged)."""
    version, _, payload = stored.partition(":")
    if version != _FORMAT:
        return None
    try:
        raw = base64.urlsafe_b64decode(payload.encode())
        return AESGCM(_key()).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], email.encode()).decode()
    except (InvalidTag, ValueError):
        return None


def code_is_valid(stored: str, email: str, code: str) -> bool:
    secret = decrypt_secret(stored, email)
    code = code.strip().replace(" ", "")
    if secret is None or len(code) != 6 or not code.isdigit():
        return False
    return pyotp.TOTP(secret).verify(code, valid_window=VALID_WINDOW)
