"""The review store inside the app: opened and migrated on start-up, purged on a timer, and the
review gauges (live precision, queue size) kept current: refreshed after every write of this
replica and every minute (for the other replicas' writes) from the store's running totals, a few
rows whatever its size (``tallies.py``).

When the store cannot be opened the app still serves scoring; the review routes answer 503 with
the reason (which names the database kind, never its URL: a URL may hold a password).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import anyio.to_thread
from prometheus_client import CollectorRegistry, Counter, Gauge

from signals.review.store import STATUSES, ReviewStore

log = logging.getLogger("signals.review")
METRICS_REFRESH_SECONDS = 60


class ReviewMetrics:
    """Review gauges on the app's registry. Labels: category and model version (from the model
    and the store, closed sets), status and decision (fixed). Never ids, text or reviewers."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.precision = Gauge("signals_review_precision", "live precision: share of flagged items that reviewers "
                               "confirmed for the category (final decisions only)", ["category", "model_version"],
                               registry=registry)
        self.reviewed = Gauge("signals_review_reviewed_items", "flagged items with a final decision, per category",
                              ["category", "model_version"], registry=registry)
        self.queue = Gauge("signals_review_items", "enqueued items per status", ["status"], registry=registry)
        self.decisions = Counter("signals_review_decisions_total", "decisions recorded by this replica",
                                 ["decision"], registry=registry)
        self.enqueued = Counter("signals_review_enqueued_total", "items newly enqueued by this replica",
                                registry=registry)
        self.purged = Counter("signals_review_purged_items_total", "items whose text this replica purged",
                              registry=registry)
        self.available = Gauge("signals_review_store_up", "1 when the review store is open and migrated",
                               registry=registry)

    def refresh(self, store: ReviewStore) -> None:
        """The gauges from the store's running totals (not a count of the store: see ``tallies.py``)."""
        totals = store.totals()
        self.precision.clear()
        self.reviewed.clear()
        for version, category, reviewed, confirmed in totals.precision:
            self.precision.labels(category, version).set(round(confirmed / reviewed, 6))
            self.reviewed.labels(category, version).set(reviewed)
        for status in STATUSES:
            self.queue.labels(status).set(totals.statuses.get(status, 0))


class ReviewRuntime:
    def __init__(self, review_db: str, retention_days: int, purge_interval: int, registry: CollectorRegistry) -> None:
        self.review_db = review_db
        self.retention_days = retention_days
        self.purge_interval = purge_interval
        self.metrics = ReviewMetrics(registry)
        self.store: ReviewStore | None = None
        self.reason = "starting"

    def _kind(self) -> str:
        return self.review_db.split("://", 1)[0] if "://" in self.review_db else "sqlite file"

    async def start(self) -> None:
        try:
            self.store = await anyio.to_thread.run_sync(ReviewStore.open, self.review_db)
        except Exception as exc:  # noqa: BLE001 -- the app keeps scoring; review routes say why they are down
            self.reason = f"review store ({self._kind()}) could not be opened: {type(exc).__name__}"
            log.error("review_store_unavailable", extra={"fields": {"error_type": type(exc).__name__,
                                                                    "database": self._kind()}})
            self.metrics.available.set(0)
            return
        self.reason = "ready"
        self.metrics.available.set(1)
        log.info("review_store_ready", extra={"fields": {"database": self._kind()}})

    def refresh(self) -> None:
        """The gauges from the store. Best effort: it runs after a write has committed, so a failure
        here (a locked or unreachable database) is logged, never answered as an error to a request
        whose change is stored; the timer refreshes again within a minute."""
        if self.store is None:
            return
        try:
            self.metrics.refresh(self.store)
        except Exception as exc:  # noqa: BLE001 -- logged; the write it follows has succeeded
            log.error("review_metrics_refresh_failed", extra={"fields": {"error_type": type(exc).__name__}})

    def purge_now(self) -> dict[str, int]:
        if self.store is None:
            return {}
        counts = self.store.purge(self.retention_days)
        self.metrics.purged.inc(counts["items"])
        log.info("review_purged", extra={"fields": counts})
        # the running totals, checked against the store while the timer is here anyway (it counts the
        # store, so not after every write): corrects writes that did not keep them, e.g. a replica
        # still on the previous version during an upgrade
        if self.store.recount():
            log.warning("review_totals_corrected")
        self.refresh()
        return counts

    async def _timer(self) -> None:
        """Purge every ``purge_interval`` seconds (0: never) and refresh the gauges every minute, so
        decisions made on other replicas show here too; finish a scrub a reader held up."""
        last_purge: float | None = None
        while True:
            now = anyio.current_time()
            try:
                if self.purge_interval > 0 and (last_purge is None or now - last_purge >= self.purge_interval):
                    last_purge = now
                    await anyio.to_thread.run_sync(self.purge_now)
                else:
                    await anyio.to_thread.run_sync(self.refresh)
                if self.store is not None and self.store.scrub_pending:  # a reader kept deleted text in the log
                    await anyio.to_thread.run_sync(self.store.scrub)
            except Exception as exc:  # noqa: BLE001 -- retried at the next tick
                log.error("review_timer_failed", extra={"fields": {"error_type": type(exc).__name__}})
            await anyio.sleep(min(METRICS_REFRESH_SECONDS, self.purge_interval or METRICS_REFRESH_SECONDS))

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        await self.start()
        async with anyio.create_task_group() as tasks:
            if self.store is not None:
                await anyio.to_thread.run_sync(self.refresh)
                tasks.start_soon(self._timer)
            try:
                yield
            finally:
                tasks.cancel_scope.cancel()
        if self.store is not None:
            self.store.close()
