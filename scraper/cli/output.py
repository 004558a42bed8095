"""Everything the CLI prints goes through here, with control characters and escape sequences removed.

Titles, authors, URLs and error reasons come from other people's servers; a terminal obeys what
they carry (window title, clipboard writes, cursor moves), so none of it reaches the terminal raw.
"""

from __future__ import annotations

import json
from typing import Any

import click

from ..text import escape_c1_json, strip_controls

__all__ = ["echo", "emit_json", "secho"]


def echo(message: object = "", **kwargs: Any) -> None:
    click.echo(strip_controls(str(message)), **kwargs)


def secho(message: object = "", **kwargs: Any) -> None:
    click.secho(strip_controls(str(message)), **kwargs)


def emit_json(data: Any) -> None:
    """JSON escapes C0 controls itself; C1 controls (8-bit CSI, OSC) are escaped here, so data is kept."""
    click.echo(escape_c1_json(json.dumps(data, ensure_ascii=False, indent=2)))
