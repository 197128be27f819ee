"""The Jinja2 templates of the server-rendered pages: the advocate console and the shared question list.

Each set lives in its own folder under ``templates/`` and extends ``templates/page.html``, the one
HTML skeleton every page has (language, viewport, and ``noindex``: no page of ours belongs in a
search engine). Autoescaping is on for every template, so whatever a person typed is shown as
text, never as HTML.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def templates(folder: str) -> Environment:
    """The templates in ``templates/<folder>``, which find ``page.html`` in ``templates/`` itself."""
    return Environment(
        loader=FileSystemLoader([TEMPLATES_DIR / folder, TEMPLATES_DIR]),
        # Explicit: every template is HTML, so everything inserted is escaped unless marked safe (nothing is).
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
