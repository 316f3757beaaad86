"""Plain helpers the test modules share: not tests, not fixtures, importable from any of them."""

from __future__ import annotations

import logging
import re
import uuid
from pathlib import Path

# Collectivities the tests record for: the commune of Figuig, its neighbour Bouarfa, Tanger.
FIGUIG, BOUARFA, TANGER = "02.251.01.03", "02.251.01.01", "01.511.01.0"


def name_of(url: str) -> str:
    """The database name in a URL made by the suite's `Databases`."""
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    return Path(database).stem if database.endswith(".sqlite3") else database


def dispose(app) -> None:
    """Close the app's connections so its database can be copied or dropped."""
    with app.app_context():
        from tracker.extensions import db

        db.engine.dispose()


def csrf_token(client, url: str) -> str:
    """The CSRF token of the form at `url`, as a browser would read it; fails the test
    when the page has none."""
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    assert match, f"no CSRF token in {url}"
    return match.group(1)


FACTORY_ADMIN = "factory.admin@example.org"


def make_validated_measure(
    app, territory_code: str, title: str = "Mesure", *, author: str | None = None, **fields
) -> int:
    """Record a measure of `territory_code` as the app would, through the records service:
    created by `author` (the e-mail of an existing account; an administrator made here
    when None), submitted by the same, then validated by the administrator, each step
    in its history. `fields` are the form's values (kind "service" and status "ongoing"
    unless given). Returns the measure's id; raises what the service raises for a
    measure it refuses."""
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import User
    from tracker.records import service

    with app.app_context():
        admin = _factory_admin()
        by = admin
        if author is not None:
            by = db.session.scalar(select(User).where(User.email == author))
            assert by is not None, f"no account {author}"
        measure = service.save_measure(
            by,
            {
                "territory_code": territory_code,
                "title": title,
                "kind": "service",
                "status": "ongoing",
                **fields,
            },
        )
        service.transition(by, "measure", measure, "submit")
        service.transition(admin, "measure", measure, "validate")
        db.session.commit()
        return measure.id


def make_organisation(app, name: str, kind: str = "association", **fields) -> int:
    """Record a partner organisation as the app would, by the factory's administrator;
    returns its id."""
    from tracker.extensions import db
    from tracker.records import service

    with app.app_context():
        organisation = service.save_organisation(
            _factory_admin(), {"name": name, "kind": kind, **fields}
        )
        db.session.commit()
        return organisation.id


def _factory_admin():
    """The administrator the factories record with, made the first time it is needed."""
    from sqlalchemy import select

    from tracker.accounts import create_user
    from tracker.extensions import db
    from tracker.models import User

    admin = db.session.scalar(select(User).where(User.email == FACTORY_ADMIN))
    return admin or create_user(FACTORY_ADMIN, "a long factory password", "admin")


# Programmes, for the tests of their pages, API and exports.
ADMIN = "programmes.admin@example.org"

PAC = {
    "territory_code": FIGUIG,
    "kind": "PAC",
    "title": "Programme d'action communale de Figuig",
    "first_year": "2023",
    "last_year": "2028",
    "adopted_on": "2023-03-14",
    "reference": "Délibération 7/2023",
    "integration": "dedicated",
}


def programmes_admin():
    """The administrator who records the programmes of these tests (made when first needed)."""
    from sqlalchemy import select

    from tracker.accounts import create_user
    from tracker.extensions import db
    from tracker.models import User

    admin = db.session.scalar(select(User).where(User.email == ADMIN))
    return admin or create_user(ADMIN, "a long programmes password", "admin")


def make_programme(app, state: str = "validated", **fields) -> int:
    """Record a programme as the app would (PAC of Figuig unless `fields` say otherwise)
    and take it to `state` (draft, submitted, returned, validated or deleted); its id."""
    from tracker.extensions import db
    from tracker.records import service

    with app.app_context():
        admin = programmes_admin()
        programme = service.save_programme(admin, {**PAC, **fields})
        if state != "draft":
            service.transition(admin, "programme", programme, "submit")
        if state in ("validated", "deleted"):
            service.transition(admin, "programme", programme, "validate")
        if state == "returned":
            service.transition(admin, "programme", programme, "return", comment="Les années ?")
        if state == "deleted":
            service.delete(admin, "programme", programme)
        db.session.commit()
        return programme.id


