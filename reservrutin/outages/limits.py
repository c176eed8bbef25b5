"""Limits on fault reports without login (SOD-10, issue 14).

The form is for when login itself is down, so it must stay open to a whole hospital behind
one NAT or reverse proxy and still not become a way to flood an organisation's coordinators.
Three ceilings per hour, each counted over existing ``Report`` rows (the database is the
clock, so every web process agrees):

* per client address (``OUTAGES_UNAUTHENTICATED_REPORTS_PER_HOUR``), the address from
  ``lib/clientaddress.py`` so that behind a trusted proxy each client counts on its own;
* per organisation (``..._PER_ORGANISATION_PER_HOUR``), whatever the addresses;
* per call-back number (``..._PER_PHONE_PER_HOUR``), compared in E.164 form so that
  ``070-123 45 67`` and ``+46701234567`` are one number.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _

from reservrutin.accounts.models import Organisation
from reservrutin.lib.phone import e164
from reservrutin.outages.models import Report


def refuse_unauthenticated_report(
    organisation: Organisation, *, source_address: str | None, reporter_phone: str, now: dt.datetime
) -> str:
    """Why a report without login must wait (a Swedish sentence), or "" when it may go in.

    Run inside the transaction that stores the report."""
    recent = Report.objects.filter(
        reporter__isnull=True, created_at__gte=now - dt.timedelta(hours=1)
    )
    if (
        source_address
        and recent.filter(source_address=source_address).count()
        >= settings.OUTAGES_UNAUTHENTICATED_REPORTS_PER_HOUR
    ):
        return _(
            "Det har kommit många felanmälningar härifrån den senaste timmen. "
            "Vänta en stund eller ring i stället."
        )
    limit = settings.OUTAGES_UNAUTHENTICATED_REPORTS_PER_ORGANISATION_PER_HOUR
    phones = list(
        recent.filter(organisation=organisation).values_list("reporter_phone", flat=True)[:limit]
    )
    if len(phones) >= limit:
        return _(
            "Det har kommit många felanmälningar utan inloggning den senaste timmen. "
            "Ring servicedesk i stället, eller logga in om det går."
        )
    number = e164(reporter_phone)
    if (
        sum(1 for phone in phones if e164(phone) == number)
        >= settings.OUTAGES_UNAUTHENTICATED_REPORTS_PER_PHONE_PER_HOUR
    ):
        return _(
            "Det har kommit många felanmälningar med det här telefonnumret den senaste "
            "timmen. Vi hör av oss, eller ring i stället."
        )
    return ""
