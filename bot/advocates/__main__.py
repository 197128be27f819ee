"""Manage staff access: advocate accounts, API keys, the second factor, and the audit log.

    python -m bot.advocates add maria@example.org --name "Maria Lopez"     # asks for the password
    printf '%s\\n' "$PASSWORD" | python -m bot.advocates add a@b.org --name A --password-stdin
    python -m bot.advocates list
    python -m bot.advocates disable maria@example.org                     # also signs her out
    python -m bot.advocates totp-enable maria@example.org                 # shows the secret once
    python -m bot.advocates api-key "Maria Lopez"                         # shows the key once
    python -m bot.advocates api-keys                                      # list them
    python -m bot.advocates api-key-revoke 3
    python -m bot.advocates audit-verify                                  # exit 1 names the broken entry

It works on the database in DATABASE_URL (default: var/advocate.db), migrating it first, so it
can be run before the first `make run`. The keys that the audit log's hashes and the TOTP secrets
need (ADVOCATE_HASH_KEY, ADVOCATE_MASTER_KEY) come from the environment or, when unset there,
from var/secrets.env (which `make run` generates).
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from bot.advocates import api_keys, totp
from bot.advocates.passwords import MIN_LENGTH, WeakPassword, hash_password
from bot.persistence import audit as audit_trail
from bot.persistence import staff
from bot.security.hashing import MissingHashKey
from bot.settings import VAR_DIR

# The audit log's entries name who did what; changes made here are made by whoever runs the CLI.
CLI_ACTOR = "operator (command line)"
NEEDED_SECRETS = ("ADVOCATE_HASH_KEY", "ADVOCATE_MASTER_KEY")


class CommandError(Exception):
    """Printed as ``error: ...`` with exit status 1."""


def read_password(from_stdin: bool, stdin: TextIO | None = None) -> str:
    """From the first line of stdin (scripts), or typed twice at a hidden prompt (people)."""
    stdin = stdin or sys.stdin
    if from_stdin:
        password = stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("no password on standard input")
        return password
    if not stdin.isatty():
        raise CommandError("standard input is not a terminal: pass the password with --password-stdin")
    password = getpass.getpass(f"Password (at least {MIN_LENGTH} characters): ")
    if getpass.getpass("Same password again: ") != password:
        raise CommandError("the two passwords differ")
    return password


def _hash(password: str) -> str:
    try:
        return hash_password(password)
    except WeakPassword as exc:
        raise CommandError(str(exc)) from None


def add(email: str, name: str, password_stdin: bool) -> str:
    if "@" not in email or not email.strip():
        raise CommandError(f"{email!r} is not an e-mail address")
    if not name.strip():
        raise CommandError("--name must not be empty")
    if staff.advocate_credentials(email) is not None:
        raise CommandError(f"{staff.normalize_email(email)} already has an account (use set-password or enable)")
    try:
        advocate = staff.create_advocate(email, name, _hash(read_password(password_stdin)))
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    return f"Added advocate {advocate['email']} ({advocate['name']}). They sign in at /advocate."


def _listing(rows: list[dict[str, Any]], empty: str, header: str, line: Callable[[dict[str, Any]], str]) -> str:
    """A fixed-width listing for the terminal, or what to do when there is nothing to list."""
    return "\n".join([header, *map(line, rows)]) if rows else empty


def _advocate_line(a: dict[str, Any]) -> str:
    return f"{a['email']:<40} {a['name']:<30} {'active' if a['active'] else 'disabled'}"


_NO_ADVOCATES = "No advocates yet: add one with `python -m bot.advocates add EMAIL --name NAME`."
_ADVOCATES_HEADER = f"{'e-mail':<40} {'name':<30} status"


def list_all() -> str:
    return _listing(staff.list_advocates(), _NO_ADVOCATES, _ADVOCATES_HEADER, _advocate_line)


def set_active(email: str, active: bool) -> str:
    advocate = staff.set_advocate_active(email, active)
    if advocate is None:
        raise CommandError(f"no advocate with e-mail {staff.normalize_email(email)}")
    return f"{advocate['email']} is {'enabled' if active else 'disabled and signed out'}."


def set_password(email: str, password_stdin: bool) -> str:
    if staff.advocate_credentials(email) is None:
        raise CommandError(f"no advocate with e-mail {staff.normalize_email(email)}")
    staff.set_advocate_password(email, _hash(read_password(password_stdin)))
    return f"New password set for {staff.normalize_email(email)}; their open sessions were ended."


def load_needed_secrets() -> None:
    """Fill the keys this CLI needs from var/secrets.env when the environment lacks them (never generates)."""
    from bot.launcher import read_env_file

    values = read_env_file(Path(VAR_DIR) / "secrets.env")
    for name in NEEDED_SECRETS:
        if not os.environ.get(name) and values.get(name):
            os.environ[name] = values[name]


def _audit(action: str, **detail: str | int) -> None:
    audit_trail.write_audit(CLI_ACTOR, action, detail=detail)


def totp_enable(email: str) -> str:
    account = staff.advocate_credentials(email)
    if account is None:
        raise CommandError(f"no advocate with e-mail {staff.normalize_email(email)}")
    secret = totp.new_secret()
    staff.set_advocate_totp(account["email"], totp.encrypt_secret(secret, account["email"]))
    _audit("totp_enabled", advocate_id=account["id"])
    return (
        f"Second factor on for {account['email']}; their open sessions were ended.\n"
        "Add this to their authenticator app now (shown only this once):\n"
        f"  secret: {secret}\n  URI:    {totp.provisioning_uri(secret, account['email'])}"
    )


def totp_disable(email: str) -> str:
    account = staff.set_advocate_totp(email, None)
    if account is None:
        raise CommandError(f"no advocate with e-mail {staff.normalize_email(email)}")
    _audit("totp_disabled", advocate_id=account["id"])
    return f"Second factor off for {account['email']}: they sign in with their password alone."


def api_key_create(name: str) -> str:
    try:
        key, row = api_keys.create(name)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    _audit("api_key_created", api_key_id=row["id"])
    return (
        f"API key #{row['id']} for {row['name']} (shown only this once; only its hash is kept):\n{key}\n"
        "Use it as 'Authorization: Bearer <key>'. Revoke it with "
        f"`make api-key-revoke ID={row['id']}`."
    )


def _api_key_line(k: dict[str, Any]) -> str:
    status = "active" if k["active"] else f"revoked {k['revoked_at']}"
    return f"{k['id']:>4}  {k['name']:<30} {k['prefix']:<12} {k['last_used_at'] or 'never':<26} {status}"


_NO_API_KEYS = 'No API keys yet: make one with `make api-key NAME="..."`.'
_API_KEYS_HEADER = f"{'id':>4}  {'name':<30} {'starts with':<12} {'last used':<26} status"


def api_key_list() -> str:
    return _listing(staff.list_api_keys(), _NO_API_KEYS, _API_KEYS_HEADER, _api_key_line)


def api_key_revoke(key_id: int) -> str:
    row = staff.revoke_api_key(key_id)
    if row is None:
        raise CommandError(f"there is no API key #{key_id} (see `python -m bot.advocates api-keys`)")
    _audit("api_key_revoked", api_key_id=key_id)
    return f"API key #{key_id} ({row['name']}) is revoked: it gets 401 from now on."


def audit_verify() -> str:
    check = audit_trail.verify_chain()
    if check.broken_id is not None:
        raise CommandError(f"the audit log is broken at entry #{check.broken_id}: {check.reason}")
    if not check.ok:
        raise CommandError(f"the audit log is broken: {check.reason}")
    return f"The audit log verifies: {check.entries} entries, each chained to the one before."


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m bot.advocates", description="Manage advocate console accounts.")
    commands = root.add_subparsers(dest="command", required=True)
    add_cmd = commands.add_parser("add", help="create an account")
    add_cmd.add_argument("email")
    add_cmd.add_argument("--name", required=True, help="shown to colleagues and in the transcript")
    add_cmd.add_argument("--password-stdin", action="store_true", help="read the password from stdin's first line")
    commands.add_parser("list", help="list accounts")
    for name, text in (("disable", "disable an account and end its sessions"), ("enable", "enable it again")):
        commands.add_parser(name, help=text).add_argument("email")
    password_cmd = commands.add_parser("set-password", help="set a new password (ends the account's sessions)")
    password_cmd.add_argument("email")
    password_cmd.add_argument("--password-stdin", action="store_true")
    for name, text in (("totp-enable", "turn on the second factor (shows its secret once)"),
                       ("totp-disable", "turn the second factor off")):  # fmt: skip
        commands.add_parser(name, help=text).add_argument("email")
    commands.add_parser("api-key", help="make a named API key (shown once)").add_argument("name")
    commands.add_parser("api-keys", help="list API keys")
    commands.add_parser("api-key-revoke", help="revoke an API key").add_argument("id", type=int)
    commands.add_parser("audit-verify", help="recompute the audit log's hash chain (exit 1 if broken)")
    return root


def run(args: argparse.Namespace) -> str:
    simple = {
        "list": list_all,
        "api-keys": api_key_list,
        "audit-verify": audit_verify,
    }
    if args.command in simple:
        return simple[args.command]()
    if args.command == "add":
        return add(args.email, args.name, args.password_stdin)
    if args.command in ("disable", "enable"):
        return set_active(args.email, args.command == "enable")
    if args.command == "set-password":
        return set_password(args.email, args.password_stdin)
    if args.command == "totp-enable":
        return totp_enable(args.email)
    if args.command == "totp-disable":
        return totp_disable(args.email)
    if args.command == "api-key":
        return api_key_create(args.name)
    return api_key_revoke(args.id)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from bot.persistence import migrate

    load_needed_secrets()
    try:
        migrate.upgrade()
        print(run(args))
    except (CommandError, MissingHashKey, totp.TotpKeyMissing) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
