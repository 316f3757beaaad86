"""The tracker's database models, one module per concept."""

from tracker.models.territory import Level, Territory

__all__ = ["Level", "Territory"]
