"""A scripted OpenAI-compatible HTTP server on 127.0.0.1 for the provider-error tests.

Each POST to ``/v1/chat/completions`` takes the next scripted :class:`Reply`: a status,
headers, a body, an optional delay before answering, or a dropped connection. Every
request is recorded (path, headers, JSON body, arrival time), so tests can count the
attempts the real ``ChatOpenAI`` HTTP stack made.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MEMORIES = {
    "memories": [
        {
            "content": "User prefers email over phone calls.",
            "type": "preference",
            "kind": "semantic",
            "category": "communication",
            "confidence": 0.95,
            "importance": 0.8,
            "provenance": "explicit_statement",
            "subject": "User",
            "attribute": None,
            "value": None,
            "preference_explicit": True,
            "preference_reasoning": "said so",
            "event_time": None,
            "source_message_ids": ["m1"],
        }
    ]
}


def completion(content: str, *, total_tokens: int = 120) -> dict[str, Any]:
    """A chat.completions reply whose message content is ``content``."""
    return {
        "id": "chatcmpl-local",
        "object": "chat.completion",
        "created": 1763700000,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": total_tokens - 20, "completion_tokens": 20,
                  "total_tokens": total_tokens},
    }  # fmt: skip


def error_body(message: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": "error", "param": None, "code": code}}


@dataclass
class Reply:
    """One scripted answer."""

    status: int = 200
    body: dict[str, Any] | str = field(default_factory=lambda: completion(json.dumps(MEMORIES)))
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    drop: bool = False  # close the connection without answering


OK = Reply()


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float


class ScriptedServer:
    """Serves the scripted replies in order; a request past the script gets a 418."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    @property
    def attempts(self) -> int:
        return len(self.requests)

    def script(self, *replies: Reply) -> ScriptedServer:
        with self._lock:
            self.replies = list(replies)
            self.requests = []
        return self

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()  # wakes handlers sleeping in a delayed reply
        self._httpd.shutdown()
        self._httpd.server_close()

    def _next(self, seen: Seen) -> Reply:
        with self._lock:
            self.requests.append(seen)
            if self.replies:
                return self.replies.pop(0)
        return Reply(status=418, body=error_body("script exhausted"))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                seen = Seen(
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    json.loads(raw or b"{}"),
                    time.monotonic(),
                )
                reply = server._next(seen)
                if reply.delay and server._stop.wait(reply.delay):
                    return
                if reply.drop:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                body = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
                data = body.encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (timeout) before the answer

        return Handler


def closed_port_url() -> str:
    """A base URL on 127.0.0.1 whose port refuses connections."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


@contextmanager
def running_server() -> Iterator[ScriptedServer]:
    server = ScriptedServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
