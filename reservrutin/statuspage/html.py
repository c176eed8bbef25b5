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
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reservrutin.accounts.models import Organisation
from reservrutin.registry.models import System
from reservrutin.statuspage.queries import (
    AffectedBy,
    PublicNotice,
    PublicPlanned,
    PublicSystem,
    SystemState,
)


def esc(value: object) -> str:
    return escape(str(value), quote=True)


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

    def __init__(self) -> None:
        self.months, self.months_3, self.weekdays = _names(translation.get_language() or "sv")
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


def _names_of(systems: Iterable[PublicSystem]) -> str:
    return ", ".join(esc(s.name) for s in systems)


def current_notices(current: list[PublicNotice], dates: Dates) -> SafeString:
    if not current:
        return mark_safe("")
    out = [
        '<section aria-labelledby="h-current"><h2 id="h-current">',
        esc(_("Aktuell driftinformation")),
        "</h2>\n",
    ]
    prognosis = esc(_("Prognos"))
    for n in current:
        out.append(
            f'<article class="notice {esc(n.severity)}" id="n-{n.code}">\n'
            f'<h3><span class="st {esc(n.severity)}">{esc(n.severity_label)}</span> '
            f"{esc(n.title)}</h3>\n"
            f'<p class="meta">{_names_of(n.systems)} · '
            + esc(_("publicerad %(when)s") % {"when": dates.day_month_time(n.published_at)})
        )
        if n.updated_at > n.published_at:
            out.append(
                " · " + esc(_("uppdaterad %(when)s") % {"when": dates.day_month_time(n.updated_at)})
            )
        out.append(f"</p>\n<p>{linebreaksbr(n.body)}</p>\n")
        if n.prognosis_at:
            back = _("åter i drift %(when)s") % {"when": dates.day_month_time(n.prognosis_at)}
            out.append(f"<p><strong>{prognosis}:</strong> {esc(back)}</p>\n")
        elif n.outage_id and n.severity != "maintenance":
            out.append(f"<p><strong>{prognosis}:</strong> {esc(_('saknas ännu'))}</p>\n")
        if n.backup_routine:
            out.append(
                f"<p><strong>{esc(_('Reservrutin som gäller'))}:</strong> "
                f"{esc(n.backup_routine)}</p>\n"
            )
        if n.instructions:
            out.append(f"<h4>{esc(_('Vad gör jag nu?'))}</h4><dl>")
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


def _state_labels() -> dict[str, str]:
    return {
        state: esc(label)
        for state, label in {
            "ok": _("I drift"),
            "disturbance": _("Störning"),
            "outage": _("Avbrott"),
            "maintenance": _("Planerat arbete"),
            "information": _("Information"),
            "affected": _("Påverkas"),
        }.items()
    }


class Causes:
    """The lines saying why a system is affected (SOD-07, SOD-08, SOD-10), one per system
    with trouble that it needs: the cause (linked to its notice, printed on the same page),
    how the system depends on it, and the registry's note on what happens ("Påverkas av
    avbrott i SITHS-inloggning (inloggning). Appen fungerar offline cirka 8 timmar.").

    One per render: many systems share a line (everything that logs in through the login
    service), and looking the words up again for each costs more than the rest of the row.
    """

    def __init__(self) -> None:
        self.texts = {
            "outage": _("Påverkas av avbrott i %(system)s"),
            "disturbance": _("Påverkas av störning i %(system)s"),
            "maintenance": _("Påverkas av planerat arbete i %(system)s"),
        }
        self.via = _("%(kind)s, via %(via)s")
        self.kinds: dict[str, str] = {}
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
        text = self.texts.get(severity, self.texts["disturbance"]) % {"system": cause.system.name}
        text = esc(text)
        if notice is not None:
            text = f'<a href="#n-{notice}">{text}</a>'
        if cause.kind not in self.kinds:
            self.kinds[cause.kind] = cause.kind_label.lower()
        how = self.kinds[cause.kind]
        if cause.via:
            how = self.via % {"kind": how, "via": ", ".join(s.name for s in cause.via)}
        note = f" {esc(cause.note)}" if cause.note else ""
        self.lines[key] = line = f'<p class="dep">{text} ({esc(how)}).{note}</p>'
        return line


def systems(groups: dict[str, list[SystemState]], *, history_days: int, link: bool) -> SafeString:
    """The systems, grouped, each with its 90-day bar and its state."""
    if not groups:
        return mark_safe(f"<p>{esc(_('Inga system visas här.'))}</p>")
    labels = _state_labels()
    causes = Causes()
    trouble = {0: esc(_("Inga störningar"))}
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
                name = f'<a href="{prefixes[org]}{quote(s.system.key)}/">{name}</a>'
            bad = len(s.bad)
            if bad not in trouble:
                trouble[bad] = esc(
                    ngettext("Störning en dag", "Störningar %(n)s dagar", bad) % {"n": bad}
                )
            aria = trouble[bad]
            paths = "".join(f'<path class="{st}" d="{d}"/>' for st, d in s.history_paths)
            out.append(
                f'<li><span class="n">{name}</span><svg class="bar" viewBox="0 0 {history_days} 4"'
                f' preserveAspectRatio="none" role="img" aria-label="{aria}">'
                f"{background}{paths}</svg>"
                f'<span class="st {s.state}">{labels.get(s.state, labels["information"])}'
                f"</span>{causes.html(s.affected_by) if s.affected_by else ''}</li>\n"
            )
        out.append("</ul>")
    return mark_safe("".join(out))  # every value above is escaped


