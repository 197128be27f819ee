"""A server module run with the profiling hooks installed (tests.profile_turn.launch starts it).

    python -m tests.profile_turn.traced rasa|actions -m MODULE ARGS...

The launcher's own argv for the server follows the hook set's name, so the traced server is
started exactly as `make run` starts it, whatever its entrypoint module is.
"""

from __future__ import annotations

import runpy
import sys

from tests.profile_turn import hooks

INSTALLERS = {"rasa": hooks.install_rasa, "actions": hooks.install_actions}


def main(argv: list[str]) -> None:
    if len(argv) < 3 or argv[0] not in INSTALLERS or argv[1] != "-m":
        raise SystemExit(f"usage: python -m tests.profile_turn.traced {{{','.join(INSTALLERS)}}} -m MODULE [ARGS...]")
    INSTALLERS[argv[0]]()
    module = argv[2]
    sys.argv = [module, *argv[3:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
