"""Generated measures for benchmarks: many validated measures spread over every territory.

`generate(app, n)` inserts `n` validated measures into the app's database, which
must already hold the schema and the territories (`tracker.cli.upgrade_database()`
then `tracker.territories.load_territories()`). Every commune gets some, populous
ones more (in proportion to the square root of their population, since a city
does not run a hundred times the measures of a village); a tenth belong to
provincial and regional councils. Each measure has one to three sectors, most a
programme of their council, some partner organisations; kinds, statuses, dates
(2020 to 2026), budgets and beneficiary counts (small ones included) vary as
recorded data does. The same seed gives the same data.

By hand, on SQLite or PostgreSQL (the schema is created and the territories are
loaded first, both safe to run again):

    python tests/benchmarks/generate_measures.py --database-url URL -n 100000
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import math
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402

from tracker.models import Measure, Organisation, Programme, Sector, Territory  # noqa: E402
from tracker.models.record import measure_organisation, measure_sector  # noqa: E402

CHUNK = 5_000

# Share of the measures each level's councils carry.
LEVEL_SHARES = {"commune": 0.90, "province": 0.06, "region": 0.04}

KINDS = {
    "service": (22, "Service d'accompagnement des personnes migrantes"),
    "reception": (10, "Espace d'accueil et d'orientation"),
    "legal_clinic": (6, "Permanence juridique"),
    "partnership": (12, "Convention de partenariat"),
    "training": (14, "Formation des élus et du personnel"),
    "awareness": (16, "Campagne de sensibilisation"),
    "study": (6, "Étude sur la migration"),
    "consultation": (8, "Consultation participative"),
    "other": (6, "Action d'intégration"),
}
STATUSES = {"planned": 20, "ongoing": 35, "completed": 35, "suspended": 5, "cancelled": 5}
SECTOR_WEIGHTS = [16, 6, 14, 6, 14, 10, 12, 4, 6, 4, 8]  # in the reference order
TARGET_GROUPS = [
    "regular_migrants",
    "irregular_migrants",
    "refugees",
    "asylum_seekers",
    "returning_moroccans",
    "host_population",
]
FUNDING_SOURCES = ["own_budget", "state", "region", "international", "ngo", "private", "other"]
INTEGRATION = {"absent": 2, "mentioned": 5, "dedicated": 3}
PROGRAMME_KINDS = {"commune": "PAC", "province": "PDP", "region": "PDR"}
ORGANISATIONS = [
    ("Association Al Amal", "association"),
    ("Association Tadamoun", "association"),
    ("Caritas Maroc", "association"),
    ("Fondation Orient-Occident", "association"),
    ("Organisation internationale pour les migrations", "international"),
    ("Haut-Commissariat des Nations unies pour les réfugiés", "international"),
    ("Entraide nationale", "state_service"),
    ("Agence nationale de promotion de l'emploi et des compétences", "state_service"),
    ("Délégation provinciale de la santé", "state_service"),
    ("Université Mohammed Premier", "university"),
    ("Coopération belge au développement", "foreign_local_government"),
    ("Région Occitanie", "foreign_local_government"),
]
FIRST_DAY = date(2020, 1, 1)
DAYS = (date(2026, 12, 31) - FIRST_DAY).days


def _allocate(weights: dict[str, float], total: int) -> dict[str, int]:
    """`total` split over the keys of `weights` in proportion (largest remainders)."""
    if total <= 0 or not weights:
        return dict.fromkeys(weights, 0)
    whole = sum(weights.values())
    exact = {key: total * w / whole for key, w in weights.items()}
    counts = {key: int(v) for key, v in exact.items()}
    left = total - sum(counts.values())
    for key in sorted(exact, key=lambda k: counts[k] - exact[k])[:left]:
        counts[key] += 1
    return counts


def _plan(territories: list[tuple[str, str, int | None]], n: int) -> dict[str, int]:
    """How many measures each council gets: every commune at least one when there are
    enough, then in proportion to the square root of the population."""
    by_level: dict[str, dict[str, float]] = {level: {} for level in LEVEL_SHARES}
    for code, level, population in territories:
        by_level[level][code] = math.sqrt(max(population or 0, 100))
    level_totals = _allocate(LEVEL_SHARES, n)
    communes = by_level["commune"]
    if n >= len(communes):  # every commune gets one first, the rest go by weight
        level_totals["commune"] = max(level_totals["commune"], len(communes))
        spare = n - level_totals["commune"]
        upper = _allocate({"province": 0.6, "region": 0.4}, spare)
        level_totals.update(upper)
    plan: dict[str, int] = {}
    for level, weights in by_level.items():
        total = level_totals[level]
        if level == "commune" and n >= len(weights):
            plan.update(
                {
                    code: count + 1
                    for code, count in _allocate(weights, total - len(weights)).items()
                }
            )
        else:
            plan.update(_allocate(weights, total))
    return plan


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


class _Draw:
    """Weighted and uniform draws from one seeded generator, quick enough for
    hundreds of thousands of rows (the cumulative weights are worked out once)."""

    def __init__(self, seed: int):
        self.random = random.Random(seed).random
        self.shuffle = random.Random(seed + 1).shuffle

    def below(self, n: int) -> int:
        return int(self.random() * n)

    def between(self, low: int, high: int) -> int:
        """An integer from `low` to `high`, both included."""
        return low + int(self.random() * (high - low + 1))

    @staticmethod
    def table(weights: dict) -> tuple[list, list[float]]:
        return list(weights), list(itertools.accumulate(weights.values()))

    def pick(self, table: tuple[list, list[float]]):
        keys, cumulative = table
        return keys[bisect.bisect(cumulative, self.random() * cumulative[-1])]

    def some(self, items: list, count: int) -> list:
        """`count` different items, in the list's order."""
        chosen = set()
        while len(chosen) < count:
            chosen.add(self.below(len(items)))
        return [items[i] for i in sorted(chosen)]


