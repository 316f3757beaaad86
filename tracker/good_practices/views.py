"""The public good-practices page."""

from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("good_practices", __name__)


@bp.route("/good-practices")
def index():
    """The good practices, filtered by sector, measure kind, assessment question and
    region, nearest to the territory `near` first."""
    abort(404)
