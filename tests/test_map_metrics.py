"""The map with a metric: choropleth classes, no data apart from zero, filters in the URL,
places with inert popups, and the figures as a table."""

import re

import pytest

from tests.support import FIGUIG
from tracker.accounts import create_user
from tracker.extensions import db
from tracker.records import service

PAYLOADS = ["<script>alert(1)</script>", '<img src=x onerror="alert(2)">', "${alert(3)}"]


def page(client, query):
    response = client.get(f"/map?{query}")
    return response, response.get_data(as_text=True)


def test_metric_colours_the_chosen_level(known, client):
    response, html = page(client, "metric=measures&level=commune")
    assert response.status_code == 200
    values = re.search(r"_values = (\{.*?\});", html).group(1)
    assert f'"{FIGUIG}": 2.0' in values
    assert "02.251.03.03" not in values  # no data: drawn apart, not as zero


def test_the_table_lists_every_territory_of_the_level(known, client):
    _, html = page(client, "metric=measures_per_100k&level=province")
    table = html.split('id="figures"')[1]
    assert table.count("<tr>") == 83 + 1
    assert "no data" in table
    # Largest first: Figuig province has the most measures per inhabitant here.
    first = re.search(r'href="/territories/([0-9.]+)"', table).group(1)
    assert first == "02.251"


def test_filters_are_in_the_url_and_change_the_figures(known, client):
    _, all_years = page(client, "metric=measures&level=commune")
    _, y2025 = page(client, "metric=measures&level=commune&year=2025")
    assert re.search(rf'"{FIGUIG}": 2\.0', all_years)
    assert re.search(rf'"{FIGUIG}": 1\.0', y2025)
    assert 'value="2025"' in y2025


@pytest.mark.parametrize("query", ["metric=happiness", "level=planet", "year=abc", "sector=x"])
def test_bad_choices_are_explained_not_500(known, client, query):
    response, html = page(client, query)
    assert response.status_code == 400
    assert 'role="alert"' in html


def test_legend_has_one_line_per_class_and_no_data(known, client):
    _, html = page(client, "metric=measures&level=commune")
    legend = re.search(r"map-legend-title.*?forEach", html, re.S).group(0)
    labels = re.findall(r'"label": "([^"]+)"', html.split("L.control({position")[1])
    assert "no data" in labels
    assert len(labels) == len(set(labels))
    assert "Measures" in legend


def test_beneficiary_labels_are_suppressed(app, client):
    with app.app_context():
        admin = create_user("admin@example.org", "a long admin password", "admin")
        m = service.save_measure(
            admin,
            {
                "territory_code": FIGUIG,
                "title": "Cours",
                "kind": "service",
                "status": "ongoing",
                "beneficiaries_total": 3,
            },
        )
        service.transition(admin, "measure", m, "submit")
        service.transition(admin, "measure", m, "validate")
        db.session.commit()
    _, html = page(client, "metric=beneficiaries&level=commune")
    labels = re.search(r"_labels = (\{.*?\});", html).group(1)
    assert f'"{FIGUIG}": "\\u003c5"' in labels or f'"{FIGUIG}": "<5"' in labels
    table = html.split('id="figures"')[1]
    assert "&lt;5" in table
    # Nor do the colours, the legend or the table's sort keys carry the 3.
    values = re.search(r"_values = (\{.*?\});", html).group(1)
    assert f'"{FIGUIG}": 0.0' in values
    legend = re.search(r"(\[\{\"border\".*?\}\])\.forEach", html).group(1)
    assert not re.search(r"\b3\b", legend)
    assert 'data-value="3' not in table


def test_places_carry_payloads_as_data_only(app, client):
    with app.app_context():
        admin = create_user("admin@example.org", "a long admin password", "admin")
        for i, payload in enumerate(PAYLOADS):
            m = service.save_measure(
                admin,
                {
                    "territory_code": FIGUIG,
                    "title": f"Cellule {payload}",
                    "kind": "reception",
                    "status": "ongoing",
                    "latitude": "32.11",
                    "longitude": f"-1.2{i}",
                },
            )
            service.transition(admin, "measure", m, "submit")
            service.transition(admin, "measure", m, "validate")
        db.session.commit()
    _, html = page(client, "")
    script = next(part for part in html.split('<script nonce="') if "place_markers" in part)
    # The titles reach the page only inside JSON strings (tojson escapes < > & '),
    # and the page's script sets them with textContent.
    assert "<script>alert(1)" not in script
    assert "\\u003cscript\\u003ealert(1)" in script
    assert "innerHTML" not in script
    assert "${alert(3)}" in script  # a plain string inside JSON, never a template literal
    assert "`" not in script.split("place_markers")[1].split("});")[0]


def test_the_kept_map_and_table_follow_a_validation(known, client):
    # The rendered map and its table are kept between requests; validating a record
    # (and only that, for what is public) renews them.
    def figuig_in_table():
        _, html = page(client, "metric=measures&level=commune&lang=en")
        table = html.split('id="figures"')[1]
        row = re.search(
            rf'{re.escape(FIGUIG)}</code></td>\s*<td class="num" data-value="([^"]*)"', table
        )
        values = re.search(r"_values = (\{.*?\});", html).group(1)
        return row.group(1), re.search(rf'"{re.escape(FIGUIG)}": ([\d.]+)', values).group(1)

    assert figuig_in_table() == ("2.0", "2.0")
    with known.app_context():
        from tracker.models import Measure, User

        admin = db.session.scalar(db.select(User))
        draft = db.session.scalar(db.select(Measure).where(Measure.review_state == "draft"))
        service.transition(admin, "measure", draft, "submit")
        db.session.commit()
        assert figuig_in_table() == ("2.0", "2.0")
        service.transition(admin, "measure", draft, "validate")
        db.session.commit()
    assert figuig_in_table() == ("3.0", "3.0")
