"""POST /admin/reload: a new model is loaded, verified and warmed up beside the running one, then
swapped in; no request is dropped, readiness never drops, and a bad model is refused while the old
one keeps serving. /admin exists only with admin keys, and only admin keys open it."""

from __future__ import annotations

import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from signals.api import create_app
from signals.service import ScoringService

from .conftest import ADMIN_KEY, API_KEY, assert_envelope, copy_model, flip_byte

OLD, NEW = "0.2.0", "0.2.1-reload"
ADMIN = {"X-Admin-Key": ADMIN_KEY}
TEXTS = ["hoe oud ben je eigenlijk?", "kom op snap, vertel het aan niemand", "hoe laat ben je thuis? we eten om zes uur",
         "jij bent echt anders dan de rest 😍", "morgen training om 7 uur, ik haal je op bij school"]


def score(client: TestClient, text: str = "hoe oud ben je?", **headers):
    return client.post("/v1/score", json={"messages": [{"id": "r", "text": text}]}, headers=headers)


@pytest.fixture(scope="module")
def model_root(tiny_model_dir, second_version, tmp_path_factory) -> Path:
    """SIGNALS_MODEL_ROOT with ``v1`` (the tiny model, version 0.2.0) and ``v2`` (version 0.2.1-reload),
    and, beside the root, an intact model the root does not contain."""
    base = tmp_path_factory.mktemp("reload")
    root = base / "models"
    copy_model(tiny_model_dir, root / "v1")
    copy_model(second_version, root / "v2")
    copy_model(second_version, base / "outside")
    for name, file in (("v2-tampered-patterns", "patterns.yaml"), ("v2-tampered-bundle", "weights.joblib")):
        flip_byte(copy_model(second_version, root / name) / file, 300)
    (copy_model(second_version, root / "v2-extra-file") / "lees-mij.pkl").write_bytes(b"extra")
    (root / "link-out").symlink_to(base / "outside", target_is_directory=True)
    return root


@pytest.fixture(scope="module")
def v1_service(model_root) -> ScoringService:
    return ScoringService.load(model_root / "v1", model_root)


@pytest.fixture
def admin_app(settings_for, model_root, v1_service):
    """A fresh app serving v1 with reload on (admin key, model root); each test may swap its model."""
    return create_app(settings_for(model_dir=model_root / "v1", model_root=model_root, admin_keys=ADMIN_KEY,
                                   api_keys=API_KEY), v1_service)


@pytest.fixture(scope="module")
def refusing_client(settings_for, model_root, v1_service):
    """One app for the refusals: a refused reload changes nothing, so they can share it."""
    app = create_app(settings_for(model_dir=model_root / "v1", model_root=model_root, admin_keys=ADMIN_KEY),
                     v1_service)
    with TestClient(app) as client:
        yield client


# -- the swap -------------------------------------------------------------------------------------

def test_reload_under_load_drops_no_request_and_readiness_never_drops(admin_app):
    results: list[tuple[float, float, int, str]] = []  # (sent, answered, status, model version or body)
    ready: list[tuple[float, int]] = []
    stop = threading.Event()
    deadline = time.monotonic() + 90  # a safety bound: every loop ends by then whatever happens
    key = {"X-API-Key": API_KEY}

    def scorer(client: TestClient, worker: int) -> None:
        k = 0
        while not stop.is_set() and time.monotonic() < deadline:
            sent = time.monotonic()
            response = score(client, TEXTS[(worker + k) % len(TEXTS)], **key)
            body = response.json()
            version = body["model"]["version"] if response.status_code == 200 else response.text
            results.append((sent, time.monotonic(), response.status_code, version))
            k += 1

    def prober(client: TestClient) -> None:
        while not stop.is_set() and time.monotonic() < deadline:
            ready.append((time.monotonic(), client.get("/readyz").status_code))
            time.sleep(0.005)

    def wait_for(condition) -> None:
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.01)

    with TestClient(admin_app) as client:
        threads = [threading.Thread(target=scorer, args=(client, i)) for i in range(4)]
        threads.append(threading.Thread(target=prober, args=(client,)))
        for thread in threads:
            thread.start()
        try:
            wait_for(lambda: len(results) >= 20)
            reload_started = time.monotonic()
            response = client.post("/admin/reload", json={"model_dir": "v2"}, headers=ADMIN)
            reload_done = time.monotonic()
            wait_for(lambda: sum(sent > reload_done for sent, *_ in results) >= 20)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
        metrics = client.get("/metrics").text

    assert response.status_code == 200, response.text
    print(f"reload took {reload_done - reload_started:.2f}s; {len(results)} requests, "
          f"{sum(reload_started < a < reload_done for _, a, *_ in results)} answered during it, {len(ready)} probes")
    body = response.json()
    assert body["status"] == "reloaded"
    assert body["previous"]["version"] == OLD and body["model"]["version"] == NEW
    assert not any(thread.is_alive() for thread in threads)

    assert [r for r in results if r[2] != 200] == [], "no request may fail during a reload"
    assert any(reload_started < answered < reload_done for _, answered, *_ in results), \
        "requests kept being answered while the new model was loaded beside the old one"
    assert {version for *_, version in results} == {OLD, NEW}
    assert all(version == OLD for _, answered, _, version in results if answered < reload_started)
    assert all(version == NEW for sent, _, _, version in results if sent > reload_done), "new requests, new model"
    during = [status for at, status in ready if reload_started <= at <= reload_done]
    assert during and set(during) == {200}, "readiness never drops while the new model loads"
    assert {status for _, status in ready} == {200}
    assert f'signals_model_info{{name="signals-nl",sha256="{body["model"]["sha256"]}",version="{NEW}"}} 1.0' in metrics
    assert f'version="{OLD}"' not in metrics


