"""A lean Socket.IO client for the load generator: Engine.IO v4 + Socket.IO v5 over a real
WebSocket (RFC 6455, masked client frames), on asyncio streams — what the browser's
socket.io-client speaks once connected with ``transports: ["websocket"]``.

Why not python-socketio's AsyncClient (bench/client.py can still use it: ``--client
python-socketio``): it costs ~100–200 µs per received message (aiohttp, a task per
receive, generic decoding); 150 clients in one process each receiving a card then queue up
behind one another for tens of milliseconds, and the generator, not the server, sets the
measured latency. This one costs a few µs per message plus the handler.

Reconnection follows socket.io-client's defaults: 1 s × 2^attempt, at most 5 s, ± 50 %."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import random
import struct
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse


class ConnectError(Exception):
    """A refused connection; ``data``: the server's details (``code``, ``message_fr``,
    ``retry_ms`` for ``server_full``), when it gave some."""

    def __init__(self, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.data = data


def _inflater(head: bytes) -> Callable[[bytes], bytes] | None:
    """The decompressor the server's answer asks for, if it accepted permessage-deflate."""
    import zlib

    lines = head.decode("latin-1").lower().split("\r\n")
    ext = next((x for x in lines if x.startswith("sec-websocket-extensions:")), "")
    if "permessage-deflate" not in ext:
        return None
    if "server_no_context_takeover" in ext:
        return lambda data: zlib.decompressobj(-15).decompress(data + b"\x00\x00\xff\xff")
    inflater = zlib.decompressobj(-15)
    return lambda data: inflater.decompress(data + b"\x00\x00\xff\xff")


class _Wire(asyncio.Protocol):
    """The byte stream: the HTTP upgrade answer, then WebSocket frames, parsed from one
    buffer as data arrives (no await per frame)."""

    def __init__(self, client: LeanClient) -> None:
        self.client = client
        self.buf = bytearray()
        self.upgraded = False
        self.head: asyncio.Future = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        buf = self.buf
        buf += data
        if not self.upgraded:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buf[:end])
            del buf[: end + 4]
            self.upgraded = True
            # before parsing the frames that came with it: the first may be compressed
            self.client.inflate = _inflater(head) if self.client.deflate else None
            if not self.head.done():
                self.head.set_result(head)
        pos, size = 0, len(buf)
        while size - pos >= 2:
            b1, b2 = buf[pos], buf[pos + 1]
            n, start = b2 & 0x7F, pos + 2
            if n == 126:
                if size - pos < 4:
                    break
                n, start = (buf[pos + 2] << 8) | buf[pos + 3], pos + 4
            elif n == 127:
                if size - pos < 10:
                    break
                n, start = int.from_bytes(buf[pos + 2 : pos + 10], "big"), pos + 10
            if size - start < n:
                break
            payload = bytes(buf[start : start + n])
            pos = start + n
            opcode = b1 & 0x0F
            if b1 & 0x40 and self.client.inflate is not None:  # RSV1: permessage-deflate
                payload = self.client.inflate(payload)
            if opcode == 1:
                self.client._packet(payload.decode())
            elif opcode == 9:
                self.client._send_frame(0xA, payload)
            elif opcode == 8 and self.transport is not None:
                self.transport.close()
        if pos:
            del buf[:pos]

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.head.done():
            self.head.set_exception(ConnectionError("closed during the upgrade"))
        self.client._lost()


