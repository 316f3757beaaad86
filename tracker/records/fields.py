"""The fields of a measure, each declared once: name, kind, limits, and how it appears in
the form, the public outputs, the exports and the import file. The form, the checks, the
public serialiser, the API schema and the export and import columns are made from
`MEASURE_FIELDS`; `tests/test_fields.py` checks the model and the pages against it.

Adding a field to measures: a column on `Measure` (and a migration), one `Field` here
(`tracker.records.field_kinds` says what a field may declare), then what its kind does
not give (a rule in `measure_rules`, a line on the record and measure pages).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

# `Field` and the limits are imported from here by the outputs made from these fields.
from tracker.records.field_kinds import (
    LATITUDES,
    LONGITUDES,
    MAX_BUDGET,
    MAX_COUNT,
    REFERENCE_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Field,
)
from tracker.vocab import (
    DATE_PRECISIONS,
    FUNDING_SOURCES,
    MEASURE_KINDS,
    MEASURE_STATUSES,
    TARGET_GROUPS,
)

# What some fields have in common.
_LONG_TEXT = {"kind": "longtext", "max_length": TEXT_MAX}
_MONEY = {"kind": "money", "minimum": 0, "maximum": MAX_BUDGET}
_BENEFICIARIES = {"kind": "count", "minimum": 0, "maximum": MAX_COUNT, "group": "beneficiaries"}
_PARTS_DEFINITION = _l(
    "Part of the total. When one of women and men is hidden and the total is shown, the "
    "other is hidden too, so that it cannot be worked out by subtraction."
)
_WOMEN_AND_MEN_NOTE = lazy_pgettext(
    "import", "A whole number; women and men together not above the total."
)
_CHOICE_NOTE = lazy_pgettext(
    "import", "One value from the list (Lists sheet): its key or its label."
)
_MULTIPLE_NOTE = lazy_pgettext(
    "import", "One or more values from the list (Lists sheet), separated by |."
)
_DATE_NOTE = lazy_pgettext(
    "import", "A year (2025), a month (2025-03) or a day (2025-03-14, or 14/03/2025)."
)
_AMOUNT_NOTE = lazy_pgettext("import", "An amount in dirhams, such as 250000 or 250000.50.")

# In the form's order, which the exports and the import file keep (see `IMPORT_FIELDS`).
MEASURE_FIELDS: tuple[Field, ...] = (
    Field(
        "reference",
        _l("Your reference (optional)"),
        "reference",
        max_length=REFERENCE_MAX,
        public=False,
        exported=False,
        import_heading=lazy_pgettext("import", "Reference"),
        import_note=lazy_pgettext(
            "import",
            "The collectivity's own reference. A measure of the same collectivity with this "
            "reference is updated; otherwise a new measure is created.",
        ),
    ),
    Field(
        "territory_code",
        _l("Collectivity code"),
        "territory",
        required=True,
        definition=_l(
            "HCP 2024 code of the collectivity that carries the measure: a commune "
            "(such as 02.251.01.03), a provincial or prefectural council (02.251) or a "
            "regional council (02). It is text: keep the leading zero."
        ),
        width=14,
        import_heading=lazy_pgettext("import", "Collectivity code"),
        import_note=lazy_pgettext(
            "import", "The collectivity's HCP code, such as 02.251.01.03, typed as text."
        ),
        # It comes from the address of the form.
        form=False,
    ),
    Field(
        "programme_id",
        _l("Programme"),
        "programme",
        exported=False,
        import_heading=lazy_pgettext("import", "Programme number"),
        import_note=lazy_pgettext(
            "import",
            "The number of the collectivity's programme the measure belongs to (optional).",
        ),
    ),
    Field(
        "title",
        _l("Title"),
        "text",
        required=True,
        max_length=TITLE_MAX,
        width=50,
        import_heading=lazy_pgettext("import", "Title"),
        import_note=lazy_pgettext("import", "In Arabic or French, at most 300 characters."),
    ),
    Field(
        "description",
        _l("Description"),
        **_LONG_TEXT,
        width=60,
        rows=5,
        import_heading=lazy_pgettext("import", "Description"),
        import_note=lazy_pgettext("import", "Free text, at most 5,000 characters."),
    ),
    Field(
        "kind",
        _l("Kind of measure"),
        "choice",
        required=True,
        vocabulary=MEASURE_KINDS,
        definition=_l("A key; the keys and their labels are listed below."),
        width=14,
        import_heading=lazy_pgettext("import", "Kind"),
        import_note=_CHOICE_NOTE,
    ),
    Field(
        "sectors",
        _l("Sectors"),
        "sectors",
        definition=_l(
            "Programmes of the National Strategy for Immigration and Asylum (SNIA) the "
            "measure addresses, as keys separated by |; listed below."
        ),
        width=30,
        import_heading=lazy_pgettext("import", "Sectors"),
        import_note=_MULTIPLE_NOTE,
    ),
    Field(
        "target_groups",
        _l("Target groups"),
        "choices",
        vocabulary=TARGET_GROUPS,
        definition=_l("Who the measure is for, as keys separated by |; listed below."),
        width=30,
        import_heading=lazy_pgettext("import", "Target groups"),
        import_note=_MULTIPLE_NOTE,
    ),
    Field(
        "status",
        _l("Status"),
        "choice",
        required=True,
        vocabulary=MEASURE_STATUSES,
        definition=_l("Where the measure stands, as a key; listed below."),
        width=12,
        import_heading=lazy_pgettext("import", "Status"),
        import_note=_CHOICE_NOTE,
        section="when",
    ),
    Field(
        "start_date",
        _l("Start date"),
        "date",
        definition=_l(
            "Dates as given: a year (2025), a month (2025-03) or a day (2025-03-14). The "
            "year filter keeps the measures that started by the end of that year and had "
            "not ended before its start."
        ),
        width=12,
        import_heading=lazy_pgettext("import", "Start date"),
        import_note=_DATE_NOTE,
        section="when",
    ),
    Field(
        "start_date_precision",
        _l("Precision of the start date"),
        "precision",
        vocabulary=DATE_PRECISIONS,
        definition=_l("Whether the start date is a year, a month or a day."),
        width=10,
        form=False,
        section="when",
    ),
    Field(
        "end_date",
        _l("End date"),
        "date",
        definition=_l("Empty when the measure has no planned end."),
        width=12,
        import_heading=lazy_pgettext("import", "End date"),
        import_note=lazy_pgettext(
            "import",
            "A year (2025), a month (2025-03) or a day (2025-03-14, or 14/03/2025). "
            "Not before the start date.",
        ),
        section="when",
    ),
    Field(
        "end_date_precision",
        _l("Precision of the end date"),
        "precision",
        vocabulary=DATE_PRECISIONS,
        definition=_l("Whether the end date is a year, a month or a day."),
        width=10,
        form=False,
        section="when",
    ),
    Field(
        "budget_planned",
        _l("Budget planned (MAD)"),
        **_MONEY,
        definition=_l("Amount planned for the measure, in Moroccan dirhams."),
        import_heading=lazy_pgettext("import", "Planned budget (MAD)"),
        import_note=_AMOUNT_NOTE,
        section="money",
    ),
    Field(
        "budget_spent",
        _l("Budget spent (MAD)"),
        **_MONEY,
        definition=_l("Amount spent on the measure so far, in Moroccan dirhams."),
        import_heading=lazy_pgettext("import", "Budget spent (MAD)"),
        import_note=lazy_pgettext(
            "import",
            "An amount in dirhams, such as 250000 or 250000.50. "
            "More than planned only with a reason.",
        ),
        section="money",
    ),
    Field(
        "overspend_reason",
        _l("Reason for overspending (if more was spent than planned)"),
        **_LONG_TEXT,
        definition=_l("Why more was spent than planned, as the collectivity explains it."),
        width=40,
        import_heading=lazy_pgettext("import", "Reason for overspending"),
        import_note=lazy_pgettext("import", "Required when more was spent than planned."),
        section="money",
    ),
    Field(
        "funding_sources",
        _l("Funding sources"),
        "choices",
        vocabulary=FUNDING_SOURCES,
        definition=_l("Who pays, as keys separated by |; listed below."),
        width=24,
        import_heading=lazy_pgettext("import", "Funding sources"),
        import_note=_MULTIPLE_NOTE,
        section="money",
    ),
    Field(
        "partners",
        _l("Partner organisations"),
        "partners",
        definition=_l(
            "Names of the partner organisations as registered in the tracker, separated by |."
        ),
        width=30,
        import_heading=lazy_pgettext("import", "Partners"),
        import_note=lazy_pgettext(
            "import",
            "Names of partner organisations as registered in the tracker, separated by |.",
        ),
    ),
    Field(
        "beneficiaries_total",
        _l("Beneficiaries: total"),
        **_BENEFICIARIES,
        definition=_l(
            "People the measure reached: an aggregate count declared by the collectivity, "
            "never a list of people. Small counts are hidden (see above)."
        ),
        import_heading=lazy_pgettext("import", "Beneficiaries (total)"),
        import_note=lazy_pgettext(
            "import", "An aggregate count, a whole number. Never names or personal data."
        ),
        section="people",
    ),
    Field(
        "beneficiaries_women",
        _l("of whom women"),
        **_BENEFICIARIES,
        heading=_l("Beneficiaries: women"),
        definition=_PARTS_DEFINITION,
        import_heading=lazy_pgettext("import", "Beneficiaries (women)"),
        import_note=_WOMEN_AND_MEN_NOTE,
        section="people",
    ),
    Field(
        "beneficiaries_men",
        _l("of whom men"),
        **_BENEFICIARIES,
        heading=_l("Beneficiaries: men"),
        definition=_PARTS_DEFINITION,
        import_heading=lazy_pgettext("import", "Beneficiaries (men)"),
        import_note=_WOMEN_AND_MEN_NOTE,
        section="people",
    ),
    Field(
        "beneficiaries_minors",
        _l("of whom minors"),
        **_BENEFICIARIES,
        heading=_l("Beneficiaries: minors"),
        definition=_l("People under 18 among the beneficiaries."),
        import_heading=lazy_pgettext("import", "Beneficiaries (minors)"),
        import_note=lazy_pgettext("import", "A whole number, not above the total."),
        section="people",
    ),
    Field(
        "progress",
        _l("Progress, in percent"),
        "percent",
        minimum=0,
        maximum=100,
        definition=_l("Progress as the collectivity estimates it, from 0 to 100."),
        width=10,
        import_heading=lazy_pgettext("import", "Progress (%)"),
        import_note=lazy_pgettext("import", "A whole number from 0 to 100."),
        section="when",
    ),
    Field(
        "evidence",
        _l("Evidence (a link, a deliberation number, a note)"),
        **_LONG_TEXT,
        heading=_l("Evidence"),
        definition=_l(
            "Where the proof of the measure is: a link, a deliberation number or a note."
        ),
        width=40,
        import_heading=lazy_pgettext("import", "Evidence (link or note)"),
        import_note=lazy_pgettext(
            "import", "A link (https://...) or a note saying where the proof is kept."
        ),
        section="evidence",
    ),
    Field(
        "latitude",
        _l("Latitude (if the measure is a place)"),
        "latitude",
        minimum=LATITUDES[0],
        maximum=LATITUDES[1],
        heading=_l("Latitude"),
        definition=_l(
            "Where the measure is a place (a centre, a desk): WGS 84 decimal degrees. "
            "Empty otherwise."
        ),
        width=12,
        import_heading=lazy_pgettext("import", "Latitude"),
        import_note=lazy_pgettext(
            "import",
            "Where the measure is a place: decimal degrees, such as 32.1167. "
            "Give latitude and longitude together, or neither.",
        ),
        section="where",
    ),
    Field(
        "longitude",
        _l("Longitude"),
        "longitude",
        minimum=LONGITUDES[0],
        maximum=LONGITUDES[1],
        definition=_l("WGS 84 decimal degrees, negative west of Greenwich."),
        width=12,
        import_heading=lazy_pgettext("import", "Longitude"),
        import_note=lazy_pgettext(
            "import", "Decimal degrees, such as -1.2269 (west of Greenwich is negative)."
        ),
        section="where",
    ),
)

FIELDS_BY_KEY: dict[str, Field] = {field.key: field for field in MEASURE_FIELDS}

# The columns of the import file, in its order: partners, names looked up in the
# organisations, have always come last, and templates already filled in keep working.
_IMPORTED = (field for field in MEASURE_FIELDS if field.import_heading is not None)
IMPORT_FIELDS: tuple[Field, ...] = tuple(sorted(_IMPORTED, key=lambda f: f.kind == "partners"))
FORM_FIELDS: tuple[Field, ...] = tuple(field for field in MEASURE_FIELDS if field.form)
PUBLIC_FIELDS: tuple[Field, ...] = tuple(field for field in MEASURE_FIELDS if field.public)
EXPORTED_FIELDS: tuple[Field, ...] = tuple(field for field in MEASURE_FIELDS if field.exported)
