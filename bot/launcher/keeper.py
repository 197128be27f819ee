"""`python -m bot.launcher.keeper -- COMMAND...`: run a server and start it again when it dies.

In the scaled topology an instance that crashes (or is `kill -9`ed by the fault tests) must come
back while the others serve, as a Kubernetes Deployment would bring back its pod. `make run`
stops everything when one process dies (one instance has no one to take over); under
`run-scaled` honcho watches these keepers instead, which end only when they are told to stop.

SIGTERM and SIGINT are passed on to the server, and then the keeper ends with the server's exit
code. A server that keeps dying waits longer each time (1, 2, 4 ... up to 15 s) and the count is
reset once it has stayed up for a minute.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from types import FrameType

FIRST_DELAY = 1.0
MAX_DELAY = 15.0
STABLE_AFTER = 60.0


def restart_delay(quick_deaths: int) -> float:
    """Seconds to wait before the next start after `quick_deaths` deaths in a row."""
    return min(MAX_DELAY, FIRST_DELAY * 2 ** max(0, quick_deaths - 1))


def keep(argv: list[str]) -> int:
    stopping = False
    child: subprocess.Popen[bytes] | None = None

    def pass_on(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, pass_on)
    signal.signal(signal.SIGINT, pass_on)
    quick_deaths = 0
    while True:
        started = time.monotonic()
        child = subprocess.Popen(argv)
        returncode = child.wait()
        if stopping:
            return returncode
        quick_deaths = 1 if time.monotonic() - started > STABLE_AFTER else quick_deaths + 1
        delay = restart_delay(quick_deaths)
        name = " ".join(argv[1:3]) or argv[0]
        print(f"keeper: {name} exited (rc={returncode}); starting it again in {delay:.0f} s", flush=True)
        deadline = time.monotonic() + delay
        while not stopping and time.monotonic() < deadline:
            time.sleep(0.1)
        if stopping:
            return returncode


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        print("usage: python -m bot.launcher.keeper -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    return keep(args)


if __name__ == "__main__":
    sys.exit(main())
