"""Manage advocate accounts: ``python -m bot.advocates add|list|disable|enable|set-password``.

    python -m bot.advocates add maria@example.org --name "Maria Lopez"     # asks for the password
    printf '%s\\n' "$PASSWORD" | python -m bot.advocates add a@b.org --name A --password-stdin
    python -m bot.advocates list
    python -m bot.advocates disable maria@example.org                     # also signs her out

It works on the database in DATABASE_URL (default: var/advocate.db), migrating it first, so it
can be run before the first `make run`.
"""
from __future__ import annotations

import argparse
import getpass
import sys
from typing import TextIO

from bot.advocates.passwords import MIN_LENGTH, WeakPassword, hash_password
from bot.persistence import repository


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
    if repository.advocate_credentials(email) is not None:
        raise CommandError(f"{repository.normalize_email(email)} already has an account (use set-password or enable)")
    try:
        advocate = repository.create_advocate(email, name, _hash(read_password(password_stdin)))
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    return f"Added advocate {advocate['email']} ({advocate['name']}). They sign in at /advocate."


def list_all() -> str:
    advocates = repository.list_advocates()
    if not advocates:
        return "No advocates yet: add one with `python -m bot.advocates add EMAIL --name NAME`."
    lines = [f"{'e-mail':<40} {'name':<30} status"]
    for a in advocates:
        lines.append(f"{a['email']:<40} {a['name']:<30} {'active' if a['active'] else 'disabled'}")
    return "\n".join(lines)


def set_active(email: str, active: bool) -> str:
    advocate = repository.set_advocate_active(email, active)
    if advocate is None:
        raise CommandError(f"no advocate with e-mail {repository.normalize_email(email)}")
    return f"{advocate['email']} is {'enabled' if active else 'disabled and signed out'}."


def set_password(email: str, password_stdin: bool) -> str:
    if repository.advocate_credentials(email) is None:
        raise CommandError(f"no advocate with e-mail {repository.normalize_email(email)}")
    repository.set_advocate_password(email, _hash(read_password(password_stdin)))
    return f"New password set for {repository.normalize_email(email)}; their open sessions were ended."


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
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from bot.persistence import migrate

    migrate.upgrade()
    try:
        if args.command == "add":
            print(add(args.email, args.name, args.password_stdin))
        elif args.command == "list":
            print(list_all())
        elif args.command in ("disable", "enable"):
            print(set_active(args.email, args.command == "enable"))
        else:
            print(set_password(args.email, args.password_stdin))
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
