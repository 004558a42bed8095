"""Author names: strip bylines' prefixes, roles, e-mails and site names; split lists into names."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from .html import FastCI

__all__ = ["clean_authors", "is_agency", "is_newsroom", "looks_like_name"]

# author-archive link texts: "Alle Beiträge von X", "View all posts by X", "Interview: X"
_LEAD = FastCI(
    re.compile(
        r"^\s*(?:(?:zeige |view )?all(?:e|es)? (?:beiträge |artikel |posts |articles )?(?:von|by)|more from|mehr von|"
        r"tous les articles de|interview\s*:)\s+",
        re.IGNORECASE,
    )
)
_PREFIX = FastCI(
    re.compile(
        r"^\s*(?:(?:written|posted|published|reported|text|texte|text und fotos?|fotos?|photos?|interview)\s+)?"
        r"(?:by|par|von|por|door|av|af|przez|autor(?:in)?|author|auteur(?:e)?|verfasst von|"
        r"écrit par|publié par|posté par|escrito por|publicado por|scritto da|pubblicato da|geschreven door|"
        r"geplaatst door|napisane przez|eingestellt von|"
        r"text|texte|redaktion|rédaction|redacción|redazione|a cura di|"
        # the byline labels of other scripts and languages: Greek, Arabic, Hungarian, Finnish, Indonesian,
        # Turkish, Vietnamese, Russian and Ukrainian, Hebrew, Nordic
        r"γράφει|γράφουν|του|της|από|بقلم|كتب|كتبت|szerző|szerzők|szöveg|teksti|kirjoittanut|penulis|oleh|"
        r"yazan|haber|tác giả|bài|автор|текст|מאת|skrevet av|skrevet af|skriven av)\b\s*[:\-–—]?\s*"
        # Chinese and Japanese labels, always with their separator: "作者：", "文／" (文 is also a surname)
        r"|^\s*(?:作者|文|撰文|记者|記者|编辑|編輯|责任编辑|責任編輯)\s*[:/]\s*",
        re.IGNORECASE,
    )
)
# a profession written before the name in a byline: "Rechtsanwalt Sebastian Einbock", "Avv. Marco Neri"
_PROFESSION = FastCI(
    re.compile(
        r"^\s*(?:rechtsanw(?:a|ä)lt(?:in)?|fachanw(?:a|ä)lt(?:in)?|notar(?:in)?|steuerberater(?:in)?|"
        r"avvocato|avvocata|avv\.|abogad[oa]|attorney|maître|me\.)\s+(?=[^\W\d_])",
        re.IGNORECASE,
    )
)
_SPLIT = FastCI(
    re.compile(
        # one-letter conjunctions (e, y, i) only in lower case and without a dot: "Sarah E. Needleman"
        # has a middle initial, not two names
        r"\s*(?:,|;|&|\||/|\s[·•–—]\s|\band\b|\bet\b|\bund\b|(?-i:\b[eyi]\b(?!\.))|\ben\b|\bsowie\b|"
        # "és", "och", "og", "ja", "ve", "și", "и", "και", "oraz", "dan": lowercase, as conjunctions are
        r"\bés\b|(?-i:\b(?:och|og|ja|ve|și|и|dan|oraz)\b)|\bκαι\b)\s*",
        re.IGNORECASE,
    )
)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"(?<!\w)@\w+")
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_ROLE = FastCI(
    re.compile(
        # a rank word between the comma and the role goes with it: "Tom Ashworth, Chief Reporter"
        r"(?:,\s*[^\W\d_]+\s+(?=(?:reporter|editor|correspondent|writer|photographer|columnist)\b))?"
        r"\b(?:(?:staff|senior)\s+writers?|senior\s+\w+\s+(?:writer|editor|correspondent)|contributing\s+\w+|"
        r"correspondent|corrispondente|corresponsal|correspondente|correspondante?|inviat[oa] speciale|"
        r"reporters?|editor(?:-in-chief)?|journalist(?:e|in)?|rédact(?:eur|rice)(?:\s+en\s+chef)?|"
        r"redakteur(?:in)?|korrespondent(?:in)?|chefredakteur(?:in)?|periodista|redactor[a]?|giornalista|"
        r"photographer|fotograf(?:in)?|freelance(?:r)?|columnist|kolumnist(?:in)?|chroniqueu(?:r|se)|"
        r"envoyée?\s+spéciale?|special\s+correspondent|updated|aktualisiert|mis à jour|publié|published|"
        r"기자|특파원|記者|记者)\b.*$",
        re.IGNORECASE,
    )
)
# a dateline glued to the name: "Joe Wee Monday, February 29", "X am Samstag, 19. Oktober", "X le lundi".
# A weekday alone is not enough: Freitag, Sonntag, Domingo and Sabato are also surnames.
_DAYS = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|montag|dienstag|mittwoch|donnerstag|freitag|"
    r"samstag|sonnabend|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|"
    r"jueves|viernes|sábado|domingo|lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica)"
)
_MONTHS = (
    r"(?:jan|feb|m[aä]r|apr|ma[iy]|jun|jul|aug|sep|o[ck]t|nov|de[cz]|janvier|février|mars|avril|mai|juin|juillet|"
    r"août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|"
    r"octubre|noviembre|diciembre)"
)
_WEEKDAY_TAIL = FastCI(
    re.compile(rf"\s+(?:(?:am|on|le|el|il|op|vom|du)\s+{_DAYS}\b|{_DAYS},?\s+{_MONTHS}).*$", re.IGNORECASE)
)
_NOT_NAME = FastCI(
    re.compile(
        r"^(?:admin|administrator|administrateur|webmaster|root|user|guest|anonymous|anonyme|unknown|"
        r"staff|team|editor|editors|read more|more|follow|view all posts|home|wordpressadmin|"
        r"facebook|twitter|instagram|linkedin|share|comments?|publisher|veröffentlichen|anónimo|anonimo|"
        # a CMS's placeholder account: Squarespace's "Guest User", Joomla's "Super User"
        r"(?:guest|super|default|demo|test|site|admin)[ _-]?(?:user|admin|administrator|author))$",
        re.IGNORECASE,
    )
)
_WORD = re.compile(r"[^\W\d_]", re.UNICODE)
# academic degrees split off "Grant Tinsley, PhD" by the comma
_DEGREE = FastCI(
    re.compile(r"^(?:ph\.?\s?d|m\.?d|m\.?sc?|b\.?sc?|m\.?a|b\.?a|mba|rd|rn|ms|cdn|dr|prof)\.?$", re.IGNORECASE)
)
# a newsroom signing as such ("Redaktion") is a valid author when it is all there is
_NEWSROOM = FastCI(
    re.compile(r"^(?:redaktion|rédaction|redacción|redazione|redactie|redakcja|newsroom)$", re.IGNORECASE)
)


def is_newsroom(names: tuple[str, ...]) -> bool:
    """Every name is a newsroom signing as such ("Redaktion", "Redactie", "Redaktion Digitales Land",
    "Oberlahn-Bote Redaktion", "Sportredaktion")."""
    return bool(names) and all(
        _NEWSROOM.match(n) or _NEWSROOM_NAMED.match(n) or _NAMED_NEWSROOM.match(n) for n in names
    )


# the newsroom's word last: "<Paper> Redaktion", "Online-Redaktion", "Lokalredaktion", "Le Monde rédaction"
_NAMED_NEWSROOM = FastCI(
    re.compile(
        r"^(?:[^\W\d_][^:]*[\s-])?(?:\w*redaktion|rédaction|redacción|redazione|redactie|redakcja|newsroom)$",
        re.IGNORECASE,
    )
)


# in structured data "Redaktion Gelbe Liste" is the newsroom's whole name, not a label before a name
_NEWSROOM_NAMED = FastCI(
    re.compile(
        r"^(?:redaktion|rédaction|redacción|redazione|redactie|redakcja|newsroom)\s+[^\W\d_][^:]*$", re.IGNORECASE
    )
)
_JUNK = FastCI(
    re.compile(
        r"[→»<>{}=©®]|copyright|rights reserved|profil|^(?:foto|photo|bild|fotos|photos)\b|"
        # a stock photo's credit ("Josh Willink von Pexels", "Photo by X on Unsplash")
        r"\b(?:pexels|unsplash|pixabay|shutterstock|istock(?:photo)?|getty ?images|adobe ?stock|depositphotos)\b|"
        # a Korean reporter box's links, which a script without capitals cannot tell from a name by case:
        # "다른기사 보기" (other stories), "기사 더보기", "구독하기" (subscribe)
        r"다른\s?기사|기사\s?보기|더\s?보기|구독\s?하기|바로\s?가기",
        re.IGNORECASE,
    )
)
# a news agency after a hyphen, named after the writer whose story it carried ("Giulia Ferri - ANSA"):
# the hyphen, unlike "/" or ",", joins no co-author (it is left whole: "Matthias Hille - Lukas Balbach")
_AGENCIES = (
    r"(?:afp|ap|apa|ansa|agi|adnkronos|dpa|epd|kna|sid|ddp|efe|europa press|reuters|"
    r"pap|čtk|ctk|tasr|mti|"
    r"lusa|belga|anp|tt|ntb|stt|ritzau|xinhua|kyodo|yonhap|aap|pti|ians|ani|ria novosti|tass|interfax|ukrinform|"
    r"agência brasil|agencia efe|telam|notimex|"
    r"(?:the )?associated press|agence france-presse|deutsche presse-agentur)"
)
_AGENCY_TAIL = FastCI(re.compile(r"(?<=\w)\s+[-–—]\s+" + _AGENCIES + "$", re.IGNORECASE))
_AGENCY = FastCI(re.compile(r"^" + _AGENCIES + r"\.?$", re.IGNORECASE))


def is_agency(text: str) -> bool:
    """`text` is a news agency's name and nothing more ("Associated Press", "dpa", "Reuters")."""
    return _AGENCY.match(text.strip()) is not None


