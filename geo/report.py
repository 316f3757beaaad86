"""What a build of the geography did and how good the result is.

A `BuildReport` is written as `report.json` beside the layers and read back by `load_report`.
Everything in it is JSON-shaped (numbers, strings, lists and dicts) so that it round-trips
unchanged and can be shown by any command or page.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

#: Neighbouring simplified communes may overlap by rounding only: anything above this is a fault.
OVERLAP_LIMIT_KM2 = 0.01


def anomaly(
    kind: str, detail: str, code: str | None = None, source: str | None = None
) -> dict[str, Any]:
    """One anomaly as the report stores it.

    kind: a short key (`unmatched_piece`, `invalid_repaired`, `enclave_cut`, ...);
    code: the HCP code concerned, if any; source: the source piece, if any, as
    `<Region>/<Province>.json: <name>`; detail: one readable sentence.
    """
    return {"kind": kind, "code": code, "source": source, "detail": detail}


@dataclass
class BuildReport:
    """The outcome of `build_geography`: the join, the anomalies and the quality figures.

    `missing` lists the communes with no geometry as {code, name_fr}; `join_methods` counts
    the source pieces by how each found its HCP 2024 commune; `anomalies` lists everything
    else worth a look (see `anomaly`). `registration` is the correction that moved the shapes
    onto real positions (see `geo.registration`), empty if none was made. The quality figures
    are measured on the simplified commune layer against the unsimplified one: areas in km²
    (equal-area projection), lengths in km (conformal projection).
    """

    communes_expected: int = 0
    communes_joined: int = 0
    missing: list[dict[str, Any]] = field(default_factory=list)
    join_methods: dict[str, int] = field(default_factory=dict)
    anomalies: list[dict[str, Any]] = field(default_factory=list)
    feature_counts: dict[str, int] = field(default_factory=dict)
    max_overlap_km2: float = 0.0
    overlap_pairs_over_limit: int = 0
    overlap_limit_km2: float = OVERLAP_LIMIT_KM2
    new_gaps_km2: float = 0.0
    source_holes: list[dict[str, Any]] = field(default_factory=list)
    source_holes_km2: float = 0.0
    displacement_median_km: float = 0.0
    displacement_p95_km: float = 0.0
    hausdorff_median_km: float = 0.0
    hausdorff_p95_km: float = 0.0
    layer_bytes: dict[str, int] = field(default_factory=dict)
    layer_bytes_gzip: dict[str, int] = field(default_factory=dict)
    simplification: dict[str, Any] = field(default_factory=dict)
    registration: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    built_at: str = ""
    build_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True if and only if no commune lacks geometry."""
        return not self.missing

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BuildReport:
        """Rebuild a report from `to_dict` output; keys this version does not know are ignored,
        so an older program can read a newer report."""
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})

    def to_json(self) -> str:
        """The report as indented UTF-8 JSON text (Arabic kept readable)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> BuildReport:
        """Parse `to_json` output. Raises `ValueError` on text that is not JSON, `TypeError`
        on JSON that is not an object."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise TypeError("a build report is a JSON object")
        return cls.from_dict(data)

    def lines(self) -> list[str]:
        """The report as readable lines: join, missing communes, every anomaly, quality."""
        out = [f"Communes joined: {self.communes_joined:,}/{self.communes_expected:,}"]
        if self.join_methods:
            methods = ", ".join(
                f"{_METHOD_LABELS.get(k, k)} {v:,}" for k, v in self.join_methods.items()
            )
            out.append(f"  source pieces: {methods}")
        if self.missing:
            out.append(f"Communes without geometry ({len(self.missing)}):")
            out += [f"  {m['code']} {m.get('name_fr') or ''}".rstrip() for m in self.missing]
        else:
            out.append("Communes without geometry: none")
        if self.feature_counts:
            out.append(
                "Features: " + ", ".join(f"{k} {v:,}" for k, v in self.feature_counts.items())
            )
        if self.registration:
            reg = self.registration
            out.append(
                f"Positions corrected with {reg['control_points']} towns "
                f"({reg['rejected']} left out): median offset "
                f"{reg['median_offset_km_before']:.2f} km before, "
                f"{reg['median_offset_km_after']:.2f} km after "
                f"(90th percentile {reg['p90_offset_km_after']:.2f} km)"
            )
        out.append(f"Anomalies ({len(self.anomalies)}):" if self.anomalies else "Anomalies: none")
        for item in self.anomalies:
            where = " ".join(str(x) for x in (item.get("code"), item.get("source")) if x)
            out.append(
                f"  [{item['kind']}] {where}: {item['detail']}"
                if where
                else f"  [{item['kind']}] {item['detail']}"
            )
        out.append("Simplified layers:")
        over = self.overlap_pairs_over_limit
        out.append(
            f"  neighbour overlaps: largest {self.max_overlap_km2:.4f} km², "
            f"{over} pair{'s' if over != 1 else ''} over {self.overlap_limit_km2:g} km²"
        )
        out.append(f"  new gaps opened by simplification: {self.new_gaps_km2:.2f} km²")
        out.append(
            f"  holes already in the source (not counted as new gaps): {len(self.source_holes)}, "
            f"{self.source_holes_km2:.1f} km² in all"
        )
        for hole in self.source_holes:
            around = ", ".join(hole.get("communes", [])[:6])
            out.append(
                f"    {hole['area_km2']:.2f} km² at {hole['lon']:.3f}, {hole['lat']:.3f} ({around})"
            )
        out.append(
            f"  boundary displacement: median {self.displacement_median_km:.3f} km, "
            f"95th percentile {self.displacement_p95_km:.3f} km; Hausdorff distance: median "
            f"{self.hausdorff_median_km:.3f} km, 95th percentile {self.hausdorff_p95_km:.3f} km"
        )
        for level, size in self.layer_bytes.items():
            packed = self.layer_bytes_gzip.get(level)
            zipped = f" ({packed / 1e6:.3f} MB gzipped)" if packed is not None else ""
            out.append(f"  {level}.geojson: {size / 1e6:.3f} MB{zipped}")
        if self.built_at:
            out.append(f"Built {self.built_at} in {self.build_seconds:.1f} s")
        return out


_METHOD_LABELS = {
    "code": "by code",
    "crosswalk": "by the 2014-2024 crosswalk",
    "arrondissement": "arrondissement to its city",
    "name": "by name within the province",
    "centre": "centre merged into its commune",
    "unmatched": "unmatched",
}
