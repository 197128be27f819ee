"""``make export-review``: advocates' labels, as a Rasa NLU file for a person to review before training.

Advocates label what the bot did not understand on the console's "Not understood" page
(``bot.web.review_page``). This writes the labelled messages that no earlier export took, grouped
by intent, into a new file under ``var/review/`` (0600, folder 0700: the messages are
de-identified but still what people wrote about their health), and marks them exported so the next
export holds only new ones. Rows marked "not for training" are never written.

It never writes into ``data/nlu``: a label is an advocate's reading of one message, and the
de-identification is a set of patterns, so a person checks each example (is it really
de-identified, is the label right, is it not a near copy of a test message) and copies the good
ones by hand. Each export is audited (how many, which file; never the text).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bot.launcher import read_env_file
from bot.persistence import audit as audit_trail
from bot.persistence import migrate, repository
from bot.security.crypto import MASTER_KEY_VARIABLE, PREVIOUS_MASTER_KEY_VARIABLE
from bot.security.files import PRIVATE_FILE_MODE, private_dir
from bot.security.hashing import HASH_KEY_VARIABLE
from bot.settings import PROJECT_ROOT, VAR_DIR

EXPORT_DIR = VAR_DIR / "review"
TRAINING_DIR = PROJECT_ROOT / "data" / "nlu"
CLI_ACTOR = "operator (make export-review)"
NEEDED_SECRETS = (HASH_KEY_VARIABLE, MASTER_KEY_VARIABLE, PREVIOUS_MASTER_KEY_VARIABLE)
HEADER = """\
# CANDIDATES FOR REVIEW, NOT TRAINING DATA.
#
# Messages the bot did not understand, de-identified when they were kept, each labelled by an
# advocate on the console's "Not understood" page. A person reviews every example before any of
# it enters data/nlu: is it really de-identified (no name, number, date or place left), is the
# label right, is it not a copy of a test-set message? Copy the good ones by hand; delete this
# file when done (it holds what people wrote about their health).
#
# Exported {exported_at}: {count} message(s).
"""


class ExportRefused(ValueError):
    """The export would write where it must not (the training data)."""


def _yaml_text(example: str) -> str:
    """One example line of a block literal: one line, no trailing spaces (the messages were folded already)."""
    return " ".join(example.split())


def render(messages: list[dict[str, Any]], exported_at: datetime) -> str:
    """The file: the header, then Rasa's NLU format with one block of examples per intent."""
    by_intent: dict[str, list[str]] = defaultdict(list)
    for message in messages:
        by_intent[message["label"]].append(_yaml_text(message["text"]))
    header = HEADER.format(exported_at=exported_at.isoformat(timespec="seconds"), count=len(messages))
    lines = [header, 'version: "3.1"', "nlu:"]
    for intent in sorted(by_intent):
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {example}" for example in dict.fromkeys(by_intent[intent])]
    return "\n".join(lines) + "\n"


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def export(folder: Path = EXPORT_DIR, now: datetime | None = None) -> Path | None:
    """Write the new labelled messages into a new file in ``folder``; None when there is nothing new."""
    folder = folder.resolve()
    if _inside(folder, TRAINING_DIR.resolve()):
        raise ExportRefused(f"{folder} is training data: the export is for review first (see {TRAINING_DIR})")
    messages = repository.unclear_messages_for_export()
    if not messages:
        return None
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    private_dir(folder)
    path = folder / f"candidates-{moment.strftime('%Y%m%dT%H%M%SZ')}.yml"
    # O_EXCL: an earlier export is never overwritten; 0600 whatever the umask.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(render(messages, moment))
        handle.flush()
        os.fsync(handle.fileno())
    # Marked only once the file is safely written: a failed write leaves them for the next export.
    repository.mark_review_exported(message["id"] for message in messages)
    audit_trail.write_audit(CLI_ACTOR, "export_review", detail={"messages": len(messages), "file": path.name})
    return path


def load_needed_secrets() -> None:
    """The keys that open the messages, from the environment or else var/secrets.env (never generated)."""
    for name, value in read_env_file(VAR_DIR / "secrets.env").items():
        if name in NEEDED_SECRETS and not os.environ.get(name):
            os.environ[name] = value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.advocates.review_export", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=EXPORT_DIR, help=f"folder for the file (default {EXPORT_DIR})")
    args = parser.parse_args(argv)
    load_needed_secrets()
    migrate.upgrade()
    try:
        path = export(args.out)
    except ExportRefused as exc:
        print(exc, file=sys.stderr)
        return 2
    if path is None:
        print("No new labelled messages since the last export: nothing written.")
    else:
        print(f"Wrote {path}: review every example before any of it goes into {TRAINING_DIR}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
