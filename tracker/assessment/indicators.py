"""The indicator set of the yearly self-assessment, read from versioned data files.

Each published version is one file in `data/`, `indicators-<version>.json`: its
publication date, what changed, the dimensions and the questions, every text in
Arabic, French and English. A version, once published, is never edited: an
assessment keeps the version it was answered under, and its score is computed
from that file. A new version is a new file; no code changes.

A file is checked as a whole when it is read, and a file that breaks a rule is
refused with `IndicatorSetError`, which names the file and the problem.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from tracker.models.territory import LEVELS
from tracker.vocab import MEASURE_KINDS

# Every text of a set exists in each of these languages.
LANGUAGES = ("ar", "fr", "en")
# The points of an answer; each question describes every one of them.
POINTS = (0, 1, 2, 3)
FILE_NAME = re.compile(r"^indicators-([1-9][0-9]*)\.json$")


class IndicatorSetError(ValueError):
    """A data file of the indicator set that cannot be read or breaks a rule."""

    def __init__(self, source: str, problem: str):
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


class UnknownVersion(LookupError):
    """An indicator-set version that no data file holds."""


@dataclass(frozen=True)
class Text:
    """One text of the set in Arabic, French and English."""

    ar: str
    fr: str
    en: str

    def in_language(self, lang: str | None = None) -> str:
        """The text in `lang`, by default the page's language (English outside a request)."""
        if lang is None:
            lang = _page_language()
        if lang not in LANGUAGES:
            lang = "en"
        return getattr(self, lang)

    def __str__(self) -> str:
        return self.in_language()


def _page_language() -> str:
    from flask import has_app_context

    if not has_app_context():
        return "en"
    from tracker.i18n import current_language

    return current_language()


@dataclass(frozen=True)
class Dimension:
    """A dimension of the set (`D1`...), under which questions are scored together."""

    key: str
    title: Text

    @property
    def number(self) -> int:
        """The dimension's number, as the pages write it (`D3` is 3)."""
        return int(self.key[1:])


@dataclass(frozen=True)
class Question:
    """A question (`Q1`...): its dimension's key, texts, the description of each level
    (`levels[points]`), the territory levels that may answer "not applicable", and the
    measure kinds (keys of `tracker.vocab.MEASURE_KINDS`) that can serve as evidence."""

    key: str
    dimension: str
    title: Text
    explanation: Text
    levels: tuple[Text, ...]
    not_applicable: frozenset[str]
    evidence_kinds: tuple[str, ...]
    records_location: bool = False

    def allows_not_applicable(self, level: str) -> bool:
        """Whether a collectivity of territory level `level` may answer "not applicable"."""
        return level in self.not_applicable

    def level_text(self, points: int) -> Text:
        """The description of the answer worth `points` (0 to 3); raises `ValueError` otherwise."""
        if points not in POINTS:
            raise ValueError(f"An answer is worth 0 to 3 points, not {points!r}.")
        return self.levels[points]

    @property
    def number(self) -> int:
        """The question's number, as the pages write it (`Q9` is 9)."""
        return int(self.key[1:])


@dataclass(frozen=True)
class IndicatorSet:
    """One published version of the indicator set."""

    version: int
    published: date
    changes: Text
    dimensions: tuple[Dimension, ...]
    questions: tuple[Question, ...]
    source: str

    def question(self, key: str) -> Question:
        """The question `key` (`Q1`...); raises `KeyError` if this version has none."""
        for question in self.questions:
            if question.key == key:
                return question
        raise KeyError(key)

    def dimension(self, key: str) -> Dimension:
        """The dimension `key` (`D1`...); raises `KeyError` if this version has none."""
        for dimension in self.dimensions:
            if dimension.key == key:
                return dimension
        raise KeyError(key)

    def questions_of(self, dimension_key: str) -> tuple[Question, ...]:
        """The questions of dimension `dimension_key`, in order."""
        return tuple(q for q in self.questions if q.dimension == dimension_key)

    def questions_for_kind(self, kind: str) -> tuple[Question, ...]:
        """The questions for which a measure of kind `kind` can serve as evidence."""
        return tuple(q for q in self.questions if kind in q.evidence_kinds)


