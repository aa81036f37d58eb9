"""Run axe-core (served from /static/js/axe.min.js) on the current page and fail on any WCAG 2.2 AA violation."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

AXE_URL = "/static/js/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]

_RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return results.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
    count: v.nodes.length,
    html: v.nodes.length ? v.nodes[0].html.slice(0, 200) : '',
  }));
}"""


def axe_violations(page: Page) -> list[dict[str, Any]]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_URL)
    return page.evaluate(_RUN, WCAG_TAGS)


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  - {v['id']} ({v['impact']}): {v['help']} [{v['count']} element(s)]")
        lines.extend(f"      at {target}" for target in v["targets"])
        if v["html"]:
            lines.append(f"      e.g. {v['html']}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page, context_label: str) -> None:
    """Fail with a readable list (rule, impact, help, first three targets) when axe finds anything."""
    violations = axe_violations(page)
    if violations:
        listing = format_violations(violations)
        raise AssertionError(f"axe found {len(violations)} violation(s) on {context_label} ({page.url}):\n{listing}")


_WIDER_THAN_VIEWPORT = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  const wide = [...document.querySelectorAll('body *')].filter(el => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1 && getComputedStyle(el).position !== 'fixed';
  });
  // The innermost offenders say most about the cause.
  return wide.filter(el => !wide.some(other => other !== el && el.contains(other))).slice(0, 5)
    .map(el => el.outerHTML.slice(0, 160));
}"""


def assert_reflows(page: Page, context_label: str, width: int = 320) -> None:
    """WCAG 1.4.10 Reflow: at 320 CSS pixels wide (400% zoom) nothing needs scrolling sideways."""
    original = page.viewport_size
    page.set_viewport_size({"width": width, "height": 640})
    try:
        offenders = page.evaluate(_WIDER_THAN_VIEWPORT)
    finally:
        if original:
            page.set_viewport_size(original)
    if offenders:
        listing = "\n".join(f"  - {html}" for html in offenders)
        raise AssertionError(f"{context_label} ({page.url}) scrolls sideways at {width}px wide:\n{listing}")
