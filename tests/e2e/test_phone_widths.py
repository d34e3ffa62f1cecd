"""No page the desk, a facilitator or the organiser's live count uses on a phone scrolls
sideways at 360 × 740 (the participant's and the speaker's pages: test_personal_page.py)."""
from __future__ import annotations

import re

import pytest

from tests.support.browser import log_in, open_context

PHONE = {"width": 360, "height": 740}
REFERENCE = "/courses/KSP-KUTIM-2024"


@pytest.fixture
def phone(browser, live_server):
    context = open_context(browser, live_server, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def too_wide(page, urls) -> dict[str, int]:
    """Each url whose page is wider than the screen, with its width."""
    widths = {}
    for url in urls:
        assert page.goto(url).ok, url
        widths[url] = page.evaluate("document.documentElement.scrollWidth")
    return {url: width for url, width in widths.items() if width > PHONE["width"]}


def links(page, url, pattern) -> list[str]:
    page.goto(url)
    hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.pathname)")
    return sorted({href for href in hrefs if re.fullmatch(pattern, href)})


def test_the_organiser_s_live_count_fits_a_phone(phone, demo):
    log_in(phone, "organiser@bimtek.test", demo)
    assert too_wide(phone, [f"{REFERENCE}/attendance/live", REFERENCE]) == {}


def test_the_desk_s_pages_fit_a_phone(phone, demo):
    """The desk of the demo's batch running today, and its sessions' lists to mark by hand."""
    log_in(phone, "desk@bimtek.test", demo)
    sessions = links(phone, "/courses/KSP-KUTIM-DEMO/desk", r".*/sessions/\d+/attendance")
    assert sessions, "the desk lists today's sessions"
    assert too_wide(phone, ["/courses/KSP-KUTIM-DEMO/desk", *sessions[:3]]) == {}


def test_a_facilitator_s_exercise_pages_fit_a_phone(phone, demo):
    log_in(phone, "fasilitator@bimtek.test", demo)
    exercises = links(phone, f"{REFERENCE}/exercises", r".*/exercises/\d+(/[a-z]+)?")
    assert exercises, "the facilitator sees the reference course's exercise"
    pages = {page for exercise in exercises
             for page in [exercise, *links(phone, exercise, r".*/exercises/\d+/[a-z]+")]}
    assert too_wide(phone, [f"{REFERENCE}/exercises", *sorted(pages)]) == {}
