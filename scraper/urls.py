"""URL canonicalisation: one article, one frontier row, however the link to it was written.

Links to the same story differ by fragment, tracking parameters (utm_*, fbclid, ...), host case,
an explicit default port, or query order.  `canonicalize` folds all of those; anything it cannot
parse or that is not http(s) comes back as None rather than as a half-cleaned URL.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

__all__ = ["TRACKING_PARAMS", "canonicalize", "host_of", "origin_of"]

# Parameters that identify a campaign or a click, never a document.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gclsrc",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ocid",
        "cmpid",
        "xtor",
        "at_medium",
        "at_campaign",
        "ito",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "sr_share",
        "smid",
        "ref_src",
        "share",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "at_", "hsa_", "oly_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_UNRESERVED_ESCAPE = re.compile(r"%(2[DdEe]|3[0-9]|[46][1-9A-Fa-f]|[57][0-9Aa]|5[Ff]|7[Ee])")
_SAFE_PATH = "/:@!$&'()*+,;=-._~%"


def _is_tracking(name: str) -> bool:
    low = name.lower()
    return low in TRACKING_PARAMS or low.startswith(_TRACKING_PREFIXES)


def _clean_path(path: str) -> str:
    # Decode escapes of unreserved characters (%7E -> ~), escape what must be, keep the rest as sent.
    path = _UNRESERVED_ESCAPE.sub(lambda m: unquote(m.group(0)), path)
    path = quote(path, safe=_SAFE_PATH)
    return path or "/"


def canonicalize(url: str, base: str | None = None) -> str | None:
    """The canonical form of `url` (resolved against `base`), or None if it is not a usable http(s) URL."""
    url = url.strip()
    if not url:
        return None
    try:
        if base:
            url = urljoin(base, url)
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return None
    if scheme not in _DEFAULT_PORTS or not host or not _good_host(host):
        return None
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host.lower()
    except UnicodeError:
        return None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    query = urlencode(sorted(pairs), doseq=True)
    return urlunsplit((scheme, netloc, _clean_path(parts.path), query, ""))


def _good_host(host: str) -> bool:
    """No empty label ("example..com", ".example.com") and nothing a host name cannot hold."""
    if host.startswith("[") or ":" in host:  # an IPv6 literal
        return True
    return all(host.split(".")) and not any(c.isspace() or c in "\\/@" for c in host)


def host_of(url: str) -> str:
    """The lowercase host (with a non-default port), the unit of politeness."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if ":" in host:  # an IPv6 literal keeps its brackets, or "::1:8080" could be a port or an address
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    return host if port in (None, _DEFAULT_PORTS.get(parts.scheme.lower())) else f"{host}:{port}"


def origin_of(url: str) -> str:
    """scheme://host[:port], where robots.txt lives."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{host_of(url)}"
