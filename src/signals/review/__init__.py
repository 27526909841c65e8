"""The human review loop (issue 13): a queue of enqueued messages, reviewer decisions with their full
history, live precision, a review page and the export of decisions as training data.

- ``models``: the SQLAlchemy 2 tables; ``migrations/``: the Alembic scripts (run on start-up).
- ``db``: engines for SQLite (a file, WAL) and PostgreSQL (a URL), and ``migrate``.
- ``store``: enqueue, the queue, delete, purge; ``decisions``: decide, history, precision.
- ``tallies``: the running totals behind the review gauges, kept by every write.
- ``export``: decisions as training data (``signals feedback export``).
- ``page``: the server-rendered review page (``GET /review``); ``auth``: reviewer keys and logins.

Text is stored only for enqueued items, never for ``/v1/score``; it is deleted after the retention
period, and nothing of a message is ever logged.
"""
