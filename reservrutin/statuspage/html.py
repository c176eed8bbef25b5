"""The public status page, rendered in Python.

An uncached render must stay cheap (issue 5: 500 renders/s on two cores), and Django's
template engine spent about 0.3 ms per system row and half a millisecond on the frame, so
the page is built here: ``page`` is the frame (head, header, summary, footer) and the
functions below it the lists that grow with the organisation (systems with their 90-day
bars, current notices, planned and past outages). The CSS stays a template,
``statuspage/_style.html``, read once. Every value is escaped with ``esc``; every label is a
Swedish msgid translated when the page is rendered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from html import escape
from urllib.parse import quote

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop, ngettext

from reservrutin.accounts.models import Organisation
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


def esc(value: object) -> str:
    return escape(str(value), quote=True)


#: Every fixed word on the page. Looking a msgid up in the catalogue costs more than
#: building the line it goes into, so ``words`` translates and escapes the lot once per
#: language. Templates with ``%(...)s`` are escaped too: fill them with escaped values.
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
def words(lang: str) -> dict[str, str]:
    """``_WORDS`` in ``lang``, escaped, with the severities' and dependency kinds' labels
    (``severity:…``, ``kind:…``)."""
    with translation.override(lang):
        found = {key: gettext(msgid) for key, msgid in _WORDS.items()}
        found.update({f"severity:{k}": str(label) for k, label in Notice.Severity.choices})
        found.update({f"kind:{k}": str(label) for k, label in Dependency.Kind.choices})
    return {key: esc(text) for key, text in found.items()}


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


def linebreaksbr(text: str) -> str:
    return esc(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>")


#: System keys are slugs, so quoting rarely changes them, but it is done per row per render.
_quote = lru_cache(maxsize=4096)(quote)


def _names_of(systems: Iterable[PublicSystem]) -> str:
    return ", ".join(esc(s.name) for s in systems)


def current_notices(current: list[PublicNotice], dates: Dates, w: dict[str, str]) -> SafeString:
    if not current:
        return mark_safe("")
    out = [f'<section aria-labelledby="h-current"><h2 id="h-current">{w["current"]}</h2>\n']
    prognosis = w["prognosis"]
    for n in current:
        severity = esc(n.severity)
        out.append(
            f'<article class="notice {severity}" id="n-{n.code}">\n'
            f'<h3><span class="st {severity}">{w.get(f"severity:{n.severity}", severity)}'
            f"</span> {esc(n.title)}</h3>\n"
            f'<p class="meta">{_names_of(n.systems)} · '
            + w["published"]
            % {"when": esc(dates.day_month_time(n.published_at))}
        )
        if n.updated_at > n.published_at:
            out.append(" · " + w["changed"] % {"when": esc(dates.day_month_time(n.updated_at))})
        out.append(f"</p>\n<p>{linebreaksbr(n.body)}</p>\n")
        if n.prognosis_at:
            back = w["back_at"] % {"when": esc(dates.day_month_time(n.prognosis_at))}
            out.append(f"<p><strong>{prognosis}:</strong> {back}</p>\n")
        elif n.outage_id and n.severity != "maintenance":
            out.append(f"<p><strong>{prognosis}:</strong> {w['no_prognosis']}</p>\n")
        if n.backup_routine:
            out.append(f"<p><strong>{w['backup_routine']}:</strong> {esc(n.backup_routine)}</p>\n")
        if n.instructions:
            out.append(f"<h4>{w['what_now']}</h4><dl>")
            for i in n.instructions:
                out.append(
                    f"<dt>{esc(i.get('role', ''))}</dt><dd>{linebreaksbr(i.get('text', ''))}</dd>"
                )
            out.append("</dl>\n")
        if n.links:
            out.append("<ul>")
            for link in n.links:
                out.append(
                    f'<li><a href="{esc(link.get("url", ""))}">{esc(link.get("title", ""))}</a></li>'
                )
            out.append("</ul>\n")
        out.append("</article>")
    out.append("</section>")
    return mark_safe("".join(out))  # every value above is escaped


class Causes:
    """The lines saying why a system is affected (SOD-07, SOD-08, SOD-10), one per system
    with trouble that it needs: the cause (linked to its notice, printed on the same page),
    how the system depends on it, and the registry's note on what happens ("Påverkas av
    avbrott i SITHS-inloggning (inloggning). Appen fungerar offline cirka 8 timmar.").

    One per render: many systems share a line (everything that logs in through the login
    service), and building it again for each costs more than the rest of the row.
    """

    def __init__(self, w: dict[str, str]) -> None:
        self.w = w
        self.lines: dict[tuple, str] = {}

    def html(self, causes: list[AffectedBy]) -> str:
        return "".join(self.line(cause) for cause in causes)

    def line(self, cause: AffectedBy) -> str:
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
        text = w.get(f"cause:{severity}", w["cause:disturbance"]) % {
            "system": esc(cause.system.name)
        }
        if notice is not None:
            text = f'<a href="#n-{notice}">{text}</a>'
        how = w.get(f"kind:{cause.kind}", esc(cause.kind)).lower()
        if cause.via:
            how = w["cause_via"] % {"kind": how, "via": _names_of(cause.via)}
        note = f" {esc(cause.note)}" if cause.note else ""
        self.lines[key] = line = f'<p class="dep">{text} ({how}).{note}</p>'
        return line


def parts(items: list[PartState], w: dict[str, str]) -> str:
    """A system's parts with trouble on one line ("Lifecare HSL: Avbrott · LMO-appen:
    fungerar offline"); a part that still works in a limited way shows how."""
    shown = [
        f"{esc(p.name)}: {esc(p.note) if p.note else w.get(f'state:{p.state}', w['state:information'])}"
        for p in items
    ]
    return f'<p class="parts">{" · ".join(shown)}</p>'


