"""Words as a reader counts them, for diffs and change counts.

Most scripts put spaces between words.  Chinese and Japanese do not: a whole paragraph is one
"word" to `str.split`, so an edit anywhere in it changed every word of it, and a long edit counted
one.  Each of their characters is a token of its own here, and about two make a word (the ratio
`classify` counts pages by)."""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["CJK", "CJK_CHAR", "CJK_LETTER", "CJK_PER_WORD", "count_words", "words"]

CJK_LETTERS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # kana and Han (Hangul has spaces)
CJK = f"\u3001-\u303f{CJK_LETTERS}\uff01-\uffef"  # and the punctuation and full-width forms set with them
CJK_PER_WORD = 2
_WORD = re.compile(rf"[{CJK}]|[^\s{CJK}]+")
CJK_CHAR = re.compile(f"[{CJK}]")  # written without spaces around it
CJK_LETTER = re.compile(f"[{CJK_LETTERS}]")  # a character of a word (punctuation is none)
_HAS_WORD = re.compile(r"\w")


def words(text: str | None) -> list[str]:
    """The tokens of `text`: runs of other characters between spaces, and each CJK character alone."""
    return _WORD.findall(text or "")


def count_words(tokens: Sequence[str]) -> int:
    """How many words `tokens` (from `words`) make: one each, CJK characters two to a word (rounded
    up), punctuation none (a dash or a full stop is no word added)."""
    cjk = other = 0
    for token in tokens:
        if len(token) == 1 and CJK_LETTER.match(token):
            cjk += 1
        elif _HAS_WORD.search(token):
            other += 1
    return other + -(-cjk // CJK_PER_WORD)
