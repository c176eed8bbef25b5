"""One check per requirement ID that the seed routines express in the format itself
(docs/requirements-map.md lists where each ID lives). ``grep -r SOD-16`` lands here."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from reservrutin.routines.schema import Routine
from reservrutin.routines.tests.helpers import seed_texts
from reservrutin.routines.tests.keys import DEMO
from reservrutin.routines.validation import validate_document

DOCS: dict[str, Routine] = {}
for _name, _text in seed_texts().items():
    _doc = validate_document(_text, filename=_name, registry=DEMO).document
    assert _doc is not None
    DOCS[_name.removesuffix(".yaml")] = _doc


def scenario(doc: str, key: str):  # type: ignore[no-untyped-def]
    return next(s for s in DOCS[doc].scenarios if s.key == key)


def kinds(doc: str, key: str) -> list[str]:
    return [step.kind for step in scenario(doc, key).steps]


def prep(doc: str) -> dict[str, tuple[str | None, str]]:
    return {i.key: (i.responsible, i.recurrence) for i in DOCS[doc].preparedness}


CHECKS: dict[str, Callable[[], bool]] = {
    "LMN-01": lambda: DOCS["sesam-lmn"].owner_role == "systemansvarig",
    "LMN-04": lambda: any(
        c.key == "servicedesk" for c in DOCS["sesam-lmn"].reporting.contact_points
    ),  # type: ignore[union-attr]
    "LMN-05": lambda: (
        {r.key for r in DOCS["sesam-lmn"].roles}
        >= {
            "kundservice",
            "systemansvarig",
            "verksamhetsansvarig",
            "verksamhetsspecialist",
            "telefoniansvarig",
        }
    ),
    "LMN-08": lambda: "inform_callers" in kinds("sesam-lmn", "server-oatkomlig"),
    "LMN-10": lambda: (
        kinds("sesam-lmn", "kundservice-tappar-kontakt")
        == ["task", "notify", "phone_queue_broadcast"]
    ),
    "LMN-11": lambda: (
        kinds("sesam-lmn", "telefonistorning") == ["phone_queue_broadcast", "publish_notice"]
    ),
    "S2-05": lambda: (
        kinds("sesam-s2", "server-oatkomlig") == ["notify", "contact_supplier", "inform_callers"]
        and scenario("sesam-s2", "server-oatkomlig").steps[0].if_off_duty.ticket_contact_point
        == "servicedesk"
    ),
    "S2-06": lambda: (
        scenario("sesam-s2", "server-oatkomlig").timers[0].actions[0].activate_backup_routine
        == "akuta-ot-remisser"
    ),
    "S2-08": lambda: (
        scenario("sesam-s2", "administrationen-tappar-kontakt").scope == "local_loss_of_contact"
    ),
    "TES-01": lambda: DOCS["treserva-tes"].planned_outages.notices[0].days_before == 7,  # type: ignore[union-attr]
    "TES-02": lambda: len(DOCS["treserva-tes"].outage_types) == 5,
    "TES-03": lambda: "lokal-rutin" in prep("treserva-tes"),
    "TES-04": lambda: prep("treserva-tes")["utskrifter-omvardnad"] == ("medarbetare", "on_change"),
    "TES-05": lambda: prep("treserva-tes")["personkort-hsl"][0] == "ansvarig-sjukskoterska",
    "TES-06": lambda: scenario("treserva-tes", "planerat-driftstopp-tes").scope == "planned",
    "TES-08": lambda: (
        [f.key for f in DOCS["treserva-tes"].reporting.required_fields]  # type: ignore[union-attr]
        == ["reporter-name", "unit", "fault-type"]
    ),
    "TES-09": lambda: (
        len(scenario("treserva-tes", "oplanerat-driftstopp-tes").staff_instructions[0].instructions)
        == 4
    ),
    "SP-02": lambda: kinds("lifecare-sp", "lifecare-sp-ur-drift")[0] == "call_contact_point",
    "SP-04": lambda: DOCS["lifecare-sp"].backup_routines[0].steps[0].kind == "call_contact_point",
    "SP-06": lambda: "betalningsansvar" in DOCS["lifecare-sp"].backup_routines[0].steps[2].what,
    "SP-10": lambda: (
        {c.key for c in DOCS["lifecare-sp"].backup_routines[0].steps[0].contact_points}  # type: ignore[union-attr]
        == {"vardgrannar", "vaxel"}
    ),
    "SP-11": lambda: (
        "Redatering är inte tillåten"
        in (DOCS["lifecare-sp"].backup_routines[0].entered_afterwards.text or "")
    ),  # type: ignore[union-attr]
    "SP-12": lambda: "bevaka-betalningsansvar" in prep("lifecare-sp"),
    "SOD-01": lambda: len(DOCS["soderkoping-lifecare-phoniro"].affected_parts) == 15,
    "SOD-04": lambda: (
        "8 timmar" in scenario("soderkoping-lifecare-phoniro", "oplanerat-avbrott").steps[3].what
    ),
    "SOD-07": lambda: (
        {s.scope for s in DOCS["soderkoping-lifecare-phoniro"].scenarios}
        >= {"power_short", "power_long"}
    ),
    "SOD-08": lambda: (
        {s.scope for s in DOCS["soderkoping-lifecare-phoniro"].scenarios}
        >= {"wifi_down", "mobile_network_down"}
    ),
    "SOD-09": lambda: (
        prep("soderkoping-lifecare-phoniro")["offlinelage-kannedom"][0] == "enhetschef"
    ),
    "SOD-10": lambda: (
        scenario("soderkoping-lifecare-phoniro", "inloggning-stord").scope == "login_service_down"
    ),
    "SOD-12": lambda: (
        [(c.key, c.when) for c in DOCS["soderkoping-lifecare-phoniro"].reporting.contact_points][:2]  # type: ignore[union-attr]
        == [("objektsforvaltare-support", "office_hours"), ("it-servicedesk", "office_hours")]
    ),
    "SOD-13": lambda: (
        ("easit", "after_hours")
        in [(c.key, c.when) for c in DOCS["soderkoping-lifecare-phoniro"].reporting.contact_points]
    ),  # type: ignore[union-attr]
    "SOD-15": lambda: (
        prep("soderkoping-lifecare-phoniro")["personkort-genomforandeplan"]
        == ("kontaktman", "on_change")
    ),
    "SOD-16": lambda: (
        prep("soderkoping-lifecare-phoniro")["veckans-besok"] == ("koordinator-hs", "weekly")
    ),
    "SOD-17": lambda: (
        prep("soderkoping-lifecare-phoniro")["insatsschema-helger"]
        == ("planerare", "before_weekends_and_holidays")
    ),
    "SOD-18": lambda: "ups-lakemedelsskap" in prep("soderkoping-lifecare-phoniro"),
    "SOD-19": lambda: (
        {"datorer-laddade", "telefoner-laddas", "billaddare", "usb-batterier"}
        <= set(prep("soderkoping-lifecare-phoniro"))
    ),
}


@pytest.mark.parametrize("requirement", sorted(CHECKS))
def test_it_expresses_the_requirement_in_the_seed(requirement: str) -> None:
    assert CHECKS[requirement]()
