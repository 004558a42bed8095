"""Turn a response's raw bytes into text, safely: bounded decompression, then charset decoding.

Decompression is ours rather than httpx's so that the size cap holds on the *decompressed* bytes
chunk by chunk: a 1 MB brotli bomb must fail at the cap, not after expanding to gigabytes.
Charset follows the order browsers use: HTTP header, BOM, `<meta charset>`, then detection.
"""

from __future__ import annotations

import codecs
import re
import zlib
from collections.abc import Iterator

import brotli
from charset_normalizer import from_bytes

from ..errors import DecodeLimitError

__all__ = ["DecodeLimitError", "Decompressor", "decode_html", "find_meta_charset"]

_CHUNK = 64 * 1024


class Decompressor:
    """Streaming decoder for a Content-Encoding chain that never yields more than `limit` bytes."""

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        self.limit = limit
        self.produced = 0
        names = [e.strip().lower() for e in (content_encoding or "").split(",") if e.strip()]
        # Encodings are listed in the order they were applied; undo them in reverse.
        self._steps = [self._make(name) for name in reversed(names) if name not in ("identity", "")]

    @staticmethod
    def _make(name: str) -> object:
        if name in ("gzip", "x-gzip"):
            return zlib.decompressobj(wbits=47)
        if name == "deflate":
            return _Deflate()
        if name == "br":
            return brotli.Decompressor()
        raise DecodeLimitError(f"unsupported content encoding {name!r}")

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decode one network read, in pieces of at most 64 KB, raising as soon as the cap is passed.

        Every stage is a generator pulled by the one after it, so however much one read expands
        (a 1.6 KB brotli body to 2 GB, `gzip, gzip` to 1 GB) no more than one piece per stage exists
        at a time, and nothing past the cap is ever decompressed.
        """
        chunks: Iterator[bytes] = iter((data,))
        for step in self._steps:
            chunks = _chain(step, chunks)
        for out in chunks:
            self.produced += len(out)
            if self.produced > self.limit:
                raise DecodeLimitError(f"body larger than {self.limit:,} bytes after decompression", over_cap=True)
            yield out


def _chain(step: object, chunks: Iterator[bytes]) -> Iterator[bytes]:
    for chunk in chunks:
        yield from _run(step, chunk)


class _Deflate:
    """'deflate' is zlib-wrapped per the RFC, but many servers send raw deflate; accept both."""

    def __init__(self) -> None:
        self._obj: zlib._Decompress | None = None
        self._pending = b""

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if self._obj is None:
            self._pending += data
            if len(self._pending) < 2:
                return b""
            first = self._pending[0]
            self._obj = zlib.decompressobj() if first & 0x0F == 8 else zlib.decompressobj(-15)
            data, self._pending = self._pending, b""
        return self._obj.decompress(data, max_length)

    @property
    def unconsumed_tail(self) -> bytes:
        return self._obj.unconsumed_tail if self._obj is not None else b""


def _run(step: object, data: bytes) -> Iterator[bytes]:
    """Feed `data` through one decoder, yielding output in bounded pieces."""
    try:
        if isinstance(step, brotli.Decompressor):
            out = step.process(data, output_buffer_limit=_CHUNK)
            while True:
                if out:
                    yield out
                if step.can_accept_more_data() or step.is_finished():
                    return
                out = step.process(b"", output_buffer_limit=_CHUNK)
        out = step.decompress(data, _CHUNK)  # type: ignore[attr-defined]
        while True:
            if out:
                yield out
            tail = step.unconsumed_tail  # type: ignore[attr-defined]
            if not tail and len(out) < _CHUNK:
                return  # input used up and the output buffer was not full: nothing pending inside zlib
            out = step.decompress(tail, _CHUNK)  # type: ignore[attr-defined]
    except (zlib.error, brotli.error) as exc:
        raise DecodeLimitError(f"corrupt compressed body: {exc}") from None


# ---------------------------------------------------------------- charsets

# WHATWG: these labels mean windows-1252 in every browser, and real pages rely on it.
_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "windows-1252": "cp1252",
    "x-user-defined": "cp1252",
    "iso-8859-9": "cp1254",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-sjis": "shift_jis",
    "utf8": "utf-8",
}
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# One tag is looked at for at most _TAG_SCAN bytes: an unbounded `<meta[^>]+?charset` regex made 65 KB
# of repeated "<meta" (no ">" anywhere) quadratic, 6.8 s on the event loop; now it is linear.
_TAG_SCAN = 1024
_META_OPEN = re.compile(rb"<meta", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
# The HTML spec's prescan looks at 1,024 bytes, but real heads (Wix, Next.js) put <meta charset> after
# tens of kilobytes of inline CSS and JSON; 64 KB finds those and is still one cheap pass.
_HEAD_SCAN = 64 * 1024


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def charset_from_content_type(content_type: str | None) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([-\w.:]+)", content_type or "", re.IGNORECASE)
    return match.group(1) if match else None


def find_meta_charset(head: bytes) -> str | None:
    """The charset of the first `<meta ... charset=...>` in the first 64 KB; linear in the bytes read."""
    head = head[:_HEAD_SCAN]
    for opening in _META_OPEN.finditer(head):
        start = opening.end()
        limit = start + _TAG_SCAN
        ends = [i for i in (head.find(b">", start, limit), head.find(b"<", start, limit)) if i >= 0]
        tag = head[start : min(ends, default=limit)]  # the tag ends at ">", or where another one starts
        if (match := _META_CHARSET.search(tag)) is not None:
            return match.group(1).decode("ascii", "replace")
    return None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode `body` to text; returns (text, codec name).  Never raises on bad bytes.

    A declared charset that cannot decode the bytes strictly (a server saying utf-8 over
    windows-1252 bytes is common) is distrusted and detection decides instead.
    """
    for raw, source in (
        (charset_from_content_type(content_type), "header"),
        (None, "bom"),
        (find_meta_charset(body), "meta"),
    ):
        if source == "bom":
            for bom, name in _BOMS:
                if body.startswith(bom):
                    return body[len(bom) :].decode(name, "replace"), name
            continue
        codec = _codec(raw)
        if codec is None:
            continue
        try:
            return body.decode(codec), codec
        except UnicodeDecodeError:
            break  # the declaration lies; let detection decide
    return _detect(body)


