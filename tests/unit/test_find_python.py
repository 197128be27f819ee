"""scripts/find_python.sh on a controlled PATH: which Python 3.10 `make` builds the venv with."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "find_python.sh"
# The real interpreter behind the venv: Python 3.10, as this project requires.
PY310 = os.path.realpath(sys.executable)
TOOLS = ("bash", "ls", "grep", "sort", "cat")


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    """A PATH holding only the tools the script needs, and whatever pythons a test adds."""
    path = tmp_path / "bin"
    path.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, tool
        (path / tool).symlink_to(found)
    return path


def fake_python(path: Path, version: str) -> None:
    """A python that reports another version, like a 3.11 python3 or a pyenv shim that fails."""
    path.write_text(f"#!/bin/sh\n[ \"$1\" = -c ] || exit 1\nexit {0 if version == '3.10' else 1}\n")
    path.chmod(0o755)


def find(bin_dir: Path, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {"PATH": str(bin_dir), "HOME": str(tmp_path / "home"), "PYENV_ROOT": str(tmp_path / "no-pyenv")}
    return subprocess.run(
        [str(bin_dir / "bash"), str(SCRIPT)], env={**base, **env}, capture_output=True, text=True, timeout=60
    )


def test_python310_on_path_comes_first(bin_dir: Path, tmp_path: Path) -> None:
    (bin_dir / "python3.10").symlink_to(PY310)
    fake_python(bin_dir / "python3", "3.11")

    result = find(bin_dir, tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(bin_dir / "python3.10")


def test_python3_is_used_when_it_is_310(bin_dir: Path, tmp_path: Path) -> None:
    (bin_dir / "python3").symlink_to(PY310)

    result = find(bin_dir, tmp_path)

    assert result.stdout.strip() == str(bin_dir / "python3")


def test_a_failing_shim_falls_through_to_the_newest_pyenv_310(bin_dir: Path, tmp_path: Path) -> None:
    fake_python(bin_dir / "python3.10", "shim that fails")
    fake_python(bin_dir / "python3", "3.11")
    for version in ("3.10.7", "3.10.13", "3.11.7"):
        versions_bin = tmp_path / "pyenv" / "versions" / version / "bin"
        versions_bin.mkdir(parents=True)
        (versions_bin / "python3.10").symlink_to(PY310)

    result = find(bin_dir, tmp_path, PYENV_ROOT=str(tmp_path / "pyenv"))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "pyenv" / "versions" / "3.10.13" / "bin" / "python3.10")


def test_no_python310_anywhere_says_how_to_install_it(bin_dir: Path, tmp_path: Path) -> None:
    fake_python(bin_dir / "python3", "3.11")

    result = find(bin_dir, tmp_path)

    assert result.returncode == 1
    assert result.stdout == ""
    assert "Python 3.10 was not found" in result.stderr
    assert "pyenv install 3.10" in result.stderr
    assert "PYTHON=/path/to/python3.10" in result.stderr


def test_an_explicit_python_must_be_310(bin_dir: Path, tmp_path: Path) -> None:
    fake_python(bin_dir / "python3.11", "3.11")
    (bin_dir / "python3").symlink_to(PY310)

    assert find(bin_dir, tmp_path, PYTHON=str(PY310)).stdout.strip() == PY310
    refused = find(bin_dir, tmp_path, PYTHON=str(bin_dir / "python3.11"))
    assert refused.returncode == 1
    assert "not a working Python 3.10" in refused.stderr
