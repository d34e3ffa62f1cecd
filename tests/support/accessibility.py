"""axe-core in the browser tests: a page is accessible when axe finds no critical or serious
violation of the WCAG 2.1 A and AA rules on it.

Every page a browser test opens is checked as it loads (`check_each_page`), and the crawl
(tests/e2e/test_accessibility_crawl.py) checks every page each demo role reaches.

axe is vendored for the tests only (tests/e2e/vendor/README.md) and never served by the
app. It is evaluated through the DevTools protocol, which the page's Content-Security-Policy
(`script-src 'self'`) does not govern: the app's policy stays as it is and nothing is
reported blocked."""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

AXE_VERSION = "4.14.1"
AXE = (Path(__file__).parents[1] / "e2e" / "vendor" / f"axe-core-{AXE_VERSION}"
       / "axe.min.js")
WCAG_21_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = ("critical", "serious")

_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                          resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    targets: v.nodes.map(n => n.target.join(' ')),
  }));
}"""

_source: str | None = None


def _axe_source() -> str:
    global _source
    if _source is None:
        _source = AXE.read_text(encoding="utf-8")
    return _source


def is_checkable(page) -> bool:
    """An HTML page of the app, still open: not a blank tab, a PDF or a closed page."""
    if page.is_closed() or not page.url.startswith(("http://", "https://")):
        return False
    return page.evaluate("document.contentType") == "text/html"


def violations(page) -> list[dict]:
    """The critical and serious WCAG 2.1 A/AA violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    found = page.evaluate(_RUN, WCAG_21_A_AA)
    return [v for v in found if v["impact"] in FAILING_IMPACTS]


def describe(url: str, found: list[dict]) -> str:
    lines = [f"{url}: {len(found)} critical or serious accessibility violation(s)"]
    for v in found:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        lines.extend(f"      {target}" for target in v["targets"][:10])
        if len(v["targets"]) > 10:
            lines.append(f"      … and {len(v['targets']) - 10} more")
    return "\n".join(lines)


def kind(url: str) -> str:
    """Pages of one kind (a participant, page 7 of a list, either demo course's matrix)
    differ in data, not in markup."""
    parts = urlsplit(url)
    path = re.sub(r"^/(courses|register)/[^/]+(?=/)", r"/\1/<code>", parts.path)
    query = sorted(field.split("=")[0] for field in parts.query.split("&") if field)
    return re.sub(r"/\d+(?=/|$)", "/<n>", path) + "?" + "&".join(query)


# When a page of the app has loaded, ask whether its kind is still unchecked, run axe and
# report what it found. Frames and non-HTML documents (a PDF) are left alone.
_ON_LOAD = """window.addEventListener('load', async () => {
  if (window.top !== window || !location.protocol.startsWith('http')
      || document.contentType !== 'text/html') return;
  if (!(await window.bimtekAxeShouldCheck(location.href))) return;
  const result = await axe.run(document, {runOnly: {type: 'tag', values: TAGS},
                                          resultTypes: ['violations']});
  await window.bimtekAxeReport(location.href, result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    targets: v.nodes.map(n => n.target.join(' ')),
  })));
});"""

def check_each_page(context, found: dict[str, list[dict]]) -> None:
    """Runs axe on every page of `context` as it loads, the first time the context meets
    its kind, and records each page's critical and serious violations in `found`."""
    checked_kinds: set[str] = set()

    def should_check(_source, url: str) -> bool:
        if kind(url) in checked_kinds:
            return False
        checked_kinds.add(kind(url))
        return True

    def report(_source, url: str, problems: list[dict]) -> None:
        if failing := [v for v in problems if v["impact"] in FAILING_IMPACTS]:
            found[url] = failing

    context.expose_binding("bimtekAxeShouldCheck", should_check)
    context.expose_binding("bimtekAxeReport", report)
    context.add_init_script(_axe_source())
    context.add_init_script(_ON_LOAD.replace("TAGS", json.dumps(WCAG_21_A_AA)))
