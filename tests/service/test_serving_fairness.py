"""A gevent worker serves its keep-alive connections in turn (`gunicorn_hooks.take_turns`), and
a keep-alive connection is closed after MAX_REQUESTS_PER_CONNECTION requests
(`gunicorn_hooks.close_long_connections`), so that clients spread again over the workers.

The client below sends each connection's next request the moment its answer is complete, from
one thread, as wrk does. Without turns, a worker answered the same one or two connections back
to back and left the others waiting: 0 of 200 answers for two of four connections. The test
counts answers per connection; it measures no time."""

from __future__ import annotations

import json
import selectors
import socket

from service.cli import gunicorn_argv
from service.gunicorn_hooks import MAX_REQUESTS_PER_CONNECTION

CONNECTIONS = 4
ANSWERS = 200
AD = (
    "Our clinic offers fat-derived stem cell injections for knee arthritis, lupus and multiple "
    "sclerosis. Patients report less pain within weeks and no side effects. "
) * 12


def _request(text: str = AD) -> bytes:
    body = json.dumps({"text": text, "detail": "compact"}).encode()
    head = (
        "POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def _split_answer(received: bytes) -> tuple[str, bytes] | None:
    """The first whole answer's head (lower case) and the bytes after it, or None while the
    answer is still incomplete."""
    end = received.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = received[:end].decode("latin-1").lower()
    length = int(head.split("content-length:")[1].split("\r\n")[0])
    if len(received) < end + 4 + length:
        return None
    return head, received[end + 4 + length :]


def _answers_per_connection(port: int) -> list[int]:
    """Keep every connection busy until ANSWERS answers have come back; count them per
    connection. The sockets stay blocking: `recv` is called only on one the selector reports
    readable, and `sendall` of a request never waits long."""
    request = _request()
    selector = selectors.DefaultSelector()
    sockets = [socket.create_connection(("127.0.0.1", port), 30) for _ in range(CONNECTIONS)]
    received = [b""] * CONNECTIONS
    counts = [0] * CONNECTIONS
    try:
        for index, sock in enumerate(sockets):
            sock.sendall(request)
            selector.register(sock, selectors.EVENT_READ, index)
        while sum(counts) < ANSWERS:
            events = selector.select(timeout=60)
            assert events, "the server stopped answering"
            for key, _ in events:
                index = key.data
                chunk = sockets[index].recv(65536)
                assert chunk, "the server closed a keep-alive connection"
                received[index] += chunk
                while (answer := _split_answer(received[index])) is not None:
                    head, received[index] = answer
                    assert head.startswith("http/1.1 200"), head.splitlines()[0]
                    counts[index] += 1
                    sockets[index].sendall(request)
    finally:
        for sock in sockets:
            sock.close()
    return counts


def test_a_worker_serves_its_busy_keep_alive_connections_in_turn(start_server):
    server = start_server(gunicorn_argv("127.0.0.1", "{port}", 1))
    counts = _answers_per_connection(server.port)
    # A fair share is ANSWERS / CONNECTIONS (50); in turn, each connection got exactly that,
    # and without turns the least served got 0 or 18 in five runs.
    assert min(counts) >= 4 * (ANSWERS // CONNECTIONS) // 5, counts
    server.stop()


def _answer(sock: socket.socket, pending: bytes) -> tuple[str, bytes]:
    """One response's head (lower case) from a blocking socket, and the bytes after it."""
    while (answer := _split_answer(pending)) is None:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection before a whole answer"
        pending += chunk
    return answer


def test_a_keep_alive_connection_is_closed_after_its_last_allowed_request(start_server):
    server = start_server(gunicorn_argv("127.0.0.1", "{port}", 1))
    request = _request("Knee pain? Ask us about stem cells.")
    closing = []
    with socket.create_connection(("127.0.0.1", server.port), 30) as sock:
        pending = b""
        for _ in range(MAX_REQUESTS_PER_CONNECTION):
            sock.sendall(request)
            head, pending = _answer(sock, pending)
            assert head.startswith("http/1.1 200"), head.splitlines()[0]
            closing.append("connection: close" in head)
        assert pending == b"" and sock.recv(1) == b""
    assert closing == [False] * (MAX_REQUESTS_PER_CONNECTION - 1) + [True]
    server.stop()
