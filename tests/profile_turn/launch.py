"""`make run`'s launcher with the Rasa server and the action server traced: `python -m tests.profile_turn.launch`.

The launcher builds and runs the commands itself; this replaces only its `stack_commands` with one
that puts `python -m tests.profile_turn.traced <hooks>` in front of the same argv (the web app runs
untouched: it is not part of a turn). Everything else - secrets, migrations, endpoints, readiness,
supervision - is the launcher's own code.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from bot import launcher

TRACED = ("rasa", "actions")


def traced_commands(original: Callable[..., dict[str, list[str]]]) -> Callable[..., dict[str, list[str]]]:
    def stack_commands(*args: Any, **kwargs: Any) -> dict[str, list[str]]:
        commands = original(*args, **kwargs)
        for name in TRACED:
            python, flag, *rest = commands[name]
            if flag != "-m":
                raise SystemExit(f"cannot trace {name}: its command is not `python -m MODULE ...`")
            commands[name] = [python, "-m", "tests.profile_turn.traced", name, "-m", *rest]
        return commands

    return stack_commands


def install() -> None:
    """Replace stack_commands wherever the launcher looks it up (a module or the modules of a package)."""
    original = launcher.stack_commands
    patched = traced_commands(original)
    for name, module in list(sys.modules.items()):
        in_launcher = name == "bot.launcher" or name.startswith("bot.launcher.")
        if in_launcher and getattr(module, "stack_commands", None) is original:
            module.stack_commands = patched


if __name__ == "__main__":
    install()
    sys.exit(launcher.main(sys.argv[1:]))
