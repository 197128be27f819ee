"""Where a turn's time goes: `make profile` / `python -m tests.profile_turn`.

Starts the project's stack as `make run` does (own SQLite, fresh secrets) but with the Rasa server
and the action server traced (tests/profile_turn/hooks.py: timers around Rasa's graph nodes, the
tracker store, each action call, the action server's repository calls and every SQL statement),
walks the benchmark's journeys (tests/bench_load/scripts.yml) one message at a time, and prints a
table: component | ms per turn | share | calls per turn. The timers cost a few microseconds per
call, negligible beside a turn; on a shared CPU the figures are noisy, the proportions less so.

    python -m tests.profile_turn --passes 2       # two walks of every journey after a warm-up
    python -m tests.profile_turn --journey records --per-turn
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx

from bot.settings import PROJECT_ROOT
from tests.bench_load import client, servers
from tests.bench_load.scripts import Script, load_scripts
from tests.profile_turn import hooks
from tests.profile_turn.breakdown import TurnProfile, breakdown, render


class Records:
    """The hooks' JSON lines, read as they are appended."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0

    def new(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        with open(self.path) as lines:
            lines.seek(self.offset)
            text = lines.read()
            self.offset = lines.tell()
        return [json.loads(line) for line in text.splitlines() if line.strip()]


async def profile_walk(http: httpx.AsyncClient, url: str, script: Script, records: Records) -> list[TurnProfile]:
    """One conversation, message by message, pairing each with the records it produced."""
    sender = f"profile-{script.name}-{os.urandom(4).hex()}"
    turns: list[TurnProfile] = []
    reply: list[dict[str, Any]] = []
    for turn in script.turns:
        text = turn.message(reply)
        if text is None:
            print(f"  {script.name}: no button /{turn.press}/ after turn {len(turns)}; walk ended", file=sys.stderr)
            break
        sample, reply = await client.send(http, url, sender, text)
        produced = records.new()
        rasa = [r for r in produced if r["process"] == "rasa"]
        if sample.error or len(rasa) != 1:
            print(f"  {script.name} turn {len(turns)}: {sample.error or f'{len(rasa)} Rasa records'}", file=sys.stderr)
            continue
        actions = [r for r in produced if r["process"] == "actions"]
        turns.append(TurnProfile(script.name, sample.seconds * 1000, rasa[0], actions))
    return turns


async def profile(url: str, journeys: list[Script], passes: int, records: Records) -> list[TurnProfile]:
    async with httpx.AsyncClient(timeout=client.REQUEST_TIMEOUT, trust_env=False) as http:
        for script in journeys:  # warm-up: the first turns after loading a model are slow
            await profile_walk(http, url, script, records)
        turns: list[TurnProfile] = []
        for _ in range(passes):
            for script in journeys:
                turns += await profile_walk(http, url, script, records)
    return turns


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.profile_turn", description=__doc__.split("\n")[0])
    parser.add_argument("--passes", type=int, default=2, help="measured walks of each journey (after one warm-up)")
    parser.add_argument("--journey", action="append", help="only this journey (repeatable); default: all")
    parser.add_argument("--per-turn", action="store_true", help="also a table per journey")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "results" / "profile")
    args = parser.parse_args(argv)
    journeys = list(load_scripts()["advocate"].journeys)
    if args.journey:
        unknown = set(args.journey) - {j.name for j in journeys}
        if unknown:
            parser.error(f"unknown journey(s) {sorted(unknown)}; known: {[j.name for j in journeys]}")
        journeys = [j for j in journeys if j.name in args.journey]

    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()}; starting the traced stack ...", flush=True)
    with tempfile.TemporaryDirectory(prefix="profile-turn-") as work:
        out = Path(work) / "profile.jsonl"
        try:
            with servers.project_stack(
                Path(work), os.environ.get("BENCH_STACK_ENV"), module="tests.profile_turn.launch",
                settings={hooks.OUT_VARIABLE: str(out)},
            ) as starting:  # fmt: skip
                bot = starting.ready()
                turns = asyncio.run(profile(bot.webhook_url, journeys, args.passes, Records(out)))
        except servers.ServerError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    if not turns:
        print("error: no turn was profiled", file=sys.stderr)
        return 1
    print(f"\n{len(turns)} turns ({', '.join(j.name for j in journeys)}; {args.passes} passes), means per turn:\n")
    print(render(breakdown(turns)))
    if args.per_turn:
        for script in journeys:
            print(f"\n--- {script.name} ---")
            print(render(breakdown([t for t in turns if t.journey == script.name])))
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "latest.json"
    path.write_text(json.dumps([t.__dict__ for t in turns], indent=1) + "\n")
    print(f"\nraw records: {path}; load average now {os.getloadavg()} (a busy machine inflates every row)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
