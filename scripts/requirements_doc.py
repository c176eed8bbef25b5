"""Write docs/requirements.md: every requirement ID of the seed routines, one line each, with
where the tests prove it.

The "proven" column is found, not typed: a test proves an ID when its name (``test_lmn_05_…``
or ``…_lmn_05``) or its docstring (``LMN-05``) names it. Run after adding such a test:

    .venv/bin/python scripts/requirements_doc.py          # rewrite the page
    .venv/bin/python scripts/requirements_doc.py --check  # fail if the page is stale
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "requirements.md"

#: The seed routines, by ID prefix.
SOURCES = {
    "LMN": "Sesam LMN (Region Skåne, aids prescription)",
    "S2": "Sesam S2 / Websesam (Region Skåne, aids and OT referrals)",
    "TES": "Treserva and TES (Linköpings kommun)",
    "SP": "Lifecare SP (Region Norrbotten and municipalities)",
    "SOD": "Lifecare and Phoniro (Söderköpings kommun)",
    "EX1": "Planned e-prescription stop (Region Sörmland)",
    "EX2": "Paper lab requisitions (Region Kronoberg)",
    "EX3": "Broken safety-alarm chain (Uppsala)",
    "VX": "Nurse-call network faults (Växjö)",
}

#: Each requirement in our own words.
REQUIREMENTS = {
    "LMN-01": "Every system has a named owner appointed by IT; the owner's manager and supplier are known.",
    "LMN-02": "Only the regional IT function publishes driftinfo for the system; others may report.",
    "LMN-03": "Driftinfo is published in one place, embeddable elsewhere and subscribable by e-mail.",
    "LMN-04": "Customer service escalates a prescriber's report, or points the prescriber to the service desk.",
    "LMN-05": "The routine's roles: customer service, system owner, business owner, specialist, telephony owner.",
    "LMN-06": "Region-wide IT collapse: wait for regional IT's instructions, take no planned action.",
    "LMN-07": "Server unreachable: tell the owner; off duty, the owner's manager and a service-desk ticket; call the supplier.",
    "LMN-08": "Customer service tells callers about the outage, points to driftinfo and asks them to wait.",
    "LMN-09": "After 4 h without a prognosis the acute-prescription backup routine starts and is published.",
    "LMN-10": "Only customer service cut off: work mobiles, IT publishes, a broadcast on the phone queue.",
    "LMN-11": "Telephony disruption: a broadcast on the phone queue and driftinfo from IT.",
    "LMN-12": "Related documents are linked from the routine.",
    "S2-01": "One routine covers several systems.",
    "S2-02": "The system owner publishes driftinfo on behalf of IT.",
    "S2-03": "The parties and their duties are listed, with the IT supplier's SLA.",
    "S2-04": "A system's SLA is recorded and an outage can be judged against it afterwards.",
    "S2-05": "The same escalation as LMN-07/08.",
    "S2-06": "After 4 h without a prognosis the acute OT-referral backup routine starts and is published with links.",
    "S2-07": "Paper OT referrals go to the orthopaedic provider, which enters them when the system is back.",
    "S2-08": "Only the administration cut off: mobiles, and IT publishes through the system owner.",
    "TES-01": "Technical on-call around the clock; service windows announced about 7 days ahead.",
    "TES-02": "The outage types: fault, planned outage or upgrade, municipal or external upgrade, area-wide cut.",
    "TES-03": "Each provider has a local routine that follows the central template.",
    "TES-04": "Care staff print key information in advance, document by hand and enter it afterwards.",
    "TES-05": "Licensed staff keep person cards, write notes by hand and enter them promptly afterwards.",
    "TES-06": "Planned TES outages: conventional keys, times registered afterwards.",
    "TES-07": "Report weekdays 08-16 through the portal, otherwise by phone to the on-call number.",
    "TES-08": "A report names the reporter, the unit and the kind of fault.",
    "TES-09": "Staff inform colleagues, check the support page, use keys and retry the app.",
    "TES-10": "Up to 10 h staff back-register their own times; longer, the administrations decide.",
    "SP-01": "The routine spans a region's units and the county's municipalities.",
    "SP-02": "Region users report to the region's service desk, which tells the supplier and posts driftinfo.",
    "SP-03": "The routine applies once the outage has lasted more than 3 h.",
    "SP-04": "Admission, estimated date, ready-for-discharge and discharge are phoned to each actor.",
    "SP-05": "At admission the call time is the admission time; the estimated discharge date is noted.",
    "SP-06": "At discharge the call time is the ready-for-discharge time behind payment responsibility.",
    "SP-07": "Each hand-over is noted with whom, date and time.",
    "SP-08": "A changed date needs a new call naming the assessing doctor.",
    "SP-09": "Outpatient care and municipal services phone their part too, documented the same way.",
    "SP-10": "A contact directory of the care neighbours' numbers and opening hours.",
    "SP-11": "Afterwards entries carry the real entry time and a note; nothing is back-dated.",
    "SP-12": "Each unit watches payment responsibility during the outage.",
    "SOD-01": "The affected parts of the systems are listed.",
    "SOD-02": "The causes: upgrades, service windows, faults, power cuts, internet disturbances.",
    "SOD-03": "Upgrades announced 14 days ahead in the system and 2-3 days ahead on the intranet.",
    "SOD-04": "The mobile apps work offline for about 8 h if the user was signed in.",
    "SOD-05": "The monthly municipal service window: second Wednesday, 10-12, 5-10 minutes.",
    "SOD-06": "Unplanned outages are posted and sent by e-mail or SMS to registered key people.",
    "SOD-07": "Battery and UPS times for devices, medicine cabinets and the alarm server.",
    "SOD-08": "WiFi down: mobile network; mobile network down: e-ID login fails, apps offline.",
    "SOD-09": "The unit manager makes sure all staff know the offline mode.",
    "SOD-10": "Login disturbances: IT can switch to AD or manual user name and password.",
    "SOD-11": "Before reporting, the user checks devices, functions and known outages.",
    "SOD-12": "Office hours: administrators' support first, then the IT service desk.",
    "SOD-13": "After hours no care-system on-call: report through the ticket portal.",
    "SOD-14": "A current version of the routine is always on paper.",
    "SOD-15": "Provider units keep printed person cards and care plans; notes entered afterwards.",
    "SOD-16": "Health care keeps person cards, empty signing lists and the week's visits on paper.",
    "SOD-17": "Planners print visit plans and tomorrow's staff schedule daily and before holidays.",
    "SOD-18": "Every electric medicine cabinet has a charged UPS.",
    "SOD-19": "Devices are kept charged, with chargers in cars and power banks at hand.",
    "EX1-01": "A planned-outage notice gives start, latest end and the services affected.",
    "EX1-02": "The notice says what users cannot do during the window.",
    "EX1-03": "The notice says what is unaffected and needs no backup action.",
    "EX1-04": "Patients discharged during the window get 48 h of medicines.",
    "EX1-05": "Prescriptions written during the window queue unsent for up to 4 days.",
    "EX1-06": "Queued prescriptions are tracked against the 4-day limit with early warnings.",
    "EX1-07": "On-call units get a reserve of key medicines before the window.",
    "EX1-08": "That reserve is a checklist item with an owner, confirmed before the window.",
    "EX1-09": "Paper prescriptions only when very acute, marked and for one withdrawal.",
    "EX1-10": "Prescribers confirm they know their prescriber code before the window.",
    "EX1-11": "Medication lists shown during the window carry an out-of-date marker.",
    "EX1-12": "Afterwards the unsent queue is checked and acute paper prescriptions compared.",
    "EX1-13": "A conflict between instructions is shown to the person who decides.",
    "EX2-01": "The ordering unit's lab customer identity is stored for paper orders.",
    "EX2-02": "Units keep paper requisition forms and can see which form each analysis needs.",
    "EX2-03": "Without the ordering system, analyses are ordered on the paper form.",
    "EX2-04": "A paper order carries patient, orderer and analyses and travels with the sample.",
    "EX2-05": "Every sample tube is labelled with the patient's identity.",
    "EX2-06": "One order holds only samples with the same planned sampling time.",
    "EX2-07": "Capillary sampling is written in the orderer's comment.",
    "EX2-08": "Messages to the lab go with the sampling document.",
    "EX2-09": "Acute analyses outside the acute repertoire only after agreeing with the lab.",
    "EX2-10": "Results arriving by fax or post are watched for and logged.",
    "EX2-11": "Samples sent on paper get no second electronic order afterwards.",
    "EX2-12": "Paper orders, agreements and results are recorded and handed over.",
    "EX3-01": "Each provider registers a daytime contact for the alarm centre.",
    "EX3-02": "Each provider registers a contact for evenings, nights and weekends.",
    "EX3-03": "From the notice time the product picks which contact applies.",
    "EX3-04": "A failed daily alarm test starts an incident with client, device and time.",
    "EX3-05": "The notice to the provider is recorded: when, to whom, by which channel.",
    "EX3-06": "Extra visits agreed with the client are recorded with their planned times.",
    "EX3-07": "Each extra visit is documented and its time reported.",
    "EX3-08": "The provider reports back no later than the next weekday.",
    "EX3-09": "The provider's contacts show when each was last confirmed.",
    "EX3-10": "The incident closes when the alarm works again and extra visits stop.",
    "VX-01": "Three failure modes (WiFi, mobile, both), each with what still works.",
    "VX-02": "First look for a known disruption or maintenance notice.",
    "VX-03": "Check other phones to tell a device fault from a network fault.",
    "VX-04": "WiFi down: staff turn off WiFi so alarms arrive over mobile data.",
    "VX-05": "The one who finds the fault tells the other staff on duty.",
    "VX-06": "The fault is reported to the IT unit by phone.",
    "VX-07": "Mobile down: alarms still arrive over WiFi; calls and SMS fail.",
    "VX-08": "Mobile down: test a private phone on another operator.",
    "VX-09": "Both down: alarms show only on the LED list, which someone must watch.",
    "VX-10": "Prerequisites checked before any outage (LED list, IT number, phones).",
    "VX-11": "The routine is readable offline: cached or printed.",
    "VX-12": "Recorded afterwards: times, mode, checks, who was told, ticket, restoration.",
    "VX-13": "The dual-failure list is marked incomplete in the source.",
}

_PREFIXES = "|".join(sorted(SOURCES, key=len, reverse=True))
#: An ID as tests write it: ``LMN-05`` in a docstring, ``lmn_05`` in a name.
ID_IN_DOC = re.compile(rf"\b({_PREFIXES})-(\d\d)\b")
#: ``test_it_runs_lmn_07_08_09_…`` names LMN-07, LMN-08 and LMN-09.
ID_IN_NAME = re.compile(rf"(?:^|_)({_PREFIXES.lower()})((?:_\d\d)+)(?=_|$)")


def test_files() -> list[Path]:
    return sorted((ROOT / "reservrutin").glob("**/tests/test_*.py"))


def named_ids(path: Path) -> dict[str, list[str]]:
    """IDs named by the tests in ``path``: {ID: ["module::test", …]}."""
    found: dict[str, list[str]] = {}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = path.relative_to(ROOT).as_posix()
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if not node.name.startswith("test"):
            continue
        ids = {
            f"{prefix.upper()}-{number}"
            for prefix, numbers in ID_IN_NAME.findall(node.name)
            for number in numbers.strip("_").split("_")
        }
        ids |= {f"{p}-{n}" for p, n in ID_IN_DOC.findall(ast.get_docstring(node) or "")}
        for req in ids:
            found.setdefault(req, []).append(f"{module}::{node.name}")
    return found


def proofs() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in test_files():
        for req, tests in named_ids(path).items():
            found.setdefault(req, []).extend(tests)
    return found


def render() -> str:
    proven = proofs()
    lines = [
        "# Requirements and where they are proven",
        "",
        "Each requirement of the seed routines, in this project's words: its ID, what it asks,",
        "the routine it comes from and the tests that prove it (a test names the ID in its name",
        "or docstring). Generated by `scripts/requirements_doc.py`; "
        "`reservrutin/lib/tests/test_requirements_doc.py` fails when a test names an ID missing",
        "here or the page is stale. How each requirement is expressed in the routine files is in",
        "[requirements-map.md](requirements-map.md).",
        "",
        "| ID | Requirement | Source routine | Proven by |",
        "|---|---|---|---|",
    ]
    for req, text in REQUIREMENTS.items():
        source = SOURCES[req.split("-")[0]]
        tests = sorted(proven.get(req, []))
        where = "<br>".join(f"`{t}`" for t in tests[:3]) if tests else "not yet"
        if len(tests) > 3:
            where += f" (+{len(tests) - 3} more)"
        lines.append(f"| {req} | {text} | {source} | {where} |")
    lines += [
        "",
        f"{sum(1 for r in REQUIREMENTS if r in proven)} of {len(REQUIREMENTS)} proven.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if DOC.read_text(encoding="utf-8") != text:
            print("docs/requirements.md is stale: run scripts/requirements_doc.py")
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
