"""A minimal pipelined Redis client for the one hot call of the fast path (EVALSHA of the admit script).

redis-py's asyncio client spends ~0.3 ms of CPU per call (connection pool, retries, parsing layers),
which is most of what a refused flash-sale attempt costs. Here each event loop keeps ONE connection:
commands are written as they come, replies are read by one reader task in order and handed to the
waiting futures (Redis answers a connection's commands in the order they were sent). Only the reply
types the admit script returns are parsed: integers, simple strings and errors. Anything unexpected,
or a lost connection, fails the waiting calls with `RedisUnavailable` and the next call reconnects.
"""

from __future__ import annotations

import asyncio
import collections
import urllib.parse


class RedisUnavailable(Exception):
    pass


class ScriptMissing(Exception):
    pass


def _command(*parts) -> bytes:
    out = [b"*%d\r\n" % len(parts)]
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


class PipelinedRedis:
    def __init__(self, url: str):
        parts = urllib.parse.urlparse(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 6379
        self.db = int((parts.path or "/0").lstrip("/") or 0)
        self.password = urllib.parse.unquote(parts.password) if parts.password else None
        self.reader = self.writer = None
        self.waiting: collections.deque[asyncio.Future] = collections.deque()
        self.connecting: asyncio.Lock | None = None
        self.reader_task: asyncio.Task | None = None

    async def _connect(self) -> None:
        if self.connecting is None:
            self.connecting = asyncio.Lock()
        async with self.connecting:
            if self.writer is not None:
                return
            reader, writer = await asyncio.open_connection(self.host, self.port)
            hello = b""
            if self.password:
                hello += _command("AUTH", self.password)
            if self.db:
                hello += _command("SELECT", self.db)
            if hello:
                writer.write(hello)
                for _ in range(hello.count(b"*")):
                    line = await reader.readline()
                    if not line.startswith(b"+"):
                        writer.close()
                        raise RedisUnavailable(line.decode(errors="replace").strip())
            self.reader, self.writer = reader, writer
            self.reader_task = asyncio.get_running_loop().create_task(self._read_replies())

    async def _read_replies(self) -> None:
        try:
            while True:
                line = await self.reader.readline()
                if not line:
                    raise RedisUnavailable("connection closed")
                kind, body = line[:1], line[1:-2]
                if kind == b":":
                    value: object = int(body)
                elif kind == b"+":
                    value = body.decode()
                elif kind == b"-":
                    text = body.decode(errors="replace")
                    value = ScriptMissing(text) if text.startswith("NOSCRIPT") else RedisUnavailable(text)
                else:
                    raise RedisUnavailable(f"unexpected reply {line[:20]!r}")
                future = self.waiting.popleft()
                if not future.done():
                    if isinstance(value, Exception):
                        future.set_exception(value)
                    else:
                        future.set_result(value)
        except Exception as exc:  # noqa: BLE001 - every waiting call learns of it
            self._fail(exc if isinstance(exc, RedisUnavailable) else RedisUnavailable(str(exc)))

    def _fail(self, exc: Exception) -> None:
        writer, self.reader, self.writer = self.writer, None, None
        if writer is not None:
            writer.close()
        while self.waiting:
            future = self.waiting.popleft()
            if not future.done():
                future.set_exception(exc)

    async def call(self, *parts) -> object:
        if self.writer is None:
            await self._connect()
        future = asyncio.get_running_loop().create_future()
        self.waiting.append(future)
        self.writer.write(_command(*parts))
        return await future

    async def evalsha(self, sha: str, script: str, keys: list[str], args: list) -> object:
        try:
            return await self.call("EVALSHA", sha, len(keys), *keys, *args)
        except ScriptMissing:
            return await self.call("EVAL", script, len(keys), *keys, *args)
