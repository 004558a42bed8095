"""Field rules shared by site configs and CMS presets: ordered selector lists per field.

A site's `Selectors` and a preset's TOML table both become `Rules`, so one code path applies them
and labels what it found ("site:selectors.title", "preset:wix:title").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..config import Site

__all__ = ["FIELDS", "CommentScheme", "Rules", "rules_from_site"]

FIELDS = ("title", "author", "date", "modified", "body")


@dataclass(frozen=True, slots=True)
class CommentScheme:
    """How to read the comments of one markup family; every field is relative to a comment element."""

    items: str
    skip: str = ""
    id: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    text: tuple[str, ...] = ()
    parent: str = ""
    containers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rules:
    """Selectors per field (tried in order), noise selectors and comment schemes, with their label."""

    label: str
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    remove: tuple[str, ...] = ()
    comments: tuple[CommentScheme, ...] = ()

    def source(self, name: str) -> str:
        return f"{self.label}.{name}" if self.label.startswith("site") else f"{self.label}:{name}"


def _one(value: str | None) -> tuple[str, ...]:
    return (value,) if value else ()


def rules_from_site(site: Site) -> Rules:
    sel = site.selectors
    fields = {name: _one(getattr(sel, name)) for name in FIELDS}
    comments: tuple[CommentScheme, ...] = ()
    if sel.comments:
        c = sel.comment
        comments = (
            CommentScheme(
                items=sel.comments,
                id=_one(c.id) or ("@id",),
                author=_one(c.author),
                date=_one(c.date),
                text=_one(c.text),
                parent=c.parent or "",
                containers=(),
            ),
        )
    return Rules(label="site:selectors", fields=fields, remove=tuple(site.remove), comments=comments)
