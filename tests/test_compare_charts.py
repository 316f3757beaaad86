"""The comparison's chart layout alone: plain values in, positions out, no app."""

from __future__ import annotations

import pytest

from tracker.compare.charts import (
    BAR_LENGTH,
    CELL,
    COLUMN_CHARS,
    LABEL_CHARS,
    SECTOR_CHARS,
    Axis,
    SectorLine,
    bar_chart,
    fit,
    isolate,
    sector_grid,
)

NAMES = ["Oriental", "Tanger-Tétouan-Al Hoceima", "Béni Mellal-Khénifra"]


def bars(values, rtl=False, names=NAMES):
    texts = ["—" if v is None else f"{v:g}" for v in values]
    return bar_chart("measures", "Measures", names, values, texts, rtl)


def grid(sectors, rtl=False, names=NAMES[:2]):
    return sector_grid("SNIA sectors covered", "Every sector.", names, sectors, "gap", rtl)


# ---- bars -----------------------------------------------------------------------------------


def test_bar_lengths_are_proportional_to_the_values():
    chart = bars([10.0, 5.0, 2.5])
    assert [bar.bar_width for bar in chart.bars] == [BAR_LENGTH, BAR_LENGTH / 2, BAR_LENGTH / 4]
    # Every bar starts at the chart's zero, and its value is written just past its end.
    assert {bar.bar_x for bar in chart.bars} == {chart.baseline_x}
    for bar in chart.bars:
        assert bar.value_x == pytest.approx(bar.bar_x + bar.bar_width + 8, abs=0.1)
    assert [bar.value_text for bar in chart.bars] == ["10", "5", "2.5"]


def test_no_data_zero_and_negative_values_draw_no_bar():
    chart = bars([None, 0.0, -3.0])
    assert [bar.bar_width for bar in chart.bars] == [0.0, 0.0, 0.0]
    assert [bar.value_text for bar in chart.bars] == ["—", "0", "-3"]
    assert bars([None, 4.0, 0.0]).bars[1].bar_width == BAR_LENGTH


def test_one_line_per_territory_in_the_order_given():
    chart = bars([1.0, 2.0, 3.0])
    assert [bar.full_label for bar in chart.bars] == NAMES
    tops = [bar.top for bar in chart.bars]
    assert tops == sorted(tops) and len(set(tops)) == 3
    assert chart.height == 8 * 2 + 3 * 30
    assert chart.description == "; ".join(
        f"{isolate(name)}: {value}" for name, value in zip(NAMES, (1, 2, 3), strict=True)
    )
    assert (chart.key, chart.title, chart.kind) == ("measures", "Measures", "bars")


def test_right_to_left_mirrors_every_x():
    ltr, rtl = bars([10.0, 5.0, 0.0]), bars([10.0, 5.0, 0.0], rtl=True)
    assert rtl.width == ltr.width and rtl.rtl and not ltr.rtl
    for left, right in zip(ltr.bars, rtl.bars, strict=True):
        assert right.label_x == pytest.approx(ltr.width - left.label_x, abs=0.1)
        assert right.value_x == pytest.approx(ltr.width - left.value_x, abs=0.1)
        # A box's left edge, mirrored, is where its right edge was.
        assert right.bar_x == pytest.approx(ltr.width - left.bar_x - left.bar_width, abs=0.1)
        assert right.bar_width == left.bar_width
    assert rtl.baseline_x == pytest.approx(ltr.width - ltr.baseline_x, abs=0.1)
    assert (ltr.value_anchor, rtl.value_anchor) == ("start", "end")


def test_long_names_are_fitted_and_kept_whole_for_the_tooltip():
    long = "Commune rurale de " + "Sidi " * 20
    chart = bars([1.0, 2.0], names=[long, "Figuig"])
    assert len(chart.bars[0].label) == LABEL_CHARS and chart.bars[0].label.endswith("…")
    assert chart.bars[0].full_label == long
    assert chart.bars[1].label == "Figuig"
    # The longest label decides where the bars start, so none runs into its bar.
    assert chart.baseline_x > bars([1.0, 2.0], names=["A", "Figuig"]).baseline_x


def test_a_bar_chart_takes_a_value_and_a_text_per_name():
    with pytest.raises(ValueError):
        bar_chart("m", "M", NAMES, [1.0], ["1"], False)


# ---- the sector grid ------------------------------------------------------------------------


