"""Regenerate the report screenshots of ``docs/how-to/reports.rst`` (PNG, headless Chromium).

Run ``python docs/_screenshots.py`` with ``csperf[test]`` installed (Playwright drives the system
Chromium, ``/usr/bin/chromium``) and a CJK font (``apt-get install fonts-noto-cjk`` or
``fonts-wqy-microhei``), then look at every picture before committing it.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from csperf.report import Report, render_html
from csperf.templates import customer_service_manager

OUT = Path(__file__).parent / "_static" / "reports"
SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN = "芳伟敏静丽强磊军洋勇"


def team_report(lang: str, n: int = 36) -> Report:
    """``n`` managers in three teams, with values spread over every grade."""
    card = customer_service_manager()
    rng = random.Random(2024)
    keys = [ind.key for ind in card.indicators]
    results, teams = [], {}
    for i in range(n):
        skill = rng.uniform(0, 1)

        def pick(low: float, high: float, skill: float = skill) -> float:
            return low + (high - low) * min(1.0, max(0.0, skill + rng.uniform(-0.2, 0.2)))

        values = [
            round(pick(0.62, 0.98), 3),
            round(pick(0.035, 0.002), 4),
            round(pick(300, 30)),
            round(pick(80000, 9000), 1),
            round(pick(45, 98)),
            round(pick(0.72, 0.99), 3),
            round(pick(2.6, 4.9), 1),
            round(pick(0.7, 0.99), 3),
        ]
        name = f"agent_{i + 1:02d}"
        if lang == "zh":  # 36 distinct names: surname by i, given name shifted every ten
            name = f"{SURNAMES[i % 10]}{GIVEN[(i + i // 10) % 10]}"
        results.append(card.evaluate(dict(zip(keys, values)), name))
        teams[name] = (("北区", "南区", "东区") if lang == "zh" else ("North", "South", "East"))[
            i % 3
        ]
    title = {"en": "Q1 appraisal, customer-service managers", "zh": "一季度客服主管绩效考核"}
    from datetime import date

    return Report(
        card,
        results,
        title=title,
        period=(date(2024, 1, 1), date(2024, 4, 1)),
        lang=lang,
        teams=teams,
        details=3,
    )


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp())
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for lang in ("en", "zh"):
            path = folder / f"report-{lang}.html"
            path.write_text(render_html(team_report(lang)), encoding="utf-8")
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto(path.as_uri())
            page.locator("#summary").screenshot(path=OUT / f"summary-{lang}.png")
            page.locator("#people thead th").nth(8).click()  # the total, highest first
            page.evaluate("document.getElementById('more').hidden = true")
            box = page.evaluate(
                "(() => { const r = document.getElementById('population')"
                ".getBoundingClientRect();"
                " return {x: r.left, y: r.top + window.scrollY, width: r.width}; })()"
            )
            page.screenshot(
                path=OUT / f"table-{lang}.png", clip={**box, "height": 420}, full_page=True
            )
            page.locator("details.subject").first.screenshot(path=OUT / f"details-{lang}.png")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
