"""Public driftinfo: the status page, the combined page, feeds, the API and embeds.

No login and no JavaScript: every response is cached bytes (``rendering.py``), light, and
carries no requests to other hosts, so it can also be written out as static files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import feedgenerator, timezone, translation
from django.views.decorators.http import require_safe

from reservrutin.accounts.models import Organisation
from reservrutin.lib import compiled
from reservrutin.registry.models import System
from reservrutin.statuspage import api, html, policy, problems, queries
from reservrutin.statuspage.models import EmbedOrigin, Notice
from reservrutin.statuspage.rendering import Headers, Rendered, recent, rendered, respond

_ORGANISATION_FIELDS = tuple(f.attname for f in Organisation._meta.concrete_fields)


def _organisation_by_key(key: str) -> QuerySet:
    # ``has_partners`` decides the footer link to the combined page; asking in the same
    # query saves one per render.
    partners = Organisation.partners.through.objects.filter(
        from_organisation=OuterRef("pk")
    ).exclude(to_organisation__kind=Organisation.Kind.SUPPLIER)
    # The page version rides along too: a render needs it for its cache key and
    # Last-Modified, and it saves a query per render (``rendering.rendered``).
    return (
        Organisation.objects.care()
        .filter(key=key)
        .annotate(has_partners=Exists(partners))
        .values_list(
            *_ORGANISATION_FIELDS,
            "page_version__version",
            "page_version__changed_at",
            "has_partners",
        )
    )


def _load_organisation(key: str) -> Organisation:
    found = compiled.rows("statuspage.organisation", _organisation_by_key, strings=(key,))
    if not found:
        raise Http404("No such organisation")
    *fields, version, changed_at, has_partners = found[0]
    organisation = Organisation.from_db("default", _ORGANISATION_FIELDS, fields)
    organisation.has_partners = has_partners
    organisation.version_at_load = (version or 0, changed_at)
    return organisation


def _has_partners(organisation: Organisation) -> bool:
    # Looked up with the organisation for the public views; the mirror passes a plain row.
    known = getattr(organisation, "has_partners", None)
    return organisation.partners.care().exists() if known is None else known


def _organisation(key: str) -> Organisation:
    return recent(("organisation", key), lambda: _load_organisation(key))


_SYSTEM_FIELDS = tuple(f.attname for f in System._meta.concrete_fields)


def _load_system(organisation_id: int, key: str) -> System:
    found = compiled.rows(
        ("statuspage.system", organisation_id),
        lambda k: System.objects.filter(
            organisation=organisation_id, key=k, public=True
        ).values_list(*_SYSTEM_FIELDS),
        strings=(key,),
    )
    if not found:
        raise Http404("No such system")
    return System.from_db("default", _SYSTEM_FIELDS, found[0])


def _system(organisation: Organisation, key: str | None) -> System | None:
    if key is None:
        return None
    return recent(("system", organisation.pk, key), lambda: _load_system(organisation.pk, key))


def _html(template: str, context: Callable[[], dict[str, Any]], lang: str) -> tuple[bytes, str]:
    # The context is built inside the language override: it holds translated labels.
    with translation.override(lang):
        body = render_to_string(template, {**context(), "lang": lang})
    return body.encode(), "text/html; charset=utf-8"


@lru_cache(maxsize=1)
def _page_headers() -> Headers:
    """The status page's policy: the site's, plus its inline CSS by hash."""
    style = html.inline_style(html.PAGE_STYLE).source
    return ((policy.HEADER, policy.content_security_policy(styles=[style])),)


def _widget_headers(organisation: Organisation) -> Headers:
    """The widget's policy: its inline CSS by hash, and framed only by the organisation's
    allow-list (read with the render, so a change shows within the cache's minute)."""
    origins = EmbedOrigin.objects.filter(organisation=organisation).values_list("origin", flat=True)
    csp = policy.content_security_policy(
        styles=[html.inline_style(html.WIDGET_STYLE).source], frame_ancestors=list(origins)
    )
    return ((policy.HEADER, csp),)


@lru_cache(maxsize=1024)
def _links(org: str, system: str | None, combined: bool) -> dict[str, str]:
    """The addresses a status page links to (they never change while the process runs)."""
    if combined:
        swedish, english = (reverse(f"statuspage:combined{s}", args=[org]) for s in ("", "_en"))
    elif system:
        swedish, english = (
            reverse(f"statuspage:system{s}", args=[org, system]) for s in ("", "_en")
        )
    else:
        swedish, english = (reverse(f"statuspage:page{s}", args=[org]) for s in ("", "_en"))
    return {
        "swedish": swedish,
        "english": english,
        "page_atom": reverse("statuspage:system_atom", args=[org, system])
        if system
        else reverse("statuspage:atom", args=[org]),
        "atom": reverse("statuspage:atom", args=[org]),
        "json_feed": reverse("statuspage:json_feed", args=[org]),
        "ical": reverse("statuspage:ical", args=[org]),
        "api": reverse("statuspage:api", args=[org]),
        "subscribe": reverse("subscriptions:subscribe", args=[org]),
        "combined": reverse("statuspage:combined", args=[org]),
    }


def _page_html(
    organisation: Organisation,
    organisations: list[Organisation],
    system: System | None,
    *,
    lang: str,
    combined: bool = False,
) -> tuple[bytes, str]:
    with translation.override(lang):
        body = html.page(
            queries.status(organisations, system=system),
            organisation=organisation,
            system=system,
            combined=combined,
            partners=not combined and _has_partners(organisation),
            links=_links(organisation.key, system.key if system else None, combined),
            lang=lang,
        )
    return body.encode(), "text/html; charset=utf-8", _page_headers()


def page(
    organisation: Organisation, *, lang: str = "sv", system_key: str | None = None
) -> Rendered:
    """The status page of one organisation (or one of its systems) in ``lang``."""
    system = _system(organisation, system_key)
    return rendered(
        f"page:{lang}:{system_key or ''}",
        [organisation],
        lambda: _page_html(organisation, [organisation], system, lang=lang),
    )


def combined(organisation: Organisation, *, lang: str = "sv") -> Rendered:
    """One page for an organisation and the partners it shares routines with (SP-01)."""
    organisations = [organisation, *organisation.partners.care().order_by("name")]
    return rendered(
        f"combined:{lang}",
        organisations,
        lambda: _page_html(organisation, organisations, None, lang=lang, combined=True),
    )


def widget(organisation: Organisation, *, include: bool, system_key: str | None = None) -> Rendered:
    """The widget: a page for an ``<iframe>`` (``include=False``) or a bare fragment."""
    system = _system(organisation, system_key)

    def render() -> tuple[bytes, str, Headers]:
        body, content_type = _html(
            "statuspage/widget_include.html" if include else "statuspage/widget.html",
            lambda: {
                "organisation": organisation,
                "system": system,
                "site_url": settings.SITE_URL,
                "style": html.inline_style(html.WIDGET_STYLE).element,
                **queries.status([organisation], system=system),
            },
            "sv",
        )
        return body, content_type, () if include else _widget_headers(organisation)

    return rendered(f"widget:{include}:{system_key or ''}", [organisation], render)


def _status_url(organisation: Organisation, system: System | None = None) -> str:
    if system is None:
        return settings.SITE_URL + reverse("statuspage:page", args=[organisation.key])
    return settings.SITE_URL + reverse("statuspage:system", args=[organisation.key, system.key])


class _TextAtom(feedgenerator.Atom1Feed):
    """Atom whose summaries are plain text (``type="text"``): a feed reader shows markup
    typed into a notice as text and never renders it (issue 14)."""

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        summary = item.get("description")
        super().add_item_elements(handler, {**item, "description": None})
        if summary is not None:
            handler.addQuickElement("summary", summary, {"type": "text"})


#: Characters XML 1.0 cannot carry (Django's feed writer refuses them): shown as U+FFFD.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def atom(organisation: Organisation, *, system_key: str | None = None) -> Rendered:
    system = _system(organisation, system_key)

    def render() -> tuple[bytes, str]:
        data = queries.status([organisation], system=system)
        link = _status_url(organisation, system)
        feed = _TextAtom(
            title=_xml(f"Driftinfo – {system.name if system else organisation.name}"),
            link=link,
            description=_xml(f"Driftinformation för {organisation.name}"),
            language="sv",
            feed_url=link + "feed.atom",
            # RFC 4287 4.1.1: a feed without an author in every entry must name one.
            author_name=_xml(organisation.name),
            author_link=link,
        )
        for notice in _feed_notices(data, system):
            feed.add_item(
                title=_xml(f"{notice.severity_label}: {notice.title}"),
                link=f"{link}#n-{notice.code}",
                description=_xml(notice.body),
                unique_id=f"urn:uuid:{notice.code}",
                pubdate=notice.published_at,
                updateddate=notice.updated_at,
                categories=[_xml(s.name) for s in notice.systems],
            )
        return feed.writeString("utf-8").encode(), "application/atom+xml; charset=utf-8"

    return rendered(f"atom:{system_key or ''}", [organisation], render)


def json_feed(organisation: Organisation, *, system_key: str | None = None) -> Rendered:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of notices."""
    system = _system(organisation, system_key)

    def render() -> tuple[bytes, str]:
        data = queries.status([organisation], system=system)
        link = _status_url(organisation, system)
        body = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": f"Driftinfo – {system.name if system else organisation.name}",
            "home_page_url": link,
            "feed_url": link + "feed.json",
            "language": "sv",
            "items": [
                {
                    "id": str(n.code),
                    "url": f"{link}#n-{n.code}",
                    "title": n.title,
                    "content_text": n.body,
                    "date_published": n.published_at.isoformat(),
                    "date_modified": n.updated_at.isoformat(),
                    "tags": [s.key for s in n.systems],
                    "_reservrutin": {
                        "severity": n.severity,
                        "status": n.status,
                        "ended_at": n.ended_at.isoformat() if n.ended_at else None,
                    },
                }
                for n in _feed_notices(data, system)
            ],
        }
        return _json_bytes(body), "application/feed+json; charset=utf-8"

    return rendered(f"jsonfeed:{system_key or ''}", [organisation], render)


def api_status(organisation: Organisation, *, system_key: str | None = None) -> Rendered:
    system = _system(organisation, system_key)
    return rendered(
        f"api:{system_key or ''}",
        [organisation],
        lambda: (
            _json_bytes(
                api.status_document(organisation, queries.status([organisation], system=system))
            ),
            "application/json",
        ),
    )


def ical(organisation: Organisation, *, system_key: str | None = None) -> Rendered:
    """The planned outages as an iCalendar feed (RFC 5545; recurring windows as RRULE)."""
    from reservrutin.statuspage.planned import planned_to_ical

    system = _system(organisation, system_key)
    return rendered(
        f"ical:{system_key or ''}",
        [organisation],
        lambda: (
            planned_to_ical(organisation, [system] if system else None),
            "text/calendar; charset=utf-8",
        ),
    )


def _json_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode()


def _feed_notices(data: dict[str, Any], system: System | None) -> list[Notice]:
    notices = [*data["current"], *data["past"]]
    if system is not None:
        notices = [n for n in notices if any(s.id == system.pk for s in n.systems)]
    return notices


# --- views ----------------------------------------------------------------------------------


def public(
    render: Callable[..., Rendered],
    *,
    max_age: int = 30,
    cors: bool = False,
    frame: bool = False,
    api: bool = False,
) -> Callable[..., HttpResponse]:
    """A public view of ``render(org=..., **address) -> Rendered``: no login, the same bytes
    for everyone, in the address's language (Swedish unless it says ``en``) and Swedish time
    whatever the visitor's cookies say.

    ``max_age=0`` for pages people look at (a browser asks again each time, a 304 when
    nothing changed); ``cors`` for what other sites fetch; ``frame`` for what they embed
    (the widget: its own ``frame-ancestors``); ``api`` for the JSON API (errors as problem
    details, 405 with ``Allow``: ``problems.api_view``).
    The view keeps ``render`` as ``view.public_render``: the WSGI fast path
    (``fastpath.py``) calls it without Django's request cycle once Django has answered the
    same address.
    """

    def public_render(**address: Any) -> Rendered:
        with (
            translation.override(address.get("lang", "sv")),
            timezone.override(settings.DISPLAY_TIME_ZONE),
        ):
            return render(**address)

    def view(request: HttpRequest, **address: Any) -> HttpResponse:
        response = respond(request, public_render(**address), max_age=max_age)
        response["Content-Language"] = address.get("lang", "sv")
        if cors:
            response["Access-Control-Allow-Origin"] = "*"
        if frame:
            response.xframe_options_exempt = True
        return response

    view.__name__ = view.__qualname__ = f"{render.__name__}_view"
    view = problems.api_view()(view) if api else require_safe(view)
    view.public_render = public_render  # type: ignore[attr-defined]
    return view


def _page(org: str, system: str | None = None, lang: str = "sv") -> Rendered:
    return page(_organisation(org), lang=lang, system_key=system)


def _combined(org: str, lang: str = "sv") -> Rendered:
    return combined(_organisation(org), lang=lang)


def _widget(org: str, system: str | None = None) -> Rendered:
    return widget(_organisation(org), include=False, system_key=system)


def _widget_include(org: str, system: str | None = None) -> Rendered:
    return widget(_organisation(org), include=True, system_key=system)


def _atom(org: str, system: str | None = None) -> Rendered:
    return atom(_organisation(org), system_key=system)


def _json_feed(org: str, system: str | None = None) -> Rendered:
    return json_feed(_organisation(org), system_key=system)


def _ical(org: str, system: str | None = None) -> Rendered:
    return ical(_organisation(org), system_key=system)


def _api(org: str, system: str | None = None) -> Rendered:
    return api_status(_organisation(org), system_key=system)


page_view = public(_page, max_age=0)
system_view = public(_page, max_age=0)
combined_view = public(_combined, max_age=0)
widget_view = public(_widget, max_age=0, frame=True)
widget_include_view = public(_widget_include, max_age=0, cors=True)
atom_view = public(_atom)
json_feed_view = public(_json_feed, cors=True)
ical_view = public(_ical)
api_view = public(_api, cors=True, api=True)


@problems.api_view()
def openapi_view(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_json_bytes(api.openapi()), content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return response