def test_a_request_in_flight_finishes_on_the_old_model(settings_for, model_root, v1_service, monkeypatch):
    """Deterministic: the old model is held inside a request while the reload swaps the model. The
    request is scored on a scoring thread (``inline_chars=0``): one the loop scores itself cannot be
    held while the loop serves the reload, and no reload can swap the model in the middle of it."""
    admin_app = create_app(settings_for(model_dir=model_root / "v1", model_root=model_root, admin_keys=ADMIN_KEY,
                                        api_keys=API_KEY, inline_chars=0), v1_service)
    entered, release = threading.Event(), threading.Event()
    with TestClient(admin_app) as client:
        old_service = admin_app.state.model.service
        real = old_service.score_messages

        def held(*args, **kwargs):
            entered.set()
            assert release.wait(30)
            return real(*args, **kwargs)

        monkeypatch.setattr(old_service, "score_messages", held)
        with ThreadPoolExecutor(max_workers=1) as pool:
            in_flight = pool.submit(score, client, "stuur je foto", **{"X-API-Key": API_KEY})
            assert entered.wait(30)
            reloaded = client.post("/admin/reload", json={"model_dir": "v2"}, headers=ADMIN)
            assert reloaded.status_code == 200, reloaded.text
            after = score(client, **{"X-API-Key": API_KEY})
            assert not in_flight.done(), "the old request is still being scored"
            release.set()
            old_answer = in_flight.result(timeout=30)
    assert after.status_code == 200 and after.json()["model"]["version"] == NEW
    assert old_answer.status_code == 200 and old_answer.json()["model"]["version"] == OLD
    assert old_answer.json()["results"][0]["id"] == "r"


def test_after_a_reload_the_loop_scores_small_batches_with_the_new_models_own_pipeline(admin_app, monkeypatch):
    """The loop's pipeline for the new model is built beside it, before the swap: the first small
    request after the reload is already scored by the loop itself, on the new model."""
    scored_on: list[tuple[str, int]] = []
    real = ScoringService.score_messages

    def spy(self, messages, explain=True):
        scored_on.append((self.info.version, threading.get_ident()))
        return real(self, messages, explain)

    with TestClient(admin_app) as client:
        loop_thread = admin_app.state.model.threads.loop_thread
        monkeypatch.setattr(ScoringService, "score_messages", spy)
        reloaded = client.post("/admin/reload", json={"model_dir": "v2"}, headers=ADMIN)
        assert reloaded.status_code == 200, reloaded.text
        scored_on.clear()  # the new model's warm-up
        answer = score(client, **{"X-API-Key": API_KEY})
    assert answer.status_code == 200 and answer.json()["model"]["version"] == NEW
    assert scored_on == [(NEW, loop_thread)]


