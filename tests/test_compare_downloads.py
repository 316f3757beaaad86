"""The comparison's downloads: the CSV with its BOM and the page's numbers, the XLSX
holding the CSV with numbers as numbers and an About sheet of filters, definitions, date
and sources, right to left in Arabic, and the GeoJSON holding exactly the territories
compared, in their order, with their values and boundaries."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.compare_support import (
    PILOT,
    csv_lines,
    geojson,
    measures_in_sector,
    workbook,
)

# Fixtures: pytest finds them among this module's names.
from tests.compare_support import compare_registered as compare_registered
from tests.compare_support import database_url as database_url
from tests.compare_support import small_count as small_count
from tests.support import BOUARFA, FIGUIG
from tracker.stats import METRICS, metric_values


def about_text(book) -> str:
    return "\n".join(
        " | ".join(str(v) for v in row if v is not None)
        for row in book.worksheets[1].iter_rows(values_only=True)
    )


def same_as_csv(cell: str, value) -> bool:
    """Whether a value of the XLSX or the GeoJSON is what the CSV writes: nothing for an
    empty cell, the same text (never a number written as text), or the same number."""
    if value is None:
        return cell == ""
    if isinstance(value, str):
        return value == cell and re.fullmatch(r"-?\d+(\.\d+)?", value) is None
    return not isinstance(value, bool) and float(cell) == value


# ---- the CSV --------------------------------------------------------------------------------


def test_csv_has_a_bom_and_the_same_numbers(app, client):
    response = client.get("/compare.csv?level=region&codes=02&codes=01&codes=05")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["key", "Figure"]
    assert rows[0][2:5] == [
        "Oriental (02)",
        "Tanger-Tétouan-Al Hoceima (01)",
        "Béni Mellal-Khénifra (05)",
    ]
    by_key = {row[0]: row for row in rows[1:]}
    with app.app_context():
        for key, metric in METRICS.items():
            values = metric_values(key, "region")
            for column, code in enumerate(PILOT, start=2):
                value = values.get(code)
                cell = by_key[key][column]
                if value is None:
                    assert cell == ""
                elif metric.categories is not None:  # the label, in English here
                    assert cell == str(metric.categories[value])
                elif metric.counts_people and value.left_out:
                    assert cell.startswith(f"{round(value)} + ") and cell.endswith("<5")
                elif metric.unit == "count":
                    assert cell == str(round(value))
                elif metric.unit == "percent":
                    assert float(cell) == pytest.approx(value, abs=0.05)
                else:
                    assert float(cell) == pytest.approx(value, abs=0.005)
    assert by_key["sector:health"][3] == str(measures_in_sector(app, "01", "health"))
    assert by_key["sector:health"][4] == "0"
    assert by_key["population_2024"][2].isdigit()


def test_arabic_csv_keeps_arabic_names(client):
    response = client.get("/compare.csv?lang=ar")
    text = response.data.decode("utf-8-sig")
    assert "الشرق (02)" in text


# ---- the XLSX -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "?level=region&codes=02&codes=01&codes=05",
        # Fès-Meknès has nothing recorded: its cells are empty, as in the CSV.
        "?level=region&codes=02&codes=03&sector=health",
        f"?level=commune&codes={BOUARFA}&codes={FIGUIG}",
    ],
)
def test_xlsx_holds_the_csv_with_numbers_as_numbers(client, small_count, query):
    expected = csv_lines(client, query)
    response = client.get("/compare.xlsx" + query)
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = workbook(response).worksheets[0]
    found = list(sheet.iter_rows(values_only=True))
    assert len(found) == len(expected)
    for line, row in zip(expected, found, strict=True):
        assert len(row) == len(line)
        for cell, value in zip(line, row, strict=True):
            assert same_as_csv(cell, value), (line[0], cell, value)
    by_key = {row[0]: row for row in found[1:]}
    assert isinstance(by_key["population_2024"][2], int)
    assert isinstance(by_key["measures"][2], int)


def test_xlsx_numbers_show_the_csv_decimals(client):
    response = client.get("/compare.xlsx?level=region&codes=02&codes=01")
    sheet = workbook(response).worksheets[0]
    formats = {row[0].value: row[2].number_format for row in sheet.iter_rows(min_row=2)}
    assert formats["budget_planned_per_inhabitant"] == "#,##0.00"  # 2.80, not 2.8
    assert formats["completed_share"] == "#,##0.0"
    assert formats["population_2024"] == "#,##0"


def test_xlsx_shows_a_small_count_as_text(client, small_count):
    response = client.get(f"/compare.xlsx?level=commune&codes={BOUARFA}&codes={FIGUIG}")
    sheet = workbook(response).worksheets[0]
    beneficiaries = next(row for row in sheet.iter_rows() if row[0].value == "beneficiaries")
    assert beneficiaries[2].value == "<5" and beneficiaries[2].data_type == "s"


def test_xlsx_is_named_like_the_csv(client):
    response = client.get("/compare.xlsx?level=region&codes=02&codes=01")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="comparison-region-02-01.xlsx"'
    )


def test_xlsx_about_sheet_says_the_filters_definitions_date_and_sources(app, client):
    query = "?level=region&codes=02&codes=01&sector=health&status=ongoing&year=2024"
    book = workbook(client.get("/compare.xlsx" + query))
    assert book.sheetnames == ["Comparison", "About"]
    text = about_text(book)
    assert "Demo data: these records are illustrative, not real." in text
    assert "Level compared | Region" in text
    assert "02 | Oriental" in text and "01 | Tanger-Tétouan-Al Hoceima" in text
    assert "Sector | Health (health)" in text
    assert "Status | Ongoing (ongoing)" in text
    assert "Year | 2024: measures running at some time that year" in text
    assert "From year | All" in text
    assert re.search(r"Exported on \(UTC\) \| \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", text)
    # The address opens the same export in the same language for whoever follows it.
    assert "Address of this export | http://localhost/compare.xlsx" + query + "&lang=en" in text
    assert "HCP" in text and "CC BY 4.0" in text
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        for metric in METRICS.values():
            assert f"{metric.label} | {metric.definition}" in text
    assert not book.worksheets[0].sheet_view.rightToLeft


def test_arabic_xlsx_is_right_to_left(client):
    client.get("/language/ar")  # chosen on the site: the download's address has no lang
    book = workbook(client.get("/compare.xlsx"))
    assert "http://localhost/compare.xlsx?lang=ar" in about_text(book)
    sheet = book.worksheets[0]
    assert sheet.sheet_view.rightToLeft and book.worksheets[1].sheet_view.rightToLeft
    assert [c.value for c in sheet[1]][2:5] == [
        "الشرق (02)",
        "طنجة-تطوان-الحسيمة (01)",
        "بني ملال-خنيفرة (05)",
    ]


# ---- the GeoJSON ----------------------------------------------------------------------------


def test_geojson_holds_exactly_the_compared_territories_and_their_values(
    client, small_count, fake_layers
):
    query = f"?level=commune&codes={FIGUIG}&codes={BOUARFA}"
    data = geojson(client, query)
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in data["features"]] == [FIGUIG, BOUARFA]
    squares = {code: geometry for code, _fr, _ar, _p, geometry in fake_layers["commune"]}
    lines = csv_lines(client, query)
    for column, feature in enumerate(data["features"], start=2):
        properties = feature["properties"]
        assert feature["type"] == "Feature"
        assert feature["geometry"] == squares[properties["code"]]
        assert set(properties) == {"code", "name_fr", "name_ar"} | {line[0] for line in lines[1:]}
        for line in lines[1:]:
            value = properties[line[0]]
            if line[0] == "programme_integration":  # its key; the CSV, its English label
                value = str(METRICS[line[0]].categories[value])
            assert same_as_csv(line[column], value), (line[0], properties)
    # Figuig's PAC gives migration a dedicated axis (the demo data), Bouarfa has none.
    assert [f["properties"]["programme_integration"] for f in data["features"]] == [
        "dedicated",
        "none",
    ]
    bouarfa = data["features"][1]["properties"]
    assert (bouarfa["name_fr"], bouarfa["name_ar"]) == ("Bouarfa", "بوعرفة")
    assert bouarfa["beneficiaries"] == "<5"
    assert isinstance(bouarfa["population_2024"], int)


def test_geojson_keeps_the_order_compared_and_no_data_as_null(client):
    data = geojson(client, "?level=region&codes=05&codes=03&codes=02")
    assert [f["properties"]["code"] for f in data["features"]] == ["05", "03", "02"]
    fes = data["features"][1]["properties"]
    assert fes["measures"] is None and fes["sector:health"] is None
    assert isinstance(data["features"][2]["properties"]["measures"], int)


def test_geojson_before_the_geography_is_built(app, client, tmp_path):
    app.config["GEO_CACHE_DIR"] = str(tmp_path / "not-built")
    response = client.get("/compare.geojson?level=region&codes=02&codes=01")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "geography_not_built"
