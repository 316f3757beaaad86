"""The fixed lists records choose from, with their labels in the page's language.

Keys are stored; labels are translated when shown. Sectors are not here: they
are data (the `sector` table), with names in Arabic, French and English.
"""

from __future__ import annotations

from functools import cache

from babel import Locale
from flask_babel import lazy_gettext as _l

from tracker.models.territory import search_key

PROGRAMME_KINDS = {
    "PAC": _l("Commune action programme (PAC)"),
    "PDP": _l("Provincial development programme (PDP)"),
    "PDR": _l("Regional development programme (PDR)"),
    "other": _l("Other programme"),
}

INTEGRATION_LEVELS = {
    "absent": _l("Absent"),
    "mentioned": _l("Mentioned"),
    "dedicated": _l("A dedicated axis or measures"),
}

MEASURE_KINDS = {
    "service": _l("Service"),
    "reception": _l("Reception or orientation structure"),
    "legal_clinic": _l("Legal clinic"),
    "partnership": _l("Partnership agreement"),
    "training": _l("Training of staff or elected officials"),
    "awareness": _l("Awareness"),
    "study": _l("Study or data"),
    "consultation": _l("Participatory consultation"),
    "other": _l("Other"),
}

TARGET_GROUPS = {
    "regular_migrants": _l("Migrants in a regular situation"),
    "irregular_migrants": _l("Migrants in an irregular situation"),
    "refugees": _l("Refugees"),
    "asylum_seekers": _l("Asylum seekers"),
    "returning_moroccans": _l("Returning Moroccans"),
    "host_population": _l("Host population"),
}

MEASURE_STATUSES = {
    "planned": _l("Planned"),
    "ongoing": _l("Ongoing"),
    "completed": _l("Completed"),
    "suspended": _l("Suspended"),
    "cancelled": _l("Cancelled"),
}

FUNDING_SOURCES = {
    "own_budget": _l("The collectivity's own budget"),
    "state": _l("State"),
    "region": _l("Regional council"),
    "international": _l("International cooperation"),
    "ngo": _l("Association or NGO"),
    "private": _l("Private sector"),
    "other": _l("Other"),
}

ORGANISATION_KINDS = {
    "association": _l("Association"),
    "international": _l("International organisation"),
    "state_service": _l("State service"),
    "university": _l("University"),
    "private": _l("Private sector"),
    "foreign_local_government": _l("Foreign local government or cooperation agency"),
    "moroccan_collectivity": _l(
        "Moroccan territorial collectivity (commune, province, regional council)"
    ),
}

# Codes Babel names that are not countries of ISO 3166-1: groupings (EU, EZ, UN, QO),
# codes ISO reserves for other uses (AC, CP, CQ, DG, EA, IC, TA), private-use codes
# (XA, XB, XK, ZZ). EH is left out too: the HCP's registry the tracker is built on counts
# the southern regions among Morocco's, so an organisation there is in MA.
NOT_COUNTRIES = frozenset(
    ("AC", "CP", "CQ", "DG", "EA", "EH", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ")
)
HOME_COUNTRY = "MA"


@cache
def country_names(lang: str) -> tuple[tuple[str, str], ...]:
    """Every country as (ISO 3166 alpha-2 code, name in `lang`), Morocco first, then by
    name as `lang` sorts them (accents and case aside)."""
    names = Locale.parse(lang).territories
    countries = [
        (code, name)
        for code, name in names.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    ]
    countries.sort(key=lambda pair: (pair[0] != HOME_COUNTRY, search_key(pair[1])))
    return tuple(countries)


COUNTRY_CODES = frozenset(code for code, _name in country_names("en"))


def country_name(code: str | None, lang: str) -> str:
    """The name of the country `code` in `lang`; the code itself when it names none."""
    return dict(country_names(lang)).get(code or "", code or "")


# The review workflow of programmes and measures.
REVIEW_STATES = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "validated": _l("Validated"),
    "returned": _l("Returned"),
}

ROLES = {
    "officer": _l("Local officer"),
    "coordinator": _l("Regional coordinator"),
    "admin": _l("Administrator"),
}

# The SNIA's 11 programmes: the reference list of sectors, loaded into the
# `sector` table by the migration that creates it. (key, English, French, Arabic)
SNIA_SECTORS = (
    ("education_culture", "Education and culture", "Éducation et culture", "التربية والثقافة"),
    ("youth_leisure", "Youth and leisure", "Jeunesse et loisirs", "الشباب والترفيه"),
    ("health", "Health", "Santé", "الصحة"),
    ("housing", "Housing", "Logement", "السكن"),
    (
        "social_humanitarian",
        "Social and humanitarian assistance",
        "Assistance sociale et humanitaire",
        "المساعدة الاجتماعية والإنسانية",
    ),
    ("vocational_training", "Vocational training", "Formation professionnelle", "التكوين المهني"),
    ("employment", "Employment", "Emploi", "التشغيل"),
    (
        "flows_trafficking",
        "Flow management and the fight against trafficking",
        "Gestion des flux et lutte contre la traite",
        "تدبير تدفقات الهجرة ومكافحة الاتجار بالبشر",
    ),
    (
        "international_cooperation",
        "International cooperation and partnerships",
        "Coopération et partenariats internationaux",
        "التعاون والشراكات الدولية",
    ),
    (
        "regulatory_framework",
        "Regulatory and conventional framework",
        "Cadre réglementaire et conventionnel",
        "الإطار التنظيمي والاتفاقي",
    ),
    (
        "governance_communication",
        "Governance and communication",
        "Gouvernance et communication",
        "الحكامة والتواصل",
    ),
)


# The record fields whose stored keys come from one of the lists above (a record's
# `kind` depends on its record type: see `RecordType.kinds`), for pages and the history.
# How precisely a measure's date was given (`records.values.PRECISIONS`).
DATE_PRECISIONS = {"year": _l("Year"), "month": _l("Month"), "day": _l("Day")}

LABELS_BY_FIELD = {
    "start_date_precision": DATE_PRECISIONS,
    "end_date_precision": DATE_PRECISIONS,
    "status": MEASURE_STATUSES,
    "review_state": REVIEW_STATES,
    "integration": INTEGRATION_LEVELS,
    "target_groups": TARGET_GROUPS,
    "funding_sources": FUNDING_SOURCES,
}
