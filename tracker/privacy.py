"""What public outputs may show: validated records, and no count small enough to point at a person.

Every public output (map, pages, comparison, exports, API) shows beneficiary
counts through `public_count` or `suppress_parts`, so the rule lives here only.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import current_app

Shown = int | float | str | None


def public_states() -> tuple[str, ...]:
    """Review states public outputs show: validated, and submitted when the setting allows."""
    if current_app.config.get("PUBLIC_SHOW_SUBMITTED"):
        return ("validated", "submitted")
    return ("validated",)


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
