"""Review page logins: a signed, expiring session cookie and a CSRF token, without server state.

The cookie holds the reviewer's pseudonym, its expiry and a short id of the reviewer key used to
log in, signed with HMAC-SHA256 under that key. Any replica with the same ``SIGNALS_REVIEWER_KEYS``
accepts it; removing a key from the setting logs out everyone who used it. The CSRF token is a
second HMAC over the same session, sent in every form and checked on every POST (the cookie is
also ``SameSite=Strict`` and ``HttpOnly``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

SESSION_COOKIE = "signals_review_session"
LANGUAGE_COOKIE = "signals_review_lang"


def key_id(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _mac(key: str, message: str) -> str:
    return hmac.new(key.encode("utf-8", "surrogatepass"), message.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ReviewSession:
    reviewer: str
    expires: int
    key_id: str
    csrf: str


def issue(reviewer: str, key: str, hours: int, now: datetime | None = None) -> str:
    """A session cookie value for ``reviewer``, logged in with ``key``."""
    expires = int(((now or datetime.now(timezone.utc)) + timedelta(hours=hours)).timestamp())
    payload = f"{reviewer}|{expires}|{key_id(key)}"
    encoded = base64.urlsafe_b64encode(payload.encode("utf-8")).decode("ascii").rstrip("=")
    return f"{encoded}.{_mac(key, 'session|' + payload)}"


def verify(token: str | None, keys: list[str], now: datetime | None = None) -> ReviewSession | None:
    """The session in ``token`` when it is well-formed, signed by one of ``keys`` and not expired."""
    if not token or "." not in token or len(token) > 1024:
        return None
    encoded, mac = token.rsplit(".", 1)
    try:
        payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-8")
        reviewer, expires_text, kid = payload.split("|")
        expires = int(expires_text)
    except ValueError:
        return None
    key = next((k for k in keys if hmac.compare_digest(key_id(k), kid)), None)
    if key is None or not hmac.compare_digest(_mac(key, "session|" + payload), mac):
        return None
    if expires < (now or datetime.now(timezone.utc)).timestamp():
        return None
    return ReviewSession(reviewer, expires, kid, _mac(key, "csrf|" + payload))


def csrf_ok(session: ReviewSession, token: str | None) -> bool:
    return token is not None and hmac.compare_digest(session.csrf, token)
