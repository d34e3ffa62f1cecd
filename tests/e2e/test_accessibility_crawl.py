"""Every page a demo role reaches by following links from its home page, and the pages
anyone may open without logging in, have no critical or serious WCAG 2.1 A/AA violation
(axe-core) at 1280 px."""
from __future__ import annotations

import re
from collections import Counter, deque
from urllib.parse import urlsplit

import pytest

from tests.support.accessibility import describe, is_checkable, kind, violations
from tests.support.browser import inaccessible, log_in, open_context

ROLES = {
    "admin": "admin@bimtek.test",
    "organiser": "organiser@bimtek.test",
    "desk": "desk@bimtek.test",
    "facilitator": "fasilitator@bimtek.test",
    "hr": "hr@bimtek.test",
    "participant": "peserta@bimtek.test",
}
ANONYMOUS_START = ["/login", "/verify", "/register/KSP-KUTIM-DEMO", "/lost-link"]
# Files, not pages; the home page's links are GETs, and logging out is a POST anyway.
NOT_A_PAGE = re.compile(r"\.(pdf|xlsx|zip|ics|csv|json)$|^/(static|bootstrap)/|/logout")
MAX_PAGES = 150
# Two pages of each kind keep the crawl within minutes over 400 participants and two
# courses.
MAX_PER_KIND = 2


def crawl(page, live_server, start: list[str]) -> tuple[list[str], dict[str, list[dict]]]:
    """The pages visited breadth-first from `start` along same-origin links, and the
    violations found on each."""
    queue = deque(start)
    seen, kinds = set(start), Counter()
    visited, found = [], {}
    while queue and len(visited) < MAX_PAGES:
        path = queue.popleft()
        if kinds[kind(path)] >= MAX_PER_KIND:
            continue
        kinds[kind(path)] += 1
        response = page.goto(path)
        if response is None or response.status >= 400 or not is_checkable(page):
            continue
        visited.append(path)
        if problems := violations(page):
            found[path] = problems
        for href in page.eval_on_selector_all(
                "a[href]:not([download])", "links => links.map(a => a.href)"):
            if not href.startswith(live_server + "/"):
                continue
            parts = urlsplit(href)
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if link not in seen and not NOT_A_PAGE.search(parts.path):
                seen.add(link)
                queue.append(link)
    return visited, found


def report(found: dict[str, list[dict]]) -> str:
    per_rule = Counter()
    for problems in found.values():
        for problem in problems:
            per_rule[problem["id"]] += len(problem["targets"])
    summary = ", ".join(f"{rule}: {count}" for rule, count in per_rule.most_common())
    return "\n".join([f"elements per rule: {summary}",
                      *(describe(path, problems) for path, problems in found.items())])


@pytest.fixture
def crawler(browser, live_server):
    context = open_context(browser, live_server, check_accessibility=False,
                           viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_every_page_a_role_reaches_is_accessible(crawler, live_server, demo, role):
    if role == "anonymous":
        start = ANONYMOUS_START
    else:
        log_in(crawler, ROLES[role], demo)
        start = ["/"]
    visited, found = crawl(crawler, live_server, start)
    print(f"{role}: {len(visited)} pages", *visited, sep="\n  ")
    assert len(visited) > 1 or role == "anonymous"
    assert not found, report(found)


def test_a_browser_test_fails_on_a_page_with_a_serious_violation(page):
    """The check every browser test runs as its pages load (tests/support/accessibility.py,
    `check_each_page`) reports a page with an unlabelled field."""
    page.route("**/unlabelled-field", lambda route: route.fulfill(
        content_type="text/html",
        body='<!doctype html><html lang="id"><title>Formulir</title>'
             '<main><h1>Formulir</h1><input type="text"></main></html>'))
    page.goto("/unlabelled-field")
    for _ in range(100):
        if inaccessible:
            break
        page.wait_for_timeout(100)
    reported = inaccessible.pop(f"{page.url}", [])
    assert [violation["id"] for violation in reported] == ["label"]
