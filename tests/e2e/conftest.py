"""End-to-end harness: the app served on a free loopback port over the test database,
driven by Python Playwright in Debian's Chromium."""
from __future__ import annotations

import os
import threading

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

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


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, closing_each_response(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def playwright():
    if not os.path.exists(CHROMIUM):
        # Never a skip: `make test` installs chromium; without it the suite is incomplete.
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium package "
                    "(`make test` does this when run as root).")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
    yield browser
    browser.close()


# What the browser said about the Content-Security-Policy during the current test.
_blocked_by_policy: list[str] = []


def open_context(browser, live_server, **options):
    """A browser context on the app whose pages report anything the Content-Security-
    Policy blocked: every browser test fails on it (`_nothing_blocked_by_policy`)."""
    context = browser.new_context(base_url=live_server, locale="id-ID", **options)
    context.on("console", lambda message: "Content Security Policy" in message.text
               and _blocked_by_policy.append(f"{message.page.url}: {message.text}"))
    return context


@pytest.fixture(autouse=True)
def _nothing_blocked_by_policy():
    _blocked_by_policy.clear()
    yield
    assert _blocked_by_policy == []


@pytest.fixture
def page(browser, live_server):
    context = open_context(browser, live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def demo(app):
    from bimtek.demo import seed

    with app.app_context():
        seed(app.config["DEMO_PASSWORD"])
    return app.config["DEMO_PASSWORD"]
