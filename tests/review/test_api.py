"""The review routes on SQLite and PostgreSQL: keys, enqueue, the queue, feedback, delete, errors
that change nothing, live precision in /metrics."""

from __future__ import annotations

import json
import re

import pytest

from signals.review.store import ReviewStore

from .conftest import API_KEY, REVIEWER, REVIEWER_KEY, SCORING, assert_envelope
from .helpers import example_messages, snapshot

SEXTORTION = "stuur €200 of ik zet je f0t0s op insta voor al je volgers. je hebt 1 uur"


def _enqueue(client, items, headers=SCORING):
    return client.post("/v1/review/items", json={"items": items}, headers=headers)


@pytest.fixture
def peek(review_db):
    """A second connection to the test's store, to look at what is stored."""
    opened = ReviewStore.open(review_db, run_migrations=False)
    yield opened
    opened.close()


def test_enqueue_scores_on_arrival_and_is_idempotent(review_client):
    with review_client() as client:
        items = [{"id": m["id"], "text": m["text"]} for m in example_messages()]
        first = _enqueue(client, items)
        assert first.status_code == 200, first.text
        body = first.json()
        assert [i["id"] for i in body["items"]] == [m["id"] for m in items]
        assert all(i["created"] for i in body["items"])
        assert {"m2"} <= {i["id"] for i in body["items"] if i["flagged"]}
        again = _enqueue(client, items + [{"id": "m1", "text": "dubbel in dezelfde batch"}]).json()
        assert not any(i["created"] for i in again["items"])
        within = _enqueue(client, [{"id": "n1", "text": "hoi"}, {"id": "n1", "text": "hoi nog eens"}]).json()
        assert [i["created"] for i in within["items"]] == [True, False]
        queue = client.get("/v1/review/items", headers=REVIEWER).json()
        assert queue["counts"]["open"] == len(items) + 1


def test_who_may_do_what(review_client):
    with review_client() as client:
        assert _enqueue(client, [{"id": "k1", "text": SEXTORTION}]).status_code == 200
        # the reviewer key cannot enqueue, score or delete (a valid key that does not open the route:
        # 403, but /v1/score takes no reviewer key at all); the scoring key cannot read the queue
        assert_envelope(_enqueue(client, [{"id": "k2", "text": "x"}], REVIEWER), 403, "forbidden")
        assert_envelope(client.post("/v1/score", json={"messages": [{"id": "1", "text": "hoi"}]}, headers=REVIEWER),
                        401, "unauthorized")
        assert_envelope(client.delete("/v1/review/items/k1", headers=REVIEWER), 403, "forbidden")
        assert_envelope(client.get("/v1/review/items", headers=SCORING), 403, "forbidden")
        assert_envelope(client.get("/v1/review/items/k1", headers=SCORING), 403, "forbidden")
        assert_envelope(client.get("/v1/review/items", headers={"X-Reviewer-Key": API_KEY}), 401, "unauthorized")
        assert_envelope(client.get("/v1/review/items"), 401, "unauthorized")
        assert_envelope(client.get("/v1/review/precision", headers=SCORING), 403, "forbidden")
        # both may post feedback
        decision = {"id": "k1", "decision": "escalated", "reviewer": "rev-1"}
        assert client.post("/v1/feedback", json=decision, headers=REVIEWER).status_code == 200
        assert client.post("/v1/feedback", json={**decision, "reviewer": "platform-1"}, headers=SCORING).status_code == 200
        assert_envelope(client.post("/v1/feedback", json=decision, headers={"X-Reviewer-Key": "fout"}), 401, "unauthorized")
        assert_envelope(client.post("/v1/feedback", json=decision), 401, "unauthorized")
        assert client.get("/v1/review/items/k1", headers=REVIEWER).json()["text"] == SEXTORTION


def test_without_reviewer_keys_the_queue_is_closed(review_client):
    with review_client(reviewer_keys="", api_keys="") as client:
        assert _enqueue(client, [{"id": "c1", "text": SEXTORTION}], {}).status_code == 200
        assert_envelope(client.get("/v1/review/items"), 403, "forbidden")
        assert_envelope(client.get("/v1/review/items", headers={"X-Reviewer-Key": "iets"}), 403, "forbidden")


