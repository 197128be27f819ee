"""How the action modules are built: named from bot.names, importing the kit and bot/ only.

docs/DESIGN.md ("Layout"): a journey imports only the kit (``common``, ``forms``,
``interruptions``) and ``bot/``, so journeys never reach into each other; only the two that
dispatch to journeys (``confirmations``, ``flow``) import them. ``bot/rasa_ext`` is what Rasa
loads (its modules bring Rasa and TensorFlow): the action server never imports it, not even for
a constant.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from rasa_sdk.executor import ActionExecutor

from actions.common import Named
from actions.privacy import ActionEraseData
from bot import names
from bot.rasa_ext import ERASE_ACTION_NAME
from bot.servers.action_server import ACTIONS_PACKAGE

ACTIONS = Path(__file__).resolve().parents[2] / "actions"
KIT = frozenset({"common", "forms", "interruptions"})
DISPATCHERS = frozenset({"confirmations", "flow"})


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth (``from actions import notebook`` is actions.notebook)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _modules() -> list[Path]:
    return sorted(path for path in ACTIONS.glob("*.py") if path.name != "__init__.py")


def test_the_folder_holds_the_modules() -> None:
    assert len(_modules()) > 10  # the checks below would pass on an empty list


@pytest.mark.parametrize("path", _modules(), ids=lambda path: path.stem)
def test_no_action_module_imports_rasa_s_extensions(path: Path) -> None:
    assert not {module for module in imported_modules(path) if module.startswith("bot.rasa_ext")}


@pytest.mark.parametrize("path", [path for path in _modules() if path.stem not in DISPATCHERS], ids=lambda p: p.stem)
def test_a_journey_imports_only_the_kit_of_the_actions(path: Path) -> None:
    others = {
        module.split(".")[1]
        for module in imported_modules(path)
        if module.startswith("actions.") and module.split(".")[1] not in KIT
    }
    assert not others, f"{path.stem} imports journeys {sorted(others)}: move what they share to actions/common.py"


def test_the_check_sees_an_import(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text("from actions import notebook\ndef f():\n    from bot.rasa_ext import X\n", encoding="utf-8")
    assert {"actions.notebook", "bot.rasa_ext"} <= imported_modules(module)


def test_every_served_action_is_named_from_the_names_table() -> None:
    """``NAME = Action.ACTION_GREET``, one declaration per action (actions.common.Named)."""
    executor = ActionExecutor()
    executor.register_package(ACTIONS_PACKAGE)
    for name, run in executor.actions.items():
        action = run.__self__  # type: ignore[attr-defined]
        assert isinstance(action, Named), name
        assert name == type(action).NAME
    assert set(executor.actions) == names.ACTIONS


def test_the_erase_is_the_action_the_tracker_store_watches_for() -> None:
    """The tracker store drops a person's stored history when it sees this action's name."""
    assert ActionEraseData().name() == ERASE_ACTION_NAME
