"""Browser helpers shared by the e2e tests.

``click_through(page, target)`` clicks a link or a submit button and returns once the page it leads to has
loaded (its ``load`` event). It replaces ``click`` + ``wait_for_load_state("networkidle")``, which waits for
at least 500 ms of network silence after every page: half a second per click that tested nothing. A click
that does not navigate fails here (after the context's default timeout) instead of passing silently.
"""

from __future__ import annotations

from typing import Any


def click_through(page: Any, target: Any) -> None:
    """Click ``target`` (a selector, or a Locator) and wait for the navigation it starts to load."""
    with page.expect_navigation():
        if isinstance(target, str):
            page.click(target)
        else:
            target.click()
