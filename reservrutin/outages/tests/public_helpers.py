"""What the public sees of an organisation, read the way the public reads it: the status
page, the API, the Atom and JSON feeds, the widget and the static mirror."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.test import Client, override_settings

from reservrutin.statuspage.worker import mirror_one


def public_views(org: str) -> dict[str, str]:
    """Each public address of ``org`` → its text, rendered fresh."""
    cache.clear()
    client = Client()
    urls = {
        "page": f"/status/{org}/",
        "api": f"/api/v1/status/{org}.json",
        "atom": f"/status/{org}/feed.atom",
        "json_feed": f"/status/{org}/feed.json",
        "widget": f"/status/{org}/widget/",
    }
    return {name: client.get(url).content.decode() for name, url in urls.items()}


def api(org: str) -> dict[str, Any]:
    return json.loads(public_views(org)["api"])


def system_state(org: str, system: str) -> str:
    return next(s["state"] for s in api(org)["systems"] if s["key"] == system)


def publish_for(outage: Any, by: Any, title: str, body: str) -> Any:
    """A publisher's own driftinfo about ``outage`` (severity Avbrott), published at once."""
    from reservrutin.statuspage.actions import create_notice

    return create_notice(
        outage.organisation,
        by=by,
        title=title,
        body=body,
        systems=list(outage.systems.all()),
        severity="outage",
        outage=outage,
        publish=True,
    )


def mirror_page(org: str) -> str:
    """The status page as the ``mirrorstatus`` worker writes it to the static mirror."""
    root = Path(tempfile.mkdtemp())
    with override_settings(STATIC_MIRROR_DIR=str(root)):
        while mirror_one():
            pass
    return (root / "status" / org / "index.html").read_text()


class ClosingClearsPublicPage:
    """For the five seed end-to-end tests: an outage confirmed by the routine's scenario,
    with driftinfo from a publisher, is resolved and closed; afterwards nothing about it is
    current on the status page, in the API, the Atom and JSON feeds or the mirror."""

    def assert_closing_clears_public_page(
        self,
        org: str,
        systems: list[str],
        scenario_key: str,
        *,
        reporter: str,
        publisher: str,
        day: Any = None,
    ) -> None:
        from reservrutin.outages.actions import close_outage, confirm_outage, resolve_outage
        from reservrutin.outages.tests.helpers import DAY, at, local
        from reservrutin.statuspage.models import Notice

        test: Any = self
        day = day or DAY
        author = test.user(publisher)
        with at(10, day=day):
            outage = test.report(org, systems, by=test.user(reporter)).outage
            outage = confirm_outage(outage, by=author, scenario_key=scenario_key)
        with at(10, 5, day=day):
            publish_for(
                outage, author, "Driftstörning just nu", "Felsökning pågår, nästa besked kl. 11."
            )
        before = public_views(org)
        test.assertIn("Felsökning pågår", before["page"])
        test.assertIn("outage", {s["state"] for s in json.loads(before["api"])["systems"]})
        test.assertIn("Felsökning pågår", mirror_page(org))
        with at(11, day=day):
            outage = resolve_outage(outage, at=local(10, 50, day), by=author)
        with at(11, 30, day=day):
            close_outage(outage, by=author)
        test.assertFalse(Notice.objects.filter(outage=outage, status="published").exists())
        after = public_views(org)
        document = json.loads(after["api"])
        test.assertEqual({s["state"] for s in document["systems"]} - {"ok", "affected"}, set())
        test.assertFalse(any(n["status"] == "published" for n in document["notices"]))
        current = after["page"].partition("Tidigare driftinformation")[0]
        test.assertNotIn("Felsökning pågår", current)
        test.assertNotIn('class="notice outage"', after["page"])
        test.assertIn("Åtgärdat 10:50", after["atom"])
        feed = json.loads(after["json_feed"])
        test.assertTrue(all(i["_reservrutin"]["status"] == "ended" for i in feed["items"]))
        mirrored = mirror_page(org)
        test.assertNotIn('class="notice outage"', mirrored)
        test.assertIn("Åtgärdat 10:50", mirrored)
