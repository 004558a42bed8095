"""CMS presets: data files (`presets/*.toml`) detected from the page's generator and markup.

A preset is only a set of selectors; it wins for a field only when its selector finds something
on the page, so a half-matching theme still falls back to the generic rules for the rest.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .rules import FIELDS, CommentScheme, Rules

__all__ = ["Preset", "all_presets", "detect_presets", "reads_topic"]


class Preset:
    """One CMS: how to recognise it and its `Rules`."""

    __slots__ = ("description", "generator", "name", "rules", "signature", "topic")

    def __init__(self, data: dict[str, Any]) -> None:
        self.name: str = data["name"]
        self.description: str = data.get("description", self.name)
        gen = data.get("generator")
        self.generator = re.compile(gen, re.IGNORECASE) if gen else None
        self.signature: tuple[str, ...] = tuple(data.get("signature", ()))
        # a page whose body this preset reads is one topic (a forum thread): an article, however many
        # links its posts, profiles and pager hold
        self.topic: bool = bool(data.get("topic", False))
        selectors = data.get("selectors", {})
        fields = {k: _strings(selectors.get(k)) for k in FIELDS}
        schemes = tuple(_scheme(c) for c in data.get("comments", ()))
        self.rules = Rules(f"preset:{self.name}", fields, tuple(data.get("remove", ())), schemes)

    def matches(self, tree: LexborHTMLParser, generator: str, found: list[LexborNode] | None = None) -> bool:
        """By generator, else by signature; `found` (all nodes any preset's signature matches) spares the
        tree-wide query when none of them holds this preset's signature."""
        if self.generator is not None and generator and self.generator.search(generator):
            return True
        if not self.signature:
            return False
        signature = ", ".join(self.signature)
        if found is not None and not any(_holds(node, signature) for node in found):
            return False
        return _exists(tree, signature)


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(v for v in value or () if isinstance(v, str))


def _scheme(data: dict[str, Any]) -> CommentScheme:
    return CommentScheme(
        items=data["items"],
        skip=data.get("skip", ""),
        id=_strings(data.get("id")),
        author=_strings(data.get("author")),
        date=_strings(data.get("date")),
        text=_strings(data.get("text")),
        parent=data.get("parent", ""),
        containers=_strings(data.get("containers")),
    )


def _holds(node: LexborNode, selector: str) -> bool:
    try:
        return node.css_matches(selector)
    except Exception:  # an unsupported selector: let the tree-wide query decide
        return True


def _exists(tree: LexborHTMLParser, selector: str) -> bool:
    try:
        return tree.css_first(selector) is not None
    except Exception:  # an unsupported selector is no match
        return False


def reads_topic(body_source: str) -> bool:
    """The body came from a preset that reads topics (`sources["body"]` is "preset:<name>:body")."""
    name = body_source.removeprefix("preset:").partition(":")[0] if body_source.startswith("preset:") else ""
    return any(p.topic and p.name == name for p in all_presets())


@lru_cache(maxsize=1)
def all_presets() -> tuple[Preset, ...]:
    """Every preset shipped in the package, loaded once."""
    folder = resources.files(__package__).joinpath("presets")
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            found.append(Preset(tomllib.loads(entry.read_text(encoding="utf-8"))))
    return tuple(found)


_GATE_NODES = 8  # above this many signature nodes, one query per preset is cheaper than testing each node


@lru_cache(maxsize=1)
def _any_signature() -> str:
    return ", ".join(sig for p in all_presets() for sig in p.signature)


def detect_presets(tree: LexborHTMLParser, generator: str) -> tuple[Preset, ...]:
    """Presets whose generator or markup matches; one union query first, since most pages match none."""
    by_generator = any(p.generator is not None and generator and p.generator.search(generator) for p in all_presets())
    try:
        found = tree.css(_any_signature())
    except Exception:  # one unsupported selector: test the presets one by one
        found = None
    if found is not None and not found and not by_generator:
        return ()
    if found is None or len(found) > _GATE_NODES:
        return tuple(p for p in all_presets() if p.matches(tree, generator))
    # every node a preset's signature matches is among the few found: a preset none of whose subtrees
    # holds a match (`css_matches` looks at the node and below) needs no query of its own
    return tuple(p for p in all_presets() if p.matches(tree, generator, found))
