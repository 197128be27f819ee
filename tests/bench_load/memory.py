"""Resident memory of a bot's processes, read from /proc (Linux; psutil is not in the environment).

The processes are found as descendants of the command the benchmark started, and named by
matching their command line against the argv the launcher built for each server, so a renamed
entrypoint is still recognised. Shells and the launcher itself are counted as "other".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
OTHER = "other"  # the launcher, honcho's shells: anything that is not one of the named servers


@dataclass(frozen=True)
class Memory:
    rss_mb: float  # now
    peak_mb: float  # the process's high-water mark (VmHWM) since it started


def children_map(proc: Path = PROC) -> dict[int, list[int]]:
    children: dict[int, list[int]] = defaultdict(list)
    for stat in proc.glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # it exited while we looked
        # The command name may hold spaces and parentheses: the fields start after the last ")".
        fields = text[text.rindex(")") + 2 :].split()
        children[int(fields[1])].append(int(stat.parent.name))
    return children


def descendants(root: int, proc: Path = PROC) -> list[int]:
    """`root` and every process below it."""
    tree = children_map(proc)
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue.extend(tree.get(pid, ()))
    return found


def memory_of(pid: int, proc: Path = PROC) -> Memory | None:
    values: dict[str, float] = {}
    try:
        for line in (proc / str(pid) / "status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024  # kB -> MB
    except (OSError, ValueError, IndexError):
        return None
    if "VmRSS" not in values:
        return None  # a zombie, or a kernel thread
    return Memory(values["VmRSS"], values.get("VmHWM", values["VmRSS"]))


def command_line(pid: int, proc: Path = PROC) -> list[str]:
    try:
        return (proc / str(pid) / "cmdline").read_bytes().decode(errors="replace").split("\0")[:-1]
    except OSError:
        return []


def memory_by_process(root: int, commands: Mapping[str, list[str]], proc: Path = PROC) -> dict[str, Memory]:
    """Process name -> memory (several processes of one name are added up)."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for pid in descendants(root, proc):
        memory = memory_of(pid, proc)
        if memory is None:
            continue
        argv = command_line(pid, proc)
        name = next((name for name, command in commands.items() if argv == command), OTHER)
        totals[name][0] += memory.rss_mb
        totals[name][1] += memory.peak_mb
    return {name: Memory(rss, peak) for name, (rss, peak) in totals.items()}
