"""Shared pieces of the browser tests: Debian's Chromium under Playwright, logged-in pages."""

import os
import shutil
from pathlib import Path

import pytest
from django.test import Client

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def browser_marks():
    return [
        pytest.mark.browser,
        pytest.mark.slow,
        pytest.mark.django_db(transaction=True),
        pytest.mark.skipif(
            not shutil.which(CHROMIUM) and not os.environ.get("CI"), reason="Debian's chromium is not installed"
        ),
    ]


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between page actions are synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def logged_in_page(browser, live_server, user, viewport):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=viewport, is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context.new_page()


def screenshot(page, name: str) -> None:
    """Saved only when AWNING_SCREENSHOTS_DIR is set (that is how docs/screenshots is made)."""
    folder = os.environ.get("AWNING_SCREENSHOTS_DIR")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
