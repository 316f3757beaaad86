"""The measure form's partner chooser: a multiple select of every registered
organisation, which `static/partner-chooser.js` turns into a box one types in (French or
Arabic names, accents aside) with the chosen partners as removable chips, and a link that
adds an organisation without leaving the form. Without the script the select and the
link (to the organisation form, in a new page) work as they are."""

from __future__ import annotations

import json
from collections.abc import Iterable

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import Select

from tracker import permissions
from tracker.models import Organisation
from tracker.models.territory import search_key


def search_text(organisation: Organisation) -> str:
    """Both names of `organisation` folded for searching (see `search_key`), as the
    chooser matches what is typed against them."""
    return search_key(f"{organisation.name_fr or ''} {organisation.name_ar or ''}")


def partner_choices(organisations: Iterable[Organisation], lang: str) -> list[SelectChoice]:
    """The chooser's options: each organisation's id, its name in `lang`, and both its
    names folded for searching (`data-search`), alphabetically in `lang`."""
    found = [
        SelectChoice(
            str(o.id),
            o.name_in(lang),
            render_kw={"data-search": search_text(o)},
        )
        for o in organisations
    ]
    return sorted(found, key=lambda choice: search_key(choice.label))


def chooser_texts() -> dict[str, str]:
    """What the script says, in the page's language (`%s` and `%d` are filled in)."""
    return {
        "search": _("Find a partner by its French or Arabic name"),
        "remove": _("Remove %s"),
        "none": _("No organisation has this name."),
        "more": _("Not shown: %d. Type more letters."),
        "found": _("Matching organisations: %d."),
        "chosen": _("Chosen partners"),
        "nothing_chosen": _("No partner chosen yet."),
        "close": _("Cancel"),
        "failed": _("The organisation could not be saved. Try again."),
    }


class PartnerChooser(Select):
    """A multiple select marked for the chooser script, the link that adds an organisation
    (for the accounts that may), and the script itself."""

    def __init__(self):
        super().__init__(multiple=True)

    def __call__(self, field, **kwargs):
        kwargs.setdefault("size", 8)
        kwargs["data-partner-chooser"] = json.dumps(chooser_texts(), ensure_ascii=False)
        html = Markup(super().__call__(field, **kwargs))
        if permissions.can_create_organisation(current_user):
            add = url_for("records.organisation_form", next=request.full_path.rstrip("?"))
            html += Markup(
                '<p class="partner-add"><a href="%s" target="_blank" rel="noopener" '
                'data-partner-add="%s">%s</a> <span class="help">%s</span></p>'
            ) % (
                add,
                url_for("records.organisation_form", inline=1),
                _("Add a partner organisation"),
                _("(opens the organisation form; come back here once it is saved)"),
            )
        script = url_for("static", filename="partner-chooser.js")
        return html + Markup('<script src="%s" defer></script>') % script


class PartnersField(SelectMultipleField):
    """The partners of a measure, chosen from the registry (see `PartnerChooser`)."""

    widget = PartnerChooser()

    def pre_validate(self, form):
        # Ids are checked by the service, with a message that names them.
        pass
