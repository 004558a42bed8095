"""Word-level diff between two texts: what was inserted, deleted, and how much stayed the same.

Pure and shared by the CLI (`scraper diff`) and the browser view, so both show the same thing.

Words are compared without the spaces around them, and a line break (one paragraph ending, the
next starting) is a token of its own.  So a word that ends a paragraph still matches when a
paragraph is appended after it, and a word inserted mid-paragraph does not drag the paragraph
break into the change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from ..words import CJK, CJK_CHAR, count_words, words

__all__ = ["Chunk", "render_terminal", "word_diff"]

# a word with the spaces after it on its line (a CJK character is a word: `words`) | a paragraph break
# (any blank run with a newline) | lead spaces
_TOKENS = re.compile(rf"(?:[{CJK}]|[^\s{CJK}]+)[^\S\n]*|[^\S\n]*\n\s*|[^\S\n]+")
_BREAK = "\n"  # the comparison key of every paragraph break


@dataclass(frozen=True, slots=True)
class Chunk:
    """One run of the diff: `op` is "equal", "insert" or "delete"."""

    op: str
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"op": self.op, "text": self.text}


def _tokens(text: str) -> tuple[list[str], list[str]]:
    """The tokens of `text` and their comparison keys (the word alone, or one key for any break)."""
    tokens = _TOKENS.findall(text or "")
    return tokens, [_BREAK if "\n" in t else t.strip() for t in tokens]


def word_diff(old: str, new: str) -> list[Chunk]:
    """Diff `old` against `new` word by word.

    The equal and inserted chunks join up to `new` exactly; unchanged words are shown with the
    spacing they have in `new` (a change of spaces alone is not a change).
    """
    a, a_keys = _tokens(old)
    b, b_keys = _tokens(new)
    matcher = SequenceMatcher(None, a_keys, b_keys, autojunk=False)
    chunks: list[Chunk] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _add(chunks, "equal", "".join(b[j1:j2]))
            continue
        if tag in ("delete", "replace"):
            after_word = bool(chunks) and not chunks[-1].text[-1].isspace()
            before_word = j1 < len(b) and b_keys[j1] != _BREAK
            _add(chunks, "delete", _deleted(a[i1:i2], after_word=after_word, before_word=before_word))
        if tag in ("insert", "replace"):
            _add(chunks, "insert", "".join(b[j1:j2]))
    return chunks


def _deleted(tokens: list[str], *, after_word: bool, before_word: bool) -> str:
    """Deleted words keep a space on each side that touches a word: "a [-b-] c", never "a[-b-]c"
    (but not beside a CJK character, which is written without spaces)."""
    text = "".join(tokens)
    if after_word and text and not text[0].isspace() and not CJK_CHAR.match(text[0]):
        text = " " + text
    if before_word and text and not text[-1].isspace() and not CJK_CHAR.match(text[-1]):
        text += " "
    return text


def _add(chunks: list[Chunk], op: str, text: str) -> None:
    if not text:
        return
    if chunks and chunks[-1].op == op:
        chunks[-1] = Chunk(op, chunks[-1].text + text)
    else:
        chunks.append(Chunk(op, text))


def collapse(text: str, keep: int = 12) -> str:
    """Shorten unchanged text to its first and last `keep` words, keeping the breaks at its ends."""
    tokens = words(text)
    if count_words(tokens) <= 2 * keep + 3:
        return text
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    start, end = _span(tokens, keep), len(tokens) - _span(tokens[::-1], keep)
    hidden = count_words(tokens[start:end])
    return lead + _joined(tokens[:start]) + f" [… {hidden} unchanged words …] " + _joined(tokens[end:]) + trail


def _span(tokens: list[str], keep: int) -> int:
    """How many of the first `tokens` make `keep` words (CJK characters count half)."""
    n = 0
    while n < len(tokens) and count_words(tokens[:n]) < keep:
        n += 1
    return n


def _joined(tokens: list[str]) -> str:
    """Words joined by a space, CJK characters by none."""
    out = ""
    for token in tokens:
        if out and not (CJK_CHAR.match(token) and CJK_CHAR.match(out[-1])):
            out += " "
        out += token
    return out


def render_terminal(chunks: list[Chunk], *, context: int = 12) -> str:
    """`[-deleted-]` and `{+inserted+}` inline, long unchanged stretches collapsed (wdiff style).

    The spaces and paragraph breaks around a change stay outside its brackets, where they are in the text.
    """
    out = []
    for chunk in chunks:
        if chunk.op == "equal":
            out.append(collapse(chunk.text, context))
            continue
        core = chunk.text.strip()
        if not core:  # only spaces, or a paragraph break, were added or removed
            if "\n" in chunk.text:
                out.append("{+¶+}" + chunk.text if chunk.op == "insert" else "[-¶-] ")
            continue
        lead = chunk.text[: len(chunk.text) - len(chunk.text.lstrip())]
        trail = chunk.text[len(chunk.text.rstrip()) :]
        out.append(lead + (f"[-{core}-]" if chunk.op == "delete" else f"{{+{core}+}}") + trail)
    return "".join(out)
