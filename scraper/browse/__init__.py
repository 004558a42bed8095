"""Browsing the archive in Datasette: metadata, the article page and its plugin hooks.

This package is the Datasette plugin (entry point `newsarchive`); its hooks live in `plugin.py`.
"""

from __future__ import annotations

from .plugin import (
    extra_css_urls,
    extra_template_vars,
    handle_exception,
    prepare_connection,
    register_routes,
    render_cell,
)

__all__ = [
    "extra_css_urls",
    "extra_template_vars",
    "handle_exception",
    "prepare_connection",
    "register_routes",
    "render_cell",
]
