"""What public outputs may show: validated records, and no count small enough to point at a person."""

from __future__ import annotations

from flask import current_app


def public_states() -> tuple[str, ...]:
    """Review states public outputs show: validated, and submitted when the setting allows."""
    if current_app.config.get("PUBLIC_SHOW_SUBMITTED"):
        return ("validated", "submitted")
    return ("validated",)


def public_count(value: int | None) -> str | int | None:
    """A beneficiary count as public outputs show it: 1 to threshold-1 becomes "<threshold"."""
    threshold = int(current_app.config.get("SMALL_COUNT_THRESHOLD", 5))
    if value is not None and 0 < value < threshold:
        return f"<{threshold}"
    return value