_LATIN_FAMILY = {
    "cp1250",
    "cp1252",
    "cp1254",
    "cp1257",
    "latin_1",
    "iso8859_2",
    "iso8859_3",
    "iso8859_4",
    "iso8859_9",
    "iso8859_10",
    "iso8859_13",
    "iso8859_14",
    "iso8859_15",
    "iso8859_16",
    "mac_roman",
    "mac_latin2",
    "cp850",
    "cp437",
}
_CENTRAL_EUROPEAN = {"pl", "cs", "sk", "hu", "sl", "hr", "ro", "sr", "bs", "lt", "lv", "et", "tr"}
_HTML_LANG = re.compile(rb"<html\b[^<>]{0,256}?\slang\s*=\s*[\"']?([a-zA-Z]{2,3})", re.IGNORECASE)


def _detect(body: bytes) -> tuple[str, str]:
    """UTF-8 if it decodes; else a statistical guess, nudged towards windows-1252.

    On short or mostly-ASCII pages detectors confuse the Latin code pages (a French page comes
    out as cp1250, turning "û" into "ű").  windows-1252 is by far the most common legacy charset,
    so within the Latin family it wins unless the page says it is in a Central European language.
    """
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(body[: _HEAD_SCAN * 4]).best()
    codec = (_codec(best.encoding) if best is not None else None) or "cp1252"
    lang_match = _HTML_LANG.search(body[:_HEAD_SCAN])
    lang = lang_match.group(1).decode("ascii").lower() if lang_match else ""
    if codec in _LATIN_FAMILY and lang not in _CENTRAL_EUROPEAN:
        try:
            return body.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    return body.decode(codec, "replace"), codec
