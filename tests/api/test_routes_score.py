"""POST /v1/score and POST /v1/conversations/score: shapes, order, context, one batch per request."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from signals.service import Conversation, Message, Turn
from signals.taxonomy import CATEGORIES, ConversationLabel, Route, Tactic

RESULT_FIELDS = {"id", "flagged", "labels", "category_scores", "route", "tactics"}
FLATTERY_AND_AGE = [{"speaker": "u-42", "text": "jij bent echt anders dan de rest, zo volwassen"},
                    {"speaker": "u-42", "text": "hoe oud ben je eigenlijk? zit je nog op school?"}]


def _score(client, messages, **extra):
    response = client.post("/v1/score", json={"messages": messages, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def _assert_result(result: dict, explain: bool) -> None:
    assert set(result) == RESULT_FIELDS
    assert set(result["category_scores"]) == set(CATEGORIES)
    assert all(0.0 <= v <= 1.0 for v in result["category_scores"].values())
    assert set(result["labels"]) <= set(CATEGORIES)
    assert result["flagged"] == bool(result["labels"])
    assert result["route"] in {r.value for r in Route}
    if not explain:
        assert result["tactics"] == []
    for span in result["tactics"]:
        assert set(span) == {"tactic", "start", "end", "score"}
        assert span["tactic"] in {t.value for t in Tactic}
        assert 0 <= span["start"] < span["end"]


TEXTS = [
    "hoe laat ben je thuis? we eten om zes uur",                    # parent, benign
    "wat is je snap? dan stuur ik je het huiswerk",                  # classmates, near miss
    "jij bent anders dan de rest, ik regel wel nieuwe kleren voor je",  # recruitment-like
    "stuur die foto's of iedereen op school krijgt ze te zien",     # sextortion-like
    "ik durf het niet te zeggen maar iemand dwingt me om geld te betalen",  # disclosure-like
    "wollah broer dat is makkelijk geld, kom gewoon langs",          # straattaal
    "ge moogt da aan niemand zeggen he",                             # Flemish
    "😍😍🔥🔥",                                                        # emoji only: scored normally
    "The weather in Amsterdam is lovely today",                     # not Dutch: scored normally
    "x",                                                              # one character
]


@pytest.mark.parametrize("text", TEXTS)
def test_score_one_message_any_dutch_or_not(client, text):
    for explain in (False, True):
        body = _score(client, [{"id": "m-1", "text": text}], explain=explain)
        assert set(body) == {"model", "results"}
        assert len(body["results"]) == 1 and body["results"][0]["id"] == "m-1"
        _assert_result(body["results"][0], explain)


def test_score_model_block_names_the_served_model(client, service):
    body = _score(client, [{"id": "a", "text": "hoi"}])
    assert body["model"] == service.info.as_dict()
    assert len(body["model"]["sha256"]) == 64


def test_results_come_back_in_request_order_with_ids_as_strings(client):
    messages = [{"id": 3, "text": "hoi"}, {"id": "b", "text": "hoe oud ben je?"}, {"id": 1, "text": "kom op snap"},
                {"id": "b", "text": "duplicate ids are allowed"}]
    body = _score(client, messages)
    assert [r["id"] for r in body["results"]] == ["3", "b", "1", "b"]


def test_api_result_matches_the_service_and_the_cli_fields(client, service):
    text = "jij bent anders dan de rest, vertel het aan niemand"
    [expected] = service.score_messages([Message("x", text)], explain=True)
    [result] = _score(client, [{"id": "x", "text": text}], explain=True)["results"]
    assert result == expected.model_dump()


def test_explain_adds_tactic_spans_over_the_original_text(client):
    text = "Hoe oud ben je eigenlijk? Vertel het aan niemand"
    [plain] = _score(client, [{"id": "x", "text": text}])["results"]
    [explained] = _score(client, [{"id": "x", "text": text}], explain=True)["results"]
    assert plain["tactics"] == []
    assert explained["tactics"], "the age probe and the secrecy request should be explained"
    assert plain["category_scores"] == explained["category_scores"]
    for span in explained["tactics"]:
        assert text[span["start"]:span["end"]].strip()


def test_context_from_the_same_speaker_raises_the_recruitment_score(client):
    """'kom op snap' alone is a platform switch; after flattery and an age probe it is grooming."""
    alone, with_context = _score(client, [
        {"id": "alone", "text": "kom op snap"},
        {"id": "context", "text": "kom op snap", "context": FLATTERY_AND_AGE},
    ])["results"]
    assert with_context["category_scores"]["recruitment"] > alone["category_scores"]["recruitment"]


def test_context_turns_are_not_scored_themselves(client):
    [result] = _score(client, [{"id": "m", "text": "hoi", "context": FLATTERY_AND_AGE}], explain=True)["results"]
    assert result["id"] == "m"
    assert all(span["end"] <= len("hoi") for span in result["tactics"])


@pytest.mark.parametrize("inline_chars, on_loop", [
    (4096, True),   # a small batch: the loop scores it itself (no hand-over to a thread and back)
    (10, False),    # over the inline size: a scoring thread
])
def test_the_whole_batch_is_one_service_call(client_for, service, monkeypatch, inline_chars, on_loop):
    calls = []
    original = service.score_messages

    def spy(messages, explain=True):
        try:
            asyncio.get_running_loop()
            on_loop = True
        except RuntimeError:
            on_loop = False
        calls.append((len(messages), explain, on_loop))
        return original(messages, explain=explain)

    monkeypatch.setattr(service, "score_messages", spy)
    with client_for(inline_chars=inline_chars) as client:
        calls.clear()  # the warm-up's
        _score(client, [{"id": str(i), "text": f"bericht {i}"} for i in range(5)], explain=True)
    assert calls == [(5, True, on_loop)], "one call with every message"


def test_scoring_does_not_block_the_event_loop(client_for, service, monkeypatch):
    """While a slow batch (over the inline size) is scored in a worker thread, /healthz still answers
    at once. (The loop itself scores only batches of at most ``inline_chars`` characters.)"""
    original = service.score_messages

    def slow(messages, explain=True):
        time.sleep(1.5)
        return original(messages, explain=explain)

    monkeypatch.setattr(service, "score_messages", slow)
    with client_for(inline_chars=2) as client, ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(client.post, "/v1/score", json={"messages": [{"id": "1", "text": "hoi"}]})
        time.sleep(0.3)
        started = time.perf_counter()
        assert client.get("/healthz").status_code == 200
        assert time.perf_counter() - started < 1.0
        assert not pending.done()
        assert pending.result().status_code == 200


def test_concurrent_requests_score_like_sequential_ones(client):
    bodies = [{"messages": [{"id": f"{i}-{j}", "text": text} for j, text in enumerate(TEXTS)], "explain": True}
              for i in range(8)]
    sequential = [client.post("/v1/score", json=b).json()["results"] for b in bodies]
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = [r.json()["results"] for r in pool.map(lambda b: client.post("/v1/score", json=b), bodies)]
    assert concurrent == sequential


# -- conversations ------------------------------------------------------------------------------
GROOMING_TURNS = [
    {"speaker": "u-42", "text": "hey schoonheid, jij bent echt anders dan de rest"},
    {"speaker": "u-9", "text": "haha dankje"},
    {"speaker": "u-42", "text": "hoe oud ben je eigenlijk? zijn je ouders thuis?"},
    {"speaker": "u-42", "text": "vertel het aan niemand he, kom op snap"},
    {"speaker": "u-42", "text": "ik regel wel een nieuwe telefoon voor je"},
]


@pytest.mark.parametrize("turns", [
    GROOMING_TURNS,
    [{"speaker": "mama", "text": "hoe laat ben je thuis?"}, {"speaker": "kind", "text": "om zes uur"}],
    [{"speaker": 1, "text": "😂😂"}, {"speaker": 2, "text": ""}],   # numeric speakers, a media-only turn
    [{"speaker": "a", "text": "see you tomorrow at practice"}],
])
def test_score_conversation_fields_and_per_turn_scores(client, service, turns):
    response = client.post("/v1/conversations/score", json={"id": "c-1", "turns": turns})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"model", "id", "label", "risk", "suspect", "first_alert_turn", "speaker_risk", "turns"}
    assert body["model"] == service.info.as_dict()
    assert body["id"] == "c-1"
    assert body["label"] in {label.value for label in ConversationLabel}
    assert 0.0 <= body["risk"] <= 1.0
    assert body["suspect"] in {None, *(str(t["speaker"]) for t in turns)}
    assert [t["index"] for t in body["turns"]] == list(range(len(turns)))
    assert [t["speaker"] for t in body["turns"]] == [str(t["speaker"]) for t in turns]
    for turn in body["turns"]:
        assert set(turn) == {"index", "speaker", "category_scores", "tactics"}
        assert set(turn["category_scores"]) == set(CATEGORIES)


def test_conversation_matches_the_service(client, service):
    [expected] = service.score_conversations(
        [Conversation("c", tuple(Turn(t["speaker"], t["text"]) for t in GROOMING_TURNS))], per_turn=True)
    body = client.post("/v1/conversations/score", json={"id": "c", "turns": GROOMING_TURNS}).json()
    assert {**expected.model_dump(), "model": service.info.as_dict()} == body
