"""The publication's own time zone, so that a UTC instant lands on the calendar day its readers saw.

Metadata often states instants in UTC ("2022-11-06T23:00:00Z"), but the article's date, as printed on
the page and as people cite it, is the local one (7 November in Berlin).  Only the zone is guessed;
the instant is never changed, so converting is lossless.  The guess is deliberately narrow: a country
from the `lang` region or the country-code TLD, or a language spoken almost only in Central European
Time.  English or French without a region, Spanish and Portuguese without a country, and the US are
left in UTC: their zones are too spread out (and English pages use en-US far beyond the US).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from urllib.parse import urlsplit

__all__ = ["local_zone", "to_local", "with_page_zone"]

_CET_COUNTRIES = frozenset(
    [
        "de",
        "at",
        "ch",
        "li",
        "it",
        "sm",
        "va",
        "fr",
        "mc",
        "es",
        "ad",
        "nl",
        "be",
        "lu",
        "pl",
        "cz",
        "sk",
        "hu",
        "si",
        "hr",
        "ba",
        "rs",
        "me",
        "mk",
        "al",
        "dk",
        "se",
        "no",
        "mt",
    ]
)
# French is left out: Quebec, Haiti and West Africa write it as much as France does
_CET_LANGS = frozenset(["de", "it", "nl", "pl", "cs", "sk", "hu", "sl", "hr", "sr", "bs", "da", "sv", "nb", "nn", "no"])
# country-code domains that are mostly bought for their letters, not their country
_VANITY_TLDS = frozenset(
    ["co", "me", "tv", "io", "ai", "fm", "am", "ws", "cc", "to", "la", "gg", "ly", "so", "sh", "ac", "tk", "nu"]
)
# fixed offsets of countries without daylight saving time in the years that matter here
_FIXED = {"ar": -3, "br": -3, "uy": -3, "bo": -4, "ve": -4, "co": -5, "pe": -5, "ec": -5, "mx": -6, "gt": -6}


def _last_sunday(year: int, month: int) -> datetime:
    day = datetime(year, month, 31 if month in (3, 10) else 30, 1, tzinfo=UTC)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def _cet(moment: datetime) -> tzinfo:
    """CET/CEST by the EU rule: summer time from the last Sunday of March to that of October, 01:00 UTC."""
    summer = _last_sunday(moment.year, 3) <= moment < _last_sunday(moment.year, 10)
    return timezone(timedelta(hours=2 if summer else 1))


def _country(lang: str, url: str) -> str:
    parts = lang.lower().replace("_", "-").split("-")
    if len(parts) > 1 and len(parts[1]) == 2:
        return parts[1]
    host = urlsplit(url).hostname or ""
    tld = host.rsplit(".", 1)[-1] if "." in host else ""
    return tld if len(tld) == 2 and tld not in _VANITY_TLDS else ""


def local_zone(lang: str, url: str, moment: datetime) -> tzinfo | None:
    """The page's zone at `moment`, or None when it cannot be told with confidence."""
    country = _country(lang, url)
    if country in _CET_COUNTRIES:
        return _cet(moment)
    if country in _FIXED:
        return timezone(timedelta(hours=_FIXED[country]))
    if not country and lang.lower()[:2] in _CET_LANGS:
        return _cet(moment)
    return None


def to_local(iso: str, lang: str, url: str) -> str:
    """An ISO instant stated in UTC, re-expressed in the page's zone; anything else unchanged."""
    if len(iso) <= 10 or not iso.endswith("+00:00"):
        return iso
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    zone = local_zone(lang, url, moment)
    return moment.astimezone(zone).isoformat(timespec="seconds") if zone else iso


def with_page_zone(wall: str, beside: str, lang: str, url: str) -> str:
    """A wall-clock time the page writes without a zone ("Updated 2026-11-22 20:15"), given the zone of
    `beside`, the page's other date, which has one: the same newsroom's clock.  The zone the page's
    country keeps at that moment wins over `beside`'s offset (summer time may differ between them)."""
    if len(wall) <= 10 or len(beside) <= 19 or beside[-6] not in "+-":
        return wall
    try:
        moment, other = datetime.fromisoformat(wall), datetime.fromisoformat(beside)
    except ValueError:
        return wall
    if moment.tzinfo is not None or other.tzinfo is None:
        return wall
    # the wall clock read as UTC tells summer from winter time but for an hour at each switch
    zone = local_zone(lang, url, moment.replace(tzinfo=UTC)) or other.tzinfo
    return moment.replace(tzinfo=zone).isoformat(timespec="seconds")
