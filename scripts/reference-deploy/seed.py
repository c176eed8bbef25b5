"""Rows for the reference deployment to publish and back up (run by reference-deploy.sh
through ``reservrutin shell``): an outage reported and confirmed with a scenario that has
timers, a published notice about it and one paper record transcribed, all through the
owning apps' actions. Prints ``key=value`` lines the script reads."""

import datetime as dt

from reservrutin.accounts.models import Organisation, User
from reservrutin.lib import clock
from reservrutin.outages import routing
from reservrutin.outages.actions.lifecycle import confirm_outage
from reservrutin.outages.actions.reports import submit_report
from reservrutin.records.actions import Subject, capture_record
from reservrutin.registry.models import System, Unit
from reservrutin.statuspage.actions import create_notice

demo = User.objects.get(username="demo")


def with_timers():
    """The first organisation, system and scenario (of its routine) that has timers."""
    for org in Organisation.objects.care().order_by("key"):
        for system in System.objects.filter(organisation=org).order_by("key"):
            version = routing.routine_for(org, [system])
            if version is None:
                continue
            for scenario in version.document().scenarios:
                if scenario.timers and not scenario.wait_for_instructions:
                    return org, system, scenario.key
    raise SystemExit("no demo routine has a scenario with timers")


org, system, scenario_key = with_timers()
submitted = submit_report(
    org,
    systems=[system],
    fault_type="unreachable",
    extent="everyone",
    idempotency_key="reference-deploy-report",
    reporter=demo,
    description="Referensdrift: systemet svarar inte (patient 19121212-1212).",
)
outage = confirm_outage(submitted.outage, by=demo, scenario_key=scenario_key)
title = f"Referensdrift: {system.name} ligger nere"
create_notice(
    org,
    by=demo,
    title=title,
    body="Använd reservrutinen.",
    systems=[system],
    outage=outage,
    publish=True,
)
unit = Unit.objects.filter(organisation=org).order_by("key").first()
capture_record(
    outage=outage,
    unit=unit,
    record_type="journal_note",
    event_at=clock.now() - dt.timedelta(minutes=30),
    written_by_name="Nora Karlsson",
    content="Anteckning skriven på papper under driftstoppet.",
    idempotency_key="reference-deploy-record",
    by=demo,
    subject=Subject(name="Test Testsson", identifier="19121212-1212"),
)
print(f"org={org.key}")
print(f"title={title}")
