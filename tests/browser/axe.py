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
        raise AssertionError(
            f"axe found {len(violations)} violation(s) on {context_label} ({page.url}):\n{format_violations(violations)}"
        )
