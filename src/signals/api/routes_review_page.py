"""The review page (``GET /review``): server-rendered with Jinja2 (templates and static files
packaged in ``signals.review``; no build step, no CDN), in Dutch and English.

Login with a reviewer key sets an HttpOnly, SameSite=Strict session cookie (``review/auth.py``);
every POST carries a CSRF token and a foreign ``Origin`` is refused. Pages are never cached and
carry a strict Content-Security-Policy (scripts and styles only from this app).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import anyio.to_thread
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape

from signals.api.deps import key_matches
from signals.api.errors import ApiError, ErrorCode
from signals.api.review_deps import known_categories, reviewer_keys, served_thresholds
from signals.review import auth, decisions, i18n
from signals.review.decisions import REVIEWER, DecisionIn
from signals.review.errors import ReviewError
from signals.review.render import segments
from signals.taxonomy import CATEGORY_ROUTE, Route

PAGE = "/review"
MAX_FORM_BYTES = 200_000
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Cache-Control": "no-store", "Referrer-Policy": "same-origin", "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}

templates = Jinja2Templates(env=Environment(loader=PackageLoader("signals.review", "templates"),
                                            autoescape=select_autoescape(["html"]), trim_blocks=True,
                                            lstrip_blocks=True))
router = APIRouter(include_in_schema=False)


def install_review_page(app: FastAPI) -> None:
    app.include_router(router)
    app.mount(f"{PAGE}/static", StaticFiles(packages=[("signals.review", "static")]), name="review-static")


def _lang(request: Request) -> str:
    return i18n.language(request.cookies.get(auth.LANGUAGE_COOKIE))


def _html(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = context.pop("lang", None) or _lang(request)
    response = templates.TemplateResponse(request, name, {"t": i18n.STRINGS[lang], "lang": lang,
                                                          "name": lambda key: i18n.name(lang, key),
                                                          "names": lambda keys: ", ".join(i18n.name(lang, k) for k in keys),
                                                          **context},
                                          status_code=status)
    response.headers.update(SECURITY_HEADERS)
    return response


def _redirect(url: str = PAGE) -> RedirectResponse:
    response = RedirectResponse(url, status_code=303)
    response.headers.update(SECURITY_HEADERS)
    return response


def _session(request: Request) -> auth.ReviewSession | None:
    return auth.verify(request.cookies.get(auth.SESSION_COOKIE), reviewer_keys(request.app.state.settings))


async def _form(request: Request) -> dict[str, list[str]]:
    """The urlencoded form of a POST, after the Origin check (a foreign Origin is refused)."""
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}":
        raise ApiError(403, ErrorCode.FORBIDDEN, "cross-site form posts are refused")
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise ReviewError("form too large")
    return parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=100)


def _first(form: dict[str, list[str]], key: str) -> str:
    return (form.get(key) or [""])[0]


@router.get(PAGE, response_class=HTMLResponse)
async def page(request: Request, lang: str | None = None, item: str | None = None,
               done: str | None = None) -> Response:
    if lang is not None:  # the language switch: remembered for a year, then back to the page
        response = _redirect()
        response.set_cookie(auth.LANGUAGE_COOKIE, i18n.language(lang), max_age=365 * 24 * 3600,
                            samesite="strict", httponly=True, path=PAGE)
        return response
    if not reviewer_keys(request.app.state.settings):
        return _html(request, "closed.html", status=403)
    session = _session(request)
    if session is None:
        return _html(request, "login.html")
    review = request.app.state.review
    if review.store is None:
        return _html(request, "closed.html", status=503, reason=review.reason)
    store, settings = review.store, request.app.state.settings
    queue = await anyio.to_thread.run_sync(store.queue, "open", None, settings.review_page_size, None)
    counts = await anyio.to_thread.run_sync(store.counts)
    rates = await anyio.to_thread.run_sync(decisions.precision, store)
    items = queue.items
    index = next((i for i, it in enumerate(items) if it.id == item), 0)
    current = items[index] if items else None
    history = await anyio.to_thread.run_sync(decisions.history, store, current.id) if current else []
    support = current is not None and (current.route == Route.SUPPORT.value or any(
        CATEGORY_ROUTE.get(label) == Route.SUPPORT.value for label in current.labels))
    return _html(request, "queue.html", session=session, items=items, index=index, current=current,
                 history=history, counts=counts, rates=rates, support=support, done=done,
                 categories=known_categories(request), max_note=settings.review_max_note_chars,
                 segments=segments(current.text or "", current.tactics) if current else [],
                 previous_id=items[index - 1].id if index > 0 else None,
                 next_id=items[index + 1].id if current and index + 1 < len(items) else None)


@router.post(f"{PAGE}/login")
async def login(request: Request) -> Response:
    keys = reviewer_keys(request.app.state.settings)
    if not keys:
        return _html(request, "closed.html", status=403)
    form = await _form(request)
    key, reviewer = _first(form, "key"), _first(form, "reviewer").strip()
    if not key_matches(key, keys) or not REVIEWER.fullmatch(reviewer):
        return _html(request, "login.html", status=401, failed=True, reviewer=reviewer)
    matched = next(k for k in keys if key_matches(key, [k]))
    response = _redirect()
    response.set_cookie(auth.SESSION_COOKIE, auth.issue(reviewer, matched, request.app.state.settings.review_session_hours),
                        max_age=request.app.state.settings.review_session_hours * 3600, httponly=True,
                        samesite="strict", secure=request.url.scheme == "https", path=PAGE)
    return response


@router.post(f"{PAGE}/logout")
async def logout(request: Request) -> Response:
    session = _session(request)
    form = await _form(request)
    if session is not None and not auth.csrf_ok(session, _first(form, "csrf")):
        raise ApiError(403, ErrorCode.FORBIDDEN, "the form is out of date; reload the page")
    response = _redirect()
    response.delete_cookie(auth.SESSION_COOKIE, path=PAGE)
    return response


@router.post(f"{PAGE}/decide")
async def decide(request: Request) -> Response:
    session = _session(request)
    if session is None:
        return _redirect()
    form = await _form(request)
    if not auth.csrf_ok(session, _first(form, "csrf")):
        return _html(request, "error.html", status=403, message="CSRF")
    store = request.app.state.review.store
    if store is None:
        return _html(request, "closed.html", status=503, reason=request.app.state.review.reason)
    decision = _first(form, "decision")
    d = DecisionIn(item_id=_first(form, "item_id"), decision=decision, reviewer=session.reviewer,
                   categories=tuple(form.get("categories", [])) if decision != "dismissed" else (),
                   note=_first(form, "note").strip() or None)
    if d.decision == "confirmed" and not d.categories:
        d = DecisionIn(d.item_id, d.decision, d.reviewer, None, d.note)  # the model's labels
    try:
        outcome = await anyio.to_thread.run_sync(lambda: decisions.decide(
            store, d, known_categories(request), served_thresholds(request),
            request.app.state.settings.review_max_note_chars))
    except ReviewError as error:
        return _html(request, "error.html", status=error.status, message=error.message)
    review = request.app.state.review
    if outcome.recorded:
        review.metrics.decisions.labels(decision).inc()
        await anyio.to_thread.run_sync(review.refresh)
    return _redirect(f"{PAGE}?done={'recorded' if outcome.recorded else 'unchanged'}")
