"""Small helpers for routine tests: the demo registry as rows, and the seed texts."""

from __future__ import annotations

from pathlib import Path

from reservrutin.accounts.models import Organisation
from reservrutin.registry.models import ContactPoint, DutySchedule, OpeningHours, Role, System
from reservrutin.routines.demo import seed_paths
from reservrutin.routines.tests.keys import DEMO

KINDS = {
    "region-skane": Organisation.Kind.REGION,
    "region-norrbotten": Organisation.Kind.REGION,
    "lulea-kommun": Organisation.Kind.MUNICIPALITY,
    "pitea-kommun": Organisation.Kind.MUNICIPALITY,
    "linkoping": Organisation.Kind.MUNICIPALITY,
    "soderkoping": Organisation.Kind.MUNICIPALITY,
}
PHONES = {
    ("region-skane", "servicedesk"): "30 000",
    ("region-norrbotten", "teknikakuten"): "71010",
    ("region-norrbotten", "vaxel"): "0920-28 40 00",
    ("linkoping", "lkdata-beredskap"): "013-20 70 00",
    ("soderkoping", "objektsforvaltare-support"): "0121-18218",
    ("soderkoping", "it-servicedesk"): "0121-18499",
}


def seed_texts() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in seed_paths()}


def seed_path(name: str) -> Path:
    return next(p for p in seed_paths() if p.name == name)


def make_demo_registry() -> dict[str, Organisation]:
    """The demo catalog's organisations, systems, roles and contact points as rows."""
    orgs: dict[str, Organisation] = {}
    for key in sorted(DEMO.organisations()):
        orgs[key] = Organisation.objects.create(
            key=key,
            name=key.replace("-", " ").title(),
            kind=KINDS.get(key, Organisation.Kind.SUPPLIER),
        )
    for key, partners in DEMO.partner_map.items():
        orgs[key].partners.add(*(orgs[p] for p in partners))
    for key, org in orgs.items():
        office = DutySchedule.objects.create(organisation=org, key="kontorstid", name="Kontorstid")
        OpeningHours.objects.create(
            schedule=office, days=OpeningHours.Days.WORKDAYS, opens="08:00", closes="16:00"
        )
        for system in sorted(DEMO.systems(key)):
            System.objects.create(
                organisation=org, key=system, name=system.replace("-", " ").title()
            )
        for role in sorted(DEMO.roles(key)):
            Role.objects.create(
                organisation=org, key=role, name=role.replace("-", " ").capitalize()
            )
        for point in sorted(DEMO.contact_points(key)):
            ContactPoint.objects.create(
                organisation=org,
                key=point,
                name=point.replace("-", " ").capitalize(),
                kind=ContactPoint.Kind.SERVICE_DESK,
                phone=PHONES.get((key, point), ""),
                schedule=office
                if point in ("anvandarstod-portal", "objektsforvaltare-support")
                else None,
            )
    return orgs
