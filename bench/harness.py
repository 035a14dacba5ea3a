"""Shared pieces of the bench scripts: database and Django set-up, a gunicorn (WSGI) or uvicorn
(ASGI) server, keep-alive HTTP clients, percentiles, machine facts and the printed table.
Loopback only, always bounded.

Servers (both are context managers that start the server in its own process group on 127.0.0.1,
wait until `ready_path` answers below 500, yield a `Server`, and stop every process on exit):

    with harness.gunicorn(database_url=db, port=8105, workers=3, threads=4, ready_path="/api/v1/...") as server:
        ...

    with harness.asgi_server(db, port=8107, workers=2, extra_env={"REDIS_URL": "redis://127.0.0.1:6379/5"},
                             max_inflight=16) as server:
        server.url                      # "http://127.0.0.1:8107"
        server.worker_pids()            # the uvicorn worker processes (children of the supervisor)
        server.kill_worker(signal.SIGKILL)   # kill one worker mid-run; uvicorn starts a new one
        server.wait_workers(2)          # until N live workers answer again (returns their pids)

`asgi_server` runs `uvicorn config.asgi:application --workers N --port P --no-access-log --loop uvloop
--http httptools --lifespan off` with `server_env(...)` (QUANZI_ENV=bench, the bench database) plus
`extra_env` (e.g. REDIS_URL; a value of None removes a variable). Its log is var/bench-uvicorn-P.log.

Two things differ from gunicorn and matter for a bench (see `asgi_database_url` and `max_inflight`):

* Django under ASGI runs each request's sync code in a fresh thread (asgiref's ThreadSensitiveContext),
  and database connections are per thread, so a persistent connection (`conn_max_age=60`) is never
  reused: it lingers until the garbage collector frees the dead thread's wrapper. `asgi_server` therefore
  adds `conn_max_age=0` to the database URL unless the URL sets it (one connection per request, closed
  when the request ends), as Django's documentation recommends for ASGI without a connection pool.
* Nothing bounds how many requests one worker runs at once (gunicorn has workers × threads): 200
  keep-alive clients become 200 threads and 200 PostgreSQL connections (max_connections is 100 here).
  `max_inflight=K` serves `bench/asgi_app.py:application` instead, which is config.asgi's application
  behind a per-worker semaphore of K concurrent HTTP requests (WebSockets are not limited); further
  requests wait in the event loop. Use it whenever clients × workers could exceed the database's
  connections. `max_inflight=None` serves `config.asgi:application` unchanged.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import platform
import signal
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/qz_bench"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


# ---------------------------------------------------------------- Django in this process

def database_url(given: str | None) -> str:
    """--database-url, else $BENCH_DATABASE_URL, else $DATABASE_URL, else the local qz_bench database."""
    url = given or os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_DB
    if not url.startswith(("postgres://", "postgresql://")):
        print(f"warning: {url} is not PostgreSQL; the numbers will not mean much", file=sys.stderr)
    return url


def configure_django(database_url: str) -> None:
    """Point this process at the bench database (created if missing), migrate, set Django up."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["QUANZI_ENV"] = "bench"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    for p in (str(ROOT), str(ROOT / "src")):
        if p not in sys.path:
            sys.path.insert(0, p)
    if database_url.startswith(("postgres://", "postgresql://")):
        _create_database(database_url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


def _create_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlparse(url)
    name = urllib.parse.unquote(parts.path[1:])
    admin = parts._replace(path="/postgres", query="").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


@contextlib.contextmanager
def outbox_dispatchers(*, database_url: str, count: int, port: int = 0) -> Iterator[list[int]]:
    """Start `count` outbox dispatcher processes (`manage.py outbox_dispatch --loop`), as production
    runs Celery workers beside the web servers; yield their pids (for the CPU meter). The server must
    run with QUANZI_OUTBOX_DISPATCH=worker so that it leaves delivery to them."""
    procs = []
    env = {**server_env(database_url, port), "QUANZI_OUTBOX_DISPATCH": "worker"}
    log = ROOT / "var" / "bench-outbox-dispatch.log"
    log.parent.mkdir(exist_ok=True)
    with open(log, "ab") as out:
        for _ in range(count):
            procs.append(subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "outbox_dispatch", "--loop",
                                           "--interval", "0.2", "--batch", "200"],
                                          cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True))
    try:
        yield [p.pid for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()


def outbox_backlog() -> dict[str, int]:
    """Pending and dead outbox events in the bench database (this process has Django set up)."""
    from quanzi.core import outbox

    return outbox.backlog()


def server_env(database_url: str, port: int) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": database_url, "QUANZI_ENV": "bench",
           "DJANGO_SETTINGS_MODULE": "config.settings.bench", "QUANZI_SITE_URL": f"http://127.0.0.1:{port}"}
    env.pop("PYTHONPATH", None)
    return env


