"""The demo's records as its data files give them, read once at import.

`data/` beside this module holds every value: `collectivities.csv` (the regional
councils, a provincial council and communes, and how each one's programme is adopted and
reviewed), `programmes.json` (a region's PDR, a province's PDP and a commune's PAC: their
years and titles),
`accounts.csv`, `organisations.csv` (who records each one) and `measures.json`
(every field of every measure, its review state and the coordinator's comment
when it is returned), `assessments.json` (each collectivity's yearly self-assessments:
points, evidence written as the collectivity writes it, measures cited by their `DEMO-`
reference, and the review state). The files are read through `importlib.resources`, so an
installed package finds them as the source tree does.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

# The one password of every demo account, published in the README: never use
# these accounts on an installation that holds real records.
DEMO_PASSWORD = "demo-password-2026"
REFERENCE_PREFIX = "DEMO-"
PROGRAMME_KINDS = {"region": "PDR", "province": "PDP", "commune": "PAC"}


@dataclass(frozen=True)
class Collectivity:
    """A collectivity of the demo: a regional council, a provincial council or a commune
    (`level`: `region`, `province`, `commune`).

    A region is found by its code, a province by its HCP code, communes by their HCP
    name within their province, never by a typed code, so the demo follows the
    reference data.
    """

    slug: str
    region: str
    province: str | None
    # A commune's name as HCP spells it; for a regional council, how a French
    # programme title names the region ("de l'Oriental"); for a province, its name.
    name: str
    integration: str
    adopted_on: str
    arabic_title: bool = False
    programme_review: str = "validated"
    level: str = "commune"

    @property
    def is_region(self) -> bool:
        """Whether this is a regional council (its territory is the region itself)."""
        return self.level == "region"

    @property
    def programme_kind(self) -> str:
        """The kind of the collectivity's own programme: PDR, PDP or PAC."""
        return PROGRAMME_KINDS[self.level]


@dataclass(frozen=True)
class Account:
    """A demo account: its address, role, and the collectivity it works for (none for the
    administrator; a coordinator's is its regional council)."""

    email: str
    role: str
    collectivity: str | None


@dataclass(frozen=True)
class DemoOrganisation:
    """A partner organisation of the demo, named in French and (but for a few foreign
    ones) in Arabic, and the address of the account that records it."""

    key: str
    name_fr: str
    name_ar: str | None
    kind: str
    country: str
    website: str | None
    recorded_by: str

    @property
    def name(self) -> str:
        """The name lists show when no language is asked (the French one)."""
        return self.name_fr


@dataclass(frozen=True)
class DemoMeasure:
    """A demo measure: its `DEMO-` reference, collectivity, the review state it is taken to
    (with the comment of a return), its partners' keys, and the form's `fields`."""

    reference: str
    collectivity: str
    review: str
    comment: str | None
    partners: list[str]
    fields: dict[str, Any]


@dataclass(frozen=True)
class ProgrammeTemplate:
    """A kind of programme (a council's PDR, a commune's PAC): its years, and its title in
    French and in Arabic with `{name}` (the collectivity's name as the data file gives it),
    `{of_name_fr}` ("de"/"d'" and the French reference name), `{name_ar}` (the Arabic
    reference name), `{first_year}` and `{last_year}` to fill in."""

    first_year: int
    last_year: int
    title_fr: str
    title_ar: str


@dataclass(frozen=True)
class DemoAssessment:
    """A demo self-assessment: its collectivity and year, the review state it is taken to
    (with the comment of a return), and its `answers` by question as `save_assessment`
    takes them, but for `measures`: the cited measures' `DEMO-` references."""

    collectivity: str
    year: int
    review: str
    comment: str | None
    answers: dict[str, dict[str, Any]]


def _text(name: str) -> str:
    return (resources.files(__package__) / "data" / name).read_text(encoding="utf-8")


def _rows(name: str) -> list[dict[str, str | None]]:
    """A CSV file's rows, an empty cell read as None."""
    return [
        {key: value or None for key, value in row.items()}
        for row in csv.DictReader(io.StringIO(_text(name)))
    ]


COLLECTIVITIES: dict[str, Collectivity] = {
    row["slug"]: Collectivity(**dict(row, arabic_title=row["arabic_title"] == "yes"))
    for row in _rows("collectivities.csv")
}
COMMUNES = tuple(c for c in COLLECTIVITIES.values() if c.level == "commune")
PROGRAMME_TEMPLATES = {
    kind: ProgrammeTemplate(**entry) for kind, entry in json.loads(_text("programmes.json")).items()
}
ACCOUNTS = tuple(Account(**row) for row in _rows("accounts.csv"))
ORGANISATIONS = tuple(DemoOrganisation(**row) for row in _rows("organisations.csv"))
MEASURES = tuple(DemoMeasure(**entry) for entry in json.loads(_text("measures.json")))
ASSESSMENTS = tuple(DemoAssessment(**entry) for entry in json.loads(_text("assessments.json")))


def demo_emails() -> list[str]:
    """Every demo account's address, in the accounts file's order: the administrator,
    the coordinators, then the officers."""
    return [account.email for account in ACCOUNTS]
