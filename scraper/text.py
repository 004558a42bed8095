"""Control characters out of scraped text: what a terminal would obey, a page has no business sending.

A title carrying `ESC ] 0 ; … BEL` retitles the user's terminal window, `ESC ] 52 ; c ; …` writes
their clipboard, and CSI sequences move the cursor or hide text.  `strip_controls` removes whole
escape sequences (CSI, OSC, DCS/SOS/PM/APC, in their 7-bit and 8-bit forms, terminated or not), then
every remaining C0 and C1 control character except newline and tab.  The CLI passes everything it
prints through `strip_controls`; extraction cleans the text fields it stores with `clean_article`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Article

__all__ = ["clean_article", "escape_c1_json", "strip_controls"]

_ST = r"(?:\x07|\x1b\\|\x9c|$)"  # string terminator: BEL, ESC \, 8-bit ST, or the end of the text
_SEQUENCES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"  # CSI: cursor moves, colours, erase
    rf"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*{_ST}"  # OSC, DCS, SOS, PM, APC strings
    r"|\x1b[ -/]*[0-~]?",  # any other escape (charset switches, resets, keypad modes)
    re.DOTALL,
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_C1 = re.compile(r"[\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """`text` without escape sequences or control characters; newline and tab are kept."""
    # the common case, nothing to do: every sequence starts with a control character (\n and \t are
    # not "printable", so a body fails the first test; the scan costs a tenth of the two subs)
    if text.isprintable() or _CONTROLS.search(text) is None:
        return text
    return _CONTROLS.sub("", _SEQUENCES.sub("", text))


def escape_c1_json(text: str) -> str:
    """JSON from `json.dumps(ensure_ascii=False)` keeps C1 controls raw; escape them as \\u00XX (still valid JSON)."""
    return _C1.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def clean_article(article: Article) -> Article:
    """The article with control characters removed from its human-readable fields."""

    def clean(value: str | None) -> str | None:
        return None if value is None else strip_controls(value)

    return replace(
        article,
        title=clean(article.title),
        authors=tuple(a for a in (strip_controls(a).strip() for a in article.authors) if a),
        body=strip_controls(article.body),
        comments=tuple(replace(c, text=strip_controls(c.text), author=clean(c.author)) for c in article.comments),
    )
