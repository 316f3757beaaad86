"""How the map's elements write their part of the page's script.

Folium renders each element's template, and branca then parses the result as a
template once more. Values therefore go into a script through `script_json`,
which leaves no Jinja tag in them, and packaged code goes in through `Verbatim`,
which is never parsed at all, minified (`minified_script`): the page carries it inline.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from typing import Any

import folium.template
import rjsmin
from branca.element import Element
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

# A `{` that opens a Jinja tag, `{{`, `{%` or `{#`: never part of JSON's own syntax.
_TAG_OPENING = re.compile(r"\{(?=[{%#])")


def script_json(value: Any) -> Markup:
    """`value` as JSON to write into a script: `<`, `>`, `&` and `'` escaped, as Jinja's
    `tojson` does, and every `{` that would open a Jinja tag written `\\u007b`.

    Branca parses each rendered script again as a template, so a name such as
    `{{ 7*7 }}` would otherwise be evaluated on the server, and `{% x %}` refused.
    """
    return Markup(_TAG_OPENING.sub(r"\\u007b", str(htmlsafe_json_dumps(value, sort_keys=True))))


class _ScriptEnvironment(folium.template.Environment):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["tojson"] = script_json


class ScriptTemplate(folium.template.Template):
    """A Folium template whose `tojson` is `script_json`."""

    environment_class = _ScriptEnvironment


@functools.cache
def packaged_script(name: str) -> str:
    """The text of `static/<name>`, packaged beside this module."""
    return importlib.resources.files(__package__).joinpath("static", name).read_text("utf-8")


@functools.cache
def minified_script(name: str) -> str:
    """`packaged_script(name)` as the page gets it: comments and needless spaces out."""
    return rjsmin.jsmin(packaged_script(name))


class Verbatim(Element):
    """Text added to the page as it is: not parsed as a template, as `Element` would."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        """The text, unchanged."""
        return self.text


class PackagedScript:
    """A map element whose code is the packaged `script_file`, written once (minified) into
    the page's script ahead of the calls that use it, however many elements share it."""

    script_file: str

    def render(self, **kwargs):
        """Add the packaged code to the page's script, then render the element as usual."""
        self.get_root().script.add_child(
            Verbatim(minified_script(self.script_file)), name=self.script_file, index=0
        )
        super().render(**kwargs)
