"""Browser tests: real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, against
pytest-django's live server. No browser is ever downloaded.

Fixtures: ``browser`` (session), ``page`` (fresh context per test, zh-Hant locale), ``login(page, user)``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.e2e.browser import click_through

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
E2E_PASSWORD = "pw-for-tests-2026"  # tests.factories.UserFactory's password

pytestmark = pytest.mark.e2e


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make setup` (installs Debian's chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body are
    # still synchronous and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-TW", base_url=live_server.url, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login() -> Callable[[Any, Any], None]:
    """``login(page, user)``: sign in through the real login form."""

    def _login(page: Any, user: Any) -> None:
        page.goto("/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", E2E_PASSWORD)
        click_through(page, "main button[type=submit]")

    return _login
