"""Re-wrap every person's data key under a new master key: ``make rotate-key``.

To rotate: put the current value of ``ADVOCATE_MASTER_KEY`` into ``ADVOCATE_MASTER_KEY_PREVIOUS``,
set ``ADVOCATE_MASTER_KEY`` to a new secret (in ``var/secrets.env``, or the environment), restart
the stack (it reads keys wrapped by either while this runs), and run this command. Each key is
stored with the id of the master key that wrapped it, so the command only touches keys not yet
under the new one: stopping it half way and running it again finishes the job, and running it when
all is done changes nothing. When it reports nothing left under an unknown key, remove
``ADVOCATE_MASTER_KEY_PREVIOUS``. The data itself is never re-encrypted: only the 32-byte keys are.

Exit status 0 when every key is under the current master key, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys

from bot.launcher import read_env_file
from bot.security import keystore
from bot.security.crypto import MASTER_KEY_VARIABLE, PREVIOUS_MASTER_KEY_VARIABLE, current_master_key
from bot.settings import VAR_DIR, Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.security.rotate_key", description=__doc__.split("\n")[0])
    parser.add_argument("--batch-size", type=int, default=200, help="keys re-wrapped per transaction")
    args = parser.parse_args(argv)
    # The master keys the stack runs with: the environment first, then var/secrets.env (never generated here).
    for name, value in read_env_file(VAR_DIR / "secrets.env").items():
        if name in (MASTER_KEY_VARIABLE, PREVIOUS_MASTER_KEY_VARIABLE) and not os.environ.get(name):
            os.environ[name] = value
    database_url = Settings.from_env().database_url
    result = keystore.rewrap_all(database_url, batch_size=args.batch_size)
    print(
        f"master key {current_master_key().key_id}: {result.rewrapped} key(s) re-wrapped, "
        f"{result.already_current} already current, {result.unknown_master_key} under an unknown master key"
    )
    if result.unknown_master_key:
        print(f"set {PREVIOUS_MASTER_KEY_VARIABLE} to the master key they were wrapped with and run again")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