class LeanClient:
    def __init__(self, url: str, reconnection: bool = False, deflate: bool = False) -> None:
        self.deflate = deflate  # offer permessage-deflate, as every browser does
        self.inflate: Callable[[bytes], bytes] | None = None
        parsed = urlparse(url)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self.origin = f"{parsed.scheme}://{parsed.netloc}"
        self.reconnection = reconnection
        #: socket.io-client's reconnection delays (first, max); a server-announced restart
        #: (`restart`, docs/protocol.md) shortens them until the next connect, as live.js
        self.retry = (1.0, 5.0)
        self.handlers: dict[str, Callable[..., None]] = {}
        self.auth: Callable[[], dict] | dict = {}
        self.connected = False
        self.transport: asyncio.Transport | None = None
        self.acks: dict[int, asyncio.Future] = {}
        self.next_id = 0
        self._opened: asyncio.Future | None = None
        self._closing = False

    def on(self, event: str, handler: Callable[..., None]) -> None:
        self.handlers[event] = handler

    # --- connection ----------------------------------------------------------------------

    async def connect(self, url: str = "", auth: Any = None, **_: Any) -> None:
        self.auth = auth if auth is not None else {}
        await self._open()

    async def _open(self) -> None:
        loop = asyncio.get_running_loop()
        self._opened = loop.create_future()
        self._eio_open = False
        transport, wire = await loop.create_connection(lambda: _Wire(self), self.host, self.port)
        self.transport = transport  # type: ignore[assignment]
        key = base64.b64encode(os.urandom(16)).decode()
        transport.write(
            (
                "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                f"Host: {self.host}:{self.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                + ("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
                   if self.deflate else "")
                + f"Origin: {self.origin}\r\n\r\n"
            ).encode()
        )  # fmt: skip
        head = await asyncio.wait_for(wire.head, 30)
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            transport.close()
            raise ConnectError(head.split(b"\r\n", 1)[0].decode())
        error = await asyncio.wait_for(self._opened, 30)
        if error is not None:
            transport.close()
            data = error.get("data") if isinstance(error, dict) else None
            raise ConnectError(str(error), data)

    async def disconnect(self) -> None:
        self._closing = True
        if self.transport is not None and self.connected:
            try:
                self._send_text("41")
                self.transport.close()
            except (OSError, RuntimeError):
                pass
        self.connected = False

    # --- frames ------------------------------------------------------------------------------

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        n = len(payload)
        if n < 126:
            header = bytes((0x80 | opcode, 0x80 | n))
        elif n < 65536:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
        mask = os.urandom(4)
        full = (mask * (n // 4 + 1))[:n]
        masked = (int.from_bytes(payload, "big") ^ int.from_bytes(full, "big")).to_bytes(n, "big")
        if self.transport is not None:
            self.transport.write(header + mask + masked)

    def _send_text(self, text: str) -> None:
        self._send_frame(0x1, text.encode())

    def _packet(self, text: str) -> None:
        kind = text[0]
        if kind == "4":  # Engine.IO message: a Socket.IO packet
            sio, body = text[1], text[2:]
            if sio == "2":
                name, *args = json.loads(body)
                if name == "restart" and args and isinstance(args[0], dict):
                    ms = args[0].get("retry_ms", 250)
                    self.retry = (ms / 1000, 2 * ms / 1000)
                handler = self.handlers.get(name)
                if handler is not None:
                    handler(*args)
            elif sio == "3":
                i = 0
                while body[i].isdigit():
                    i += 1
                future = self.acks.pop(int(body[:i]), None)
                if future is not None and not future.done():
                    future.set_result(json.loads(body[i:])[0])
            elif sio == "0":
                self.connected = True
                self.retry = (1.0, 5.0)
                self._resolve(None)
            elif sio == "4":
                self._resolve(json.loads(body) if body else "connect_error")
            elif sio == "1" and self.transport is not None:
                self.transport.close()
        elif kind == "2":  # Engine.IO ping
            self._send_text("3")
        elif kind == "0":  # Engine.IO open: now the Socket.IO connect, with auth
            auth = self.auth() if callable(self.auth) else self.auth
            self._send_text("40" + json.dumps(auth, separators=(",", ":")))

    def _resolve(self, error: Any) -> None:
        if self._opened is not None and not self._opened.done():
            self._opened.set_result(error)

    def _lost(self) -> None:
        was = self.connected
        self.connected = False
        self._resolve("connection lost during connect")
        for future in self.acks.values():
            if not future.done():
                future.set_exception(ConnectionError("disconnected"))
        self.acks.clear()
        if was and "disconnect" in self.handlers:
            self.handlers["disconnect"]()
        if was and self.reconnection and not self._closing:
            asyncio.ensure_future(self._reconnect())

    async def _reconnect(self) -> None:
        attempt = 0
        while not self._closing:
            delay = min(self.retry[0] * 2**attempt, self.retry[1])
            delay *= 1 + 0.5 * (2 * random.random() - 1)
            await asyncio.sleep(delay)
            attempt += 1
            try:
                await self._open()
                return
            except (TimeoutError, OSError, ConnectError):
                continue

    # --- emit --------------------------------------------------------------------------------

    async def call(self, event: str, data: Any, timeout: float = 10) -> Any:
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.acks[self.next_id] = future
        self._send_text(f"42{self.next_id}" + json.dumps([event, data], separators=(",", ":")))
        return await asyncio.wait_for(future, timeout)
