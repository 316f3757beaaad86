"""What can be imported, by the key the import page and the command name it."""

from __future__ import annotations

from tracker.imports.assessment_template import ASSESSMENT_TEMPLATE
from tracker.imports.assessments import ASSESSMENTS
from tracker.imports.measures import MEASURES
from tracker.imports.run import RecordImport
from tracker.imports.template import MEASURE_TEMPLATE, TemplateParts

IMPORTS: dict[str, tuple[RecordImport, TemplateParts]] = {
    "measures": (MEASURES, MEASURE_TEMPLATE),
    "assessments": (ASSESSMENTS, ASSESSMENT_TEMPLATE),
}


def record_import(key: str | None) -> tuple[RecordImport, TemplateParts]:
    """The import named `key` and its template (the measures' when `key` is empty);
    raises `KeyError` for a key that names none."""
    return IMPORTS[key or "measures"]
