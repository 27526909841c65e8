"""The review page without a browser: login, cookie and CSRF rules, security headers, languages,
highlights from offsets, the support route, the static files."""

from __future__ import annotations

import re

import pytest

from signals.review import auth
from signals.review.render import Segment, segments

from .conftest import REVIEWER_KEY, SCORING

DISCLOSURE = "ik durf het niemand te vertellen maar hij zegt dat hij mn fotos naar iedereen stuurt als ik nie betaal"


def _login(client, key=REVIEWER_KEY, reviewer="rev-1"):
    return client.post("/review/login", data={"key": key, "reviewer": reviewer}, follow_redirects=False)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


@pytest.fixture
def page_client(review_client):
    with review_client() as client:
        client.post("/v1/review/items", headers=SCORING, json={"items": [
            {"id": "p1", "text": DISCLOSURE, "context": [{"speaker": "u-5", "text": "gaat het wel <b>goed</b>?"}]}]})
        yield client


def test_login_form_then_the_queue(page_client):
    first = page_client.get("/review")
    assert first.status_code == 200 and 'name="key"' in first.text and 'type="password"' in first.text
    assert _login(page_client, key="fout").status_code == 401
    assert _login(page_client, reviewer="Naam Met Spaties").status_code == 401
    response = _login(page_client)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/review" in cookie
    html = page_client.get("/review").text
    assert 'data-item="p1"' in html and "rev-1" in html


def test_security_headers(page_client):
    response = page_client.get("/review")
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["cache-control"] == "no-store" and response.headers["x-frame-options"] == "DENY"
    assert "https://" not in response.text and "http://" not in response.text  # no CDN, nothing remote


def test_text_is_escaped_and_tactics_highlighted_and_the_support_route_shown(page_client):
    _login(page_client)
    html = page_client.get("/review").text
    assert "&lt;b&gt;goed&lt;/b&gt;" in html and "<b>goed</b>" not in html
    assert '<mark class="tactic"' in html
    assert 'class="support"' in html and "Hulproute" in html
    assert 'class="item blurred"' in html and 'aria-pressed="false"' in html


def test_decisions_need_the_csrf_token_and_a_same_origin_form(page_client):
    _login(page_client)
    token = _csrf(page_client.get("/review").text)
    form = {"item_id": "p1", "decision": "confirmed", "categories": "disclosure"}
    assert page_client.post("/review/decide", data=form, follow_redirects=False).status_code == 403
    assert page_client.post("/review/decide", data={**form, "csrf": "x" + token}, follow_redirects=False).status_code == 403
    foreign = page_client.post("/review/decide", data={**form, "csrf": token}, follow_redirects=False,
                               headers={"Origin": "https://elders.example"})
    assert foreign.status_code == 403 and foreign.json()["error"]["code"] == "forbidden"   # refused, not invalid
    for path in ("/review/login", "/review/logout"):
        refused = page_client.post(path, data={"csrf": token}, follow_redirects=False,
                                   headers={"Origin": "https://elders.example"})
        assert refused.status_code == 403, (path, refused.text)
    ok = page_client.post("/review/decide", data={**form, "csrf": token}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/review?done=recorded"
    item = page_client.get("/v1/review/items/p1", headers={"X-Reviewer-Key": REVIEWER_KEY}).json()
    assert item["status"] == "confirmed" and item["history"][0]["reviewer"] == "rev-1"
    assert item["history"][0]["categories"] == ["disclosure"]


def test_bad_page_decisions_change_nothing(page_client):
    _login(page_client)
    token = _csrf(page_client.get("/review").text)
    for form in ({"item_id": "p1", "decision": "goedgekeurd"}, {"item_id": "bestaat-niet", "decision": "dismissed"},
                 {"item_id": "p1", "decision": "confirmed", "categories": "spam"},
                 {"item_id": "p1", "decision": "escalated", "note": "x" * 1001}):
        response = page_client.post("/review/decide", data={**form, "csrf": token})
        assert response.status_code in (404, 422), form
        assert 'role="alert"' in response.text
    item = page_client.get("/v1/review/items/p1", headers={"X-Reviewer-Key": REVIEWER_KEY}).json()
    assert item["status"] == "open" and item["history"] == []


def test_language_is_the_reviewers_choice_and_remembered(page_client):
    assert 'lang="nl"' in page_client.get("/review").text
    switched = page_client.get("/review?lang=en", follow_redirects=False)
    assert switched.status_code == 303 and "signals_review_lang=en" in switched.headers["set-cookie"]
    assert 'lang="en"' in page_client.get("/review").text and "Reviewer login" in page_client.get("/review").text
    page_client.get("/review?lang=xx")
    assert 'lang="nl"' in page_client.get("/review").text


def test_logout_and_expired_or_foreign_sessions(page_client):
    _login(page_client)
    token = _csrf(page_client.get("/review").text)
    assert page_client.post("/review/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    page_client.cookies.clear()
    assert 'name="key"' in page_client.get("/review").text
    forged = auth.issue("rev-1", "een-andere-sleutel", hours=1)
    page_client.cookies.set(auth.SESSION_COOKIE, forged, path="/review")
    assert 'name="key"' in page_client.get("/review").text


def test_sessions_expire_and_follow_the_keys():
    token = auth.issue("rev-1", "k1", hours=1)
    assert auth.verify(token, ["k0", "k1"]).reviewer == "rev-1"
    assert auth.verify(token, ["k0"]) is None                      # the key was removed: logged out
    assert auth.verify(token + "0", ["k1"]) is None
    assert auth.verify("rommel", ["k1"]) is None
    from datetime import datetime, timedelta, timezone

    assert auth.verify(token, ["k1"], now=datetime.now(timezone.utc) + timedelta(hours=2)) is None


def test_the_page_is_closed_without_reviewer_keys(review_client):
    with review_client(reviewer_keys="") as client:
        response = client.get("/review")
        assert response.status_code == 403 and "SIGNALS_REVIEWER_KEYS" in response.text
        assert client.post("/review/login", data={"key": "x", "reviewer": "r"}).status_code == 403


def test_static_files_are_served_from_the_package(page_client):
    assert "blur" in page_client.get("/review/static/review.css").text
    assert "keydown" in page_client.get("/review/static/review.js").text


@pytest.mark.parametrize(("text", "spans", "expected"), [
    ("kom op snap", [{"tactic": "platform_switch", "start": 7, "end": 11}],
     [Segment("kom op "), Segment("snap", ("platform_switch",))]),
    ("abcdef", [{"tactic": "a", "start": 0, "end": 4}, {"tactic": "b", "start": 2, "end": 6}],
     [Segment("ab", ("a",)), Segment("cd", ("a", "b")), Segment("ef", ("b",))]),
    ("abc", [{"tactic": "x", "start": 2, "end": 99}, {"tactic": "y", "start": 1, "end": 1}],
     [Segment("ab"), Segment("c", ("x",))]),
    ("", [], []),
])
def test_segments_from_offsets(text, spans, expected):
    assert segments(text, spans) == expected


def test_both_languages_have_every_string():
    from signals.review import i18n

    assert set(i18n.STRINGS["nl"]) == set(i18n.STRINGS["en"])
    assert i18n.name("nl", "disclosure") == "onthulling" and i18n.name("en", "age_probe") == "age probe"
    assert i18n.name("en", "a_new_category") == "a new category"  # a model's own category, untranslated