def upcoming(planned: list[PublicPlanned], dates: Dates) -> SafeString:
    if not planned:
        return mark_safe("")
    out = [
        '<section aria-labelledby="h-planned"><h2 id="h-planned">',
        esc(_("Planerade avbrott")),
        "</h2><ul>\n",
    ]
    for o in planned:
        end = f"–{dates.time(o.planned_end_at)}" if o.planned_end_at else ""
        description = f"<br>{esc(o.description)}" if o.description else ""
        out.append(
            f"<li><strong>{esc(o.title)}</strong> – "
            f"{esc(dates.weekday_day_month_time(o.started_at))}{end} "
            f"({_names_of(o.systems)}){description}</li>\n"
        )
    out.append("</ul></section>")
    return mark_safe("".join(out))  # every value above is escaped


def past(notices: list[PublicNotice], dates: Dates) -> SafeString:
    if not notices:
        return mark_safe("")
    out = [
        '<section aria-labelledby="h-history"><h2 id="h-history">',
        esc(_("Tidigare driftinformation")),
        "</h2><ul>",
    ]
    for n in notices:
        ended = dates.day_short_month_time(n.ended_at) if n.ended_at else ""
        out.append(
            f'<li id="n-{n.code}">{esc(dates.day_short_month(n.published_at))}–{esc(ended)}: '
            f"{esc(n.title)}</li>"
        )
    out.append("</ul></section>")
    return mark_safe("".join(out))  # every value above is escaped


@lru_cache(maxsize=1)
def _style() -> str:
    return render_to_string("statuspage/_style.html")


def _summary(overall: str, *, system: bool) -> str:
    if overall == "ok":
        return _("Alla system fungerar som vanligt.")
    if overall == "maintenance":
        return _("Planerat arbete pågår.")
    if overall == "information":
        return _("Det finns information om systemen.")
    if overall == "affected":
        if system:
            return _("Systemet påverkas av en störning i något det är beroende av.")
        return _("Några system påverkas av störningar i det de är beroende av.")
    return _("Det finns driftstörningar just nu.")


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
    parts = sections(data, link_systems=system is None)
    name = esc(organisation.name)
    heading = f"{esc(system.name)} – {name}" if system else name
    if combined:
        heading += " " + esc(_("med samverkande organisationer"))
    if lang == "sv":
        other = f'<a href="{links["english"]}" lang="en" hreflang="en">English</a>'
    else:
        other = f'<a href="{links["swedish"]}" lang="sv" hreflang="sv">Svenska</a>'
    now = timezone.localtime(data["now"])
    updated = _("Uppdaterad %(when)s.") % {
        "when": f"{now.day} {_names(lang)[0][now.month]} {now.year} {now:%H:%M}"
    }
    bars = _("Stapeln visar de senaste %(days)s dagarna, i dag längst till höger.") % {
        "days": data["history_days"]
    }
    partner_link = (
        f' · <a href="{links["combined"]}">'
        f"{esc(_('Samlad sida med samverkande organisationer'))}</a>"
        if partners
        else ""
    )
    return f"""<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(_("Driftinformation"))} – {esc(system.name) if system else name}</title>
<link rel="alternate" type="application/atom+xml" title="Atom" href="{links["page_atom"]}">
<link rel="icon" href="data:,">
{_style()}
</head>
<body>
<header><div class="wrap">
<p>{esc(_("Driftinformation"))}</p>
<h1>{heading}</h1>
<nav class="lang" aria-label="{esc(_("Språk"))}">{other}</nav>
</div></header>
<main class="wrap">
<p class="summary {data["overall"]}">{esc(_summary(data["overall"], system=system is not None))}
<span class="meta">{esc(updated)}</span></p>
{parts["current"]}
<section aria-labelledby="h-systems"><h2 id="h-systems">{esc(_("System"))}</h2>
<p class="meta">{esc(bars)}</p>
{parts["systems"]}
</section>
{parts["upcoming"]}
{parts["past"]}
</main>
<footer class="wrap"><p>{esc(_("Prenumerera"))}: <a href="{links["atom"]}">Atom</a> · \
<a href="{links["json_feed"]}">JSON Feed</a> · \
<a href="{links["ical"]}">{esc(_("Kalender med planerade avbrott"))}</a> · \
<a href="{links["api"]}">API</a> · \
<a href="{links["subscribe"]}">{esc(_("E-post, SMS eller webhook"))}</a>{partner_link}</p>
<p>{esc(_("Sidan fungerar utan inloggning och utan JavaScript och kan skrivas ut."))}</p></footer>
</body>
</html>
"""


def sections(data: dict, *, link_systems: bool) -> dict[str, SafeString]:
    """The page's lists, for the frame template: ``current``, ``systems``, ``upcoming``,
    ``past``. Call inside the page's language."""
    dates = Dates()
    return {
        "current": current_notices(data["current"], dates),
        "systems": systems(data["groups"], history_days=data["history_days"], link=link_systems),
        "upcoming": upcoming(data["upcoming"], dates),
        "past": past(data["past"], dates),
    }