_USERNAME = re.compile(r"^[a-z]+(?:[._][a-z]+)+$")
# a bare domain ("jungefreiheit.de") names the site, not a writer
_DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.(?:de|at|ch|com|org|net|it|fr|es|pl|nl|info|eu|uk|be|io)$", re.IGNORECASE)
# companies (legal forms) and places sign pages as publishers, not as authors
_LEGAL = FastCI(re.compile(r"\b(?:gmbh|ag|eg|e\.\s?v|inc|ltd|llc|s\.?a|sarl|kg|ohg|plc|corp)\.?$", re.IGNORECASE))
_PLACE = FastCI(
    re.compile(r",\s*(?:germany|deutschland|österreich|austria|schweiz|switzerland|usa|france)\s*$", re.IGNORECASE)
)


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if ch.isalnum())


def looks_like_name(text: str) -> bool:
    """A person or agency name: 1-6 words, no digits, starts with a letter, not a UI word."""
    words = text.split()
    if not 1 <= len(words) <= 6 or len(text) > 60 or len(text) < 2:
        return False
    if any(ch.isdigit() for ch in text) or not _WORD.match(text[0]) or _JUNK.search(text):
        return False
    if _NOT_NAME.match(text):
        return False
    return not (len(words) > 1 and all(w.islower() for w in words))


