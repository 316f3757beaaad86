"""The record types: one descriptor each, read by every page, query and rule that
handles records whatever their type (the record pages, the home pages, the review
queue, the coordinator's overview, deleted records, the service's deletion rule).

A type lives in its own module under `tracker.records.types`, which defines
`RECORD_TYPE`; the registry finds every such module the first time it is asked, so
adding a record type is adding its module and nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

TYPES_PACKAGE = "tracker.records.types"


@dataclass(frozen=True)
class RecordType:
    """What the application knows of one kind of record.

    `key` names it in URLs and in the history; `may_write(user, record)` is the rule
    for who may change or delete one; `prepare(form, territory_code)` fills the lists
    its form takes from the database; `form_values(record)` gives a stored record's
    values as its form shows them; `partial` is the template of its own facts on its
    record page; `public_item(record)` its public serialiser, where it has one;
    `new_values(territory_code)` what a new record's form starts with; `order` places the type in
    lists; `title_field` is the column lists show (or `title`, a function). Reviewed types go through draft, submitted, returned and validated and belong to a
    collectivity; the others (organisations) belong to nobody's territory.
    """

    key: str
    model: type
    form: type
    clean: Callable[[dict[str, Any]], dict[str, Any]]
    save: Callable[..., Any]
    label: Any
    plural: Any
    may_write: Callable[[Any, Any], bool]
    order: int
    reviewed: bool = True
    partial: str | None = None
    # The form of one stored record, when it is not `form` for all (an assessment's: that
    # of the indicator set's version it was answered under).
    form_of: Callable[[Any], type] | None = None
    # What its page partial reads besides the record (`details` in the template).
    details: Callable[[Any], dict[str, Any]] | None = None
    # The template of its form's fields and buttons, when the generic fields do not fit.
    form_partial: str | None = None
    public_item: Callable[[Any], dict] | None = None
    prepare: Callable[[Any, str], None] | None = None
    form_values: Callable[[Any], dict[str, Any]] | None = None
    new_values: Callable[[str], Mapping[str, Any]] = lambda territory_code: {}
    title_field: str = "title"
    # What the history keeps of a record besides its columns (`audit.snapshot`): field →
    # plain value; `history_label(field)` and `history_value(field, value, lang)` say
    # how the history page names and shows those fields (None: as any other).
    history_values: Callable[[Any], dict[str, Any]] | None = None
    history_label: Callable[[str], str | None] | None = None
    history_value: Callable[[str, Any, str], str | None] | None = None
    # What stops a record's submission, by field, in the user's language (empty: nothing);
    # `lifecycle.transition` refuses the step with these.
    submission_problems: Callable[[Any], dict[str, str]] | None = None
    # The record's title as lists show it, when no column holds one.
    title: Callable[[Any], str] | None = None
    # The title names the type already ("Assessment 2024"): a heading shows it alone
    # rather than after the type's label.
    title_names_type: bool = False
    # The labels of its `kind` column's keys.
    kinds: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def title_of(self, record) -> str:
        """The record's title as lists show it (an organisation's name, an assessment's
        year)."""
        if self.title is not None:
            return self.title(record)
        return getattr(record, self.title_field)

    def values_of(self, record) -> dict[str, Any]:
        """`record`'s values as its form shows them: the type's own hook, or each form
        field's stored value as text ("" for nothing)."""
        if self.form_values is not None:
            return self.form_values(record)
        return plain_form_values(self.form, record)


def plain_form_values(form_class: type, record) -> dict[str, Any]:
    """Each field of `form_class` (but the CSRF token) with `record`'s value as text,
    "" for nothing."""
    values = {}
    for name in form_class().data:
        if name == "csrf_token":
            continue
        value = getattr(record, name, None)
        values[name] = "" if value is None else str(value)
    return values


@cache
def _registered() -> dict[str, RecordType]:
    package = importlib.import_module(TYPES_PACKAGE)
    found = [
        importlib.import_module(f"{TYPES_PACKAGE}.{module.name}").RECORD_TYPE
        for module in pkgutil.iter_modules(package.__path__)
    ]
    keys = [t.key for t in found]
    if len(set(keys)) != len(keys):
        raise RuntimeError(f"Two record types have the same key: {sorted(keys)}")
    return {t.key: t for t in sorted(found, key=lambda t: t.order)}


def record_types() -> list[RecordType]:
    """Every record type, in the order the pages list them."""
    return list(_registered().values())


def reviewed_types() -> list[RecordType]:
    """The record types that go through review, in the order the pages list them."""
    return [t for t in record_types() if t.reviewed]


def reviewed_models() -> list[type]:
    """The models of the reviewed record types (what "recorded" counts)."""
    return [t.model for t in reviewed_types()]


def record_type(key: str) -> RecordType:
    """The record type named `key`; raises `LookupError` when there is none."""
    try:
        return _registered()[key]
    except KeyError:
        raise LookupError(f"No record type {key!r}") from None


def find(key: str, reviewed: bool | None = None) -> RecordType | None:
    """The record type named `key` (only a reviewed one, or only another, when
    `reviewed` says so), or None: what a URL's `<entity>` is checked against."""
    found = _registered().get(key)
    if found is None or (reviewed is not None and found.reviewed != reviewed):
        return None
    return found


def type_of(record) -> RecordType:
    """The record type of a stored `record`; raises `LookupError` for another object."""
    for candidate in record_types():
        if isinstance(record, candidate.model):
            return candidate
    raise LookupError(f"No record type for {type(record).__name__}")
