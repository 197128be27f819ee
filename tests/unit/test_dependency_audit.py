"""`make audit` (scripts/dependency_audit.py) on the real lock, and on locks that break its promises."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "dependency_audit.py"
LOCK = PROJECT_ROOT / "requirements.lock"


def run_audit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60
    )


def test_the_locked_environment_passes_and_lists_every_advisory() -> None:
    result = run_audit()
    assert result.returncode == 0, result.stderr
    assert "starlette          0.50.0" in result.stdout and "CVE-2025-54121" in result.stdout
    assert "aiohttp" in result.stdout and "why: Rasa 3.6 requires aiohttp < 3.10" in result.stdout


def _lock_with(tmp_path: Path, **pins: str) -> Path:
    lines = []
    for line in LOCK.read_text().splitlines():
        name = line.split("==", 1)[0].lower()
        lines.append(f"{name}=={pins[name]}" if name in pins else line)
    lock = tmp_path / "requirements.lock"
    lock.write_text("\n".join(lines) + "\n")
    return lock


@pytest.mark.parametrize(
    ("pins", "problem"),
    [
        ({"starlette": "0.27.0"}, "starlette: locked 0.27.0 is below the fix 0.49.1"),
        ({"python-multipart": "0.0.6"}, "python-multipart: locked 0.0.6 is below the fix 0.0.27"),
        ({"aiohttp": "3.9.1"}, "aiohttp: accepted for 3.9.5, but the lock has 3.9.1: review it again"),
    ],
)
def test_a_lock_that_breaks_a_promise_fails(tmp_path: Path, pins: dict[str, str], problem: str) -> None:
    result = run_audit("--lock", str(_lock_with(tmp_path, **pins)))
    assert result.returncode == 1
    assert problem in result.stderr


def test_a_known_unaccepted_vulnerability_fails(tmp_path: Path) -> None:
    advisories = tmp_path / "advisories.yml"
    advisories.write_text(
        "reviewed_on: 2026-12-03\npackages:\n"
        "  - {package: pyyaml, advisories: [CVE-0000-1], status: vulnerable, fixed_in: '99.0'}\n"
        "  - {package: not-a-locked-package, advisories: [CVE-0000-2], status: fixed, fixed_in: '1.0'}\n"
        "  - {package: numpy, advisories: [CVE-0000-3], status: accepted, accepted_for: 1.23.5, fixed_in: '9.0'}\n"
    )
    result = run_audit("--advisories", str(advisories))
    assert result.returncode == 1
    assert "pyyaml: locked 6.0.4 is vulnerable (fixed in 99.0) and not accepted" in result.stderr
    assert "not-a-locked-package: not in requirements.lock" in result.stderr
    assert "numpy: an accepted advisory needs a reason" in result.stderr