_SMALL_PREFIX = re.compile(r"^(?:di|da|de|z|od)\s+(?=[A-ZÀ-ÝĆŁŚŻŹ])")


# full-width punctuation of CJK bylines ("作者：李明", "文／山田太郎")
_FULL_WIDTH = str.maketrans({"：": ":", "／": "/", "｜": "|", "，": ",", "、": ",", "（": "(", "）": ")"})
# a byline set whole in brackets: "（佐藤花子 記者）", "(Jane Doe)"
_BRACKETED = re.compile(r"^\s*\(([^()]+)\)\s*$")
# a CJK newsroom's role before the names: "记者 李明", "本报记者 王芳", "通讯员 张伟" (after them, `_ROLE` takes it)
_CJK_ROLE_LEAD = re.compile(
    r"^(?:本报|本報|新华社|新華社|本社)?(?:特约)?(?:记者|記者|通讯员|通訊員)\s+(?=[\u3400-\u9fff])"
)
# a photographer's credit run on after the writer's name: "文/山田太郎 写真/佐藤花子", "Teksti X Kuvat Y"
_PHOTO_WORDS = r"(?:写真|撮影|摄影|攝影|图片|圖片|kuvat?|fotó|fotók|foto|fotos|photos?|bilder?|φωτογραφί\w*|фото)"
_CREDIT_TAIL = re.compile(
    rf"(?:(?:\s+|(?<=[\u3040-\u9fff])){_PHOTO_WORDS}(?:\s*[:/]\s*|\s+(?=[^\W\d_]))|"
    # the credit alone: "Фото: Алексей Меринов" names the photographer
    rf"^\s*{_PHOTO_WORDS}\s*[:/]\s*)\S.*$",
    re.IGNORECASE,
)