# ---------------------------------------------------------------- the server

@dataclass
class Server:
    """A gunicorn or uvicorn started by this script (or an existing server given with --url)."""

    url: str
    process: subprocess.Popen | None = None
    workers: int = 0
    threads: int = 0
    log: Path | None = None
    kind: str = "gunicorn"
    max_inflight: int | None = None

    @property
    def host(self) -> str:
        return urllib.parse.urlparse(self.url).hostname or "127.0.0.1"

    @property
    def port(self) -> int:
        return urllib.parse.urlparse(self.url).port or 80

    def describe(self) -> str:
        if self.process is None:
            return f"external server at {self.url}"
        if self.kind == "uvicorn":
            limit = f", ≤ {self.max_inflight} requests in flight per worker" if self.max_inflight else ""
            return f"uvicorn (ASGI, uvloop + httptools) {self.workers} workers{limit} on {self.url}"
        return f"gunicorn gthread {self.workers} workers × {self.threads} threads on {self.url}"

    def worker_pids(self) -> list[int]:
        """PIDs of the live worker processes: the children of the gunicorn/uvicorn supervisor
        (multiprocessing's helper processes are left out). Empty for an external server."""
        if self.process is None or self.process.poll() is not None:
            return []
        pids = []
        for pid, (name, ppid, _cpu) in _all_procs().items():
            if ppid != self.process.pid:
                continue
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if b"resource_tracker" in cmdline or b"forkserver" in cmdline or name.startswith("<defunct"):
                continue
            if _proc_state(pid) == "Z":
                continue
            pids.append(pid)
        return sorted(pids)

    def kill_worker(self, sig: int = signal.SIGKILL, pid: int | None = None) -> int:
        """Send `sig` to one worker (the given pid, else the first one) and return its pid; for
        SIGKILL/SIGTERM, once it is gone (≤ 10 s). Only ever signals a child of this server."""
        pids = self.worker_pids()
        if not pids:
            raise RuntimeError("no worker to kill")
        if pid is None:
            pid = pids[0]
        elif pid not in pids:
            raise ValueError(f"{pid} is not a worker of this server")
        os.kill(pid, sig)
        if sig in (signal.SIGKILL, signal.SIGTERM):
            deadline = time.monotonic() + 10
            while pid in self.worker_pids() and time.monotonic() < deadline:
                time.sleep(0.05)
        return pid

    def wait_workers(self, count: int | None = None, *, timeout: float = 60.0,
                     ready_path: str = "/api/v1/catalog/categories") -> list[int]:
        """Wait until `count` (default: self.workers) workers are alive and the server answers again."""
        count = count or self.workers
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.worker_pids()
            if len(pids) >= count:
                wait_ready(self, ready_path, max(1.0, deadline - time.monotonic()))
                return pids
            time.sleep(0.2)
        raise RuntimeError(f"only {len(self.worker_pids())} of {count} workers after {timeout:.0f}s; see {self.log}")


def check_loopback(url: str) -> None:
    host = urllib.parse.urlparse(url).hostname or ""
    if host not in LOOPBACK and not host.startswith("127."):
        raise SystemExit(f"refusing to load {host!r}: the bench only talks to this machine (127.0.0.1)")


@contextlib.contextmanager
def gunicorn(*, database_url: str, port: int, workers: int, threads: int, ready_path: str,
             timeout: float = 60.0, extra_env: dict[str, str | None] | None = None) -> Iterator[Server]:
    """Start gunicorn on 127.0.0.1:port, wait until `ready_path` answers, stop it afterwards.
    extra_env: added to server_env() (None values remove a variable)."""
    log = ROOT / "var" / f"bench-gunicorn-{port}.log"
    log.parent.mkdir(exist_ok=True)
    cmd = [str(Path(sys.executable).with_name("gunicorn")), "-c", str(ROOT / "config" / "gunicorn.conf.py"),
           "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
           "--max-requests", "0", "config.wsgi:application"]
    env = server_env(database_url, port)
    for key, value in (extra_env or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True)
    server = Server(url=f"http://127.0.0.1:{port}", process=proc, workers=workers, threads=threads, log=log)
    try:
        wait_ready(server, ready_path, timeout)
        yield server
    finally:
        stop(proc)


