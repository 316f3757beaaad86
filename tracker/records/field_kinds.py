"""What a declared field is: the `Field` class, the kinds a field may be, the limits the
kinds read within, and the sections of the measure form. The measure's own fields are
declared in `tracker.records.fields`, which also gives these names to its callers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import LazyString, lazy_pgettext

TITLE_MAX = 300
TEXT_MAX = 5000
REFERENCE_MAX = 64
# The largest amount the budget columns (Numeric(14, 2)) hold: just under 1,000 billion MAD,
# far above any collectivity's budget, so anything larger is a typing error.
MAX_BUDGET = Decimal("999999999999.99")
MAX_COUNT = 10_000_000
# Morocco's box, in WGS 84 decimal degrees: a point outside it is a typing error.
LATITUDES = (Decimal("20.0"), Decimal("36.5"))
LONGITUDES = (Decimal("-17.5"), Decimal("-0.9"))

# text and longtext: one line or several, at most `max_length` characters; reference: the
# collectivity's own (one line, no direction of writing); territory: a collectivity's HCP
# code; programme: a programme of the collectivity or of a territory it lies in; choice
# and choices: keys of `vocabulary`; sectors: keys of the `sector` table; partners:
# registered organisations (ids in the form, names in public outputs); date: a year, a
# month or a day; precision: how precise the date before it was given (set with that
# date, never typed); money: dirhams to the cent; count and percent: whole numbers;
# latitude and longitude: decimal degrees. Numbers are read from `minimum` (0 for money
# and counts) to `maximum`.
KINDS = (
    *("text", "longtext", "reference", "territory", "programme"),
    *("choice", "choices", "sectors", "partners"),
    *("date", "precision", "money", "count", "percent", "latitude", "longitude"),
)

# The parts of the measure form, in their order: each field names its own, and the form
# shows each part as a group of its own with this title.
SECTIONS: dict[str, LazyString] = {
    "what": lazy_pgettext("form section", "What"),
    "when": lazy_pgettext("form section", "When"),
    "money": lazy_pgettext("form section", "Money"),
    "people": lazy_pgettext("form section", "People reached"),
    "where": lazy_pgettext("form section", "Where"),
    "evidence": lazy_pgettext("form section", "Evidence"),
}


@dataclass(frozen=True)
class Field:
    """One field of a measure. `key`: the `Measure` attribute, and the key in the form,
    `clean_measure`, `measure_item`, the exports and the import. `label`: the form's and
    the record page's; `heading`: the export's, when it differs; `definition`: for the
    export's About sheet and the API. `public`: in `measure_item`; `exported`: a column of
    the measures exports; `import_heading`: a column of the import file; `form`: a field
    of the measure form (`rows`: a long text's height there; `section`: the part of the
    form it is shown in, a key of `SECTIONS`). Public outputs give the fields of a
    `group` as one object keyed by the rest of each key (`beneficiaries.total`).
    """

    key: str
    label: LazyString
    kind: str
    required: bool = False
    max_length: int | None = None
    minimum: Decimal | int | None = None
    maximum: Decimal | int | None = None
    vocabulary: Mapping[str, LazyString] | None = None
    heading: LazyString | None = None
    definition: LazyString | None = None
    width: int = 16
    public: bool = True
    exported: bool = True
    import_heading: LazyString | None = None
    import_note: LazyString | None = None
    form: bool = True
    rows: int = 2
    group: str | None = None
    section: str = "what"

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"{self.key}: unknown kind {self.kind!r}")
        # Amounts and counts are read from 0 up: their message says "cannot be negative".
        if self.kind in ("money", "count", "percent") and self.minimum not in (None, 0):
            raise ValueError(f"{self.key}: a {self.kind} starts at 0")
        if self.section not in SECTIONS:
            raise ValueError(f"{self.key}: unknown section {self.section!r}")

    @property
    def export_heading(self) -> LazyString:
        """The heading of the field's export column."""
        return self.heading or self.label