# a byline label of any language before a colon ("Szöveg: X", "Fonte: Agência Brasil"): names have no colon
_LABEL = re.compile(r"^[^\W\d_]+(?: [^\W\d_]+)?\s*:\s*(?=\S)")


def _clean_one(text: str) -> str:
    text = _URL.sub(" ", _EMAIL.sub(" ", text.translate(_FULL_WIDTH)))
    text = _BRACKETED.sub(r"\1", text)
    text = _AGENCY_TAIL.sub("", _CREDIT_TAIL.sub("", text))
    text = _HANDLE.sub(" ", _PARENS.sub(" ", text))
    text = " ".join(text.split())
    text = _LEAD.sub("", text)
    for _ in range(2):
        text = _SMALL_PREFIX.sub("", _PREFIX.sub("", text))
    text = _CJK_ROLE_LEAD.sub("", _LABEL.sub("", text))
    text = _PROFESSION.sub("", text)
    text = _ROLE.sub("", text)
    text = _WEEKDAY_TAIL.sub("", text)
    text = text.strip(" \t\n,;:-–—|·•\"'“”«»")
    return text if not text.endswith(".") or re.search(r"\b\w\.$", text) else text.rstrip(".")


def clean_authors(
    raw: Iterable[str] | str, exclude: Iterable[str] = (), structured: bool = False, handles: bool = False
) -> tuple[str, ...]:
    """Names, in order, without duplicates; `exclude` holds site and publisher names to drop.
    `structured` values (JSON-LD, meta) are names already: a leading "Redaktion" there is part of one.
    A byline's "jane_doe" is a person's login, written as the name; a commenter's (`handles`) is the
    name they chose, and stays as they spelled it."""
    values = [raw] if isinstance(raw, str) else list(raw)
    banned = {_key(e) for e in exclude if e and _key(e)}
    names: list[str] = []
    seen: set[str] = set()
    for value in values:
        if _NEWSROOM.match((value or "").strip()):
            return ((value or "").strip(),)
        if _DOMAIN.match((value or "").strip()) or _PLACE.search(value or ""):
            continue
        whole = " ".join((value or "").split())
        if structured and _NEWSROOM_NAMED.match(whole) and looks_like_name(whole) and _key(whole) not in seen:
            seen.add(_key(whole))
            names.append(whole)
            continue
        value = _clean_one(value or "")
        for part in _SPLIT.split(value):
            name = _clean_one(part)
            if _DEGREE.match(name) or _LEGAL.search(name):
                continue
            if _USERNAME.match(name) and not handles:
                name = re.sub(r"[._]", " ", name).title()
            key = _key(name)
            if not key or key in seen or key in banned or not looks_like_name(name):
                continue
            seen.add(key)
            names.append(name)
    return tuple(names)
