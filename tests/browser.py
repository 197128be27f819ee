"""Headless Chromium for browser tests: Debian's ``chromium`` driven by Playwright.

Playwright's own browser download (``playwright install``) is never used: the system Chromium is
(``apt-get install chromium``), so tests run offline. Without it the tests are skipped on a
developer's machine but fail under CI (``CI`` set), where a skip would hide a missing install.
Screenshots go to tests/artifacts/ (git-ignored) so a failure can be looked at.
"""
from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    message = f"Chromium not found at {CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@contextmanager
def chromium() -> Iterator[object]:
    """A launched browser (``playwright.sync_api.Browser``); closed afterwards."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page: object, test_name: str, step: str) -> Path:
    """Save a full-page PNG as tests/artifacts/<test>/<step>.png; returns its path."""
    folder = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{step}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path
