"""What the tests of the comparison share: the pilot regions it compares by default, the
page's one script, the demo database every test starts from, the blueprint registered, a
small count of Bouarfa (fixtures), and ways to read the page's table and charts, the CSV,
the XLSX and the GeoJSON, and to count a region's measures in a sector."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.support import BOUARFA
from tracker.accounts import create_user
from tracker.compare import bp
from tracker.extensions import db
from tracker.models import Measure, Territory
from tracker.models.record import measure_sector
from tracker.records import service

PILOT = ["02", "01", "05"]
# The page's one script: the search box's, served by the app (never inline).
SEARCH_SCRIPT = re.compile(r'<script src="/static/search\.[0-9a-f]{10}\.js" defer></script>')


# ---- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def database_url(demo_database_url):
    """Each test of the comparison starts from a fresh copy of the demo database."""
    return demo_database_url


@pytest.fixture(autouse=True)
def compare_registered(app):
    if "compare" not in app.blueprints:
        app.register_blueprint(bp)
    return app


@pytest.fixture
def small_count(app):
    """A validated measure of Bouarfa that reached 3 people: a count public outputs hide."""
    with app.app_context():
        admin = create_user("compare.admin@example.org", "a long admin password", "admin")
        measure = service.save_measure(
            admin,
            {
                "territory_code": BOUARFA,
                "title": "Permanence d'orientation",
                "kind": "service",
                "status": "ongoing",
                "sectors": ["social_humanitarian"],
                "start_date": "2024-01-01",
                "beneficiaries_total": 3,
            },
        )
        service.transition(admin, "measure", measure, "submit")
        service.transition(admin, "measure", measure, "validate")
        db.session.commit()


# ---- reading the page -----------------------------------------------------------------------


class Table(HTMLParser):
    """The comparison table as `{row key: {code: cell text}}`, the rows' classes, and the
    codes of the column headings in order."""

    def __init__(self):
        super().__init__()
        self.rows: dict[str, dict[str, str]] = {}
        self.row_classes: dict[str, str] = {}
        self.columns: list[str] = []
        self._row = None
        self._code = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-row" in attrs:
            self._row = attrs["data-row"]
            self.rows[self._row] = {}
            self.row_classes[self._row] = attrs.get("class") or ""
        elif tag == "td" and self._row and "data-code" in attrs:
            self._code = attrs["data-code"]
            self._text = []
        elif tag == "th" and "data-code" in attrs:
            self.columns.append(attrs["data-code"])

    def handle_endtag(self, tag):
        if tag == "td" and self._code:
            self.rows[self._row][self._code] = "".join(self._text).strip()
            self._code = None
        elif tag == "tr":
            self._row = None

    def handle_data(self, data):
        if self._code:
            self._text.append(data)


def read_table(page: str) -> Table:
    table = Table()
    table.feed(page)
    return table


def svgs(page: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", page, flags=re.S)


def get(client, query: str = "", **headers):
    response = client.get("/compare" + query, headers=headers)
    return response, response.get_data(as_text=True)


def csv_lines(client, query: str = "") -> list[list[str]]:
    response = client.get("/compare.csv" + query)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def workbook(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data))


def geojson(client, query: str = "") -> dict:
    response = client.get("/compare.geojson" + query)
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    return json.loads(response.data)


def measures_in_sector(app, region: str, sector: str) -> int:
    """Validated demo measures of `region` (its councils and communes) addressing `sector`,
    counted without the comparison's code."""
    with app.app_context():
        return db.session.scalar(
            select(func.count(func.distinct(Measure.id)))
            .join(Territory, Territory.code == Measure.territory_code)
            .join(measure_sector, measure_sector.c.measure_id == Measure.id)
            .where(
                Territory.region_code == region,
                Measure.review_state == "validated",
                Measure.deleted_at.is_(None),
                measure_sector.c.sector_key == sector,
            )
        )
