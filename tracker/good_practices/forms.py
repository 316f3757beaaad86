"""The coordinator's form that marks a measure as a good practice: the note and the
version of the measure it was shown."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField

from tracker.good_practices.marks import NOTE_MAX


class GoodPracticeForm(FlaskForm):
    """Mark a validated measure as a good practice, or change its note. The note is
    checked by `marks.clean_note`, which says what is wrong in the page's language."""

    version = HiddenField()
    note = TextAreaField(
        _l("What made it work, and what it needed"),
        description=_l(
            "For other collectivities that would do the same: the conditions, the partners, "
            "the means. Public once saved. No personal data."
        ),
        render_kw={"rows": 4, "dir": "auto", "maxlength": NOTE_MAX, "required": True},
    )
