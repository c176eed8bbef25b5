"""The public status page, rendered in Python, escaped by construction.

An uncached render must stay cheap (issue 5: 500 renders/s on two cores), and Django's
template engine spent about 0.3 ms per system row and half a millisecond on the frame, so
the page is built here from ``lib.markup.fragment`` functions: ``page`` is the frame (head,
header, summary, footer) and the functions below it the lists that grow with the
organisation (systems with their 90-day bars, current notices, planned and past outages).
A fragment escapes every value it is filled with unless the value is ``Markup`` (another
fragment, a label escaped once), so nothing typed into a notice reaches the page as markup
(issue 14). Every label is a Swedish msgid translated when the page is rendered. The CSS is
inlined (one light request) and allowed by its hash in the page's Content-Security-Policy
(``InlineStyle``, ``statuspage.policy``).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS
from django.utils.translation import gettext, gettext_noop, ngettext

from reservrutin.accounts.models import Organisation
from reservrutin.lib.markup import Markup, concat, escape, fragment
from reservrutin.registry.models import Dependency, System
from reservrutin.statuspage.models import Notice
from reservrutin.statuspage.queries import (
    AffectedBy,
    PartState,
    PublicNotice,
    PublicPlanned,
    PublicSystem,
    SystemState,
)

#: Every fixed word on the page. Looking a msgid up in the catalogue costs more than
#: building the line it goes into, so ``words`` translates and escapes the lot once per
#: language, as ``Markup``: filling a template (``%(...)s``) with ``%`` escapes the values.
_WORDS = {
    "status": gettext_noop("Driftinformation"),
    "with_partners": gettext_noop("med samverkande organisationer"),
    "languages": gettext_noop("Språk"),
    "updated_at": gettext_noop("Uppdaterad %(when)s."),
    "bars": gettext_noop("Stapeln visar de senaste %(days)s dagarna, i dag längst till höger."),
    "systems": gettext_noop("System"),
    "no_systems": gettext_noop("Inga system visas här."),
    "no_trouble": gettext_noop("Inga störningar"),
    "subscribe": gettext_noop("Prenumerera"),
    "calendar": gettext_noop("Kalender med planerade avbrott"),
    "by_message": gettext_noop("E-post, SMS eller webhook"),
    "combined": gettext_noop("Samlad sida med samverkande organisationer"),
    "works_without": gettext_noop(
        "Sidan fungerar utan inloggning och utan JavaScript och kan skrivas ut."
    ),
    "current": gettext_noop("Aktuell driftinformation"),
    "prognosis": gettext_noop("Prognos"),
    "published": gettext_noop("publicerad %(when)s"),
    "changed": gettext_noop("uppdaterad %(when)s"),
    "back_at": gettext_noop("åter i drift %(when)s"),
    "no_prognosis": gettext_noop("saknas ännu"),
    "backup_routine": gettext_noop("Reservrutin som gäller"),
    "what_now": gettext_noop("Vad gör jag nu?"),
    "planned": gettext_noop("Planerade avbrott"),
    "past": gettext_noop("Tidigare driftinformation"),
    "state:ok": gettext_noop("I drift"),
    "state:disturbance": gettext_noop("Störning"),
    "state:outage": gettext_noop("Avbrott"),
    "state:maintenance": gettext_noop("Planerat arbete"),
    "state:information": gettext_noop("Information"),
    "state:affected": gettext_noop("Påverkas"),
    "summary:ok": gettext_noop("Alla system fungerar som vanligt."),
    "summary:maintenance": gettext_noop("Planerat arbete pågår."),
    "summary:information": gettext_noop("Det finns information om systemen."),
    "summary:affected": gettext_noop(
        "Några system påverkas av störningar i det de är beroende av."
    ),
    "summary:affected_system": gettext_noop(
        "Systemet påverkas av en störning i något det är beroende av."
    ),
    "summary:trouble": gettext_noop("Det finns driftstörningar just nu."),
    "cause:outage": gettext_noop("Påverkas av avbrott i %(system)s"),
    "cause:disturbance": gettext_noop("Påverkas av störning i %(system)s"),
    "cause:maintenance": gettext_noop("Påverkas av planerat arbete i %(system)s"),
    "cause_via": gettext_noop("%(kind)s, via %(via)s"),
}


@lru_cache(maxsize=8)
def words(lang: str) -> dict[str, Markup]:
    """``_WORDS`` in ``lang``, escaped, with the severities' and dependency kinds' labels
    (``severity:…``, ``kind:…``)."""
    with translation.override(lang):
        found = {key: gettext(msgid) for key, msgid in _WORDS.items()}
        found.update({f"severity:{k}": str(label) for k, label in Notice.Severity.choices})
        found.update({f"kind:{k}": str(label) for k, label in Dependency.Kind.choices})
    return {key: escape(text) for key, text in found.items()}


@lru_cache(maxsize=8)
def _names(lang: str) -> tuple[list[str], list[str], list[str]]:
    """Month and weekday names in ``lang`` (Django's own, as the ``date`` filter uses)."""
    with translation.override(lang):
        return (
            [""] + [str(MONTHS[i]) for i in range(1, 13)],
            [""] + [str(MONTHS_3[i]).title() for i in range(1, 13)],
            [str(WEEKDAYS[i]) for i in range(7)],
        )


class Dates:
    """The page's date formats ("j F H:i", "l j F H:i", "j M", "H:i") in local time."""

    def __init__(self, lang: str) -> None:
        self.months, self.months_3, self.weekdays = _names(lang)
        self.zone = timezone.get_current_timezone()

    def day_month_time(self, value: dt.datetime) -> str:
        t = value.astimezone(self.zone)
        return f"{t.day} {self.months[t.month]} {t:%H:%M}"

    def weekday_day_month_time(self, value: dt.datetime) -> str:
        t = value.astimezone(self.zone)
        return f"{self.weekdays[t.weekday()]} {t.day} {self.months[t.month]} {t:%H:%M}"

    def day_short_month(self, value: dt.datetime) -> str:
        t = value.astimezone(self.zone)
        return f"{t.day} {self.months_3[t.month]}"

    def day_short_month_time(self, value: dt.datetime) -> str:
        t = value.astimezone(self.zone)
        return f"{t.day} {self.months_3[t.month]} {t:%H:%M}"

    def time(self, value: dt.datetime) -> str:
        return f"{value.astimezone(self.zone):%H:%M}"


_BR = Markup("<br>")


def linebreaksbr(text: str) -> Markup:
    return Markup(escape(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", _BR))


_COMMA = Markup(", ")


def _names_of(systems: Iterable[PublicSystem]) -> Markup:
    return concat((s.name for s in systems), _COMMA)


_NOTICE_HEAD = fragment(
    '<article class="notice {severity}" id="n-{code}">\n'
    '<h3><span class="st {severity}">{label}</span> {title}</h3>\n'
    '<p class="meta">{systems} · {published}'
)
_CHANGED = fragment(" · {changed}")
_BODY = fragment("</p>\n<p>{body}</p>\n")
_STRONG_LINE = fragment("<p><strong>{label}:</strong> {text}</p>\n")
_WHAT_NOW = fragment("<h4>{what_now}</h4><dl>")
_INSTRUCTION = fragment("<dt>{role}</dt><dd>{text}</dd>")
_LINK = fragment('<li><a href="{url}">{title}</a></li>')
_SECTION_CURRENT = fragment(
    '<section aria-labelledby="h-current"><h2 id="h-current">{heading}</h2>\n{notices}</section>'
)


def current_notices(current: list[PublicNotice], dates: Dates, w: dict[str, Markup]) -> Markup:
    if not current:
        return Markup("")
    out: list[Markup] = []
    prognosis = w["prognosis"]
    for n in current:
        out.append(
            _NOTICE_HEAD(
                severity=n.severity,
                code=n.code,
                label=w.get(f"severity:{n.severity}", n.severity),
                title=n.title,
                systems=_names_of(n.systems),
                published=w["published"] % {"when": dates.day_month_time(n.published_at)},
            )
        )
        if n.updated_at > n.published_at:
            out.append(
                _CHANGED(changed=w["changed"] % {"when": dates.day_month_time(n.updated_at)})
            )
        out.append(_BODY(body=linebreaksbr(n.body)))
        if n.prognosis_at:
            back = w["back_at"] % {"when": dates.day_month_time(n.prognosis_at)}
            out.append(_STRONG_LINE(label=prognosis, text=back))
        elif n.outage_id and n.severity != "maintenance":
            out.append(_STRONG_LINE(label=prognosis, text=w["no_prognosis"]))
        if n.backup_routine:
            out.append(_STRONG_LINE(label=w["backup_routine"], text=n.backup_routine))
        if n.instructions:
            out.append(_WHAT_NOW(what_now=w["what_now"]))
            for i in n.instructions:
                out.append(
                    _INSTRUCTION(role=i.get("role", ""), text=linebreaksbr(str(i.get("text", ""))))
                )
            out.append(Markup("</dl>\n"))
        if n.links:
            out.append(Markup("<ul>"))
            for link in n.links:
                out.append(_LINK(url=_safe_url(link.get("url", "")), title=link.get("title", "")))
            out.append(Markup("</ul>\n"))
        out.append(Markup("</article>"))
    return _SECTION_CURRENT(heading=w["current"], notices=concat(out))


#: Link addresses a notice may carry: the web, e-mail, telephone and this site's own paths.
_URL_SCHEMES = ("http://", "https://", "mailto:", "tel:", "/", "#")


def _safe_url(url: object) -> str:
    """``url`` if it is a web, mail or telephone address or a path here, else nothing: an
    escaped ``javascript:`` is still a script (and the page's policy forbids it anyway)."""
    text = str(url).strip()
    return text if text.lower().startswith(_URL_SCHEMES) and not text.startswith("//") else ""


_CAUSE_LINK = fragment('<a href="#n-{notice}">{text}</a>')
_CAUSE = fragment('<p class="dep">{text} ({how}).{note}</p>')
_NOTE = fragment(" {note}")


class Causes:
    """The lines saying why a system is affected (SOD-07, SOD-08, SOD-10), one per system
    with trouble that it needs: the cause (linked to its notice, printed on the same page),
    how the system depends on it, and the registry's note on what happens ("Påverkas av
    avbrott i SITHS-inloggning (inloggning). Appen fungerar offline cirka 8 timmar.").

    One per render: many systems share a line (everything that logs in through the login
    service), and building it again for each costs more than the rest of the row.
    """

    def __init__(self, w: dict[str, Markup]) -> None:
        self.w = w
        self.lines: dict[tuple, Markup] = {}

    def html(self, causes: list[AffectedBy]) -> Markup:
        return concat(self.line(cause) for cause in causes)

    def line(self, cause: AffectedBy) -> Markup:
        notice = cause.notices[0].code if cause.notices else None
        severity = cause.severity
        key = (
            severity,
            cause.system.id,
            notice,
            cause.kind,
            cause.note,
            *(s.id for s in cause.via),
        )
        found = self.lines.get(key)
        if found is not None:
            return found
        w = self.w
        text = w.get(f"cause:{severity}", w["cause:disturbance"]) % {"system": cause.system.name}
        if notice is not None:
            text = _CAUSE_LINK(notice=notice, text=text)
        how = w.get(f"kind:{cause.kind}", escape(cause.kind)).lower()
        if cause.via:
            how = w["cause_via"] % {"kind": how, "via": _names_of(cause.via)}
        note = _NOTE(note=cause.note) if cause.note else Markup("")
        self.lines[key] = line = _CAUSE(text=text, how=how, note=note)
        return line


_PART = fragment("{name}: {state}")
_PARTS = fragment('<p class="parts">{items}</p>')


def parts(items: list[PartState], w: dict[str, Markup]) -> Markup:
    """A system's parts with trouble on one line ("Lifecare HSL: Avbrott · LMO-appen:
    fungerar offline"); a part that still works in a limited way shows how."""
    shown = [
        _PART(
            name=p.name,
            state=p.note if p.note else w.get(f"state:{p.state}", w["state:information"]),
        )
        for p in items
    ]
    return _PARTS(items=concat(shown, Markup(" · ")))


_GROUP = fragment('<h3>{label}</h3><ul class="sys">\n{rows}</ul>')
_SYSTEM_LINK = fragment('<a href="{prefix}{key}/">{name}</a>')
_BAR_PATH = fragment('<path class="{state}" d="{d}"/>')
_SYSTEM_ROW = fragment(
    '<li><span class="n">{name}</span><svg class="bar" viewBox="0 0 {days} 4"'
    ' preserveAspectRatio="none" role="img" aria-label="{trouble}">{background}{paths}</svg>'
    '<span class="st {state}">{label}</span>{parts}{causes}</li>\n'
)
_BACKGROUND = fragment('<path class="b" d="M0 0h{days}v4H0z"/>')
_NO_SYSTEMS = fragment("<p>{text}</p>")


@lru_cache(maxsize=4096)
def _system_link(org: str, key: str, name: str) -> Markup:
    """A system's name linked to its page (the same every render)."""
    prefix = reverse("statuspage:system", args=[org, "-"])[:-2]
    return _SYSTEM_LINK(prefix=prefix, key=quote(key), name=name)


@lru_cache(maxsize=4096)
def _bars(paths: tuple[tuple[str, str], ...]) -> Markup:
    """The coloured days of a bar; systems with the same days share them."""
    return concat(_BAR_PATH(state=state, d=d) for state, d in paths)


def systems(
    groups: dict[str, list[SystemState]], *, history_days: int, link: bool, w: dict[str, Markup]
) -> Markup:
    """The systems, grouped, each with its 90-day bar and its state."""
    if not groups:
        return _NO_SYSTEMS(text=w["no_systems"])
    causes = Causes(w)
    trouble = {0: w["no_trouble"]}
    background = _BACKGROUND(days=history_days)
    days = escape(history_days)
    states: dict[str, tuple[Markup, Markup]] = {}
    nothing = Markup("")
    out = []
    for label, rows_of_group in groups.items():
        rows = []
        for s in rows_of_group:
            system = s.system
            name: object = system.name
            if link:
                name = _system_link(system.organisation.key, system.key, name)
            bad = len(s.bad)
            if bad not in trouble:
                trouble[bad] = escape(
                    ngettext("Störning en dag", "Störningar %(n)s dagar", bad) % {"n": bad}
                )
            state = states.get(s.state)
            if state is None:
                label_of_state = w.get(f"state:{s.state}", w["state:information"])
                states[s.state] = state = (escape(s.state), label_of_state)
            rows.append(
                _SYSTEM_ROW(
                    name=name,
                    days=days,
                    trouble=trouble[bad],
                    background=background,
                    paths=_bars(tuple(s.history_paths)) if bad else nothing,
                    state=state[0],
                    label=state[1],
                    parts=parts(s.parts, w) if s.parts else nothing,
                    causes=causes.html(s.affected_by) if s.affected_by else nothing,
                )
            )
        out.append(_GROUP(label=label, rows=concat(rows)))
    return concat(out)


_LIST_SECTION = fragment(
    '<section aria-labelledby="h-{anchor}"><h2 id="h-{anchor}">{heading}</h2><ul>\n'
    "{items}</ul></section>"
)


def _list_section(anchor: str, heading: Markup, items: list[Markup]) -> Markup:
    """A titled list section of the page, or nothing without items."""
    if not items:
        return Markup("")
    return _LIST_SECTION(anchor=anchor, heading=heading, items=concat(items))


_UPCOMING = fragment("<li><strong>{title}</strong> – {start}{end} ({systems}){description}</li>\n")
_DESCRIPTION = fragment("<br>{text}")


def upcoming(planned: list[PublicPlanned], dates: Dates, w: dict[str, Markup]) -> Markup:
    items = []
    for o in planned:
        items.append(
            _UPCOMING(
                title=o.title,
                start=dates.weekday_day_month_time(o.started_at),
                end=f"–{dates.time(o.planned_end_at)}" if o.planned_end_at else "",
                systems=_names_of(o.systems),
                description=_DESCRIPTION(text=o.description) if o.description else "",
            )
        )
    return _list_section("planned", w["planned"], items)


_PAST = fragment('<li id="n-{code}">{published}–{ended}: {title}</li>\n')


def past(notices: list[PublicNotice], dates: Dates, w: dict[str, Markup]) -> Markup:
    items = []
    for n in notices:
        items.append(
            _PAST(
                code=n.code,
                published=dates.day_short_month(n.published_at),
                ended=dates.day_short_month_time(n.ended_at) if n.ended_at else "",
                title=n.title,
            )
        )
    return _list_section("history", w["past"], items)


@dataclass(frozen=True)
class InlineStyle:
    """CSS inlined in a page (one light request, no other file to fetch offline), and the
    hash source that lets exactly these bytes past the Content-Security-Policy."""

    element: Markup
    source: str


#: The status page's CSS and the widget's.
PAGE_STYLE = "statuspage/page.css"
WIDGET_STYLE = "statuspage/widget.css"


@lru_cache(maxsize=4)
def inline_style(template: str) -> InlineStyle:
    """The CSS in ``template`` as a ``<style>`` element, read and hashed once per process."""
    css = render_to_string(template)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    return InlineStyle(Markup("<style>%s</style>") % Markup(css), f"'sha256-{digest}'")


def _summary(overall: str, *, system: bool, w: dict[str, Markup]) -> Markup:
    if overall in ("ok", "maintenance", "information"):
        return w[f"summary:{overall}"]
    if overall == "affected":
        return w["summary:affected_system" if system else "summary:affected"]
    return w["summary:trouble"]


_OTHER_LANGUAGE = fragment('<a href="{href}" lang="{lang}" hreflang="{lang}">{name}</a>')
_PARTNER_LINK = fragment(' · <a href="{href}">{text}</a>')
_HEADING = fragment("{system} – {organisation}")
_PAGE = fragment(
    """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{status} – {title}</title>
<link rel="alternate" type="application/atom+xml" title="Atom" href="{page_atom}">
<link rel="icon" href="data:,">
{style}
</head>
<body>
<header><div class="wrap">
<p>{status}</p>
<h1>{heading}</h1>
<nav class="lang" aria-label="{languages}">{other}</nav>
</div></header>
<main class="wrap">
<p class="summary {overall}">{summary}
<span class="meta">{updated}</span></p>
{current}
<section aria-labelledby="h-systems"><h2 id="h-systems">{systems_heading}</h2>
<p class="meta">{bars}</p>
{systems}
</section>
{upcoming}
{past}
</main>
<footer class="wrap"><p>{subscribe}: <a href="{atom}">Atom</a> · \
<a href="{json_feed}">JSON Feed</a> · \
<a href="{ical}">{calendar}</a> · \
<a href="{api}">API</a> · \
<a href="{subscribe_link}">{by_message}</a>{partner_link}</p>
<p>{works_without}</p></footer>
</body>
</html>
"""
)


def page(
    data: dict,
    *,
    organisation: Organisation,
    system: System | None,
    combined: bool,
    partners: bool,
    links: dict[str, str],
    lang: str,
) -> Markup:
    """The whole status page. Call inside ``translation.override(lang)``."""
    w = words(lang)
    parts = sections(data, link_systems=system is None, lang=lang)
    heading: Markup = (
        _HEADING(system=system.name, organisation=organisation.name)
        if system
        else escape(organisation.name)
    )
    if combined:
        heading = Markup("%s %s") % (heading, w["with_partners"])
    if lang == "sv":
        other = _OTHER_LANGUAGE(href=links["english"], lang="en", name="English")
    else:
        other = _OTHER_LANGUAGE(href=links["swedish"], lang="sv", name="Svenska")
    now = timezone.localtime(data["now"])
    updated = w["updated_at"] % {
        "when": f"{now.day} {_names(lang)[0][now.month]} {now.year} {now:%H:%M}"
    }
    return _PAGE(
        lang=lang,
        status=w["status"],
        title=system.name if system else organisation.name,
        page_atom=links["page_atom"],
        style=inline_style(PAGE_STYLE).element,
        heading=heading,
        languages=w["languages"],
        other=other,
        overall=data["overall"],
        summary=_summary(data["overall"], system=system is not None, w=w),
        updated=updated,
        current=parts["current"],
        systems_heading=w["systems"],
        bars=w["bars"] % {"days": data["history_days"]},
        systems=parts["systems"],
        upcoming=parts["upcoming"],
        past=parts["past"],
        subscribe=w["subscribe"],
        atom=links["atom"],
        json_feed=links["json_feed"],
        ical=links["ical"],
        calendar=w["calendar"],
        api=links["api"],
        subscribe_link=links["subscribe"],
        by_message=w["by_message"],
        partner_link=_PARTNER_LINK(href=links["combined"], text=w["combined"]) if partners else "",
        works_without=w["works_without"],
    )


def sections(data: dict, *, link_systems: bool, lang: str) -> dict[str, Markup]:
    """The page's lists: ``current``, ``systems``, ``upcoming``, ``past``. Call inside the
    page's language."""
    dates = Dates(lang)
    w = words(lang)
    return {
        "current": current_notices(data["current"], dates, w),
        "systems": systems(
            data["groups"], history_days=data["history_days"], link=link_systems, w=w
        ),
        "upcoming": upcoming(data["upcoming"], dates, w),
        "past": past(data["past"], dates, w),
    }