def asgi_database_url(database_url: str) -> str:
    """The database URL for an ASGI server: PostgreSQL URLs get `conn_max_age=0` unless they set it
    (see the module docstring: persistent connections are never reused under ASGI)."""
    parts = urllib.parse.urlparse(database_url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        return database_url
    query = urllib.parse.parse_qs(parts.query)
    if "conn_max_age" in query:
        return database_url
    query["conn_max_age"] = ["0"]
    return parts._replace(query=urllib.parse.urlencode(query, doseq=True)).geturl()


@contextlib.contextmanager
def asgi_server(database_url: str, *, port: int, workers: int = 2, extra_env: dict[str, str | None] | None = None,
                max_inflight: int | None = None, app: str | None = None,
                ready_path: str = "/api/v1/catalog/categories", timeout: float = 60.0,
                extra_args: list[str] | None = None) -> Iterator[Server]:
    """Start uvicorn (ASGI) on 127.0.0.1:port with `workers` processes, wait until `ready_path`
    answers, yield the Server, stop the supervisor and all its workers afterwards.

    extra_env: added to server_env() (None values remove a variable), e.g. {"REDIS_URL": ...}.
    max_inflight: at most this many concurrent HTTP requests per worker (bench/asgi_app.py);
    None serves config.asgi:application unchanged. app: another "module:attribute" to serve.
    extra_args: more uvicorn options (e.g. ["--limit-concurrency", "500"])."""
    log = ROOT / "var" / f"bench-uvicorn-{port}.log"
    log.parent.mkdir(exist_ok=True)
    env = server_env(asgi_database_url(database_url), port)
    if max_inflight:
        env["QUANZI_ASGI_MAX_INFLIGHT"] = str(max_inflight)
        app = app or "bench.asgi_app:application"
    for key, value in (extra_env or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    cmd = [str(Path(sys.executable).with_name("uvicorn")), app or "config.asgi:application",
           "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--no-access-log",
           "--loop", "uvloop", "--http", "httptools", "--lifespan", "off", "--timeout-graceful-shutdown", "5",
           *(extra_args or [])]
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True)
    server = Server(url=f"http://127.0.0.1:{port}", process=proc, workers=workers, log=log, kind="uvicorn",
                    max_inflight=max_inflight)
    try:
        wait_ready(server, ready_path, timeout)
        yield server
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)  # the group this script created for its own gunicorn
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def wait_ready(server: Server, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if server.process is not None and server.process.poll() is not None:
            raise SystemExit(f"{server.kind} exited with {server.process.returncode}; see {server.log}")
        try:
            conn = http.client.HTTPConnection(server.host, server.port, timeout=5)
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            conn.close()
            if resp.status < 500:
                return
            last = f"HTTP {resp.status}"
        except OSError as exc:
            last = str(exc)
        time.sleep(0.3)
    raise SystemExit(f"server at {server.url} not ready after {timeout:.0f}s ({last}); see {server.log}")


# ---------------------------------------------------------------- HTTP clients

class Conn:
    """One keep-alive HTTP/1.1 connection, reopened when the server closes it."""

    def __init__(self, host: str, port: int, timeout: float = 30.0):
        self.host, self.port, self.timeout = host, port, timeout
        self._conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, *, body: bytes | None = None,
                headers: dict[str, str] | None = None, retry: bool = False) -> tuple[int, bytes, float]:
        """Return (status, body, seconds). `retry` resends once on a dropped keep-alive connection
        (only for requests that are safe to repeat: GETs, or POSTs with an Idempotency-Key)."""
        for attempt in (1, 2):
            if self._conn is None:
                self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            start = time.perf_counter()
            try:
                self._conn.request(method, path, body=body, headers=headers or {})
                resp = self._conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException):
                self.close()
                if attempt == 2 or not retry:
                    raise
                continue
            elapsed = time.perf_counter() - start
            if (resp.getheader("Connection") or "").lower() == "close":
                self.close()
            return resp.status, data, elapsed
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


# ---------------------------------------------------------------- numbers

def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-p * len(ordered) // 100))))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    return "n/a" if seconds != seconds else f"{seconds * 1000:.1f} ms"


@dataclass
class Latencies:
    values: list[float] = field(default_factory=list)

    def add(self, seconds: float) -> None:
        self.values.append(seconds)

    def extend(self, other: Latencies) -> None:
        self.values.extend(other.values)

    @property
    def p50(self) -> float:
        return percentile(self.values, 50)

    @property
    def p99(self) -> float:
        return percentile(self.values, 99)

    @property
    def max(self) -> float:
        return max(self.values) if self.values else float("nan")

    def summary(self) -> dict:
        return {"n": len(self.values), "p50_ms": round(self.p50 * 1000, 2), "p99_ms": round(self.p99 * 1000, 2),
                "max_ms": round(self.max * 1000, 2)}