class _Reader:
    """Reads one file's parsed JSON into an `IndicatorSet`, refusing the first problem."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, problem: str):
        raise IndicatorSetError(self.source, problem)

    def fields(self, value: Any, where: str, required: set[str], optional=frozenset()) -> dict:
        if not isinstance(value, dict):
            self.fail(f"{where} must be an object.")
        missing = sorted(required - value.keys())
        if missing:
            self.fail(f"{where} lacks {', '.join(missing)}.")
        unknown = sorted(value.keys() - required - optional)
        if unknown:
            self.fail(f"{where} has unknown field(s) {', '.join(unknown)}.")
        return value

    def text(self, value: Any, where: str) -> Text:
        self.fields(value, where, set(LANGUAGES))
        for lang in LANGUAGES:
            if not isinstance(value[lang], str) or not value[lang].strip():
                self.fail(f"{where} has no {lang} text.")
        return Text(**{lang: value[lang].strip() for lang in LANGUAGES})

    def keyed_list(self, value: Any, where: str, prefix: str) -> list[dict]:
        if not isinstance(value, list) or not value:
            self.fail(f"{where} must be a list that is not empty.")
        seen: set[str] = set()
        for number, item in enumerate(value, start=1):
            key = item.get("key") if isinstance(item, dict) else None
            if not isinstance(key, str) or not re.fullmatch(prefix + r"[1-9][0-9]*", key):
                self.fail(f"{where} item {number}: key must be {prefix}1, {prefix}2...")
            if key in seen:
                self.fail(f"{where}: key {key} appears twice.")
            seen.add(key)
        return value

    def names(self, value: Any, where: str, allowed, what: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(f"{where} must be a list of {what}.")
        unknown = [v for v in value if v not in allowed]
        if unknown:
            choices = ", ".join(allowed)
            self.fail(f"{where}: {', '.join(unknown)} is not a {what} (one of {choices}).")
        if len(set(value)) != len(value):
            self.fail(f"{where} names a {what} twice.")
        return tuple(value)

    def question(self, raw: dict, dimensions: set[str]) -> Question:
        where = f"question {raw['key']}"
        self.fields(
            raw,
            where,
            {"key", "dimension", "title", "explanation", "levels"},
            {"not_applicable", "evidence_kinds", "records_location"},
        )
        if raw["dimension"] not in dimensions:
            self.fail(f"{where}: dimension {raw['dimension']!r} is not one of the set's.")
        levels = raw["levels"]
        if not isinstance(levels, list) or len(levels) != len(POINTS):
            self.fail(f"{where} must describe the four levels 0, 1, 2 and 3.")
        if not isinstance(raw.get("records_location", False), bool):
            self.fail(f"{where}: records_location must be true or false.")
        na = self.names(raw.get("not_applicable", []), f"{where} not_applicable", LEVELS, "level")
        kinds = self.names(
            raw.get("evidence_kinds", []), f"{where} evidence_kinds", tuple(MEASURE_KINDS), "kind"
        )
        return Question(
            key=raw["key"],
            dimension=raw["dimension"],
            title=self.text(raw["title"], f"{where} title"),
            explanation=self.text(raw["explanation"], f"{where} explanation"),
            levels=tuple(self.text(t, f"{where} level {n}") for n, t in zip(POINTS, levels)),
            not_applicable=frozenset(na),
            evidence_kinds=kinds,
            records_location=raw.get("records_location", False),
        )

    def indicator_set(self, raw: Any) -> IndicatorSet:
        self.fields(raw, "the set", {"version", "published", "changes", "dimensions", "questions"})
        version = raw["version"]
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            self.fail("version must be a whole number from 1.")
        try:
            published = date.fromisoformat(raw["published"])
        except (TypeError, ValueError):
            self.fail("published must be a date written YYYY-MM-DD.")
        dimensions = []
        for d in self.keyed_list(raw["dimensions"], "dimensions", "D"):
            self.fields(d, f"dimension {d['key']}", {"key", "title"})
            dimensions.append(
                Dimension(d["key"], self.text(d["title"], f"dimension {d['key']} title"))
            )
        keys = {d.key for d in dimensions}
        questions = tuple(
            self.question(q, keys) for q in self.keyed_list(raw["questions"], "questions", "Q")
        )
        empty = [d.key for d in dimensions if not any(q.dimension == d.key for q in questions)]
        if empty:
            self.fail(f"dimension {', '.join(empty)} has no question.")
        return IndicatorSet(
            version=version,
            published=published,
            changes=self.text(raw["changes"], "changes"),
            dimensions=tuple(dimensions),
            questions=questions,
            source=self.source,
        )


def read_indicator_set(text: str, source: str) -> IndicatorSet:
    """The indicator set that the JSON `text` holds, `source` naming it in errors.

    Raises `IndicatorSetError` (naming `source` and the problem) for text that is not
    JSON, a missing or unknown field, a text missing in Arabic, French or English, a key
    used twice, a question without its four levels, a territory level or a measure kind
    that does not exist, or a dimension without questions.
    """
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise IndicatorSetError(source, f"not valid JSON ({error}).") from None
    return _Reader(source).indicator_set(raw)


def data_folder() -> Traversable:
    """The folder of the packaged data files, as an installed package finds it too."""
    return resources.files("tracker.assessment") / "data"


def read_indicator_sets(folder: Traversable | Path) -> tuple[IndicatorSet, ...]:
    """Every version in `folder`'s `indicators-<version>.json` files, oldest first.

    Raises `IndicatorSetError` for a file that breaks a rule, whose version differs from
    its name's, or when the folder holds no version at all.
    """
    sets = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        match = FILE_NAME.match(entry.name)
        if not match:
            continue
        source = str(entry)
        indicator_set = read_indicator_set(entry.read_text(encoding="utf-8"), source)
        if indicator_set.version != int(match.group(1)):
            raise IndicatorSetError(
                source, f"holds version {indicator_set.version}, not the one its name says."
            )
        sets.append(indicator_set)
    if not sets:
        raise IndicatorSetError(str(folder), "no indicators-<version>.json file.")
    return tuple(sorted(sets, key=lambda s: s.version))


@lru_cache(maxsize=1)
def indicator_sets() -> tuple[IndicatorSet, ...]:
    """Every published version of the packaged set, oldest first (read once)."""
    return read_indicator_sets(data_folder())


def indicator_set(version: int) -> IndicatorSet:
    """The packaged set of `version`; raises `UnknownVersion` if none was published."""
    for published in indicator_sets():
        if published.version == version:
            return published
    raise UnknownVersion(f"No indicator set of version {version!r}.")


def latest_indicator_set() -> IndicatorSet:
    """The newest published version: the one a new assessment is answered under."""
    return indicator_sets()[-1]