def test_reload_with_a_pinned_sha256(admin_app, second_version):
    expected = ScoringService.load(second_version).info.sha256
    with TestClient(admin_app) as client:
        wrong = client.post("/admin/reload", json={"model_dir": "v2", "sha256": "0" * 64}, headers=ADMIN)
        error = assert_envelope(wrong, 409, "invalid_input", "model_dir")
        assert f"model sha256 {expected} is not the expected {'0' * 64}" in error["message"]
        assert client.get("/readyz").json()["model"]["version"] == OLD
        right = client.post("/admin/reload", json={"model_dir": "v2", "sha256": expected}, headers=ADMIN)
        assert right.status_code == 200 and right.json()["model"]["sha256"] == expected
        assert client.get("/readyz").json()["model"]["sha256"] == expected


def test_reload_back_and_forth_and_by_absolute_path(admin_app, model_root):
    with TestClient(admin_app) as client:
        for model_dir, version in (("v2", NEW), (str(model_root / "v1"), OLD), ("v2/../v1/../v2", NEW)):
            response = client.post("/admin/reload", json={"model_dir": model_dir}, headers=ADMIN)
            assert response.status_code == 200, response.text
            assert score(client, **{"X-API-Key": API_KEY}).json()["model"]["version"] == version


def test_reload_makes_an_app_that_failed_to_start_ready(settings_for, model_root):
    app = create_app(settings_for(model_dir=model_root / "v2-tampered-patterns", model_root=model_root,
                                  admin_keys=ADMIN_KEY))
    with TestClient(app) as client:
        assert client.get("/readyz").status_code == 503
        refused = client.post("/admin/reload", json={"model_dir": "v2-tampered-bundle"}, headers=ADMIN)
        assert "still serving nothing (not ready)" in assert_envelope(refused, 409, "invalid_input", "model_dir")["message"]
        assert client.get("/readyz").status_code == 503
        response = client.post("/admin/reload", json={"model_dir": "v2"}, headers=ADMIN)
        assert response.status_code == 200 and response.json()["previous"] is None
        assert client.get("/readyz").json()["model"]["version"] == NEW
        assert score(client).status_code == 200


# -- refusals: the old model keeps serving --------------------------------------------------------

REFUSALS = [
    pytest.param("v2-tampered-patterns", r"v2-tampered-patterns/patterns.yaml: sha256 does not match the manifest",
                 id="tampered-patterns"),
    pytest.param("v2-tampered-bundle", r"v2-tampered-bundle/weights.joblib: sha256 does not match the manifest",
                 id="tampered-bundle"),
    pytest.param("v2-extra-file", r"v2-extra-file/lees-mij.pkl: file not listed in the manifest", id="extra-file"),
    pytest.param("bestaat-niet", r"E200 ModelNotFoundError: no model at", id="missing"),
    pytest.param("../outside", r"E201 ArtifactIntegrityError: model directory .* is outside the model root",
                 id="dot-dot-out-of-the-root"),
    pytest.param("v1/../../outside", r"is outside the model root", id="dot-dot-through-a-model"),
    pytest.param("link-out", r"is outside the model root", id="symlink-out-of-the-root"),
    pytest.param("/etc", r"is outside the model root", id="absolute-outside"),
    pytest.param("v1\x00", r"model load failed \(ValueError\)", id="nul-byte"),
    pytest.param("x" * 4096, r"model load failed", id="path-too-long"),
]


@pytest.mark.parametrize(("model_dir", "message"), REFUSALS)
def test_a_bad_model_is_refused_and_the_old_one_keeps_serving(refusing_client, model_dir, message, caplog):
    response = refusing_client.post("/admin/reload", json={"model_dir": model_dir}, headers=ADMIN)
    error = assert_envelope(response, 409, "invalid_input", "model_dir")
    assert error["message"].startswith("reload refused: model load failed")
    assert re.search(message, error["message"]), error["message"]
    assert error["message"].endswith(f"still serving signals-nl {OLD}")
    assert refusing_client.get("/readyz").json()["model"]["version"] == OLD
    assert score(refusing_client).json()["model"]["version"] == OLD
    assert any(r.getMessage() == "model_reload_refused" for r in caplog.records)


@pytest.mark.parametrize(("body", "status", "code", "field"), [
    ({}, 422, "validation_error", "model_dir"),
    ({"model_dir": ""}, 422, "validation_error", "model_dir"),
    ({"model_dir": 7}, 422, "validation_error", "model_dir"),
    ({"model_dir": "v2", "force": True}, 422, "validation_error", "force"),
    ({"model_dir": "v2", "sha256": "niet-hex"}, 422, "validation_error", "sha256"),
    ({"model_dir": "x" * 4097}, 422, "validation_error", "model_dir"),
    ({"model_dir": "../\ud800"}, 422, "validation_error", "model_dir"),
], ids=["missing", "empty", "number", "unknown-field", "bad-pin", "over-path-max", "lone-surrogate"])
def test_malformed_reload_requests(refusing_client, body, status, code, field):
    response = refusing_client.post("/admin/reload", content=json.dumps(body).encode(),
                                    headers={**ADMIN, "Content-Type": "application/json"})
    assert_envelope(response, status, code, field)
    assert refusing_client.get("/readyz").json()["model"]["version"] == OLD


