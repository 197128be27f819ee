"""The conversations the load benchmark walks, read from scripts.yml and checked before any run.

A mistake in the file (a turn that is neither text nor a button press, a long cycle that does not
fit the comparison window) fails at start-up with the place and the reason, not half-way through
a ten-minute run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SCRIPTS_FILE = Path(__file__).with_name("scripts.yml")
# The long conversation compares its first WINDOW turns with its last WINDOW turns.
WINDOW = 10


class ScriptError(ValueError):
    """scripts.yml says something the benchmark cannot walk."""


@dataclass(frozen=True)
class Turn:
    """One message: `text` as typed, or `press`, a regex for the title of a button to press."""

    text: str | None = None
    press: str | None = None

    def message(self, last_reply: Sequence[Mapping[str, Any]]) -> str | None:
        """What to send after `last_reply`; None when the button to press is not in it."""
        if self.text is not None:
            return self.text
        assert self.press is not None
        pattern = re.compile(self.press, re.IGNORECASE)
        for part in last_reply:
            for button in part.get("buttons") or ():
                if pattern.search(str(button.get("title", ""))):
                    return str(button.get("payload", ""))
        return None


@dataclass(frozen=True)
class Script:
    name: str
    turns: tuple[Turn, ...]


@dataclass(frozen=True)
class BotScripts:
    """What to say to one bot: journeys for the load levels, a cycle for the long conversation."""

    journeys: tuple[Script, ...]
    long_cycle: tuple[Turn, ...]

    def long_turns(self, count: int) -> tuple[Turn, ...]:
        """`count` turns of the cycle; `count` must be a whole number of cycles, at least two windows."""
        if count < 2 * WINDOW or count % len(self.long_cycle):
            raise ScriptError(
                f"a long conversation needs a multiple of {len(self.long_cycle)} turns, "
                f"at least {2 * WINDOW}; got {count}"
            )
        return self.long_cycle * (count // len(self.long_cycle))


def parse_turn(raw: Any, where: str) -> Turn:
    if isinstance(raw, bool):
        raise ScriptError(f'{where}: YAML reads an unquoted yes/no as {raw}; quote it ("yes")')
    if isinstance(raw, str) and raw.strip():
        return Turn(text=raw)
    if isinstance(raw, Mapping) and set(raw) == {"press"} and isinstance(raw["press"], str) and raw["press"]:
        try:
            re.compile(raw["press"])
        except re.error as exc:
            raise ScriptError(f"{where}: `press` is not a valid regex: {exc}") from None
        return Turn(press=raw["press"])
    raise ScriptError(f"{where}: a turn is a non-empty message or {{press: <button title regex>}}, got {raw!r}")


def _turns(raw: Any, where: str) -> tuple[Turn, ...]:
    if not isinstance(raw, list) or not raw:
        raise ScriptError(f"{where}: expected a non-empty list of turns")
    turns = tuple(parse_turn(item, f"{where}[{index}]") for index, item in enumerate(raw))
    if turns[0].press is not None:
        raise ScriptError(f"{where}[0]: the first turn cannot press a button (there is no reply yet)")
    return turns


def parse_bot(raw: Any, bot: str) -> BotScripts:
    if not isinstance(raw, Mapping) or set(raw) != {"journeys", "long"}:
        raise ScriptError(f"{bot}: expected exactly the keys `journeys` and `long`")
    journeys = raw["journeys"]
    if not isinstance(journeys, Mapping) or not journeys:
        raise ScriptError(f"{bot}.journeys: expected a mapping of journey name -> turns")
    long = raw["long"]
    if not isinstance(long, Mapping) or set(long) != {"cycle"}:
        raise ScriptError(f"{bot}.long: expected exactly the key `cycle`")
    cycle = _turns(long["cycle"], f"{bot}.long.cycle")
    if WINDOW % len(cycle):
        raise ScriptError(f"{bot}.long.cycle: its length ({len(cycle)}) must divide {WINDOW}, the comparison window")
    if any(turn.press is not None for turn in cycle):
        raise ScriptError(f"{bot}.long.cycle: no button presses (a missing button would end the conversation)")
    return BotScripts(
        journeys=tuple(Script(str(name), _turns(turns, f"{bot}.journeys.{name}")) for name, turns in journeys.items()),
        long_cycle=cycle,
    )


def parse_scripts(text: str) -> dict[str, BotScripts]:
    raw = yaml.safe_load(text)
    if not isinstance(raw, Mapping) or not raw:
        raise ScriptError("expected a mapping of bot name -> scripts")
    return {str(bot): parse_bot(scripts, str(bot)) for bot, scripts in raw.items()}


def load_scripts(path: Path = SCRIPTS_FILE) -> dict[str, BotScripts]:
    return parse_scripts(path.read_text())
