"""The browser side of the end-to-end tests: Debian's Chromium, contexts that report what
the Content-Security-Policy blocked, logging in and out, and the widths pages must fit."""
from __future__ import annotations

import os

from playwright.sync_api import expect

from tests.support.accessibility import check_each_page

CHROMIUM = os.environ.get("BIMTEK_CHROMIUM", "/usr/bin/chromium")
# A PDF drawn on request (a report, a certificate) may take longer than a page on a busy
# machine: downloads wait this long.
PDF_TIMEOUT_MS = 60_000
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def closing_each_response(app):
    """The app, closing each response (a static file's handle) as soon as it is sent: the
    development server skips closing it when the browser drops the connection early
    (werkzeug/serving.py, `execute`), and the handle then warns when collected."""
    def application(environ, start_response):
        response = app(environ, start_response)
        try:
            yield from response
        finally:
            if hasattr(response, "close"):
                response.close()
    return application


# What the browser said about the Content-Security-Policy during the current test, and the
# critical or serious accessibility violations axe found on its pages, by URL.
blocked_by_policy: list[str] = []
inaccessible: dict[str, list[dict]] = {}


def open_context(browser, live_server, *, check_accessibility=True, **options):
    """A browser context on the app whose pages report anything the Content-Security-
    Policy blocked and, unless told otherwise, are checked by axe as they load: every
    browser test fails on either (tests/e2e/conftest.py, `_policy_kept_and_pages_accessible`)."""
    context = browser.new_context(base_url=live_server, locale="id-ID", **options)
    context.on("console", lambda message: "Content Security Policy" in message.text
               and blocked_by_policy.append(f"{message.page.url}: {message.text}"))
    if check_accessibility:
        check_each_page(context, inaccessible)
    return context


def log_in(page, email, password):
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def log_out(page):
    """The way the next person on a shared device expects it: from the user menu, which a
    phone keeps behind the collapsed navigation."""
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_label("E-mail")).to_be_visible()


WIDTHS = {"phone": {"width": 360, "height": 740}, "laptop": {"width": 1280, "height": 800}}


def no_horizontal_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