def systems(
    groups: dict[str, list[SystemState]], *, history_days: int, link: bool, w: dict[str, str]
) -> SafeString:
    """The systems, grouped, each with its 90-day bar and its state."""
    if not groups:
        return mark_safe(f"<p>{w['no_systems']}</p>")
    causes = Causes(w)
    trouble = {0: w["no_trouble"]}
    background = f'<path class="b" d="M0 0h{history_days}v4H0z"/>'
    prefixes: dict[str, str] = {}
    out = []
    for label, states in groups.items():
        out.append(f'<h3>{esc(label)}</h3><ul class="sys">\n')
        for s in states:
            name = esc(s.system.name)
            if link:
                org = s.system.organisation.key
                if org not in prefixes:
                    prefixes[org] = reverse("statuspage:system", args=[org, "-"])[:-2]
                name = f'<a href="{prefixes[org]}{_quote(s.system.key)}/">{name}</a>'
            bad = len(s.bad)
            if bad not in trouble:
                trouble[bad] = esc(
                    ngettext("Störning en dag", "Störningar %(n)s dagar", bad) % {"n": bad}
                )
            paths = (
                "".join(f'<path class="{st}" d="{d}"/>' for st, d in s.history_paths) if bad else ""
            )
            out.append(
                f'<li><span class="n">{name}</span><svg class="bar" viewBox="0 0 {history_days} 4"'
                f' preserveAspectRatio="none" role="img" aria-label="{trouble[bad]}">'
                f"{background}{paths}</svg>"
                f'<span class="st {s.state}">{w.get(f"state:{s.state}", w["state:information"])}'
                f"</span>{parts(s.parts, w) if s.parts else ''}"
                f"{causes.html(s.affected_by) if s.affected_by else ''}</li>\n"
            )
        out.append("</ul>")
    return mark_safe("".join(out))  # every value above is escaped


def _list_section(anchor: str, heading: str, items: list[str]) -> SafeString:
    """A titled list section of the page; ``heading`` and ``items`` are escaped HTML."""
    if not items:
        return mark_safe("")
    return mark_safe(  # the caller escaped every value
        f'<section aria-labelledby="h-{anchor}"><h2 id="h-{anchor}">{heading}</h2><ul>\n'
        f"{''.join(items)}</ul></section>"
    )


