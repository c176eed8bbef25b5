"""Each seed routine is valid against the demo registry and says what its source document says."""

from __future__ import annotations

import pytest

from reservrutin.routines.schema import (
    CallContactPointStep,
    NotifyStep,
    Routine,
    WaitForInstructionsStep,
)
from reservrutin.routines.tests.helpers import seed_texts
from reservrutin.routines.tests.keys import DEMO
from reservrutin.routines.validation import validate_document

SEEDS = seed_texts()


def _doc(name: str) -> Routine:
    result = validate_document(SEEDS[name], filename=name, registry=DEMO)
    assert result.errors == []
    assert result.document is not None
    return result.document


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_it_validates_each_seed_without_errors_or_warnings(name: str) -> None:
    result = validate_document(SEEDS[name], filename=name, registry=DEMO)
    assert [str(p) for p in result.errors] == []
    assert [str(p) for p in result.warnings] == []


def test_it_waits_for_instructions_in_region_wide_collapse_lmn_06() -> None:
    """LMN-06: the aids organisation waits for regional IT and takes no planned action."""
    scenario = next(
        s for s in _doc("sesam-lmn.yaml").scenarios if s.scope == "region_wide_it_collapse"
    )
    assert scenario.wait_for_instructions is True
    assert scenario.timers == []
    assert [type(step) for step in scenario.steps] == [WaitForInstructionsStep]


def test_it_escalates_to_the_owners_manager_and_service_desk_when_off_duty_lmn_07() -> None:
    scenario = next(s for s in _doc("sesam-lmn.yaml").scenarios if s.key == "server-oatkomlig")
    notify = scenario.steps[0]
    assert isinstance(notify, NotifyStep)
    assert notify.notify_roles == ["systemansvarig"]
    assert notify.if_off_duty is not None
    assert notify.if_off_duty.notify_roles == ["systemansvarig-chef"]
    assert notify.if_off_duty.ticket_contact_point == "servicedesk"


def test_it_activates_acute_prescriptions_after_4h_without_prognosis_lmn_09() -> None:
    scenario = next(s for s in _doc("sesam-lmn.yaml").scenarios if s.key == "server-oatkomlig")
    (timer,) = scenario.timers
    assert (timer.after, timer.condition) == ("4h", "without_prognosis")
    assert timer.actions[0].activate_backup_routine == "akuta-forskrivningar"
    assert timer.actions[1].publish_notice == "reservrutin-galler"


def test_it_links_related_documents_lmn_12() -> None:
    documents = _doc("sesam-lmn.yaml").documents
    titles = [d.title for d in documents]
    assert "Beställningsblankett LMN" in titles
    assert "Reservrutin förskrivning Sesam LMN" in titles
    assert documents[0].url and documents[0].url.startswith("https://vardgivare.skane.se/")


def test_it_covers_several_systems_in_one_routine_s2_01() -> None:
    assert _doc("sesam-s2.yaml").systems == ["sesam-s2", "websesam", "visma-websesam"]


def test_it_lists_parties_and_their_duties_s2_03() -> None:
    parties = {p.kind: p for p in _doc("sesam-s2.yaml").parties}
    assert parties["it_supplier"].organisation == "region-skane-it-leverantor"
    assert parties["it_supplier"].sla == "silver B"
    assert parties["system_supplier"].organisation == "visma"
    assert "pappersremisser" in parties["ordering_units"].duties[0]
    assert parties["business"].name == "VO Hjälpmedel"
    assert parties["system_owner"].role == "systemansvarig"


def test_it_enters_paper_ot_referrals_afterwards_at_the_provider_s2_07() -> None:
    (backup,) = _doc("sesam-s2.yaml").backup_routines
    assert backup.record_types == ["paper_referral"]
    assert backup.entered_afterwards is not None
    assert backup.entered_afterwards.by_organisation == "aktiv-ortopedteknik"


def test_it_picks_contact_point_by_time_of_day_tes_07() -> None:
    scenario = next(
        s for s in _doc("treserva-tes.yaml").scenarios if s.key == "oplanerat-driftstopp-tes"
    )
    step = scenario.steps[0]
    assert isinstance(step, CallContactPointStep)
    assert [(c.key, c.when) for c in step.contact_points] == [
        ("anvandarstod-portal", "office_hours"),
        ("lkdata-beredskap", "after_hours"),
    ]


def test_it_splits_back_registration_at_10_hours_tes_10() -> None:
    rules = _doc("treserva-tes.yaml").resolution
    assert (rules[0].max_duration, rules[1].min_duration) == ("10h", "10h")
    assert rules[1].tasks[0].who == "forvaltningarna"


def test_it_applies_after_3_hours_sp_03() -> None:
    (scenario,) = _doc("lifecare-sp.yaml").scenarios
    (timer,) = scenario.timers
    assert (timer.after, timer.condition) == ("3h", "always")


def test_it_spans_the_region_and_its_municipalities_sp_01() -> None:
    assert _doc("lifecare-sp.yaml").organisations == [
        "region-norrbotten",
        "lulea-kommun",
        "pitea-kommun",
    ]


def test_it_lists_the_causes_of_outages_sod_02() -> None:
    types = _doc("soderkoping-lifecare-phoniro.yaml").outage_types
    assert len(types) == 5
    assert any("servicefönster" in t for t in types)
    assert any("Strömavbrott" in t for t in types)


def test_it_announces_upgrades_14_and_2_to_3_days_ahead_sod_03() -> None:
    planned = _doc("soderkoping-lifecare-phoniro.yaml").planned_outages
    assert planned is not None
    assert [(n.days_before, n.days_before_max) for n in planned.notices] == [(14, None), (2, 3)]


def test_it_has_the_monthly_patch_wednesday_window_sod_05() -> None:
    planned = _doc("soderkoping-lifecare-phoniro.yaml").planned_outages
    assert planned is not None
    (window,) = planned.service_windows
    assert (window.rrule, window.starts, window.ends) == (
        "FREQ=MONTHLY;BYDAY=+2WE",
        "10:00",
        "12:00",
    )


def test_it_asks_self_check_questions_before_a_report_sod_11() -> None:
    reporting = _doc("soderkoping-lifecare-phoniro.yaml").reporting
    assert reporting is not None
    assert len(reporting.self_check) == 6


def test_it_keeps_the_routine_on_paper_sod_14() -> None:
    items = {i.key: i for i in _doc("soderkoping-lifecare-phoniro.yaml").preparedness}
    assert items["rutin-pa-papper"].recurrence == "on_new_routine_version"
    assert items["insatsschema-helger"].recurrence == "before_weekends_and_holidays"
    assert items["insatsschema-imorgon"].recurrence == "daily"