def test_reload_needs_a_model_root(client_for):
    with client_for(admin_keys=ADMIN_KEY) as client:
        response = client.post("/admin/reload", json={"model_dir": "v2"}, headers=ADMIN)
        assert "needs SIGNALS_MODEL_ROOT" in assert_envelope(response, 409, "invalid_input", "model_dir")["message"]
        assert client.get("/readyz").status_code == 200


# -- who may reload -------------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "headers", "body"), [
    ("POST", ADMIN, {"model_dir": "v2"}),
    ("POST", {}, {"model_dir": "v2"}),
    ("GET", ADMIN, None),
    ("POST", {**ADMIN, "Content-Type": "application/json"}, b"{niet json"),
], ids=["with-a-key", "without-a-key", "get", "malformed-json"])
def test_admin_routes_do_not_exist_without_admin_keys(client, method, headers, body):
    kwargs = {"content": body} if isinstance(body, bytes) else {"json": body}
    assert_envelope(client.request(method, "/admin/reload", headers=headers, **kwargs), 404, "not_found")
    assert "/admin/reload" not in client.get("/openapi.json").json()["paths"]


@pytest.mark.parametrize("headers", [
    {},
    {"X-Admin-Key": "fout"},
    {"X-Admin-Key": ADMIN_KEY + "x"},
    {"X-Admin-Key": ADMIN_KEY[:-1]},
    {"X-Admin-Key": API_KEY},
    {"X-API-Key": ADMIN_KEY},
    {"Authorization": f"Bearer {ADMIN_KEY}"},
], ids=["none", "wrong", "longer", "prefix", "api-key-as-admin-key", "admin-key-in-api-header", "bearer"])
def test_only_an_admin_key_opens_admin(client_for, model_root, headers):
    with client_for(admin_keys=ADMIN_KEY, api_keys=API_KEY, model_root=model_root) as client:
        response = client.post("/admin/reload", json={"model_dir": "v2", "onbekend": 1}, headers=headers)
        assert_envelope(response, 401, "unauthorized")   # auth before validation
        assert "X-Admin-Key" in response.json()["error"]["message"]


def test_an_admin_key_that_is_also_an_api_key_opens_nothing(client_for, caplog):
    with client_for(admin_keys=f"{API_KEY},{ADMIN_KEY}", api_keys=API_KEY) as client:
        response = client.post("/admin/reload", json={"model_dir": "v2"}, headers={"X-Admin-Key": API_KEY})
        assert_envelope(response, 401, "unauthorized")
    with client_for(admin_keys=API_KEY, api_keys=API_KEY) as client:
        assert_envelope(client.post("/admin/reload", json={"model_dir": "v2"}, headers={"X-Admin-Key": API_KEY}),
                        404, "not_found")
    assert any(r.getMessage() == "admin_keys_ignored" for r in caplog.records)


def test_the_openapi_schema_documents_reload_only_when_it_is_on(client_for):
    with client_for(admin_keys=ADMIN_KEY) as client:
        spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/admin/reload"]["post"]
    assert operation["security"] == [{"AdminKey": []}]
    assert spec["components"]["securitySchemes"]["AdminKey"] == {
        "type": "apiKey", "in": "header", "name": "X-Admin-Key",
        "description": spec["components"]["securitySchemes"]["AdminKey"]["description"]}
    assert {"401", "404", "409", "422"} <= set(operation["responses"])


def test_admin_keys_are_compared_in_constant_time(monkeypatch):
    """Every configured key is compared, through hmac.compare_digest, on equal-length digests."""
    import hmac

    from signals.api import deps

    calls: list[tuple[int, int]] = []
    real = hmac.compare_digest
    monkeypatch.setattr(deps.hmac, "compare_digest", lambda a, b: calls.append((len(a), len(b))) or real(a, b))
    assert deps.key_matches("b", ["a", "b", "een-veel-langere-sleutel"]) is True
    assert calls == [(32, 32)] * 3
