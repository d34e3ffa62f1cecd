"""End-to-end harness: the app served on a free loopback port over the test database,
driven by Python Playwright in Debian's Chromium."""
from __future__ import annotations

import os
import threading

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from tests.support.accessibility import describe
from tests.support.browser import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    WIDTHS,
    blocked_by_policy,
    closing_each_response,
    inaccessible,
    open_context,
)


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


@pytest.fixture(autouse=True)
def _policy_kept_and_pages_accessible():
    blocked_by_policy.clear()
    inaccessible.clear()
    yield
    assert blocked_by_policy == []
    assert not inaccessible, "\n".join(describe(url, found)
                                        for url, found in inaccessible.items())


@pytest.fixture
def page(browser, live_server):
    context = open_context(browser, live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(params=list(WIDTHS))
def device(request, browser, live_server):
    context = open_context(browser, live_server, viewport=WIDTHS[request.param])
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
