"""ASGI middleware in front of the app: the API key, the request body limit and request timing.

Both are plain ASGI middleware (no per-request task or copy of the body), so a status poll pays
for two header look-ups and nothing else.
"""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

API_KEY_HEADER = "x-api-key"
OPEN_PATHS = ("/", "/healthz", "/favicon.ico")  # the page itself holds no data; it asks for the key
OPEN_PREFIXES = ("/static/",)


class BodyTooLargeError(Exception):
    """The request body passed the limit while it was being read."""


async def _reply(send: Send, status: int, detail: str, headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
    body = json.dumps({"detail": detail, "errors": []}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *headers]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value)
    return None


class BodyLimit:
    """Answer ``413`` to a request whose body is over ``limit`` bytes, by its header or as it is read."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _reply(send, 413, f"request body of {int(declared):,} bytes is over the limit of {self.limit:,}")
            return
        seen, started = 0, False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise BodyTooLargeError
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except BodyTooLargeError:
            if not started:
                await _reply(send, 413, f"request body is over the limit of {self.limit:,} bytes")


class ApiKey:
    """Every request but the page and the health check carries ``key`` in ``X-API-Key`` (or as a bearer token).

    The key is compared in constant time, so the time of a refusal tells nothing about the key.
    """

    def __init__(self, app: ASGIApp, key: str) -> None:
        self.app = app
        self.key = key.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
            await self.app(scope, receive, send)
            return
        given = _header(scope, API_KEY_HEADER.encode())
        bearer = _header(scope, b"authorization")
        if given is None and bearer is not None and bearer[:7].lower() == b"bearer ":
            given = bearer[7:].strip()
        if given is None:
            await _reply(send, 401, "missing API key: send it in the X-API-Key header",
                         ((b"www-authenticate", b'Bearer realm="optiops"'),))  # fmt: skip
            return
        if not hmac.compare_digest(given, self.key):
            await _reply(send, 403, "wrong API key")
            return
        await self.app(scope, receive, send)


class RequestTimes:
    """Seconds from a request's arrival to its last response byte, counted in histogram buckets by method."""

    BUCKETS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 5.0)

    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = {}
        self.sums: dict[str, float] = {}

    def add(self, method: str, seconds: float) -> None:
        counts = self.counts.setdefault(method, [0] * (len(self.BUCKETS) + 1))
        counts[next((i for i, b in enumerate(self.BUCKETS) if seconds <= b), len(self.BUCKETS))] += 1
        self.sums[method] = self.sums.get(method, 0.0) + seconds


class Timed:
    """Time every HTTP request except event streams (they last as long as their job)."""

    def __init__(self, app: ASGIApp, times: RequestTimes) -> None:
        self.app = app
        self.times = times

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").endswith("/events"):
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        try:
            await self.app(scope, receive, send)
        finally:
            self.times.add(scope.get("method", "GET"), time.perf_counter() - t0)
