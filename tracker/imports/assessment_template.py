"""The assessments import's template: its example rows (a commune's draft answers) and its
lists: the questions of the latest indicator set, the points and the yes-or-no words."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_pgettext, ngettext

from tracker.assessment.indicators import POINTS, latest_indicator_set
from tracker.imports.assessments import COLUMNS
from tracker.imports.columns import NO, YES
from tracker.imports.template import TemplateParts

_SHEET = lazy_pgettext("import", "Assessments")
_EXAMPLE_REFERENCE = lazy_pgettext("import", "Deliberation no. 12 of 3 March 2025")
_EXAMPLE_TEXT = lazy_pgettext(
    "import", "The reception cell at the commune's offices, open since January 2025."
)


def _examples() -> list[dict[str, Any]]:
    """Two answers of Figuig's assessment for 2025, in the forced language."""
    figuig = {"territory_code": "02.251.01.03", "year": 2025}
    return [
        {**figuig, "question": "Q1", "points": 2, "evidence_reference": str(_EXAMPLE_REFERENCE)},
        {
            **figuig,
            "question": "Q9",
            "points": 1,
            "not_applicable": str(NO),
            "evidence_text": str(_EXAMPLE_TEXT),
        },
    ]


def _lists(lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The questions (key and text in `lang`), the points, and yes or no."""
    questions = [(q.key, q.title.in_language(lang)) for q in latest_indicator_set().questions]
    points = [(str(p), ngettext("%(num)d point", "%(num)d points", p)) for p in POINTS]
    return [
        ("question", questions),
        ("points", points),
        ("not_applicable", [(str(YES), str(YES)), (str(NO), str(NO))]),
    ]


ASSESSMENT_TEMPLATE = TemplateParts(_SHEET, COLUMNS, _examples, _lists)
