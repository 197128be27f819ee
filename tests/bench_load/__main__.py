"""Load benchmark against Rasa's own moodbot, in one run: `make bench-load` / `python -m tests.bench_load`.

Starts the project's stack (as `make run` does, with its own SQLite and secrets) and a bare Rasa
moodbot (in-memory tracker, no actions) side by side, warms both up, then for each concurrency
level measures moodbot and the project back to back (so a neighbour's CPU burst hits both
alike), then one long conversation per bot. Prints the table, writes results/bench/*.json.

    python -m tests.bench_load --profile quick          # 1 and 20 users x 10 turns, long 80
    python -m tests.bench_load --profile full           # 1, 20, 100 users x 20 turns, long 80
    python -m tests.bench_load --users 2 --turns 3 --long-turns 0   # a smoke run

A benchmark, not a test: it asserts nothing about speed. Exit code 1 only when a bot did not start.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

from bot.settings import PROJECT_ROOT
from tests.bench_load import client, scaled, servers
from tests.bench_load.memory import memory_by_process
from tests.bench_load.report import BotResult, LevelResult, machine, table, to_json, write_json
from tests.bench_load.scripts import WINDOW, BotScripts, load_scripts
from tests.bench_load.stats import growth, summarise

PROFILES = {
    "quick": {"users": [1, 20], "turns": 10, "long_turns": 80},
    "full": {"users": [1, 20, 100], "turns": 20, "long_turns": 80},
}
BOTS = ("moodbot", "advocate")  # the baseline first: it is measured first at every level


def _users(text: str) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers, got {text!r}") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("every concurrency must be 1 or more")
    return counts


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench_load", description=__doc__.split("\n")[0])
    parser.add_argument("--profile", choices=sorted(PROFILES), default="quick")
    parser.add_argument("--users", type=_users, help="concurrent conversations, e.g. 1,20,100 (overrides the profile)")
    parser.add_argument("--turns", type=int, help="messages per virtual user at each level (overrides the profile)")
    parser.add_argument("--long-turns", type=int, help="turns of the long conversation; 0 skips it")
    parser.add_argument(
        "--scaled", action="store_true", help="also make run-scaled with 1 and 2 instances on PostgreSQL and Redis"
    )
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "results" / "bench")
    args = parser.parse_args(argv)
    profile = PROFILES[args.profile]
    args.users = args.users or profile["users"]
    args.turns = args.turns if args.turns is not None else profile["turns"]
    args.long_turns = args.long_turns if args.long_turns is not None else profile["long_turns"]
    if args.turns < 1:
        parser.error("--turns must be 1 or more")
    return args


def _scripts_of(name: str) -> str:
    """The scaled topologies (pg-1x, pg-2x) walk the project's journeys."""
    return name if name in BOTS else "advocate"


async def measure(
    bots: dict[str, servers.RunningBot], scripts: dict[str, BotScripts], args: argparse.Namespace
) -> dict[str, BotResult]:
    results = {name: BotResult(started_seconds=bot.started_seconds) for name, bot in bots.items()}
    for name, bot in bots.items():
        # Warm-up, not measured: the first turns of a freshly loaded model are slow (graph tracing).
        for journey in scripts[_scripts_of(name)].journeys:
            await client.walk_once(bot.webhook_url, journey, f"warmup-{name}")
    for users in args.users:
        for name, bot in bots.items():
            print(f"  {name}: {users} users x {args.turns} turns ...", flush=True)
            journeys = scripts[_scripts_of(name)].journeys
            samples, wall = await client.run_level(bot.webhook_url, journeys, users, args.turns, name)
            results[name].levels[users] = LevelResult(
                users, summarise(samples, wall), memory_by_process(bot.root_pid, bot.commands)
            )
    if args.long_turns:
        for name, bot in bots.items():
            print(f"  {name}: one conversation of {args.long_turns} turns ...", flush=True)
            turns = scripts[_scripts_of(name)].long_turns(args.long_turns)
            samples = await client.run_long(bot.webhook_url, turns, name)
            results[name].long = growth(samples, WINDOW)
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    scripts = load_scripts()
    if args.long_turns:
        for name in BOTS:
            scripts[name].long_turns(args.long_turns)  # fail now, not after the load levels
    before = machine()
    print(f"{before['cpus']} CPUs, load average {before['load_average']}; starting the moodbot and the project ...")
    try:
        project = servers.ensure_moodbot()
        with tempfile.TemporaryDirectory(prefix="bench-load-") as work, ExitStack() as stack:
            starting = {
                "moodbot": stack.enter_context(servers.moodbot(Path(work), project)),
                "advocate": stack.enter_context(servers.project_stack(Path(work), os.environ.get("BENCH_STACK_ENV"))),
            }
            for instances in (1, 2) if args.scaled else ():
                folder = Path(work) / f"scaled-{instances}"
                folder.mkdir()
                starting[f"pg-{instances}x"] = stack.enter_context(
                    scaled.scaled_stack(folder, instances, os.environ.get("BENCH_STACK_ENV"))
                )
            # Waited for side by side, so each start-up time is its own, not the slower one's.
            with ThreadPoolExecutor(len(starting)) as pool:
                waiting = {name: pool.submit(bot.ready) for name, bot in starting.items()}
                bots = {name: future.result() for name, future in waiting.items()}
            results = asyncio.run(measure(bots, scripts, args))
    except servers.ServerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print()
    print(table(results))
    settings = {
        "profile": args.profile, "users": args.users, "turns": args.turns, "long_turns": args.long_turns,
        "scaled": args.scaled,
    }  # fmt: skip
    path = write_json(to_json(results, settings, before), args.out)
    print(f"\nwritten to {path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path}")
    print("Shared or busy CPUs make these figures noisy: compare ratios from one run, not absolutes across runs.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