KIND_TABLE = _Draw.table({kind: weight for kind, (weight, _) in KINDS.items()})
STATUS_TABLE = _Draw.table(STATUSES)
LOG_BUDGET, LOG_PEOPLE = math.log(150_000), math.log(60)


def _measure_row(draw: _Draw, number: int, code: str, seed: int, now: datetime) -> dict:
    kind = draw.pick(KIND_TABLE)
    status = draw.pick(STATUS_TABLE)
    start = end = None
    if draw.random() < 0.95:
        start = FIRST_DAY + timedelta(days=draw.below(DAYS))
        if status in ("completed", "cancelled") or draw.random() < 0.5:
            end = start + timedelta(days=draw.between(30, 900))
    planned = spent = reason = None
    if draw.random() < 0.85:
        planned = round(math.exp(LOG_BUDGET + 1.2 * _normal(draw)), -2)
        if status == "completed":
            spent = planned * (0.6 + 0.55 * draw.random())
        elif status in ("ongoing", "suspended"):
            spent = planned * 0.8 * draw.random()
        if spent is not None and spent > planned:
            reason = "Hausse des effectifs accueillis."
    total = women = men = minors = None
    chance = draw.random()
    if chance < 0.08:
        total = draw.between(1, 4)  # small counts, which public outputs hide
    elif chance < 0.85:
        total = max(5, int(math.exp(LOG_PEOPLE + 1.1 * _normal(draw))))
    if total is not None and draw.random() < 0.7:
        women = draw.between(0, total)
        men = total - women
        if draw.random() < 0.5:
            minors = draw.between(0, total // 2)
    progress = {"planned": 0, "completed": 100}.get(status, 5 * draw.between(1, 19))
    title = KINDS[kind][1]
    return {
        "reference": f"G{seed}-{number:07d}",
        "territory_code": code,
        "title": f"{title} n° {number}",
        "description": (
            f"{title}, mise en œuvre avec les services déconcentrés et la société civile."
            if draw.random() < 0.6
            else None
        ),
        "kind": kind,
        "target_groups": draw.some(TARGET_GROUPS, draw.between(1, 3)),
        "status": status,
        "start_date": start,
        "end_date": end,
        "budget_planned": _money(planned) if planned is not None else None,
        "budget_spent": _money(spent) if spent is not None else None,
        "overspend_reason": reason,
        "funding_sources": draw.some(FUNDING_SOURCES, draw.between(1, 2)),
        "beneficiaries_total": total,
        "beneficiaries_women": women,
        "beneficiaries_men": men,
        "beneficiaries_minors": minors,
        "progress": progress,
        **validated_record(now),
    }


def new_record(now: datetime) -> dict:
    """The bookkeeping columns of a row written once, now, and never deleted."""
    return {"created_at": now, "updated_at": now, "deleted_at": None, "version": 1}


def validated_record(now: datetime) -> dict:
    """`new_record`'s columns for a record validated without comment."""
    return {"review_state": "validated", "review_comment": None, **new_record(now)}


def _normal(draw: _Draw) -> float:
    """A standard normal draw (Box-Muller)."""
    return math.sqrt(-2.0 * math.log(1.0 - draw.random())) * math.cos(2 * math.pi * draw.random())


def _insert_with_ids(conn, table, rows: list[dict]) -> list[int]:
    """Insert `rows` with ids after the table's largest, in one executemany; answers the ids.

    Explicit ids keep the insert a plain executemany on every database (asking the
    database for each new id costs a statement per row on SQLite).
    """
    first = (conn.scalar(select(func.max(table.c.id))) or 0) + 1
    ids = list(range(first, first + len(rows)))
    for row, new_id in zip(rows, ids):
        row["id"] = new_id
    if rows:
        conn.execute(insert(table), rows)
    return ids


def _advance_sequences(conn, tables) -> None:
    """On PostgreSQL, move each table's id sequence past the ids inserted explicitly,
    so the application's own inserts do not collide with them."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"
            )
        )


def generate(
    app,
    n: int = 100_000,
    seed: int = 20_261_124,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Insert `n` validated measures (with their sectors, programmes and partners) into
    the database of `app`, in one transaction; answers how many were inserted.

    The database must hold the schema and the territories; raises `RuntimeError`
    when it holds no commune.
    """
    from tracker.extensions import db

    draw = _Draw(seed)
    say = progress or (lambda line: None)
    now = datetime.now(UTC)
    with app.app_context():
        engine = db.engine
        with engine.begin() as conn:
            territories = conn.execute(
                select(Territory.code, Territory.level, Territory.population_2024).order_by(
                    Territory.code
                )
            ).all()
            if not any(level == "commune" for _, level, _ in territories):
                raise RuntimeError("No commune in the database: load the territories first.")
            sectors = list(conn.scalars(select(Sector.key).order_by(Sector.position)))
            sector_table = _Draw.table(
                dict(zip(sectors, SECTOR_WEIGHTS + [5] * (len(sectors) - len(SECTOR_WEIGHTS))))
            )
            integration_table = _Draw.table(INTEGRATION)

            # One programme per council, which most of its measures belong to.
            levels = {code: level for code, level, _ in territories}
            programme_rows = [
                {
                    "territory_code": code,
                    "kind": PROGRAMME_KINDS[level],
                    "title": f"{PROGRAMME_KINDS[level]} {code} 2022-2027",
                    "first_year": 2022,
                    "last_year": 2027,
                    "adopted_on": date(2022, 3, 1) + timedelta(days=draw.below(300)),
                    "integration": draw.pick(integration_table),
                    "reference": None,
                    **validated_record(now),
                }
                for code, level in levels.items()
            ]
            programme_ids = dict(
                zip(levels, _insert_with_ids(conn, Programme.__table__, programme_rows))
            )
            organisation_ids = _insert_with_ids(
                conn,
                Organisation.__table__,
                [
                    {
                        "name": name,
                        "kind": kind,
                        "country": "MA",
                        "website": None,
                        "created_by_id": None,
                        **new_record(now),
                    }
                    for name, kind in ORGANISATIONS
                ],
            )

            plan = _plan(territories, n)
            # Shuffled, so the rows of a territory lie scattered through the table, as
            # measures recorded over the years by many councils do.
            codes = [code for code, count in plan.items() for _ in range(count)]
            draw.shuffle(codes)
            inserted = 0
            for begin in range(0, len(codes), CHUNK):
                batch = codes[begin : begin + CHUNK]
                rows = []
                for offset, code in enumerate(batch):
                    row = _measure_row(draw, begin + offset + 1, code, seed, now)
                    row["programme_id"] = programme_ids[code] if draw.random() < 0.7 else None
                    rows.append(row)
                ids = _insert_with_ids(conn, Measure.__table__, rows)
                links, partners = [], []
                for measure_id in ids:
                    wanted = (1, 1, 2, 3)[draw.below(4)]
                    keys = set()
                    while len(keys) < wanted:
                        keys.add(draw.pick(sector_table))
                    links += [{"measure_id": measure_id, "sector_key": key} for key in keys]
                    if draw.random() < 0.35:
                        partners += [
                            {"measure_id": measure_id, "organisation_id": org}
                            for org in draw.some(organisation_ids, draw.between(1, 2))
                        ]
                conn.execute(insert(measure_sector), links)
                if partners:
                    conn.execute(insert(measure_organisation), partners)
                inserted += len(ids)
                say(f"{inserted:,} of {len(codes):,} measures")
            _advance_sequences(
                conn, [Programme.__table__, Organisation.__table__, Measure.__table__]
            )
    return inserted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", required=True, help="sqlite:///path or postgresql://user:pw@host/db"
    )
    parser.add_argument("-n", type=int, default=100_000, help="how many measures (100,000)")
    parser.add_argument("--seed", type=int, default=20_261_124)
    args = parser.parse_args(argv)

    from bench_app import make_app
    from sqlalchemy.engine import make_url

    url = make_url(args.database_url)
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    app = make_app(url.render_as_string(hide_password=False), Path(tempfile.mkdtemp()))
    started = time.perf_counter()
    count = generate(app, args.n, args.seed, progress=lambda line: print(line, flush=True))
    print(f"{count:,} measures inserted in {time.perf_counter() - started:.1f} s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
