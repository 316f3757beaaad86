"""Small things a user meets: downloads named after what they hold, a refusal that says
what the account may do, times in Morocco's time zone, one range of years, and a
multi-line text saved untouched that changes nothing."""

from __future__ import annotations

import re

FIGUIG = "02.251.01.03"
DAY = r"\d{4}-\d{2}-\d{2}"


def disposition(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.headers["Content-Disposition"]


# ---- downloads named after their territory and filters --------------------------------------


def test_a_territory_export_is_named_after_the_territory(client, known):
    name = disposition(client.get(f"/export/measures.csv?territory={FIGUIG}"))
    assert re.fullmatch(rf'attachment; filename="measures-02\.251\.01\.03-{DAY}\.csv"', name)


def test_an_export_is_named_after_its_filters(client, known):
    name = disposition(client.get("/export/measures.xlsx?territory=02&sector=health&year=2024"))
    assert re.fullmatch(rf'attachment; filename="measures-02-health-2024-{DAY}\.xlsx"', name)
    name = disposition(client.get("/export/measures.geojson?status=completed&since=2020"))
    assert re.fullmatch(
        rf'attachment; filename="measures-MA-completed-since2020-{DAY}\.geojson"', name
    )


def test_a_figures_export_is_named_after_its_metric_level_and_filters(client, known):
    url = "/export/figures.csv?level=province&metric=measures&sector=health&year=2023"
    name = disposition(client.get(url))
    assert re.fullmatch(rf'attachment; filename="measures-province-health-2023-{DAY}\.csv"', name)


def test_a_download_name_keeps_to_ascii_whatever_it_is_given():
    from datetime import UTC, datetime

    from tracker.writers import download_name

    moment = datetime(2026, 12, 6, 21, 48, tzinfo=UTC)
    name = download_name("measures", ["02.251", "", 'ب "x"/y', None], "csv", moment)
    assert name == "measures-02.251-x-y-2026-12-06.csv"
