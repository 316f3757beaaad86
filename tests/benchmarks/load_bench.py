"""Load benchmark: the public pages, the measures API and an export under gunicorn with
2 workers on loopback, 8 concurrent clients.

Run by hand (it is outside the default test run):

    python tests/benchmarks/load_bench.py [--geo-dir instance/geography] [-n 10000]
    python tests/benchmarks/load_bench.py --database-url postgresql://user:pw@host/postgres

It makes a database (a temporary SQLite file, or a new database on the PostgreSQL server
named, dropped at the end) with the territories, the demo data and `-n` generated
measures, starts `gunicorn -w 2 -b 127.0.0.1:PORT 'tracker:create_app()'` on it (no
configuration file), warms every address up, then for each of the map page, a region's,
a province's and a commune's page, the comparison, the measures API and an export runs
`--clients` threads, each a keep-alive `http.client` connection (opened again when the
server closes it), until `--requests` requests or `--seconds` seconds, whichever comes
first. It prints requests/s, p50 and p95 in milliseconds and errors (any answer but 200,
any failed connection) against the targets: at least 300 requests/s on the territory
pages and the measures API, 500 on the map page, p95 at most 50 ms, no error. It prints
figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_app import database, dispose, geography, make_app, settle  # noqa: E402
from generate_measures import generate  # noqa: E402

P95_TARGET_MS = 50
# (name, address, requests/s target or None)
ADDRESSES = [
    ("map page", "/map", 500),
    ("region page 02", "/territories/02", 300),
    ("province page 02.251", "/territories/02.251", 300),
    ("commune page 02.251.01.03", "/territories/02.251.01.03", 300),
    ("comparison", "/compare?level=region&metric=measures", None),
    ("API measures", "/api/v1/measures?per_page=50", 300),
    ("export figures.csv", "/export/figures.csv?level=province", None),
]


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(url: str, geo_dir: Path, port: int, work: Path) -> subprocess.Popen:
    """gunicorn with 2 workers on `url`, answering on `port` once it returns."""
    empty = work / "no-gunicorn.conf.py"
    empty.write_text("")
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "load-bench-secret",
        "TRACKER_GEO_CACHE_DIR": str(geo_dir),
        "TRACKER_MAP_TILES_URL": "",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    # The request log goes to a file: a pipe nobody reads fills and stalls the workers.
    with (work / "gunicorn.log").open("wb") as log:
        server = subprocess.Popen(
            [str(gunicorn), "-c", str(empty), "-w", "2", "-b", f"127.0.0.1:{port}"]
            + ["tracker:create_app()"],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _ = fetch(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "/map")
            if status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError(
        "gunicorn did not answer /map within 60 s: " + (work / "gunicorn.log").read_text()[-2000:]
    )


def fetch(conn: http.client.HTTPConnection, path: str) -> tuple[int, bool]:
    """GET `path` on `conn`: (status, whether the server keeps the connection)."""
    conn.request("GET", path, headers={"Accept-Language": "fr"})
    response = conn.getresponse()
    response.read()
    return response.status, not response.will_close


class Load:
    """`clients` threads asking for one address until a count or a time is reached."""

    def __init__(self, port: int, path: str, clients: int, requests: int, seconds: float):
        self.port, self.path = port, path
        self.clients, self.left, self.seconds = clients, requests, seconds
        self.times: list[float] = []
        self.errors = 0
        self.lock = threading.Lock()

    def _take(self) -> bool:
        with self.lock:
            if self.left <= 0 or time.perf_counter() > self.deadline:
                return False
            self.left -= 1
            return True

    def _client(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while self._take():
            started = time.perf_counter()
            try:
                status, kept = fetch(conn, self.path)
            except (OSError, http.client.HTTPException):
                status, kept = 0, False
            elapsed = time.perf_counter() - started
            with self.lock:
                self.times.append(elapsed)
                self.errors += status != 200
            if not kept:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.close()

    def run(self) -> float:
        """Run the clients; answers the wall time in seconds."""
        self.deadline = time.perf_counter() + self.seconds
        started = time.perf_counter()
        threads = [threading.Thread(target=self._client) for _ in range(self.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - started


def percentile(times: list[float], share: float) -> float:
    """The `share` percentile of `times`, in milliseconds."""
    ordered = sorted(times)
    return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(name: str, load: Load, wall: float, target: int | None) -> bool:
    """Print one line of figures against the targets; answers whether they hold."""
    rate = len(load.times) / wall
    p50, p95 = percentile(load.times, 0.50), percentile(load.times, 0.95)
    held = p95 <= P95_TARGET_MS and load.errors == 0 and (target is None or rate >= target)
    wanted = f">= {target}" if target else "-"
    print(
        f"{name:28} {len(load.times):6} {rate:8.0f} {wanted:>6} {p50:7.1f} {p95:7.1f}"
        f" {load.errors:6}  {'ok' if held else 'MISSED'}",
        flush=True,
    )
    return held


def prepare(url: str, work: Path, n: int, seed: int) -> None:
    """The schema, the territories, the demo data and `n` generated measures (then, on
    PostgreSQL, what autovacuum would do soon after)."""
    app = make_app(url, work)
    from tracker.demo import load_demo

    with app.app_context():
        load_demo(progress=lambda line: None)
    started = time.perf_counter()
    count = generate(app, n, seed)
    print(f"demo data and {count:,} measures in {time.perf_counter() - started:.1f} s")
    if url.startswith("postgresql"):
        settle(app)
    dispose(app)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL server (SQLite otherwise)")
    parser.add_argument("--geo-dir", type=Path, help="a built boundary cache (built if absent)")
    parser.add_argument("-n", type=int, default=10_000, help="measures to generate (10,000)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=3000, help="per address at most")
    parser.add_argument("--seconds", type=float, default=10.0, help="per address at most")
    parser.add_argument("--seed", type=int, default=20_261_124)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="load-bench-"))
    try:
        geo_dir = geography(args.geo_dir, work)
        with database(args.database_url, work) as url:
            prepare(url, work, args.n, args.seed)
            port = free_port()
            server = start_server(url, geo_dir, port, work)
            try:
                run(port, args)
            finally:
                server.terminate()
                server.wait(timeout=30)
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(port: int, args) -> None:
    """Warm every address up in both workers, then load each in turn."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _, path, _ in ADDRESSES:
        for _ in range(6):
            fetch(conn, path)
            conn.close()
    print(f"\n{args.clients} clients, at most {args.requests} requests or {args.seconds:.0f} s")
    print(
        f"{'address':28} {'count':>6} {'req/s':>8} {'target':>6} {'p50':>7} {'p95':>7}"
        f" {'errors':>6}  (p95 target {P95_TARGET_MS} ms)"
    )
    missed = []
    for name, path, target in ADDRESSES:
        load = Load(port, path, args.clients, args.requests, args.seconds)
        wall = load.run()
        if not report(name, load, wall, target):
            missed.append(name)
    print("\nMissed: " + "; ".join(missed) if missed else "\nEvery target held.")


if __name__ == "__main__":
    raise SystemExit(main())
