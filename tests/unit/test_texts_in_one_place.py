"""Actions say no words of their own: what they compose for the person comes from bot/logic.

One place (bot/logic/messages.py, or the logic module that owns the wording) is where wording and
reading level (about 8th grade, plain words) are reviewed; a literal in an action escapes that.
"""

from __future__ import annotations

import ast
from pathlib import Path

ACTIONS = Path(__file__).resolve().parents[2] / "actions"


def _has_literal(node: ast.expr) -> bool:
    """A string literal or f-string is the text, or is glued into it ("You could say:\\n" + ...).

    Arguments of calls and subscripts are not the text itself (``TOPICS.get(form, "")``).
    """
    if isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return True
    if isinstance(node, ast.BinOp):
        return _has_literal(node.left) or _has_literal(node.right)
    if isinstance(node, ast.IfExp):
        return _has_literal(node.body) or _has_literal(node.orelse)
    if isinstance(node, ast.BoolOp):
        return any(_has_literal(value) for value in node.values)
    return False


def _spoken_texts(tree: ast.AST, path: Path) -> list[ast.expr]:
    """The `text=` of every `utter_message`, in confirmations.py what `_say(...)` says, and the
    title of every button (a dict with a "title" key): a button's words are read too."""
    texts: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            texts += [
                value
                for key, value in zip(node.keys, node.values, strict=True)
                if isinstance(key, ast.Constant) and key.value == "title"
            ]
            continue
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if name == "utter_message":
            texts += [keyword.value for keyword in node.keywords if keyword.arg == "text"]
        elif name == "_say" and path.name == "confirmations.py":
            texts += node.args[:1]
    return texts


def literal_texts(path: Path) -> list[str]:
    """ "file:line" for each text in `path` that is written inline."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{path.name}:{text.lineno}" for text in _spoken_texts(tree, path) if _has_literal(text)]


def test_actions_take_their_texts_from_bot_logic() -> None:
    found = [where for path in sorted(ACTIONS.glob("*.py")) for where in literal_texts(path)]
    assert not found, f"inline texts (move them to bot/logic/messages.py): {found}"


def test_the_check_sees_inline_texts(tmp_path: Path) -> None:
    sample = tmp_path / "confirmations.py"
    sample.write_text(
        'dispatcher.utter_message(text="Hi")\n'
        'dispatcher.utter_message(text=f"{n} saved")\n'
        'dispatcher.utter_message(text="Saved:\\n" + listed)\n'
        "dispatcher.utter_message(text=messages.OK)\n"
        '_say("OK.")\n'
        'BUTTON = {"title": "Write a request", "payload": "/request_records"}\n'
        'buttons.append({"title": title, "payload": payload})\n',
        encoding="utf-8",
    )
    assert literal_texts(sample) == [f"confirmations.py:{line}" for line in (1, 2, 3, 5, 6)]
