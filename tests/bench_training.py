"""How long a full training from scratch takes: `make bench-train` / `python -m tests.bench_training`.

Issue 5 sets the budget: the whole model (NLU and dialogue policies) trains in 3 minutes or less on
2 cores. This times `rasa train --force` (no cache reuse) into a temporary folder, so the
project's own model and Rasa's cache in `.rasa/` are left alone, and prints the wall time, each
component's training time and the verdict. A figure, not a test: on a busy machine it is slower.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET_SECONDS = 180
# Rasa logs "<date> <time> INFO rasa.engine.training.hooks - Starting to train component 'X'." and
# "... Finished training component 'X'."
_HOOK = re.compile(
    r"^(\S+ \S+) INFO\s+rasa\.engine\.training\.hooks\s+- (Starting to train|Finished training) component '([^']+)'"
)


def component_seconds(log: str) -> list[tuple[str, float]]:
    """(component, seconds) in training order, from Rasa's training log."""
    started: dict[str, datetime] = {}
    durations = []
    for line in log.splitlines():
        match = _HOOK.match(line)
        if not match:
            continue
        stamp = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S")
        if match.group(2) == "Starting to train":
            started[match.group(3)] = stamp
        elif match.group(3) in started:
            durations.append((match.group(3), (stamp - started.pop(match.group(3))).total_seconds()))
    return durations


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench_training", description=__doc__.split("\n")[0])
    parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as out:
        command = [
            sys.executable, "-m", "rasa", "train", "--force", "--domain", "domain.yml", "--config", "config.yml",
            "--data", "data", "--out", out, "--fixed-model-name", "bench",
        ]  # fmt: skip
        environment = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
        began = time.perf_counter()
        finished = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)
        seconds = time.perf_counter() - began
    if finished.returncode:
        print(finished.stdout[-3000:], finished.stderr[-3000:], sep="\n", file=sys.stderr)
        return finished.returncode
    print(f"full training (rasa train --force): {seconds:.0f} s on {os.cpu_count()} cores")
    for component, taken in component_seconds(finished.stdout + finished.stderr):
        print(f"  {component:<40} {taken:6.0f} s")
    verdict = "within" if seconds <= BUDGET_SECONDS else "OVER"
    print(f"{verdict} the {BUDGET_SECONDS} s budget")
    return 0


if __name__ == "__main__":
    sys.exit(main())
