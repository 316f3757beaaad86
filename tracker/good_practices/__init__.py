"""Good practices: validated measures a coordinator marks for other collectivities to
learn from, and the public page that finds them."""

from tracker.good_practices.views import bp

__all__ = ["bp"]
