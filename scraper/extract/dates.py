"""Dates: machine-readable forms, a fast multilingual text parser, relative dates, URL dates.

dateparser is slow and memory-hungry on strings it cannot parse, so it is the last step: only for a
short date-looking string, only with the page language given explicitly, through a cached parser.
Results are ISO 8601 strings; a bare date stays a bare date.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any

__all__ = [
    "MODIFIED_LABEL",
    "PUBLISHED_LABEL",
    "absolute_dates",
    "date_from_url",
    "is_machine_date",
    "parse_date",
    "parse_iso",
    "parse_text_date",
    "plausible",
    "scan_text_dates",
]


def _each(names: str) -> tuple[str, ...]:
    """A language's twelve month names, one word each."""
    return tuple(names.split())


_MONTHS_RAW: dict[str, tuple[str, ...]] = {
    "en": (
        "january jan",
        "february feb",
        "march mar",
        "april apr",
        "may",
        "june jun",
        "july jul",
        "august aug",
        "september sep sept",
        "october oct",
        "november nov",
        "december dec",
    ),
    "fr": (
        "janvier janv",
        "février fevrier fév fev févr fevr",
        "mars",
        "avril avr",
        "mai",
        "juin",
        "juillet juil",
        "août aout",
        "septembre sept",
        "octobre oct",
        "novembre nov",
        "décembre decembre déc dec",
    ),
    "de": (
        "januar jänner jan",
        "februar feb",
        "märz maerz mär mrz",
        "april apr",
        "mai",
        "juni jun",
        "juli jul",
        "august aug",
        "september sep sept",
        "oktober okt",
        "november nov",
        "dezember dez",
    ),
    "es": (
        "enero ene",
        "febrero feb",
        "marzo mar",
        "abril abr",
        "mayo may",
        "junio jun",
        "julio jul",
        "agosto ago",
        "septiembre setiembre sep sept",
        "octubre oct",
        "noviembre nov",
        "diciembre dic",
    ),
    "it": (
        "gennaio gen",
        "febbraio feb",
        "marzo mar",
        "aprile apr",
        "maggio mag",
        "giugno giu",
        "luglio lug",
        "agosto ago",
        "settembre set",
        "ottobre ott",
        "novembre nov",
        "dicembre dic",
    ),
    "pt": (
        "janeiro jan",
        "fevereiro fev",
        "março marco mar",
        "abril abr",
        "maio mai",
        "junho jun",
        "julho jul",
        "agosto ago",
        "setembro set",
        "outubro out",
        "novembro nov",
        "dezembro dez",
    ),
    "nl": (
        "januari jan",
        "februari feb",
        "maart mrt",
        "april apr",
        "mei",
        "juni jun",
        "juli jul",
        "augustus aug",
        "september sep sept",
        "oktober okt",
        "november nov",
        "december dec",
    ),
    "ru": (
        "января январь янв",
        "февраля февраль фев",
        "марта март мар",
        "апреля апрель апр",
        "мая май",
        "июня июнь июн",
        "июля июль июл",
        "августа август авг",
        "сентября сентябрь сен сент",
        "октября октябрь окт",
        "ноября ноябрь ноя",
        "декабря декабрь дек",
    ),
    "uk": (
        "січня січень січ",
        "лютого лютий лют",
        "березня березень бер",
        "квітня квітень квіт",
        "травня травень трав",
        "червня червень черв",
        "липня липень лип",
        "серпня серпень серп",
        "вересня вересень вер",
        "жовтня жовтень жовт",
        "листопада листопад лист",
        "грудня грудень груд",
    ),
    "pl": (
        "stycznia styczeń styczen sty",
        "lutego luty lut",
        "marca marzec mar",
        "kwietnia kwiecień kwiecien kwi",
        "maja maj",
        "czerwca czerwiec cze",
        "lipca lipiec lip",
        "sierpnia sierpień sierpien sie",
        "września wrzesień wrzesien wrz",
        "października październik pazdziernika paź paz",
        "listopada listopad lis",
        "grudnia grudzień grudzien gru",
    ),
    "cs": (
        "ledna leden",
        "února únor",
        "března březen",
        "dubna duben",
        "května květen",
        "června červen",
        "července červenec",
        "srpna srpen",
        "září",
        "října říjen",
        "listopadu",
        "prosince prosinec",
    ),
    "sv": (
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "fi": (
        "tammikuuta tammikuu",
        "helmikuuta helmikuu",
        "maaliskuuta maaliskuu",
        "huhtikuuta huhtikuu",
        "toukokuuta toukokuu",
        "kesäkuuta kesäkuu",
        "heinäkuuta heinäkuu",
        "elokuuta elokuu",
        "syyskuuta syyskuu",
        "lokakuuta lokakuu",
        "marraskuuta marraskuu",
        "joulukuuta joulukuu",
    ),
    "da": _each("januar februar marts april maj juni juli august september oktober november december"),
    "no": _each("januar februar mars april mai juni juli august september oktober november desember"),
    "ro": (
        "ianuarie ian",
        "februarie feb",
        "martie mar",
        "aprilie apr",
        "mai",
        "iunie iun",
        "iulie iul",
        "august aug",
        "septembrie sept",
        "octombrie oct",
        "noiembrie noi",
        "decembrie dec",
    ),
    "hu": (
        "január jan",
        "február febr",
        "március márc",
        "április ápr",
        "május máj",
        "június jún",
        "július júl",
        "augusztus aug",
        "szeptember szept",
        "október okt",
        "november nov",
        "december dec",
    ),
    "tr": _each("ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık"),
    "el": (
        "ιανουαρίου ιανουάριος ιανουαριου ιαν",
        "φεβρουαρίου φεβρουάριος φεβρουαριου φεβ",
        "μαρτίου μάρτιος μαρτιου μαρ",
        "απριλίου απρίλιος απριλιου απρ",
        "μαΐου μάιος μαιου",
        "ιουνίου ιούνιος ιουνιου ιουν",
        "ιουλίου ιούλιος ιουλιου ιουλ",
        "αυγούστου αύγουστος αυγουστου αυγ",
        "σεπτεμβρίου σεπτέμβριος σεπτεμβριου σεπ",
        "οκτωβρίου οκτώβριος οκτωβριου οκτ",
        "νοεμβρίου νοέμβριος νοεμβριου νοε",
        "δεκεμβρίου δεκέμβριος δεκεμβριου δεκ",
    ),
    "sk": (
        "januára január",
        "februára február",
        "marca marec",
        "apríla apríl",
        "mája máj",
        "júna jún",
        "júla júl",
        "augusta august",
        "septembra september",
        "októbra október",
        "novembra november",
        "decembra december",
    ),
    "hr": _each("siječnja veljače ožujka travnja svibnja lipnja srpnja kolovoza rujna listopada studenoga prosinca"),
    "ca": _each("gener febrer març abril maig juny juliol agost setembre octubre novembre desembre"),
    "id": _each("januari februari maret april mei juni juli agustus september oktober november desember"),
    "ar": _each("يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر"),
}


def _build_months() -> dict[str, int]:
    table: dict[str, int] = {}
    for names in _MONTHS_RAW.values():
        for month, words in enumerate(names, 1):
            for word in words.split():
                table.setdefault(word, month)
    return table


MONTHS = _build_months()
_TIME = (
    r"(?:\s*(?:,|à|a las|às|alle|om|um|at|o|kl\.?|klo|-|–)?\s*(\d{1,2})\s*(?:[:h.])\s*(\d{2})(?:[:.](\d{2}))?"
    r"\s*(am|pm|a\.m\.|p\.m\.|AM|PM|A\.M\.|P\.M\.)?)?"
)
# Any word stands in for the month and is looked up in MONTHS afterwards: an alternation of ~250
# month names, tried at every position of a page, made these scans 10x slower.
_WORD = r"([^\W\d_]{3,13})"
_DAY_FIRST = re.compile(
    rf"\b(\d{{1,2}})(?:\.|er|st|nd|rd|th|º|°)?\s*(?:de\s+|of\s+)?{_WORD}\.?,?\s*(?:de\s+)?(\d{{4}})\b{_TIME}",
    re.IGNORECASE,
)
_MONTH_FIRST = re.compile(rf"(?<!\w){_WORD}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b{_TIME}", re.IGNORECASE)
# the patterns below open on a digit, not on a look-behind: CPython's `re` then skips ahead to the next digit
# instead of trying every position (4x faster over a page); `\d(?<!X\d)` is "a digit not preceded by X"
_YEAR = re.compile(r"\d(?<!\d\d)\d{3}(?!\d)")
_BEFORE_YEAR = 45
_AFTER_YEAR = 30  # room for a time after the year: ", 14:30 Uhr"
_NUMERIC = re.compile(rf"(\d(?<![\d/.-]\d)\d?)([./-])(\d{{1,2}})\2(\d{{4}}|\d{{2}})(?![\d/-]|\.\d){_TIME}")
# "2025年3月4日" (Chinese, Japanese), "2025년 3월 4일" (Korean)
_CJK = re.compile(rf"(\d{{4}})\s*[年년]\s*(\d{{1,2}})\s*[月월]\s*(\d{{1,2}})\s*[日일]?{_TIME}")
# "2025. március 4." (Hungarian): the year first, then the month's name
_YEAR_MONTH_DAY = re.compile(rf"\b(\d{{4}})\.\s+{_WORD}\.?\s+(\d{{1,2}})\.?(?!\d){_TIME}", re.IGNORECASE)
# "7. 3. 2025": day, month and year spaced after their dots (Czech, Slovak, some German pages)
_SPACED = re.compile(rf"(\d(?<![\d.]\d)\d?)\. (\d{{1,2}})\. (\d{{4}})(?![\d.]|\.\d){_TIME}")
_YMD = re.compile(rf"(\d(?<!\d\d)\d{{3}})([./-])(\d{{1,2}})\2(\d{{1,2}})(?!\d){_TIME}")
_ISO = re.compile(
    r"(\d{4})-?(\d{2})-?(\d{2})(?:[T ]?(\d{2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?"
)
_RELATIVE = re.compile(
    r"(?:il y a|vor|hace|há|ha|fa|sedan)?\s*(\d+|an?|one|un|une|ein|eine|einem|einer)\s+"
    r"(seconds?|secondes?|sekunden?|segundos?|secondi|seconden|sekund|minutes?|minuten?|minutos?|minuti|minuut|minut|mins?"
    r"|hours?|heures?|stunden?|horas?|ore|ora|uur|godzin[ay]?|godz|hrs?|days?|jours?|tage?n?|días?|dias?|giorni|giorno"
    r"|dagen|dag|dni|dzień|weeks?|semaines?|wochen?|semanas?|settimane?|weken|week|tygodni|months?|mois|monate?n?"
    r"|meses|mes|mesi|mese|maanden|maand|miesięcy"
    # Russian and Ukrainian, Czech, Swedish, Turkish: "3 часа назад", "před 3 hodinami", "för 2 timmar
    # sedan", "5 dakika önce"
    r"|секунд\w*|минут\w*|хвилин\w*|час\w*|годин\w*|дн\w*|день|недел\w*|тиж\w*|месяц\w*|місяц\w*"
    r"|sekund\w*|hodin\w*|dny|dnem|týdn\w*|měsíc\w*|minuter|timm\w*|dagar|veck\w*|månad\w*"
    r"|saniye|dakika|saat|gün|hafta)"
    r"\s*(?:ago|geleden|fa|temu|atrás|назад|тому|önce|sedan)?",
    re.IGNORECASE,
)
# "5h ago", "3d ago", "2 min. ago": a comment widget's short form
_RELATIVE_SHORT = re.compile(r"(?<![\w.])(\d+)\s?(s|m|min|h|hr|d|w|wk|mo|y|yr)\.?\s+ago\b", re.IGNORECASE)
_SHORT_UNITS = {
    **{"s": 1, "m": 60, "h": 3600, "hr": 3600, "d": 86400, "w": 604800, "wk": 604800},
    **{"mo": 2592000, "y": 31536000, "yr": 31536000},
}
# "3時間前" (Japanese), "3小时前" (Chinese), "3시간 전" (Korean): the unit is glued to the count
_RELATIVE_CJK = re.compile(
    r"(\d+)\s*(秒|分钟|分鐘|分|時間|小时|小時|天|日|週間|周|週|か月|ヶ月|个月|個月|초|분|시간|일|주|개월)\s*(?:前|전)"
)
_UNIT_SECONDS = (
    ("sec", 1),
    ("sek", 1),
    ("seg", 1),
    ("min", 60),
    ("hour", 3600),
    ("heure", 3600),
    ("stund", 3600),
    ("hora", 3600),
    ("ora", 3600),
    ("ore", 3600),
    ("uur", 3600),
    ("godz", 3600),
    ("hr", 3600),
    ("day", 86400),
    ("jour", 86400),
    ("tag", 86400),
    ("día", 86400),
    ("dia", 86400),
    ("giorn", 86400),
    ("dag", 86400),
    ("dni", 86400),
    ("dzie", 86400),
    ("week", 604800),
    ("semain", 604800),
    ("woche", 604800),
    ("seman", 604800),
    ("settiman", 604800),
    ("weken", 604800),
    ("tygod", 604800),
    ("month", 2592000),
    ("mois", 2592000),
    ("monat", 2592000),
    ("mes", 2592000),
    ("maand", 2592000),
    ("miesi", 2592000),
    *(("секунд", 1), ("минут", 60), ("хвилин", 60), ("час", 3600), ("годин", 3600), ("дн", 86400)),
    *(("день", 86400), ("недел", 604800), ("тиж", 604800), ("месяц", 2592000), ("місяц", 2592000)),
    *(("hodin", 3600), ("týd", 604800), ("měsíc", 2592000), ("timm", 3600), ("veck", 604800)),
    *(("månad", 2592000), ("saniye", 1), ("dakika", 60), ("saat", 3600), ("gün", 86400), ("hafta", 604800)),
    *(("秒", 1), ("分", 60), ("時間", 3600), ("小时", 3600), ("小時", 3600), ("天", 86400), ("日", 86400)),
    *(("週", 604800), ("周", 604800), ("か月", 2592000), ("ヶ月", 2592000), ("个月", 2592000), ("個月", 2592000)),
    *(("초", 1), ("분", 60), ("시간", 3600), ("일", 86400), ("주", 604800), ("개월", 2592000)),
)
_RELATIVE_CUE = re.compile(
    r"\b(?:il y a|vor|hace|há|fa|ago|geleden|temu|atrás|sedan|назад|тому|před|önce)\b|\d\s*\D{1,3}\s*(?:前|전)",
    re.IGNORECASE,
)
_DAY_WORDS = {
    "aujourd'hui": 0,
    "aujourd’hui": 0,
    "today": 0,
    "heute": 0,
    "hoy": 0,
    "oggi": 0,
    "hoje": 0,
    "vandaag": 0,
    "dzisiaj": 0,
    "dziś": 0,
    "hier": -1,
    "yesterday": -1,
    "gestern": -1,
    "ayer": -1,
    "ieri": -1,
    "ontem": -1,
    "gisteren": -1,
    "wczoraj": -1,
    "avant-hier": -2,
    "vorgestern": -2,
    "anteayer": -2,
    "anteontem": -2,
    "eergisteren": -2,
    "przedwczoraj": -2,
    **{"сегодня": 0, "сьогодні": 0, "dnes": 0, "idag": 0, "i dag": 0, "bugün": 0},
    **{"вчера": -1, "вчора": -1, "včera": -1, "igår": -1, "i går": -1, "dün": -1},
    **{"позавчера": -2, "позавчора": -2, "předevčírem": -2, "i förrgår": -2},
    # Chinese, Japanese, Korean: no word boundaries around them in running text
    **{"今天": 0, "今日": 0, "오늘": 0, "昨天": -1, "昨日": -1, "어제": -1, "前天": -2, "一昨日": -2, "그저께": -2},
}
_DAY_WORD = re.compile(
    r"(?<![\w-])(" + "|".join(sorted(map(re.escape, _DAY_WORDS), key=len, reverse=True)) + r")(?!\w)", re.IGNORECASE
)
PUBLISHED_LABEL = re.compile(
    r"\b(?:erschienen|veröffentlicht|publiziert|published|posted|publié|publicado|publicada|pubblicato|"
    r"gepubliceerd|opublikowano|publicerad|publicerat|publiceret|publisert|publikováno|zveřejněno|julkaistu|"
    r"yayınlanma|yayın tarihi|giriş|publicat|publicată|közzétéve|megjelent|δημοσίευση|δημοσιεύθηκε|опубликовано|"
    r"опубліковано|פורסם|diterbitkan|dipublikasikan|发布时间|發布時間|发布|發布|投稿日|公開日|입력|đăng)\b",
    re.IGNORECASE,
)
MODIFIED_LABEL = re.compile(
    r"\b(?:mis à jour|mise à jour|modifié|actualisé|updated?|last modified|modified|aktualisiert|"
    r"geändert|zuletzt|actualizado|modificado|aggiornato|modificato|atualizado|bijgewerkt|gewijzigd|"
    r"zaktualizowano|aktualizacja|letzte änderung|stand|uppdaterad|uppdaterat|opdateret|oppdatert|"
    r"aktualizováno|päivitetty|güncelleme|güncellendi|actualizat|actualizată|frissítve|frissítés|ενημέρωση|"
    r"ενημερώθηκε|обновлено|оновлено|עודכן|diperbarui|更新时间|更新時間|更新日|수정|cập nhật)\b",
    re.IGNORECASE,
)
_URL_DATE = (
    re.compile(r"/((?:19|20)\d{2})[/_-]([01]?\d)[/_-]([0-3]?\d)(?:[/_.-]|$)"),
    re.compile(r"[/_-]((?:19|20)\d{2})([01]\d)([0-3]\d)(?:[/_.-]|$)"),
)
_URL_DMY = re.compile(r"/([0-3]\d)-?([01]\d)-?((?:19|20)\d{2})-")
_MDY_LANGS = ("en-us", "en_us")
# "4/11/2016 6:05 AM PDT": Pacific, Mountain, Central, Eastern, Alaska, Hawaii time are written month first
_US_ZONE = re.compile(r"\s*\(?(?:[ECMP][SD]?T|AK[SD]T|H[AS]T)\b")


def plausible(value: datetime | date, now: datetime) -> bool:
    """Inside 1990..now+1 day: anything else is a copyright year, a birth date or an event ahead."""
    day = value.date() if isinstance(value, datetime) else value
    return date(1990, 1, 1) <= day <= (now + timedelta(days=1)).date()


def _fmt(value: datetime | date) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def _tz(text: str | None) -> timezone | None:
    if not text:
        return None
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 14 or minutes > 59:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_iso(text: str, now: datetime | None = None) -> str | None:
    """ISO 8601 (and the compact and RFC 2822 forms metadata carry) -> ISO string, else None."""
    text = text.strip()
    if not text or len(text) > 80:
        return None
    now = now or datetime.now(UTC)
    m = _ISO.match(text)
    if m and (m[4] is None or len(text) >= 10):
        try:
            day = date(int(m[1]), int(m[2]), int(m[3]))
            if m[4] is None:
                return _fmt(day) if plausible(day, now) else None
            moment = datetime(day.year, day.month, day.day, int(m[4]), int(m[5]), int(m[6] or 0), tzinfo=_tz(m[7]))
        except ValueError:
            return None
        return _fmt(moment) if plausible(moment, now) else None
    if re.match(r"^(?:\w{3},\s*)?\d{1,2}\s+\w{3}\s+\d{4}", text):
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        return _fmt(moment) if plausible(moment, now) else None
    return None


def _year(text: str) -> int:
    year = int(text)
    return year + (2000 if year < 70 else 1900) if year < 100 else year


def _with_time(day: date, hour: str | None, minute: str | None, second: str | None, ampm: str | None) -> str:
    if hour is None or minute is None:
        return _fmt(day)
    h, mi = int(hour), int(minute)
    if ampm:
        h = h % 12 + (12 if ampm.lower().startswith("p") else 0)
    if h > 23 or mi > 59:
        return _fmt(day)
    return _fmt(datetime(day.year, day.month, day.day, h, mi, int(second or 0)))


def _numeric(m: re.Match[str], lang: str | None) -> tuple[int, int, int]:
    """Day and month of "4/11/2016": by the page's region, or by a North American zone after the time."""
    first, second, year = int(m[1]), int(m[3]), _year(m[4])
    month_first = bool(lang and lang.lower().replace("_", "-") in _MDY_LANGS and m[2] == "/")
    if m[2] == "/" and _US_ZONE.match(m.string, m.end()):
        month_first = True
    if first > 12:
        month_first = False
    elif second > 12:
        month_first = True
    return (year, first, second) if month_first else (year, second, first)


def absolute_dates(text: str, lang: str | None, now: datetime) -> tuple[tuple[int, str], ...]:
    """Every plausible absolute date in `text` as (offset, ISO), in reading order.

    Memoized: the fallbacks of one page (headline, `<time>` texts, page windows, published and
    modified) look at overlapping texts, and each is parsed once however many of them ask.
    """
    return _absolute_dates(text, lang, now)


@lru_cache(maxsize=256)
def _absolute_dates(text: str, lang: str | None, now: datetime) -> tuple[tuple[int, str], ...]:
    candidates: list[tuple[int, str]] = []
    # dates with a month name always carry a four-digit year: run those (word-based, slow) patterns
    # only in a short span before each year instead of at every position of the text
    done = -1
    for found in _YEAR.finditer(text):
        lo, hi = max(found.start() - _BEFORE_YEAR, done), found.end() + _AFTER_YEAR
        if lo >= found.start():
            continue
        for m in _DAY_FIRST.finditer(text, lo, hi):
            month = MONTHS.get(m[2].lower())
            if month:
                candidates.append((m.start(), _try(int(m[3]), month, int(m[1]), m, 4, now)))
        for m in _MONTH_FIRST.finditer(text, lo, hi):
            month = MONTHS.get(m[1].lower())
            if month:
                candidates.append((m.start(), _try(int(m[3]), month, int(m[2]), m, 4, now)))
        for m in _YEAR_MONTH_DAY.finditer(text, found.start(), hi):
            month = MONTHS.get(m[2].lower())
            if month:
                candidates.append((m.start(), _try(int(m[1]), month, int(m[3]), m, 4, now)))
        done = found.end()
    for m in _YMD.finditer(text):
        candidates.append((m.start(), _try(int(m[1]), int(m[3]), int(m[4]), m, 5, now)))
    for m in _NUMERIC.finditer(text):
        year, month, day = _numeric(m, lang)
        candidates.append((m.start(), _try(year, month, day, m, 5, now)))
    if not text.isascii():
        for m in _CJK.finditer(text):
            candidates.append((m.start(), _try(int(m[1]), int(m[2]), int(m[3]), m, 4, now)))
    for m in _SPACED.finditer(text):
        candidates.append((m.start(), _try(int(m[3]), int(m[2]), int(m[1]), m, 4, now)))
    return tuple(sorted({(pos, value) for pos, value in candidates if value}))


def _absolute(text: str, lang: str | None, now: datetime) -> str | None:
    found = absolute_dates(text, lang, now)
    return found[0][1] if found else None


def _try(year: int, month: int, day: int, m: re.Match[str], first_time: int, now: datetime) -> str:
    try:
        value = date(year, month, day)
    except ValueError:
        return ""
    if not plausible(value, now):
        return ""
    g = first_time
    return _with_time(value, m[g], m[g + 1], m[g + 2], m[g + 3])


def may_be_relative(text: str) -> bool:
    """`text` has a day word or a relative cue ("hier", "yesterday", "il y a une heure"): a date that may
    be written without a digit."""
    return bool(_DAY_WORD.search(text) or _RELATIVE_CUE.search(text))


def _relative(text: str, lang: str | None, now: datetime) -> str | None:
    m = _DAY_WORD.search(text)
    if m and (m[1].lower() != "hier" or (lang or "fr").lower().startswith("fr")) and len(text) < 60:
        return _fmt((now + timedelta(days=_DAY_WORDS[m[1].lower()])).date())
    if not _RELATIVE_CUE.search(text):
        return None
    m = _RELATIVE.search(text) or _RELATIVE_CJK.search(text) or _RELATIVE_SHORT.search(text)
    if not m:
        return None
    count = int(m[1]) if m[1].isdigit() else 1
    unit = m[2].lower()
    seconds = _SHORT_UNITS.get(unit) or next((s for prefix, s in _UNIT_SECONDS if unit.startswith(prefix)), None)
    if seconds is None:
        return None
    moment = now - timedelta(seconds=count * seconds)
    return _fmt(moment.date()) if seconds >= 86400 else _fmt(moment.replace(microsecond=0))


def parse_text_date(text: str, lang: str | None = None, now: datetime | None = None) -> str | None:
    """A date written for people ("20 juin 2024", "2. Okt. 2022 um 8:29", "il y a 3 heures")."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not text or len(text) > 300:
        return None
    now = now or datetime.now(UTC)
    return _absolute(text, lang, now) or _relative(text, lang, now)


def scan_text_dates(text: str, lang: str | None = None, now: datetime | None = None) -> str | None:
    """The first absolute date written anywhere in a long text (a page region); relative dates are
    ignored here because "vor 3 Tagen" in a sidebar says nothing about the article."""
    if not text:
        return None
    return _absolute(unicodedata.normalize("NFKC", text), lang, now or datetime.now(UTC))


# RFC 2822 has a time of day: "14 May 2024" alone is a date written for people (and "14 mai 2024"
# is French), which the text parser reads
_RFC_2822 = re.compile(r"(?:\w{3},\s*)?\d{1,2}\s+\w{3}\s+\d{4}\s+\d\d:\d\d(?::\d\d)?(?:\s*(?:GMT|UTC|Z|[+-]\d{4}))?")


def is_machine_date(text: str) -> bool:
    """True when all of `text` is one machine-readable date (ISO 8601 or RFC 2822).

    `parse_iso` has then said all there is to say: an implausible one (a date in the future) is not
    retried by the text parser or dateparser, which would find the same date, or a fragment of it
    ("30-01-01" inside "2030-01-01") read as another date."""
    text = text.strip()
    return bool(_ISO.fullmatch(text) or _RFC_2822.fullmatch(text))


def parse_date(text: str, lang: str | None = None, now: datetime | None = None) -> str | None:
    """Machine form first, then the text parser (unless the text was a machine form)."""
    iso = parse_iso(text, now)
    if iso or is_machine_date(text):
        return iso
    return parse_text_date(text, lang, now)


def date_from_url(url: str, now: datetime | None = None) -> str | None:
    """/2024/03/12/ or -20240312- in the path; the weakest evidence there is."""
    now = now or datetime.now(UTC)
    for pattern in _URL_DATE:
        m = pattern.search(url)
        if m:
            try:
                value = date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                continue
            if plausible(value, now):
                return _fmt(value)
    m = _URL_DMY.search(url)
    if m:
        try:
            value = date(int(m[3]), int(m[2]), int(m[1]))
        except ValueError:
            return None
        return _fmt(value) if plausible(value, now) else None
    return None


@lru_cache(maxsize=16)
def _dateparser(lang: str) -> Any:
    from dateparser.date import DateDataParser

    return DateDataParser(languages=[lang], settings={"PREFER_DAY_OF_MONTH": "first"})


_HAS_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)|(?<![\d])\d{1,2}[./-]\d{1,2}[./-]\d{2}(?!\d)")
_SLOW_LANGS = frozenset(["en", "fr", "de", "es", "it", "pt", "nl", "pl"])


def parse_with_dateparser(text: str, lang: str | None, now: datetime) -> str | None:
    """Last resort for one short element text; never with language auto-detection."""
    code = (lang or "").lower()[:2]
    # without a written year dateparser fills in the current one: a wrong date is worse than none
    if code not in _SLOW_LANGS or not 6 <= len(text) <= 40 or not _HAS_YEAR.search(text):
        return None
    try:
        data = _dateparser(code).get_date_data(text)
    except Exception:  # a third-party parser must not fail the page
        return None
    value = getattr(data, "date_obj", None)
    if value is None or not plausible(value, now):
        return None
    return _fmt(
        value.date() if getattr(data, "period", "day") == "day" and value.time() == datetime.min.time() else value
    )
