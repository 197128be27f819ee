"""Private files: everything the stack writes under ``var/`` is readable by its owner only.

The database files (and SQLite's ``-wal``/``-shm``/``-journal`` beside them), the key store and the
secrets hold people's (encrypted) data and the keys to it, so another account on the same machine
must not be able to copy them. Each process that creates such files sets a ``077`` umask before it
does, which covers files SQLite creates on its own later; SQLite also gives its side files the
database file's mode, and the database file is created ``0600`` here before SQLite opens it.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_UMASK = 0o077
PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def use_private_umask() -> None:
    """New files and folders of this process are created 0600/0700 (idempotent, process-wide on purpose)."""
    os.umask(PRIVATE_UMASK)


def private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) as 0700, and make it 0700 if it already existed."""
    use_private_umask()
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    os.chmod(path, PRIVATE_DIR_MODE)


def private_sqlite_file(path: Path) -> None:
    """Create the SQLite file ``path`` as 0600 (folder 0700) before SQLite opens it; tighten what exists."""
    use_private_umask()
    if not path.parent.exists():
        path.parent.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, PRIVATE_FILE_MODE))
    except OSError:
        return  # not a file that can be created (e.g. a folder): SQLite reports it when it connects
    for candidate in (path, *(path.with_name(path.name + suffix) for suffix in SQLITE_SIDE_FILES)):
        if candidate.exists():
            os.chmod(candidate, PRIVATE_FILE_MODE)
