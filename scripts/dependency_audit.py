"""`make audit`: the locked packages with a known advisory, and whether the lock keeps its promises.

Reads security/advisories.yml (curated by hand: no advisory database is reachable from the build
machines) and requirements.lock, prints every listed package with its locked version, status and
advisories, and exits 1 when a "fixed" package is locked below its fixed version, when a package
marked "vulnerable" (known, not accepted) is still below its fix, when an "accepted" package's
locked version is not the one that was reviewed, or when an entry is malformed or not in the lock.
"""
from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path
from typing import Any

import yaml
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
STATUSES = ("fixed", "accepted", "vulnerable")


def normalize(name: str) -> str:
    return name.strip().lower().replace("_", "-").replace(".", "-")


def read_lock(path: Path) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[normalize(name)] = version.strip()
    return pins


def problem_with(entry: dict[str, Any], locked: str | None) -> str | None:
    """Why this entry fails the audit, or None."""
    status = entry.get("status")
    if status not in STATUSES:
        return f"status must be one of {', '.join(STATUSES)}, not {status!r}"
    if locked is None:
        return "not in requirements.lock (a stale entry: remove it or fix its name)"
    try:
        current, fixed = Version(locked), Version(str(entry.get("fixed_in", "")))
    except InvalidVersion:
        return f"fixed_in {entry.get('fixed_in')!r} is not a version"
    if status == "fixed" and current < fixed:
        return f"locked {locked} is below the fix {fixed}"
    if status == "vulnerable" and current < fixed:
        return f"locked {locked} is vulnerable (fixed in {fixed}) and not accepted"
    if status == "accepted":
        if not str(entry.get("reason", "")).strip():
            return "an accepted advisory needs a reason"
        if str(entry.get("accepted_for")) != locked and current < fixed:
            return f"accepted for {entry.get('accepted_for')}, but the lock has {locked}: review it again"
    return None


def audit(advisories_file: Path, lock_file: Path) -> tuple[list[str], list[str]]:
    """(report lines, problems)."""
    data = yaml.safe_load(advisories_file.read_text()) or {}
    pins = read_lock(lock_file)
    lines = [f"Advisories reviewed on {data.get('reviewed_on', '?')} (curated by hand; see {advisories_file.name})"]
    problems = []
    for entry in data.get("packages") or []:
        name = str(entry.get("package", ""))
        locked = pins.get(normalize(name))
        ids = ", ".join(str(a) for a in entry.get("advisories") or [])
        lines.append(f"  {name:<18} {locked or '-':<16} {entry.get('status', '?'):<10} {ids}")
        if entry.get("status") == "accepted":
            lines.extend(textwrap.wrap(str(entry.get("reason", "")), 100, initial_indent=" " * 6 + "why: ",
                                       subsequent_indent=" " * 11))  # fmt: skip
        if (problem := problem_with(entry, locked)) is not None:
            problems.append(f"{name}: {problem}")
    return lines, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--advisories", type=Path, default=ROOT / "security" / "advisories.yml")
    parser.add_argument("--lock", type=Path, default=ROOT / "requirements.lock")
    args = parser.parse_args(argv)
    lines, problems = audit(args.advisories, args.lock)
    print("\n".join(lines))
    if problems:
        print("\nThe audit FAILED:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    print(f"\nOK: every fixed advisory is fixed in {args.lock.name}; the accepted ones are explained above.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
