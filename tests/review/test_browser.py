"""End to end in a real headless Chromium (Debian's ``chromium``, driven by Playwright's Python
package): the README walkthrough. Start the app (uvicorn on loopback), enqueue the examples with
the documented request, log in, review every item with the keyboard only, export, and check the
exported file; a screenshot of the page goes to ``reports/review-page.png``.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import httpx
import pytest

from signals.api import create_app
from signals.cli import main as cli_main

from .conftest import API_KEY, REVIEWER_KEY, SCORING, make_settings
from .helpers import ROOT, example_messages
from .server import ThreadServer

CHROMIUM = os.environ.get("SIGNALS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = ROOT / "reports" / "review-page.png"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")
    if not Path(CHROMIUM).is_file():
        reason = f"Chromium not found at {CHROMIUM}: `make chromium` or `apt-get install chromium` installs it"
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI is set, so this is a failure, not a skip)")
        pytest.skip(reason)
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def served(review_db, tiny_model_dir, service):
    settings = make_settings(tiny_model_dir, review_db=review_db, api_keys=API_KEY, reviewer_keys=REVIEWER_KEY,
                             review_purge_interval=0)
    with ThreadServer(create_app(settings, service)) as server:
        yield server.url


def _blur(page) -> str:
    return page.eval_on_selector("#sensitive", "el => getComputedStyle(el).filter")


def test_review_the_examples_with_the_keyboard_then_export(browser, served, review_db, tmp_path, request):
    # 1. the README's curl: POST examples/review-items.json
    payload = (ROOT / "examples" / "review-items.json").read_bytes()
    with httpx.Client(timeout=60) as client:
        enqueued = client.post(f"{served}/v1/review/items", content=payload,
                               headers={**SCORING, "Content-Type": "application/json"})
    assert enqueued.status_code == 200, enqueued.text
    items = {i["id"]: i for i in enqueued.json()["items"]}
    assert set(items) == {m["id"] for m in example_messages()}

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{served}/review")
    # 2. log in with the keyboard: the key field has the focus
    assert page.evaluate("document.activeElement.id") == "key"
    page.keyboard.type(REVIEWER_KEY)
    page.keyboard.press("Tab")
    page.keyboard.type("rev-e2e")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("article#current")
    cookie = next(c for c in context.cookies() if c["name"] == "signals_review_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.evaluate("document.activeElement.id") == "current"
    # 3. focus order: the reveal button first, then the category checkboxes
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "reveal"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "categories"

    decided: dict[str, str] = {}
    screenshot_taken = False
    for _ in range(len(items)):
        page.wait_for_selector("article#current")
        item_id = page.get_attribute("article#current", "data-item")
        assert "blur" in _blur(page)  # blurred until revealed
        page.keyboard.press("r")
        assert _blur(page) == "none"
        assert page.get_attribute("button.reveal", "aria-pressed") == "true"
        labels = items[item_id]["labels"]
        if "disclosure" in labels:
            assert page.locator("aside.support").is_visible()  # the support route is shown
        if page.locator("mark.tactic").count() and page.locator("ol.context").count() and not screenshot_taken:
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
            screenshot_taken = True
        key = "c" if labels else "d"
        if item_id == "m4":
            key = "e"
        with page.expect_navigation():
            page.keyboard.press(key)
        decided[item_id] = {"c": "confirmed", "d": "dismissed", "e": "escalated"}[key]
        assert page.locator("[role=status]").inner_text().strip() in ("Beslissing opgeslagen.", "Decision saved.")
    assert page.locator("p.empty").is_visible()
    assert screenshot_taken and SCREENSHOT.stat().st_size > 10_000
    # 4. live precision on the page; English is remembered
    assert page.locator("section.precision td").count() > 1
    page.goto(f"{served}/review?lang=en")
    page.goto(f"{served}/review")
    assert page.get_attribute("html", "lang") == "en" and "Nothing to review" in page.inner_text("main")
    assert not errors, errors
    context.close()

    # 5. export and check the file
    out = tmp_path / "feedback.jsonl"
    assert cli_main(["feedback", "export", str(out), "--db", review_db]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    final = {k: v for k, v in decided.items() if v != "escalated"}
    assert {r["id"] for r in rows} == set(final)
    texts = {m["id"]: m["text"] for m in example_messages()}
    for row in rows:
        assert row["text"] == texts[row["id"]] and row["decision"] == final[row["id"]]
        assert row["labels"] == (items[row["id"]]["labels"] if row["decision"] == "confirmed" else [])
        assert row["source"] == "feedback" and row["split"] in ("train", "test") and row["weight"] == 1.0
    from training.feedback import held_out_feedback, load_feedback

    assert len(load_feedback(out)) + len(held_out_feedback(out)) == len(rows)
    if "postgresql" in request.node.name and SCREENSHOT.is_file():
        shutil.copy(SCREENSHOT, SCREENSHOT.with_name("review-page-postgresql.png"))