def make_assessment(
    app, code: str, year: int, answers: dict | None = None, state: str = "validated", **evidence
) -> int:
    """Store an assessment of collectivity `code` for `year` in review state `state`, as
    its rows (for the pages, metrics and exports that read assessments), in place of the
    live one the collectivity has for that year (the demo's); its id.

    `answers` maps question keys to points 0 to 3 or "not_applicable"; every question
    left out gets 2 points, with `evidence` (an `evidence_text` by default) on every
    answer above 0.
    """
    from sqlalchemy import select

    from tracker.assessment.indicators import latest_indicator_set
    from tracker.extensions import db
    from tracker.models import Assessment, AssessmentAnswer

    indicator_set = latest_indicator_set()
    given = {q.key: 2 for q in indicator_set.questions} | (answers or {})
    written = evidence or {"evidence_text": "Délibération du conseil"}
    with app.app_context():
        for earlier in db.session.scalars(
            select(Assessment).where(
                Assessment.territory_code == code,
                Assessment.year == year,
                Assessment.deleted_at.is_(None),
            )
        ):
            db.session.delete(earlier)
        db.session.flush()
        assessment = Assessment(
            territory_code=code,
            year=year,
            indicator_version=indicator_set.version,
            review_state=state,
        )
        for key, value in given.items():
            na = value == "not_applicable"
            points = None if na else value
            answer = AssessmentAnswer(question_key=key, points=points, not_applicable=na)
            if points:
                for name, text in written.items():
                    setattr(answer, name, text)
            assessment.answers.append(answer)
        db.session.add(assessment)
        db.session.commit()
        return assessment.id


class LogLines(logging.Handler):
    """The lines a logger writes, as formatted, for a test to read."""

    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


def empty_database_app(databases, folder: Path, prefix: str):
    """An application on a new database that holds nothing, not even a schema (named
    `prefix` and a random suffix, dropped afterwards); a generator for a fixture."""
    from tracker import create_app

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": databases.create(name),
            "GEO_CACHE_DIR": str(folder / "nogeo"),
        }
    )
    yield app
    dispose(app)
    databases.drop(name)


def unpack_numbers(text: str) -> list[int]:
    """Packed numbers, read as Google's polyline algorithm describes it."""
    numbers, value, shift = [], 0, 0
    for char in text:
        bits = ord(char) - 63
        value |= (bits & 0x1F) << shift
        shift += 5
        if not bits & 0x20:
            numbers.append(-(value >> 1) - 1 if value & 1 else value >> 1)
            value, shift = 0, 0
    return numbers


def topology_arcs(topology: dict) -> list[list[tuple[int, int]]]:
    """The arcs' points on the grid, from the origin: offsets chained across arcs."""
    x = y = 0
    lines = []
    for text in topology["arcs"].split(" ") if topology["arcs"] else []:
        numbers = unpack_numbers(text)
        points = []
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            x, y = x + dx, y + dy
            points.append((x, y))
        lines.append(points)
    return lines


def topology_references(topology: dict) -> list[int]:
    """Every arc reference in the document's order, as `~i` for arc `i` walked backwards."""
    found, previous = [], 0
    for geometry in topology["geometries"]:
        polygons = [geometry] if geometry and isinstance(geometry[0], str) else geometry
        for text in (ring for polygon in polygons for ring in polygon):
            for number in unpack_numbers(text):
                previous += number >> 1
                found.append(~previous if number & 1 else previous)
    return found


def decode_topology(topology: dict) -> dict:
    """The FeatureCollection a packed topology (`geo.topology`) holds: a reference decoder,
    written from the module's docstring apart from the encoder and from the page's."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    lines = [[(x * sx + tx, y * sy + ty) for x, y in line] for line in topology_arcs(topology)]
    refs = iter(topology_references(topology))

    def ring(text):
        points = []
        for _ in unpack_numbers(text):
            index = next(refs)
            line = lines[~index][::-1] if index < 0 else lines[index]
            points.extend(line[1:] if points else line)
        return points

    columns = topology["properties"]
    features = []
    for i, geometry in enumerate(topology["geometries"]):
        single = bool(geometry) and isinstance(geometry[0], str)
        features.append(
            {
                "type": "Feature",
                "properties": {key: values[i] for key, values in columns.items()},
                "geometry": {
                    "type": "Polygon" if single else "MultiPolygon",
                    "coordinates": (
                        [ring(r) for r in geometry]
                        if single
                        else [[ring(r) for r in polygon] for polygon in geometry]
                    ),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