def test_a_reviewer_key_that_is_also_a_scoring_key_is_not_a_reviewer_key(review_client):
    with review_client(reviewer_keys=f"{API_KEY},{REVIEWER_KEY}") as client:
        assert_envelope(client.get("/v1/review/items", headers={"X-Reviewer-Key": API_KEY}), 401, "unauthorized")
        assert client.get("/v1/review/items", headers=REVIEWER).status_code == 200


def test_queue_order_paging_and_filters(review_client):
    with review_client(review_page_size=3) as client:
        _enqueue(client, [{"id": m["id"], "text": m["text"]} for m in example_messages()])
        ids, risks, cursor = [], [], None
        while True:
            params = {"cursor": cursor} if cursor else {}
            page = client.get("/v1/review/items", params=params, headers=REVIEWER).json()
            assert len(page["items"]) <= 3
            ids += [i["id"] for i in page["items"]]
            risks += [i["risk"] for i in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert sorted(ids) == sorted(m["id"] for m in example_messages())
        bands = [min(int(r * 10), 10) for r in risks]
        assert bands == sorted(bands, reverse=True)
        flagged = client.get("/v1/review/items", params={"category": "sextortion", "limit": 50}, headers=REVIEWER).json()
        assert flagged["items"] and all("sextortion" in i["labels"] for i in flagged["items"])
        item = flagged["items"][0]
        assert {"text", "context", "tactics", "category_scores", "model", "enqueued_at", "uncertainty"} <= set(item)
        assert_envelope(client.get("/v1/review/items", params={"status": "gesloten"}, headers=REVIEWER),
                        422, "validation_error", "query.status")
        assert_envelope(client.get("/v1/review/items", params={"cursor": "bestaat-niet"}, headers=REVIEWER),
                        422, "validation_error", "query.cursor")


def test_feedback_history_and_idempotency(review_client):
    with review_client() as client:
        _enqueue(client, [{"id": "f1", "text": SEXTORTION, "context": [{"speaker": "u-1", "text": "hoi"}]}])
        post = {"id": "f1", "decision": "confirmed", "reviewer": "rev-1", "note": "dreigt met foto's"}
        first = client.post("/v1/feedback", json=post, headers=REVIEWER)
        assert first.status_code == 200 and first.json()["recorded"] and first.json()["decision"]["seq"] == 1
        assert first.json()["decision"]["categories"] == ["sextortion"]
        repeat = client.post("/v1/feedback", json=post, headers=REVIEWER).json()
        assert not repeat["recorded"] and repeat["history_length"] == 1
        changed = client.post("/v1/feedback", json={**post, "decision": "dismissed", "note": None},
                              headers=REVIEWER).json()
        assert changed["recorded"] and changed["status"] == "dismissed" and changed["history_length"] == 2
        item = client.get("/v1/review/items/f1", headers=REVIEWER).json()
        assert [h["decision"] for h in item["history"]] == ["confirmed", "dismissed"]
        assert item["status"] == "dismissed" and item["context"] == [{"speaker": "u-1", "text": "hoi"}]


def test_feedback_on_a_plain_scored_message_stores_no_text(review_client, peek, service):
    with review_client() as client:
        scored = client.post("/v1/score", json={"messages": [{"id": "s-9", "text": SEXTORTION}]}, headers=SCORING).json()
        result = scored["results"][0]
        body = {"id": "s-9", "decision": "confirmed", "reviewer": "rev-1",
                "scored": {"labels": result["labels"], "category_scores": result["category_scores"],
                           "model": scored["model"]}}
        assert client.post("/v1/feedback", json=body, headers=SCORING).status_code == 200
    item = peek.get("s-9")
    assert item.text is None and item.context is None and not item.enqueued
    assert item.labels == result["labels"] and item.model_sha256 == service.info.sha256


# Only the queue takes query parameters; any other was ignored: feedback?dry_run=true recorded the
# decision and DELETE …?dry_run=true deleted the item. (method, path, body, headers, the refused name)
UNKNOWN_QUERY = [
    ("post", "/v1/review/items?dry_run=1", {"items": [{"id": "u2", "text": "hoi"}]}, SCORING, "dry_run"),
    ("get", "/v1/review/items?catgory=sextortion", None, REVIEWER, "catgory"),
    ("get", "/v1/review/items?status=open&categories=sextortion", None, REVIEWER, "categories"),
    ("get", "/v1/review/items/u1?history=false", None, REVIEWER, "history"),
    ("delete", "/v1/review/items/u1?dry_run=true", None, SCORING, "dry_run"),
    ("post", "/v1/feedback?dry_run=true", {"id": "u1", "decision": "dismissed", "reviewer": "r"}, REVIEWER, "dry_run"),
    ("get", "/v1/review/precision?model_version=0.1.0", None, REVIEWER, "model_version"),
]


@pytest.mark.parametrize(("method", "path", "body", "headers", "name"), UNKNOWN_QUERY)
def test_an_unknown_query_parameter_is_refused_and_changes_nothing(review_client, peek, method, path, body, headers,
                                                                  name):
    with review_client() as client:
        _enqueue(client, [{"id": "u1", "text": SEXTORTION}])
        before = snapshot(peek)
        response = getattr(client, method)(path, headers=headers, **({"json": body} if body is not None else {}))
        assert name in assert_envelope(response, 422, "validation_error", f"query.{name}")["message"]
        assert snapshot(peek) == before


def test_the_queue_takes_its_four_query_parameters(review_client):
    with review_client() as client:
        _enqueue(client, [{"id": "q1", "text": SEXTORTION}, {"id": "q2", "text": SEXTORTION + " nu"}])
        params = {"status": "open", "category": "sextortion", "limit": 1}
        first = client.get("/v1/review/items", params=params, headers=REVIEWER)
        assert first.status_code == 200, first.text
        second = client.get("/v1/review/items", params={**params, "cursor": first.json()["next_cursor"]}, headers=REVIEWER)
        assert second.status_code == 200, second.text
        assert {i["id"] for i in first.json()["items"] + second.json()["items"]} == {"q1", "q2"}
        refused = client.get("/v1/review/items", params={**params, "sort": "risk"}, headers=REVIEWER)
        assert "status, category, limit, cursor" in assert_envelope(refused, 422, "validation_error", "query.sort")["message"]


BAD_FEEDBACK = [
    ({"id": "nope", "decision": "confirmed", "reviewer": "r"}, 404, "not_found", "id"),
    ({"id": "b1", "decision": "approved", "reviewer": "r"}, 422, "validation_error", "decision"),
    ({"id": "b1", "decision": "confirmed", "reviewer": "r", "categories": ["grooming"]}, 422, "validation_error",
     "categories[0]"),
    ({"id": "b1", "decision": "confirmed", "reviewer": "r", "note": "x" * 1001}, 422, "limit_exceeded", "note"),
    ({"id": "b1", "decision": "confirmed", "reviewer": "jan@example.org met spaties"}, 422, "validation_error",
     "reviewer"),
    ({"id": "b1", "decision": "confirmed"}, 422, "validation_error", "reviewer"),
    ({"id": "b1", "decision": "confirmed", "reviewer": "r", "extra": 1}, 422, "validation_error", "extra"),
    ({"id": "b2", "decision": "confirmed", "reviewer": "r", "scored": {"labels": ["spam"]}}, 422, "validation_error",
     "scored.labels[0]"),
]


@pytest.mark.parametrize(("body", "status", "code", "field"), BAD_FEEDBACK)
def test_bad_feedback_gets_the_envelope_and_changes_nothing(review_client, peek, body, status, code, field):
    with review_client() as client:
        _enqueue(client, [{"id": "b1", "text": SEXTORTION}])
        client.post("/v1/feedback", json={"id": "b1", "decision": "escalated", "reviewer": "r0"}, headers=REVIEWER)
        before = snapshot(peek)
        assert_envelope(client.post("/v1/feedback", json=body, headers=REVIEWER), status, code, field)
        assert snapshot(peek) == before


@pytest.mark.parametrize(("items", "status", "code", "field"), [
    ([{"id": "e1", "text": "   "}], 422, "empty_text", "items[0].text"),
    ([{"id": "e1", "text": "x" * 5001}], 422, "limit_exceeded", "items[0].text"),
    ([{"id": "e1", "text": "hoi", "contxt": []}], 422, "validation_error", "items[0].contxt"),
    ([], 422, "validation_error", "items"),
])
def test_bad_enqueue_gets_the_envelope_and_stores_nothing(review_client, peek, items, status, code, field):
    with review_client() as client:
        assert_envelope(_enqueue(client, items), status, code, field)
        assert_envelope(client.post("/v1/review/items", content=b"items", headers={**SCORING, "Content-Type": "text/plain"}),
                        415, "unsupported_media_type")
    assert snapshot(peek) == {"review_items": [], "review_item_categories": [], "review_decisions": []}


def test_delete(review_client, peek):
    with review_client() as client:
        _enqueue(client, [{"id": "d1", "text": SEXTORTION}, {"id": "d2", "text": SEXTORTION}])
        client.post("/v1/feedback", json={"id": "d2", "decision": "confirmed", "reviewer": "r", "note": "n"},
                    headers=REVIEWER)
        assert client.delete("/v1/review/items/d1", headers=SCORING).json() == {"status": "deleted"}
        assert client.delete("/v1/review/items/d2", headers=SCORING).json() == {"status": "text_deleted"}
        before = snapshot(peek)
        assert_envelope(client.delete("/v1/review/items/d1", headers=SCORING), 404, "not_found", "id")
        assert snapshot(peek) == before
        item = client.get("/v1/review/items/d2", headers=REVIEWER).json()
        assert item["text"] is None and item["context"] is None and item["history"][0]["note"] is None
        assert_envelope(client.get("/v1/review/items/d1", headers=REVIEWER), 404, "not_found", "item_id")


def test_live_precision_in_metrics_and_the_api(review_client, service):
    with review_client() as client:
        _enqueue(client, [{"id": "p1", "text": SEXTORTION}, {"id": "p2", "text": SEXTORTION + " nu"}])
        client.post("/v1/feedback", json={"id": "p1", "decision": "confirmed", "reviewer": "r"}, headers=REVIEWER)
        client.post("/v1/feedback", json={"id": "p2", "decision": "dismissed", "reviewer": "r"}, headers=REVIEWER)
        metrics = client.get("/metrics").text
        rows = client.get("/v1/review/precision", headers=REVIEWER).json()
    version = service.info.version
    assert f'signals_review_precision{{category="sextortion",model_version="{version}"}} 0.5' in metrics
    assert f'signals_review_reviewed_items{{category="sextortion",model_version="{version}"}} 2.0' in metrics
    assert 'signals_review_items{status="dismissed"} 1.0' in metrics
    assert {"model_version": version, "category": "sextortion", "reviewed": 2, "confirmed": 1, "precision": 0.5} in rows
    assert 'handler="/v1/review/items/{item_id}"' not in metrics or "p1" not in metrics
    assert "p1" not in metrics and "p2" not in metrics


def test_metrics_label_item_routes_by_template(review_client):
    with review_client() as client:
        _enqueue(client, [{"id": "id-in-path-77", "text": SEXTORTION}])
        client.get("/v1/review/items/id-in-path-77", headers=REVIEWER)
        client.delete("/v1/review/items/id-in-path-77", headers=SCORING)
        metrics = client.get("/metrics").text
    assert 'handler="/v1/review/items/{item_id}",method="DELETE",status="200"' in metrics
    assert "id-in-path-77" not in metrics


def test_the_routes_are_in_the_openapi_schema(review_client):
    with review_client() as client:
        paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/review/items", "/v1/review/items/{item_id}", "/v1/feedback", "/v1/review/precision"} <= set(paths)
    assert "/review" not in paths
    assert REVIEWER_KEY not in str(paths)


def test_feedback_on_a_scored_message_with_no_labels_and_no_scores(review_client):
    """Found by the API fuzzer: 'scored' without labels or scores used to insert an empty category row (500)."""
    with review_client() as client:
        answer = client.post("/v1/feedback", json={"id": "leeg-1", "reviewer": "r-1", "decision": "dismissed",
                                                   "scored": {"labels": [], "model": None}}, headers=SCORING)
        assert answer.status_code == 200, answer.text


# A NUL character: PostgreSQL text cannot hold one, and every one of these was a 500 there.
@pytest.mark.parametrize(("method", "path", "body", "status", "field"), [
    ("post", "/v1/review/items", {"items": [{"id": "nul-1", "text": "hoi\u0000daar"}]}, 422, "items[0].text"),
    ("post", "/v1/review/items", {"items": [{"id": "nul\u0000id", "text": "hoi"}]}, 422, "items[0].id"),
    ("get", "/v1/review/items/a%00b", None, 404, "item_id"),
    ("delete", "/v1/review/items/a%00b", None, 404, "id"),
    ("get", "/v1/review/items?category=recruit%00ment", None, 422, "category"),
    ("post", "/v1/feedback", {"id": "a\u0000b", "decision": "dismissed", "reviewer": "rev-a"}, 422, "id"),
])
def test_a_nul_character_is_refused_on_every_store(review_client, method, path, body, status, field):
    with review_client() as client:
        headers = REVIEWER if method == "get" or path == "/v1/feedback" else SCORING
        response = getattr(client, method)(path, headers=headers, **({"json": body} if body is not None else {}))
        assert response.status_code == status, response.text
        assert response.json()["error"]["field"] == field


# A lone surrogate is a valid JSON escape but no text: SQLite could not store it (a 500), and in a
# context turn it was stored and then broke the review page for every reviewer.
@pytest.mark.parametrize(("item", "field"), [
    ({"id": "s1", "text": "hoi \ud800 daar"}, "items[0].text"),
    ({"id": "s2", "text": "hoi daar", "context": [{"speaker": "a", "text": "\ud800"}]}, "items[0].context[0].text"),
])
def test_a_lone_surrogate_is_refused_and_nothing_is_stored(review_client, peek, item, field):
    with review_client() as client:
        body = json.dumps({"items": [item]})   # ASCII JSON: the surrogate goes as the escape "\\ud800"
        response = client.post("/v1/review/items", content=body, headers={**SCORING, "Content-Type": "application/json"})
        assert_envelope(response, 422, "validation_error", field)
        assert peek.get(item["id"]) is None


def test_the_text_limit_counts_as_score_counts_it(review_client):
    """300 x U+FDFA is 300 characters as sent and 5,400 after NFKC: /v1/score refuses it, so does enqueue."""
    with review_client() as client:
        for item, field in (({"id": "w1", "text": "\ufdfa" * 300}, "items[0].text"),
                            ({"id": "w2", "text": "hoi", "context": [{"speaker": "a", "text": "\ufdfa" * 300}]},
                             "items[0].context[0].text")):
            assert_envelope(_enqueue(client, [item]), 422, "limit_exceeded", field)


def test_enqueueing_a_stored_id_again_answers_with_what_is_stored(review_client):
    with review_client() as client:
        first = _enqueue(client, [{"id": "x1", "text": SEXTORTION}]).json()["items"][0]
        assert first["created"] and first["flagged"]
        again = _enqueue(client, [{"id": "x1", "text": "hoi, hoe gaat het?"}]).json()["items"][0]
        assert not again["created"]
        assert (again["flagged"], again["labels"], again["route"]) == (first["flagged"], first["labels"], first["route"])


def test_an_unknown_category_in_the_queue_filter_is_refused(review_client):
    with review_client() as client:
        response = client.get("/v1/review/items?category=bogus", headers=REVIEWER)
        assert_envelope(response, 422, "validation_error", "category")
        assert client.get("/v1/review/items?category=sextortion", headers=REVIEWER).status_code == 200


def test_a_nul_in_a_note_is_refused(review_client):
    with review_client() as client:
        assert _enqueue(client, [{"id": "n1", "text": SEXTORTION}]).status_code == 200
        response = client.post("/v1/feedback", json={"id": "n1", "decision": "confirmed", "reviewer": "rev-a",
                                                     "note": "dreigt\u0000"}, headers=REVIEWER)
        assert response.status_code == 422 and response.json()["error"]["field"] == "note"


def test_a_failed_metrics_refresh_after_a_write_is_logged_not_answered_as_an_error(review_client, peek, monkeypatch,
                                                                                   caplog):
    """The gauges are refreshed after every write; a refresh that fails (a locked database) turned a
    stored enqueue, decision or delete into a 500, and a client retrying it got 404 or a duplicate."""
    from sqlalchemy.exc import OperationalError

    from signals.review.runtime import ReviewMetrics

    def locked(self, store):
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    with review_client() as client:
        monkeypatch.setattr(ReviewMetrics, "refresh", locked)
        assert _enqueue(client, [{"id": "r1", "text": SEXTORTION}]).status_code == 200
        assert client.post("/v1/feedback", json={"id": "r1", "decision": "confirmed", "reviewer": "rev-a"},
                           headers=REVIEWER).status_code == 200
        assert client.delete("/v1/review/items/r1", headers=SCORING).status_code == 200
    assert peek.get("r1").text is None and peek.get("r1").decision_count == 1
    assert sum(r.getMessage() == "review_metrics_refresh_failed" for r in caplog.records) >= 3


def _written(body: str, field: str) -> list[str]:
    """Each ``field`` object of a JSON answer as it was written (not parsed: how a number is written is the point)."""
    return re.findall(rf'"{field}":(\{{[^{{}}]*\}})', body)


def test_the_review_answers_write_scores_as_score_does(review_client):
    """The queue and an item wrote the scores /v1/score wrote as 0.000033 as 3.3e-05."""
    messages = [{"id": m["id"], "text": m["text"]} for m in example_messages()]
    with review_client() as client:
        scored = client.post("/v1/score", json={"messages": messages}, headers=SCORING)
        _enqueue(client, messages)
        queue = client.get("/v1/review/items", params={"limit": len(messages)}, headers=REVIEWER)
        items = [client.get(f"/v1/review/items/{m['id']}", headers=REVIEWER).text for m in messages]
    by_id = {r["id"]: r["category_scores"] for r in scored.json()["results"]}
    assert min(s for scores in by_id.values() for s in scores.values()) < 0.0001   # a score that was written 3.3e-05
    expected = dict(zip(by_id, _written(scored.text, "category_scores")))
    assert dict(zip((i["id"] for i in queue.json()["items"]), _written(queue.text, "category_scores"))) == expected
    assert [_written(text, "category_scores") for text in items] == [[expected[m["id"]]] for m in messages]
    assert not re.search(r"\de-", queue.text + "".join(items))


def test_a_score_sent_with_feedback_is_stored_as_sent_and_answered_rounded(review_client, peek, service):
    """A score a client sent came back as it was sent (6.8123456789e-05), unlike /v1/score's."""
    first, second, third = service.categories
    sent = {first: 6.8123456789e-05, second: 0.1234567891234, third: 0.5}
    body = {"id": "s-1", "decision": "dismissed", "reviewer": "rev-1", "scored": {"labels": [], "category_scores": sent}}
    with review_client() as client:
        assert client.post("/v1/feedback", json=body, headers=REVIEWER).status_code == 200
        answer = client.get("/v1/review/items/s-1", headers=REVIEWER)
    assert _written(answer.text, "category_scores") == [f'{{"{first}":0.000068,"{second}":0.123457,"{third}":0.5}}']
    item = answer.json()
    assert (item["risk"], item["uncertainty"]) == (0.5, round(item["uncertainty"], 6))
    assert peek.get("s-1").category_scores == sent                   # the store keeps what was sent
