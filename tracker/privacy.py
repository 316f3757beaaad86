"""What public outputs may show: validated records, and no count small enough to point at a person.

The rule lives here only. A measure's beneficiary counts reach every public output
(map, pages, comparison, exports, API) through `public_beneficiaries`; a count from 1
to the threshold minus one is shown as "<5", and a part or total that would give it
away by difference is hidden too. Sums over several measures (a territory's figure)
are taken by `public_sum` in SQL: a hidden count is left out of every sum, so that no
sum, compared with the measures listed or with the figures of other territories,
filters or levels, gives it away; `small_counts` says how many were left out, and
`public_figure` shows such a sum ("40 + <5").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import current_app
from sqlalchemy import and_, case, func

Shown = int | float | str | None


def public_states() -> tuple[str, ...]:
    """Review states public outputs show: validated, and submitted when the setting allows."""
    if current_app.config.get("PUBLIC_SHOW_SUBMITTED"):
        return ("validated", "submitted")
    return ("validated",)


def is_public(record) -> bool:
    """Whether a programme or measure (None: no record) is one public outputs show: not
    deleted, and in a public review state (`stats.measure_conditions` says it in SQL)."""
    return (
        record is not None and record.deleted_at is None and record.review_state in public_states()
    )


def threshold() -> int:
    """Counts from 1 to this minus one are hidden (the `SMALL_COUNT_THRESHOLD` setting)."""
    return int(current_app.config.get("SMALL_COUNT_THRESHOLD", 5))


def hidden_label() -> str:
    return f"<{threshold()}"


def is_small(value) -> bool:
    return value is not None and 0 < value < threshold()


def public_count(value: int | float | None) -> Shown:
    """A beneficiary count as public outputs show it: 1 to threshold-1 becomes "<threshold"."""
    return hidden_label() if is_small(value) else value


def suppress_parts(
    total: int | float | None, parts: Mapping[str, int | float | None]
) -> tuple[Shown, dict[str, Shown]]:
    """A total and the parts that add up to it (women and men; the territories of a parent),
    as public outputs show them.

    Small counts are hidden; when the total is shown and exactly one part is hidden,
    the smallest other non-zero part is hidden too, since total minus the others would
    give the hidden one away. When the total itself is small, every non-zero part is.
    """
    shown_total = public_count(total)
    shown = {key: public_count(value) for key, value in parts.items()}
    if is_small(total):
        shown = {key: (hidden_label() if value else value) for key, value in parts.items()}
        return shown_total, shown
    hidden = [key for key, value in parts.items() if is_small(value)]
    if total is not None and len(hidden) == 1:
        others = sorted((value, key) for key, value in parts.items() if key not in hidden and value)
        if others:
            shown[others[0][1]] = hidden_label()
    return shown_total, shown


def public_beneficiaries(measure) -> dict[str, Shown]:
    """A measure's beneficiary counts for public outputs: total, women, men, minors.

    Women and men are parts of the total; minors is shown on its own rule.
    """
    total, parts = suppress_parts(
        measure.beneficiaries_total,
        {"women": measure.beneficiaries_women, "men": measure.beneficiaries_men},
    )
    minors = measure.beneficiaries_minors
    return {
        "total": total,
        "women": parts["women"],
        "men": parts["men"],
        "minors": hidden_label()
        if (is_small(minors) or (is_small(measure.beneficiaries_total) and minors))
        else minors,
    }


class PublicSum(float):
    """A sum of beneficiary counts that public outputs may give: the counts under the
    threshold left out, `left_out` of them."""

    left_out: int

    def __new__(cls, value, left_out: int = 0):
        self = super().__new__(cls, value or 0)
        self.left_out = int(left_out or 0)
        return self

    def __repr__(self) -> str:
        return f"PublicSum({float(self)!r}, left_out={self.left_out})"


def public_sum(column):
    """SQL: the sum of `column` over the counts that may be shown (the threshold or more)."""
    return func.sum(case((column >= threshold(), column), else_=0))


def small_counts(column):
    """SQL: how many values of `column` are hidden (from 1 to the threshold minus one)."""
    return func.count(case((and_(column > 0, column < threshold()), 1), else_=None))


def public_figure(value, write: Callable[[float], str] | None = None) -> Shown:
    """A territory's count of people as every public output shows it.

    A `PublicSum` that left counts out says so: "40 + <5" (one left out), "40 + 2 × <5",
    "<5" or "2 × <5" when nothing else is left, its numbers written by `write` (the
    page's language by default); any other small value is "<5".
    """
    if value is None:
        return None
    left_out = getattr(value, "left_out", 0)
    if not left_out:
        return public_count(float(value))
    if write is None:
        from tracker.i18n import format_metric

        def write(number: float) -> str:
            return format_metric("count", number)

    hidden = hidden_label() if left_out == 1 else f"{write(left_out)} × {hidden_label()}"
    if not value:
        return hidden
    return f"{write(float(value))} + {hidden}"


class WithThreshold:
    """A lazily translated text with the `%(threshold)d` of the setting in it."""

    def __init__(self, text):
        self.text = text

    def __str__(self) -> str:
        return str(self.text) % {"threshold": threshold()}

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))
