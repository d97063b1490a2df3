"""The language of what a person reads: Vietnamese by default, English on request (the browser's Accept-Language,
the page's switch `?lang=en` kept in a cookie, the CLI's `--lang` or `LANG`).

Messages live in gettext catalogues (`pipeline/web/locale/{vi,en}/LC_MESSAGES/messages.po`, compiled to `.mo`;
`pybabel extract -F babel.cfg …` collects them from the templates and the code). Relation codes (`based_on`, …)
stay the interface in JSON; a person sees them as the law names them (căn cứ, thực hiện, …). Days are shown
dd/mm/yyyy and times in Vietnam's time (UTC+7, no daylight saving).
"""

from __future__ import annotations

import datetime as dt
import gettext
import os
import re
from functools import lru_cache
from pathlib import Path

from babel.core import Locale, UnknownLocaleError, negotiate_locale
from babel.support import Translations

LOCALES = ("vi", "en")
DEFAULT = "vi"
LOCALE_DIR = Path(__file__).parent / "locale"
VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")


def N_(message: str) -> str:
    """A message marked for the catalogue, translated where it is shown."""
    return message


# How a letter relates to what it cites, as the law names it (msgids in English, the Vietnamese in the catalogue).
RELATIONS = {
    "based_on": N_("based on"), "implements": N_("implements"), "amends": N_("amends, supplements"),
    "replaces": N_("replaces"), "repeals": N_("repeals"), "attached_to": N_("attached to"),
    "responds_to": N_("responds to"), "cites": N_("cites"),
}
# The groups of a document's page, as a legal portal shows them: what this document does to others, and what
# others do to it (the inverse names).
OUTGOING = {
    "based_on": N_("Documents it is based on"), "implements": N_("Documents it implements"),
    "amends": N_("Documents it amends or supplements"), "replaces": N_("Documents it replaces"),
    "repeals": N_("Documents it repeals"), "attached_to": N_("Documents it is attached to"),
    "responds_to": N_("Documents it responds to"), "cites": N_("Documents it cites"),
}
INCOMING = {
    "based_on": N_("Documents based on it"), "implements": N_("Documents implementing it"),
    "amends": N_("Documents amending or supplementing it"), "replaces": N_("Documents replacing it"),
    "repeals": N_("Documents repealing it"), "attached_to": N_("Documents attached to it"),
    "responds_to": N_("Documents responding to it"), "cites": N_("Documents citing it"),
}
ORDER = ("based_on", "implements", "amends", "replaces", "repeals", "attached_to", "responds_to", "cites")
EVENTS = {"replaced": N_("replaced"), "repealed": N_("repealed"), "amended": N_("amended")}


@lru_cache(maxsize=None)
def translations(lang: str) -> gettext.NullTranslations:
    return Translations.load(str(LOCALE_DIR), [lang], domain="messages")


def gettext_for(lang: str):
    return translations(lang if lang in LOCALES else DEFAULT).gettext


def negotiate(accept_language: str | None) -> str:
    """The language an Accept-Language header asks for, among ours; Vietnamese when it names neither."""
    wanted = []
    for part in (accept_language or "").split(","):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        if tag and weight > 0:
            wanted.append((weight, tag.strip().replace("-", "_")))
    ordered = [tag for _, tag in sorted(wanted, key=lambda w: -w[0])]
    return negotiate_locale(ordered, LOCALES, sep="_") or _by_language(ordered) or DEFAULT


def _by_language(tags: list[str]) -> str | None:
    for tag in tags:
        try:
            language = Locale.parse(tag).language
        except (ValueError, UnknownLocaleError):
            continue
        if language in LOCALES:
            return language
    return None


def cli_lang(option: str | None = None, environ: dict[str, str] | None = None) -> str:
    """The CLI's language: `--lang` (`vi`, `en`, any case, a region or encoding after it: `EN`, `en_US.UTF-8`), else
    LANGUAGE / LC_ALL / LC_MESSAGES / LANG (English when one says en), else Vietnamese. A `--lang` that names
    neither is a ValueError (said, never silently Vietnamese)."""
    if option:
        chosen = re.split(r"[_.\-@]", option.strip().lower(), maxsplit=1)[0]
        if chosen not in LOCALES:
            raise ValueError(f"unknown --lang {option!r} ({' or '.join(LOCALES)})")
        return chosen
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value and value not in ("C", "POSIX", "C.UTF-8"):
            return "en" if value.lower().startswith("en") else "vi" if value.lower().startswith("vi") else DEFAULT
    return DEFAULT


def relation(code: str | None, lang: str) -> str:
    return gettext_for(lang)(RELATIONS.get(code or "cites", RELATIONS["cites"]))


def day(value: str | None) -> str:
    """An ISO day as dd/mm/yyyy (2025-09-10 → 10/09/2025; a month 2025-09 → 09/2025; a year stays)."""
    if not value:
        return ""
    parts = value[:10].split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{parts[2]}/{parts[1]}/{parts[0]}"
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return f"{parts[1]}/{parts[0]}"
    return value


def moment(value: str | None) -> str:
    """An ISO time as Vietnam's time, `16:43:37 06/02/2025` (a time without zone is taken as Vietnam's)."""
    if not value:
        return ""
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if when.tzinfo is not None:
        when = when.astimezone(VIETNAM)
    return f"{when:%H:%M:%S} {when:%d/%m/%Y}"
