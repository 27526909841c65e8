"""A no-op FastAPI app, the yardstick for ``signals serve`` in the load benchmark.

    python -m benchmarks.noop_app --port PORT

``POST /v1/score`` parses the JSON body and answers one ``{"id"}`` per message without scoring
anything; ``GET /readyz`` answers 200. It is served like ``signals serve`` (uvicorn, one process,
no access log, on 127.0.0.1 only), so req/s(score) / req/s(no-op) is the share of the framework's
own capacity that scoring leaves.
"""

from __future__ import annotations

import argparse
import sys

from fastapi import Body, FastAPI

HOST = "127.0.0.1"  # loopback only, never configurable

app = FastAPI(title="no-op")


@app.post("/v1/score")
async def score(body: dict = Body(...)) -> dict:  # noqa: B008 -- FastAPI's way of declaring a body
    return {"results": [{"id": m.get("id")} for m in body.get("messages", [])]}


@app.get("/readyz")
async def ready() -> dict:
    return {"status": "ready"}


def main(argv: list[str] | None = None) -> int:
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m benchmarks.noop_app", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    uvicorn.run(app, host=HOST, port=args.port, log_config=None, access_log=False, server_header=False,
                log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
