"""Reading free text lives in bot/understanding: actions and Rasa extensions keep no patterns."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
NO_PATTERNS = ("actions", "bot/rasa_ext")


def _modules() -> list[Path]:
    return sorted(path for folder in NO_PATTERNS for path in (ROOT / folder).rglob("*.py"))


def _imports_re(path: Path) -> bool:
    """Whether the module imports `re` (or `regex`) in any form, at any depth."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import) and any(alias.name.split(".")[0] in {"re", "regex"} for alias in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in {"re", "regex"}:
            return True
    return False


def test_the_folders_hold_modules() -> None:
    assert len(_modules()) > 10  # the test would pass on an empty list


@pytest.mark.parametrize("path", _modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_module_imports_no_re(path: Path) -> None:
    assert not _imports_re(path), f"{path.relative_to(ROOT)} reads text itself: move the pattern to bot/understanding"


def test_the_check_sees_an_import(tmp_path: Path) -> None:
    for source in ("import re\n", "def f():\n    from re import compile\n", "import json, re as regex_module\n"):
        module = tmp_path / "module.py"
        module.write_text(source, encoding="utf-8")
        assert _imports_re(module), source