def upcoming(planned: list[PublicPlanned], dates: Dates, w: dict[str, str]) -> SafeString:
    items = []
    for o in planned:
        end = f"–{dates.time(o.planned_end_at)}" if o.planned_end_at else ""
        description = f"<br>{esc(o.description)}" if o.description else ""
        items.append(
            f"<li><strong>{esc(o.title)}</strong> – "
            f"{esc(dates.weekday_day_month_time(o.started_at))}{end} "
            f"({_names_of(o.systems)}){description}</li>\n"
        )
    return _list_section("planned", w["planned"], items)


def past(notices: list[PublicNotice], dates: Dates, w: dict[str, str]) -> SafeString:
    items = []
    for n in notices:
        ended = dates.day_short_month_time(n.ended_at) if n.ended_at else ""
        items.append(
            f'<li id="n-{n.code}">{esc(dates.day_short_month(n.published_at))}–{esc(ended)}: '
            f"{esc(n.title)}</li>\n"
        )
    return _list_section("history", w["past"], items)


@lru_cache(maxsize=1)
def _style() -> str:
    return render_to_string("statuspage/_style.html")


def _summary(overall: str, *, system: bool, w: dict[str, str]) -> str:
    if overall in ("ok", "maintenance", "information"):
        return w[f"summary:{overall}"]
    if overall == "affected":
        return w["summary:affected_system" if system else "summary:affected"]
    return w["summary:trouble"]


def page(
    data: dict,
    *,
    organisation: Organisation,
    system: System | None,
    combined: bool,
    partners: bool,
    links: dict[str, str],
    lang: str,
) -> str:
    """The whole status page. Call inside ``translation.override(lang)``."""
    w = words(lang)
    parts = sections(data, link_systems=system is None, lang=lang)
    name = esc(organisation.name)
    heading = f"{esc(system.name)} – {name}" if system else name
    if combined:
        heading += " " + w["with_partners"]
    if lang == "sv":
        other = f'<a href="{links["english"]}" lang="en" hreflang="en">English</a>'
    else:
        other = f'<a href="{links["swedish"]}" lang="sv" hreflang="sv">Svenska</a>'
    now = timezone.localtime(data["now"])
    updated = w["updated_at"] % {
        "when": esc(f"{now.day} {_names(lang)[0][now.month]} {now.year} {now:%H:%M}")
    }
    bars = w["bars"] % {"days": data["history_days"]}
    partner_link = f' · <a href="{links["combined"]}">{w["combined"]}</a>' if partners else ""
    return f"""<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{w["status"]} – {esc(system.name) if system else name}</title>
<link rel="alternate" type="application/atom+xml" title="Atom" href="{links["page_atom"]}">
<link rel="icon" href="data:,">
{_style()}
</head>
<body>
<header><div class="wrap">
<p>{w["status"]}</p>
<h1>{heading}</h1>
<nav class="lang" aria-label="{w["languages"]}">{other}</nav>
</div></header>
<main class="wrap">
<p class="summary {data["overall"]}">{_summary(data["overall"], system=system is not None, w=w)}
<span class="meta">{updated}</span></p>
{parts["current"]}
<section aria-labelledby="h-systems"><h2 id="h-systems">{w["systems"]}</h2>
<p class="meta">{bars}</p>
{parts["systems"]}
</section>
{parts["upcoming"]}
{parts["past"]}
</main>
<footer class="wrap"><p>{w["subscribe"]}: <a href="{links["atom"]}">Atom</a> · \
<a href="{links["json_feed"]}">JSON Feed</a> · \
<a href="{links["ical"]}">{w["calendar"]}</a> · \
<a href="{links["api"]}">API</a> · \
<a href="{links["subscribe"]}">{w["by_message"]}</a>{partner_link}</p>
<p>{w["works_without"]}</p></footer>
</body>
</html>
"""


def sections(data: dict, *, link_systems: bool, lang: str) -> dict[str, SafeString]:
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
