"""A loopback HTTP proxy in front of the moto S3 server that injects faults (used by tests/test_publication.py).

Faults apply to requests whose method is in `methods` (PUT by default, i.e. uploads), after `after` of them
passed untouched:

    status   answer with this HTTP status (500, 503) and an S3 XML error, for `count` requests (None: until reset)
    delay    wait this many seconds before forwarding, for `count` requests
    drop     close the connection without answering (the server "stops" mid-upload), until reset
    hook     call this function once, then forward as usual (e.g. delete the bucket behind the client's back)
"""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

_HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "te", "upgrade"}


@dataclass
class Fault:
    kind: str = "none"
    after: int = 0
    count: int | None = None
    status: int = 503
    delay: float = 0.0
    hook: object = None
    methods: tuple[str, ...] = ("PUT",)
    seen: int = 0
    injected: int = 0
    log: list[str] = field(default_factory=list)


class FaultProxy:
    def __init__(self, target: str) -> None:
        parsed = urlparse(target)
        self.target = (parsed.hostname, parsed.port)
        self.fault = Fault()
        self.lock = threading.Lock()
        self.total_injected = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                action = proxy._decide(self.command)
                if action == "drop":
                    self.close_connection = True
                    return
                if isinstance(action, int):
                    payload = (
                        f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>"
                        f"{'ServiceUnavailable' if action == 503 else 'InternalError'}</Code>"
                        f"<Message>injected</Message></Error>"
                    ).encode()
                    self.send_response(action)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                self._forward(body)

            def _forward(self, body: bytes):
                connection = http.client.HTTPConnection(*proxy.target, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_HEADERS}
                connection.request(self.command, self.path, body=body or None, headers=headers)
                response = connection.getresponse()
                data = response.read()
                self.send_response(response.status, response.reason)
                for key, value in response.getheaders():
                    if key.lower() not in _HOP_HEADERS and key.lower() != "content-length":
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                connection.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def inject(self, **kwargs) -> None:
        with self.lock:
            self.fault = Fault(**kwargs)

    def reset(self) -> None:
        self.inject()

    def _decide(self, method: str):
        with self.lock:
            fault = self.fault
            if fault.kind == "none" or method not in fault.methods:
                return None
            fault.seen += 1
            if fault.seen <= fault.after:
                return None
            if fault.count is not None and fault.injected >= fault.count:
                return None
            fault.injected += 1
            self.total_injected += 1
            kind = fault.kind
        if kind == "status":
            return fault.status
        if kind == "drop":
            return "drop"
        if kind == "delay":
            time.sleep(fault.delay)
        if kind == "hook" and fault.injected == 1:
            fault.hook()
        return None

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
