"""The assessments import on the national territory: one workbook per region holding the
answers of every collectivity in it (its communes, its provinces or prefectures, its
council), each imported with `flask --app tracker import assessments` as a person would,
then counted in the database.

    DATABASE_URL=sqlite:////tmp/national.sqlite3 python tests/benchmarks/national_assessment_import.py \
        --user demo.admin@example.org --year 2024

The database must hold the national territories (`flask --app tracker setup`) and the
account. Prints, per region, the rows, the file's size, the import's wall time and the
assessments stored; then the totals. Nothing is asserted: the figures are for the note.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select


def write_region(path: Path, rows: list[tuple], headings: list[str]) -> None:
    """A workbook of `rows` under `headings`, written as a spreadsheet program would."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Assessments")
    sheet.append(headings)
    for row in rows:
        sheet.append(list(row))
    book.save(path)


def answers(territories, questions, year: int, seed: int):
    """Every question of every collectivity: 0 to 3 points, "not applicable" where the
    level allows it one time in four, a reference for answers above 0."""
    draw = random.Random(seed)
    for code, level in territories:
        for question in questions:
            if question.allows_not_applicable(level) and draw.random() < 0.25:
                yield (code, year, question.key, None, "yes", None)
                continue
            points = draw.randint(0, 3)
            reference = f"Délibération n° {draw.randint(1, 90)}/{year}" if points else None
            yield (code, year, question.key, points, "no", reference)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", required=True)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tracker import create_app
    from tracker.assessment.indicators import latest_indicator_set
    from tracker.extensions import db
    from tracker.models import Assessment, AssessmentAnswer, Territory

    app = create_app()
    questions = latest_indicator_set().questions
    headings = ["territory_code", "year", "question", "points", "not_applicable"]
    headings.append("evidence_reference")
    with app.app_context():
        regions = db.session.scalars(
            select(Territory.code).where(Territory.level == "region").order_by(Territory.code)
        ).all()
        inside = {
            region: db.session.execute(
                select(Territory.code, Territory.level)
                .where((Territory.code == region) | Territory.code.startswith(region + "."))
                .order_by(Territory.code)
            ).all()
            for region in regions
        }
    flask = [sys.executable, "-m", "flask", "--app", "tracker", "import", "assessments"]
    total_rows = total_seconds = 0.0
    print(f"{'region':>6} {'rows':>6} {'KB':>6} {'seconds':>8}  outcome")
    with tempfile.TemporaryDirectory() as folder:
        for region in regions:
            rows = list(answers(inside[region], questions, args.year, args.seed))
            path = Path(folder) / f"assessments-{region}-{args.year}.xlsx"
            write_region(path, rows, headings)
            started = time.perf_counter()
            done = subprocess.run(
                [*flask, str(path), "--user", args.user, "--lang", "fr"],
                capture_output=True,
                text=True,
                env=os.environ,
            )
            seconds = time.perf_counter() - started
            total_rows += len(rows)
            total_seconds += seconds
            said = (done.stdout.strip() or done.stderr.strip()).splitlines()
            outcome = said[-1] if said else ""
            kb = path.stat().st_size / 1024
            print(f"{region:>6} {len(rows):>6} {kb:>6.0f} {seconds:>8.1f}  {outcome[:90]}")
            if done.returncode != 0:
                print(done.stdout[-2000:], done.stderr[-2000:])
    with app.app_context():
        stored = db.session.scalar(
            select(func.count()).select_from(Assessment).where(Assessment.year == args.year)
        )
        answered = db.session.scalar(
            select(func.count())
            .select_from(AssessmentAnswer)
            .join(Assessment)
            .where(Assessment.year == args.year)
        )
        collectivities = db.session.scalar(select(func.count()).select_from(Territory))
    print(
        f"total: {total_rows:.0f} rows in {total_seconds:.1f} s "
        f"({total_rows / total_seconds:.0f} rows/s); {stored} assessments of "
        f"{collectivities} collectivities for {args.year}, {answered} answers stored"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
