"""Speed benchmark: territory pages, the measures API and the stats of every commune,
over 100,000 generated measures, or at several sizes to see how each figure grows.

Run by hand (it is outside the default test run):

    python tests/benchmarks/speed_bench.py [-n 100000] [--requests 60]
    python tests/benchmarks/speed_bench.py --sizes 10000,100000,1000000
    python tests/benchmarks/speed_bench.py --database-url postgresql://user:pw@host/postgres

By default it works on a temporary SQLite database. With `--database-url` naming a
PostgreSQL server (a role that may create databases), it creates a database
`bench_<random>` there and drops it at the end. It loads the territories, generates
the measures (`generate_measures.generate`, the time taken is printed), on PostgreSQL
runs VACUUM and ANALYZE as autovacuum soon would, then times warm requests through
the Flask test client, as a browser asks (gzip, French):

- the territory page of communes (Figuig 02.251.01.03 and communes drawn at random),
  of provinces (Figuig 02.251 and others) and of regions (Oriental 02 and the others);
- `/api/v1/measures?territory=CODE&per_page=50` for communes and for the Oriental region;
- `/api/v1/stats?level=commune&metric=KEY&per_page=500` for every metric (half as many
  requests each): the value is computed for all 1,503 communes on each request,
  whatever the page shows. The self-assessment metrics are timed over a validated
  assessment of every collectivity (commune, province, region) for each of three years
  (`generate_assessments`, core inserts), and reported together as well.

It prints p50 and p95 in milliseconds and SQL statements per request for each, against
the targets: p95 at most 100 ms for the pages and the list, 200 ms for the stats; over
more than 100,000 measures (the growth targets, at 1,000,000) 150 ms and 300 ms. With
`--sizes` each size gets a database of its own, and a last table gives each group's p95
at every size and how many times that of the smallest it is. The answers kept between
requests (`tracker.response_cache`) are off: the figures are those of the work behind
an answer. The groups "after a change" change a measure of one of 20 communes
(Figuig's among them) before each request, untimed, as an officer's edit does: what
the first visitor after each change waits for (the Oriental's and Figuig's pages,
the map, the map of communes, the comparison of regions, a metric's stats).
Each group stops after `--requests` requests or `--budget` seconds, whichever comes
first (at least 10 requests), so a slow group does not hold the run for long.
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_app import change_measure, database, dispose, geography, make_app, settle  # noqa: E402
from generate_assessments import ASSESSED_YEARS, generate_assessments  # noqa: E402
from generate_measures import generate  # noqa: E402
from sqlalchemy import event, func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

FIGUIG_COMMUNE, FIGUIG_PROVINCE, ORIENTAL = "02.251.01.03", "02.251", "02"
PAGE_TARGET_MS, LIST_TARGET_MS, STATS_TARGET_MS = 100, 100, 200
# Beyond 100,000 measures (the growth targets, at 1,000,000).
LARGE, LARGE_TARGETS_MS = 100_000, (150, 150, 300)
STATS_API = "/api/v1/stats?level=commune&per_page=500"


def targets(size: int) -> tuple[int, int, int]:
    """p95 targets in ms for pages, the list and the stats over `size` measures."""
    if size > LARGE:
        return LARGE_TARGETS_MS
    return PAGE_TARGET_MS, LIST_TARGET_MS, STATS_TARGET_MS


MIN_REQUESTS = 10


@dataclass
class Timing:
    """The times of one group of requests, in seconds, and the statements they ran."""

    name: str
    target_ms: float
    times: list[float]
    statements: int

    def p(self, share: float) -> float:
        """The `share` percentile in milliseconds (nearest rank)."""
        ordered = sorted(self.times)
        return ordered[max(0, math.ceil(share * len(ordered)) - 1)] * 1000

    @property
    def passed(self) -> bool:
        return self.p(0.95) <= self.target_ms


class Bench:
    """Times requests through the test client, counting the SQL statements they run."""

    def __init__(self, app, requests: int, budget: float):
        self.app = app
        self.requests = requests
        self.budget = budget
        self.client = app.test_client()
        self.client.environ_base.update(
            {"HTTP_ACCEPT_ENCODING": "gzip", "HTTP_ACCEPT_LANGUAGE": "fr"}
        )
        self.statements = 0
        with app.app_context():
            from tracker.extensions import db

            event.listen(db.engine, "before_cursor_execute", self._count)
        self.results: list[Timing] = []

    def _count(self, *args) -> None:
        self.statements += 1

    def _get(self, url: str) -> None:
        response = self.client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")

    def time(
        self,
        name: str,
        urls: list[str],
        target_ms: float,
        requests: int | None = None,
        prepare: Callable[[int], None] | None = None,
    ):
        """Warm up on the first URLs, then time requests cycling through `urls`, calling
        `prepare(n)` before the n-th when given (neither timed nor counted)."""
        for url in urls[:3]:
            self._get(url)
        wanted = requests or self.requests
        times: list[float] = []
        statements = 0
        started = time.perf_counter()
        while len(times) < wanted and (
            len(times) < MIN_REQUESTS or time.perf_counter() - started < self.budget
        ):
            url = urls[len(times) % len(urls)]
            if prepare is not None:
                prepare(len(times))
            before = self.statements
            begin = time.perf_counter()
            self._get(url)
            times.append(time.perf_counter() - begin)
            statements += self.statements - before
        timing = Timing(name, target_ms, times, statements)
        self.results.append(timing)
        print(line(timing), flush=True)
        return timing


def header() -> str:
    return f"{'':52}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'SQL/req':>9}{'target':>9}  result"


def line(t: Timing) -> str:
    return (
        f"{t.name:52}{len(t.times):>9}{t.p(0.5):>9.1f}{t.p(0.95):>9.1f}"
        f"{t.statements / len(t.times):>9.1f}{'≤' + str(t.target_ms):>9}  "
        f"{'PASS' if t.passed else 'FAIL'}"
    )


def describe(app) -> dict[str, int]:
    """How many measures the sample territories hold, for the report."""
    from tracker import stats
    from tracker.extensions import db
    from tracker.models import Measure

    with app.test_request_context():
        return {
            code: db.session.scalar(
                select(func.count()).select_from(Measure).where(stats.within(code))
            )
            for code in (FIGUIG_COMMUNE, FIGUIG_PROVINCE, ORIENTAL)
        }


def sizes_of(text: str) -> list[int]:
    """`10000,100000,1000000` as numbers; raises `ValueError` for anything else."""
    sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    if not sizes or min(sizes) <= 0:
        raise ValueError(text)
    return sizes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to run on (a database is created and dropped there); "
        "a temporary SQLite database otherwise",
    )
    parser.add_argument("--geo-dir", type=Path, help="a built boundary cache (built if absent)")
    parser.add_argument("-n", type=int, default=100_000, help="measures to generate (100,000)")
    parser.add_argument(
        "--sizes",
        type=sizes_of,
        help="run at each of these numbers of measures, e.g. 10000,100000,1000000, and "
        "print how each figure grows (instead of -n)",
    )
    parser.add_argument("--requests", type=int, default=60, help="timed requests per group (60)")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per group at most")
    parser.add_argument("--seed", type=int, default=20_261_124)
    args = parser.parse_args()

    if args.database_url and not args.database_url.startswith(("postgres://", "postgresql")):
        parser.error("--database-url must name a PostgreSQL server")

    runs: dict[int, list[Timing]] = {}
    for size in args.sizes or [args.n]:
        runs[size] = one_size(args, size)
    if len(runs) > 1:
        print_growth(runs)
    return 0


def one_size(args, size: int) -> list[Timing]:
    """Generate `size` measures in a new database and time every group over them."""
    work = Path(tempfile.mkdtemp(prefix="speed-bench-"))
    try:
        with database(args.database_url, work) as url:
            # Time the work behind each answer, not the answers kept between requests.
            app = make_app(
                url,
                work,
                GEO_CACHE_DIR=str(geography(args.geo_dir, work)),
                MAP_TILES_URL=None,
                RESPONSE_CACHE_BYTES=0,
            )
            engine_name = make_url(url).get_backend_name()
            started = time.perf_counter()
            count = generate(app, size, args.seed)
            print(
                f"\n{engine_name}: {count:,} measures generated in "
                f"{time.perf_counter() - started:.1f} s",
                flush=True,
            )
            started = time.perf_counter()
            assessed = generate_assessments(app, args.seed)
            print(
                f"{assessed:,} assessments ({len(ASSESSED_YEARS)} years) generated in "
                f"{time.perf_counter() - started:.1f} s",
                flush=True,
            )
            if engine_name == "postgresql":
                visible, pages = settle(app)
                print(f"VACUUM ANALYZE: {visible} of {pages} measure pages visible to all")
            counts = describe(app)
            print(
                "measures within: " + ", ".join(f"{code} {n:,}" for code, n in counts.items()),
                flush=True,
            )
            results = run(app, args, size)
            dispose(app)
        return results
    finally:
        shutil.rmtree(work, ignore_errors=True)


def print_growth(runs: dict[int, list[Timing]]) -> None:
    """p95 of each group at each size, and how many times it grew from the smallest."""
    sizes = sorted(runs)
    print("\nGrowth, p95 in ms (x: times the smallest size's)")
    print(f"{'':52}" + "".join(f"{size:>14,}" for size in sizes))
    for index, first in enumerate(runs[sizes[0]]):
        row = [runs[size][index] for size in sizes]
        cells = "".join(
            f"{t.p(0.95):>8.1f} x{t.p(0.95) / max(first.p(0.95), 0.001):<4.1f}" for t in row
        )
        print(f"{first.name:52}{cells}  {'PASS' if row[-1].passed else 'FAIL'} at the largest")


def run(app, args, size: int) -> list[Timing]:
    """Time every group over the measures generated; answers the timings."""
    from tracker.extensions import db
    from tracker.models import Territory
    from tracker.stats import METRICS

    with app.app_context():
        levels = {
            level: list(
                db.session.scalars(
                    select(Territory.code).where(Territory.level == level).order_by(Territory.code)
                )
            )
            for level in ("commune", "province", "region")
        }
    pick = random.Random(args.seed)
    communes = [FIGUIG_COMMUNE, *pick.sample(levels["commune"], 40)]
    provinces = [FIGUIG_PROVINCE, *pick.sample(levels["province"], 20)]
    regions = [ORIENTAL, *[code for code in levels["region"] if code != ORIENTAL]]

    page_ms, list_ms, stats_ms = targets(size)
    bench = Bench(app, args.requests, args.budget)
    print()
    print(header())
    bench.time("territory page, communes", [f"/territories/{c}" for c in communes], page_ms)
    bench.time("territory page, provinces", [f"/territories/{c}" for c in provinces], page_ms)
    bench.time(f"territory page, region {ORIENTAL}", [f"/territories/{ORIENTAL}"], page_ms)
    bench.time("territory page, all 12 regions", [f"/territories/{c}" for c in regions], page_ms)
    bench.time(
        "API measures, communes",
        [f"/api/v1/measures?territory={c}&per_page=50" for c in communes],
        list_ms,
    )
    bench.time(
        f"API measures, region {ORIENTAL} (pages 1-4)",
        [f"/api/v1/measures?territory={ORIENTAL}&per_page=50&page={p}" for p in range(1, 5)],
        list_ms,
    )
    per_metric = max(MIN_REQUESTS, args.requests // 2)
    stats_times: list[float] = []
    stats_statements = 0
    scores: list[Timing] = []
    for key in METRICS:
        timing = bench.time(
            f"stats, every commune: {key}",
            [f"{STATS_API}&metric={key}"],
            stats_ms,
            per_metric,
        )
        stats_times += timing.times
        stats_statements += timing.statements
        if METRICS[key].by_assessment:
            scores.append(timing)
    assessed = Timing(
        "stats, every commune: assessment metrics",
        stats_ms,
        [moment for timing in scores for moment in timing.times],
        sum(timing.statements for timing in scores),
    )
    print(line(assessed))
    for year in ASSESSED_YEARS[-1:]:
        assessed_year = bench.time(
            f"stats, every commune: assessment_score, {year}",
            [f"/api/v1/stats?level=commune&metric=assessment_score&year={year}&per_page=500"],
            stats_ms,
            per_metric,
        )
        stats_times += assessed_year.times
    bench.time(
        "stats, every region: communes_assessed_share",
        ["/api/v1/stats?level=region&metric=communes_assessed_share"],
        stats_ms,
        per_metric,
    )
    every = Timing("stats, every commune: all metrics", stats_ms, stats_times, stats_statements)
    print(line(every))

    # A measure of some commune changed before each request (Figuig's among them).
    changed = [FIGUIG_COMMUNE, *pick.sample(levels["commune"], 19)]
    for name, url, target in (
        (f"territory page, region {ORIENTAL}", f"/territories/{ORIENTAL}", page_ms),
        (f"territory page, province {FIGUIG_PROVINCE}", f"/territories/{FIGUIG_PROVINCE}", page_ms),
        ("map page", "/map", page_ms),
        (
            "map of communes: measures_per_100k",
            "/map?level=commune&metric=measures_per_100k",
            page_ms,
        ),
        ("comparison of regions", "/compare?level=region&metric=measures", page_ms),
        ("stats, every commune: measures", f"{STATS_API}&metric=measures", stats_ms),
    ):
        bench.time(
            f"after a change: {name}",
            [url],
            target,
            per_metric,
            prepare=lambda n: change_measure(app, changed[n % len(changed)]),
        )

    results = [*bench.results, assessed, every]
    failed = [t.name for t in results if not t.passed]
    print()
    if failed:
        print("Over target: " + "; ".join(failed))
    else:
        print("Every group within its target.")
    return results


if __name__ == "__main__":
    raise SystemExit(main())
