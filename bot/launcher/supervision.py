"""Run the servers under honcho: prefixed output, Ctrl-C stops all, one dying stops the others."""

from __future__ import annotations

import os
import re
import shlex
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from honcho.manager import SYSTEM_PRINTER_NAME, Manager
from honcho.printer import Message, Printer


@dataclass(frozen=True)
class Outcome:
    """Why the processes stopped: "interrupted" (Ctrl-C/SIGTERM), "died", or "not_ready"."""

    reason: str
    process: str | None = None
    returncode: int = 0


class _WatchingPrinter(Printer):
    """honcho's printer, also noting when every process has started and what ended the run.

    honcho reports these only as its own "system" lines ("web started (pid=42)", "web stopped
    (rc=1)", "SIGINT received"); the format is that of the pinned honcho 1.1.0, and
    tests/unit/test_launcher.py runs real processes through it.
    """

    _STARTED = re.compile(r"^(?P<name>\S+) started \(pid=")
    _STOPPED = re.compile(r"^(?P<name>\S+) stopped \(rc=(?P<rc>-?\d+)\)")
    _SIGNAL = re.compile(r"^SIG(INT|TERM) received")

    def __init__(self, names: Iterable[str], on_all_started: Callable[[], None]) -> None:
        super().__init__(sys.stdout)
        self.first_event: Outcome | None = None
        self._not_started = set(names)
        self._on_all_started = on_all_started

    def write(self, message: Message) -> None:
        if message.name == SYSTEM_PRINTER_NAME and isinstance(message.data, str):
            self._watch(message.data)
        super().write(message)

    def _watch(self, line: str) -> None:
        if (started := self._STARTED.match(line)) and self._not_started:
            self._not_started.discard(started["name"])
            if not self._not_started:
                # Only now: honcho cannot stop processes whose pid it has not seen yet, and
                # every fork is done, so a thread cannot be copied into a child mid-operation.
                self._on_all_started()
        if self.first_event is None:
            if stopped := self._STOPPED.match(line):
                self.first_event = Outcome("died", stopped["name"], int(stopped["rc"]))
            elif self._SIGNAL.match(line):
                self.first_event = Outcome("interrupted")


def supervise(
    commands: Mapping[str, list[str]],
    env: Mapping[str, str],
    cwd: Path,
    on_running: Callable[[Callable[[str], None], Callable[[], None]], None] | None = None,
) -> Outcome:
    """Run the commands under honcho until Ctrl-C/SIGTERM or until one of them exits.

    `on_running(say, stop)` runs in a thread once every process is started: `say` prints through
    honcho (in order with the processes' output), `stop` shuts everything down.
    """
    gave_up = threading.Event()

    def start_watcher() -> None:
        if on_running is None:
            return

        def say(text: str) -> None:
            for line in text.splitlines() or [""]:
                manager.events.put(Message("line", line, datetime.now(), SYSTEM_PRINTER_NAME, None))

        def stop() -> None:
            gave_up.set()
            os.kill(os.getpid(), signal.SIGTERM)  # handled by honcho in the main thread

        threading.Thread(target=on_running, args=(say, stop), name="readiness", daemon=True).start()

    printer = _WatchingPrinter(commands, on_all_started=start_watcher)
    manager = Manager(printer=printer)
    for name, argv in commands.items():
        # honcho runs a shell command; `exec` makes the server the process honcho watches and
        # signals, so its exit code is the server's own.
        manager.add_process(name, f"exec {shlex.join(argv)}", env=dict(env), cwd=str(cwd))

    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        manager.loop()
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)

    if gave_up.is_set():
        return Outcome("not_ready", returncode=1)
    return printer.first_event or Outcome("interrupted")
