"""A real browser for the report's tests: Debian's headless Chromium, driven by Playwright
(which needs no browser of its own: it is given Chromium's executable).

`make test` installs Chromium when it is missing (and CI runs it on a fresh machine as root);
a test that needs the browser fails, with what to do, when it is still not there: the page is
checked in a browser or the report is not checked at all."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Page, Route

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING = (
    "Chromium is not installed at /usr/bin/chromium, and the report must be checked in a real "
    "browser: run `make test` (as root it installs it: apt-get install -y chromium), or "
    "install Debian's chromium package yourself"
)


def chromium() -> Path:
    """Chromium's executable; the test fails (it is never skipped) when there is none."""
    if CHROMIUM.exists():
        return CHROMIUM
    found = shutil.which("chromium")
    if found is None:
        pytest.fail(MISSING)
    return Path(found)


@dataclass
class Visit:
    """What a page did: every request it made, and the errors its console reported."""

    page: Page
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@contextmanager
def opened(path: Path, profile: Path, width: int = 1280, height: int = 900) -> Iterator[Visit]:
    """`path` opened in headless Chromium with a fresh profile and the network off: every
    request is recorded, and any but the file itself is refused."""
    from playwright.sync_api import sync_playwright

    url = path.resolve().as_uri()
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(chromium()),
            headless=True,
            offline=True,
            args=FLAGS,
            viewport={"width": width, "height": height},
        )
        try:
            page = context.new_page()
            visit = Visit(page)

            def route(found: Route) -> None:
                visit.requests.append(found.request.url)
                if found.request.url == url:
                    found.continue_()
                else:
                    found.abort()

            context.route("**/*", route)
            page.on(
                "console",
                lambda message: (
                    visit.errors.append(message.text) if message.type == "error" else None
                ),
            )
            page.on("pageerror", lambda error: visit.errors.append(str(error)))
            page.goto(url, wait_until="load")
            yield visit
        finally:
            context.close()