# ---------------------------------------------------------------- where the CPU went

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_stat(pid: int) -> tuple[str, int, float] | None:
    """(name, parent pid, cpu seconds) of a process, or None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1: raw.rindex(")")]
    rest = raw[raw.rindex(")") + 2:].split()
    return name, int(rest[1]), (int(rest[11]) + int(rest[12])) / _TICK


def _proc_state(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "X"
    return raw[raw.rindex(")") + 2:].split()[0]


def _all_procs() -> dict[int, tuple[str, int, float]]:
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _proc_stat(int(entry.name))
            if stat is not None:
                out[int(entry.name)] = stat
    return out


def _machine_busy() -> tuple[float, float]:
    """(busy seconds, total seconds) summed over all cores since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / _TICK, sum(fields) / _TICK


class CpuMeter:
    """CPU seconds spent by the load generator, the server, PostgreSQL and everything else
    (other programs on the machine) between start() and stop(). Linux only; empty elsewhere."""

    def __init__(self, server_pid: int | None, *, extra: dict[str, list[int]] | None = None):
        self.server_pid = server_pid
        self.extra = extra or {}  # more named groups of processes (the outbox dispatchers)
        self.available = Path("/proc/stat").exists()

    def _groups(self) -> dict[str, float]:
        procs = _all_procs()
        server = set()
        if self.server_pid:
            server = {self.server_pid} | {pid for pid, (_n, ppid, _c) in procs.items() if ppid == self.server_pid}
        groups = {"load generator": 0.0, "server": 0.0, "postgres": 0.0, **dict.fromkeys(self.extra, 0.0)}
        extra = {pid: label for label, pids in self.extra.items() for pid in pids}
        for pid, (name, _ppid, cpu) in procs.items():
            if pid == os.getpid():
                groups["load generator"] += cpu
            elif pid in server:
                groups["server"] += cpu
            elif pid in extra:
                groups[extra[pid]] += cpu
            elif name.startswith("postgres"):
                groups["postgres"] += cpu
        return groups

    def start(self) -> None:
        if self.available:
            self._t0, self._g0, self._m0 = time.perf_counter(), self._groups(), _machine_busy()

    def stop(self) -> dict[str, float]:
        """Average cores used by each group, plus 'other' and 'idle'."""
        if not self.available:
            return {}
        wall = time.perf_counter() - self._t0
        g1, m1 = self._groups(), _machine_busy()
        cores = {k: max(0.0, (g1[k] - self._g0[k]) / wall) for k in g1}
        busy = (m1[0] - self._m0[0]) / wall
        total = (m1[1] - self._m0[1]) / wall
        cores["other"] = max(0.0, busy - sum(cores.values()))
        cores["idle"] = max(0.0, total - busy)
        return cores


def describe_cpu(cores: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in cores.items()) + " (cores)"


# ---------------------------------------------------------------- machine and table

def machine_info() -> dict[str, str]:
    cpu = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    info = {"date": time.strftime("%Y-%m-%d %H:%M UTC%z"), "nproc": str(os.cpu_count()), "cpu": cpu, "memory": mem,
            "python": platform.python_version(), "os": platform.platform(terse=True)}
    with contextlib.suppress(OSError):
        info["load average before the run"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    with contextlib.suppress(Exception):
        import django
        from django.db import connection

        info["django"] = django.get_version()
        with connection.cursor() as cur:
            cur.execute("SHOW server_version" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
            info["database"] = f"{connection.vendor} {cur.fetchone()[0]}"
    return info


def print_table(title: str, rows: list[tuple[str, str, str]]) -> None:
    """rows: (metric, value, goal/verdict)."""
    width = [max(len(r[i]) for r in rows + [("metric", "value", "goal")]) for i in range(3)]
    line = "+-" + "-+-".join("-" * w for w in width) + "-+"
    print()
    print(title)
    print(line)
    print("| " + " | ".join(h.ljust(w) for h, w in zip(("metric", "value", "goal"), width, strict=True)) + " |")
    print(line)
    for row in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, width, strict=True)) + " |")
    print(line)


def markdown_table(rows: list[tuple[str, str, str]]) -> str:
    out = ["| metric | value | goal |", "| --- | --- | --- |"]
    out += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(out)


def write_json(path: str | None, data: dict) -> None:
    if path:
        Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str))
        print(f"results written to {path}")
