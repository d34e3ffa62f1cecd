"""axe-core in the browser tests: a page is accessible when axe finds no critical or serious
violation of the WCAG 2.1 A and AA rules on it.

axe is vendored for the tests only (vendor/README.md) and never served by the app. It is
evaluated through the DevTools protocol, which the page's Content-Security-Policy
(`script-src 'self'`) does not govern: the app's policy stays as it is and nothing is
reported blocked."""
from __future__ import annotations

from pathlib import Path

AXE_VERSION = "4.14.1"
AXE = Path(__file__).parent / "vendor" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
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


def assert_accessible(page) -> None:
    """Fails, naming each rule, its impact, the elements and axe's help, when the page has
    a critical or serious violation of WCAG 2.1 A or AA."""
    if not is_checkable(page):
        return
    found = violations(page)
    assert not found, describe(page.url, found)
