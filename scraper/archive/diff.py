"""Word-level diff between two texts: what was inserted, deleted, and how much stayed the same.

Pure and shared by the CLI (`scraper diff`) and the browser view, so both show the same thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

__all__ = ["Chunk", "render_terminal", "word_diff"]

_TOKENS = re.compile(r"\S+\s*|\s+")


@dataclass(frozen=True, slots=True)
class Chunk:
    """One run of the diff: `op` is "equal", "insert" or "delete"."""

    op: str
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"op": self.op, "text": self.text}


def word_diff(old: str, new: str) -> list[Chunk]:
    """Diff `old` against `new` word by word (whitespace kept, so the text can be rebuilt)."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    chunks: list[Chunk] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _add(chunks, "equal", "".join(a[i1:i2]))
            continue
        if tag in ("delete", "replace"):
            _add(chunks, "delete", "".join(a[i1:i2]))
        if tag in ("insert", "replace"):
            _add(chunks, "insert", "".join(b[j1:j2]))
    return chunks


def _add(chunks: list[Chunk], op: str, text: str) -> None:
    if not text:
        return
    if chunks and chunks[-1].op == op:
        chunks[-1] = Chunk(op, chunks[-1].text + text)
    else:
        chunks.append(Chunk(op, text))


def collapse(text: str, keep: int = 12) -> str:
    """Shorten unchanged text to its first and last `keep` words."""
    words = text.split()
    if len(words) <= 2 * keep + 3:
        return text
    return " ".join(words[:keep]) + f" [… {len(words) - 2 * keep} unchanged words …] " + " ".join(words[-keep:])


def render_terminal(chunks: list[Chunk], *, context: int = 12) -> str:
    """`[-deleted-]` and `{+inserted+}` inline, long unchanged stretches collapsed (wdiff style)."""
    out = []
    for chunk in chunks:
        if chunk.op == "equal":
            out.append(collapse(chunk.text, context))
        elif chunk.op == "delete":
            out.append(f"[-{chunk.text.strip()}-]" + (" " if chunk.text.endswith((" ", "\n")) else ""))
        else:
            out.append(f"{{+{chunk.text.strip()}+}}" + (" " if chunk.text.endswith((" ", "\n")) else ""))
    return "".join(out)