def test_cells_say_covered_uncovered_or_no_data():
    chart = grid(
        [
            SectorLine("Health", [3, 0], ["✓ 3 measures", "not covered"], False),
            SectorLine("Education", [None, 1], ["no data", "✓ 1 measure"], False),
        ]
    )
    states = [[(cell.state, cell.text) for cell in row.cells] for row in chart.rows]
    assert states == [
        [("covered", "3"), ("uncovered", "0")],
        [("nodata", "—"), ("covered", "1")],
    ]
    no_data = chart.rows[1].cells[0]
    # Each name isolated in its own direction (first-strong isolate ... its end).
    assert no_data.title == "\u2068Oriental\u2069 — Education: no data"
    assert chart.rows[0].cells[1].title == (
        "\u2068Tanger-Tétouan-Al Hoceima\u2069 — Health: not covered"
    )
    assert chart.cell == CELL and chart.kind == "grid" and chart.key == "sectors"


def test_gap_rows_are_marked():
    chart = grid(
        [
            SectorLine("Health", [1, 0], ["✓", "not covered"], False),
            SectorLine("Housing", [0, 0], ["not covered", "not covered"], True),
        ]
    )
    assert [row.gap for row in chart.rows] == [False, True]
    assert chart.gap_label == "gap"
    # The word "gap" is written after the last column, at the same place on every line.
    last_cell = max(cell.x for row in chart.rows for cell in row.cells)
    assert {row.gap_x for row in chart.rows} == {chart.rows[0].gap_x}
    assert chart.rows[0].gap_x > last_cell + CELL


def test_the_grid_has_a_heading_per_territory_over_its_column():
    chart = grid([SectorLine("Health", [1, 2], ["a", "b"], False)])
    assert [h.full_text for h in chart.headings] == NAMES[:2]
    for heading, cell in zip(chart.headings, chart.rows[0].cells, strict=True):
        assert heading.x == cell.centre_x
        assert cell.x == pytest.approx(cell.centre_x - CELL / 2, abs=0.1)


def test_the_grid_is_mirrored_right_to_left():
    sectors = [SectorLine("Health", [1, None], ["a", "b"], True)]
    ltr, rtl = grid(sectors), grid(sectors, rtl=True)
    assert ltr.width == rtl.width
    for left, right in zip(ltr.rows[0].cells, rtl.rows[0].cells, strict=True):
        assert right.centre_x == pytest.approx(ltr.width - left.centre_x, abs=0.1)
        assert right.x == pytest.approx(ltr.width - left.x - CELL, abs=0.1)
    assert rtl.rows[0].gap_x == pytest.approx(ltr.width - ltr.rows[0].gap_x, abs=0.1)
    assert rtl.rows[0].label_x == pytest.approx(ltr.width - ltr.rows[0].label_x, abs=0.1)
    assert [h.x for h in rtl.headings] == sorted((h.x for h in rtl.headings), reverse=True)


def test_long_sector_and_territory_names_are_fitted():
    sector = "Accès aux services de santé pour les personnes migrantes et réfugiées " * 2
    territory = "Tanger-Tétouan-Al Hoceima, région du Nord"
    chart = grid([SectorLine(sector, [1, 1], ["a", "b"], False)], names=[territory, "Oriental"])
    assert len(chart.rows[0].label) == SECTOR_CHARS and chart.rows[0].label.endswith("…")
    assert chart.rows[0].full_label == sector
    assert len(chart.headings[0].text) == COLUMN_CHARS and chart.headings[0].full_text == territory
    assert chart.rows[0].cells[0].title.startswith(isolate(territory) + " — " + sector)


def test_a_sector_line_takes_a_count_per_territory():
    with pytest.raises(ValueError):
        grid([SectorLine("Health", [1], ["a"], False)])


def test_an_empty_grid_has_only_its_headings():
    chart = grid([])
    assert chart.rows == [] and len(chart.headings) == 2
    assert chart.height == 8 * 2 + 30


# ---- the pieces -----------------------------------------------------------------------------


def test_fit_cuts_with_an_ellipsis_only_what_is_too_long():
    assert fit("Figuig", 6) == "Figuig"
    assert fit("Bouarfa", 6) == "Bouar…"


def test_an_axis_mirrors_points_and_boxes():
    assert Axis(100, rtl=False).x(10) == 10
    assert Axis(100, rtl=True).x(10) == 90
    assert Axis(100, rtl=False).rect_x(10, 30) == 10
    assert Axis(100, rtl=True).rect_x(10, 30) == 60


# ---- directions -----------------------------------------------------------------------------


def test_names_in_descriptions_are_isolated_in_their_own_direction():
    # A French name in an Arabic description keeps its order: each name is isolated.
    chart = bar_chart(
        "m", "التدابير", ["Oujda-Angad (préfecture)", "وجدة"], [2, 1], ["2", "1"], True
    )
    assert chart.description == "\u2068Oujda-Angad (préfecture)\u2069: 2; \u2068وجدة\u2069: 1"
    assert isolate("Figuig") == "\u2068Figuig\u2069"
