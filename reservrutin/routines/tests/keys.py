"""The demo catalog's registry keys (reservrutin/registry/demo/catalog.yaml), as plain sets, so
validation tests run without a database."""

from __future__ import annotations

from reservrutin.routines.validation import StaticRegistry


def _org(systems: str = "", roles: str = "", contact_points: str = "") -> dict[str, set[str]]:
    return {
        "systems": set(systems.split()),
        "roles": set(roles.split()),
        "contact_points": set(contact_points.split()),
    }


DEMO = StaticRegistry(
    orgs={
        "region-skane": _org(
            "sesam-lmn sesam-s2 websesam visma-websesam telefoni region-skane-it",
            "kundservice systemansvarig systemansvarig-chef verksamhetsansvarig "
            "verksamhetsspecialist telefoniansvarig hjalpmedel-administration forskrivare regional-it",
            "servicedesk ritz vardgivare-skane-driftinfo kundservice-hjalpmedel",
        ),
        "region-norrbotten": _org(
            "lifecare-sp cosmic",
            "slutenvard oppenvard teknikakuten kommun",
            "teknikakuten arendeportalen vaxel vardgrannar",
        ),
        "lulea-kommun": _org(),
        "pitea-kommun": _org(),
        "linkoping": _org(
            "treserva tes",
            # ansvarig-sjukskoterska is asked of the integrator for the demo catalog (TES-05).
            "medarbetare enhetschef administrator anvandarstod objektledare forvaltningarna "
            "ansvarig-sjukskoterska",
            "anvandarstod-portal lkdata-beredskap anvandarstod-info",
        ),
        "soderkoping": _org(
            "lifecare phoniro lmo-app home-care-app careium saml-ad-login bankid-login wifi mobilnat el",
            "objektsagare objektsforvaltare enhetschef verksamhetschef it-avdelning kontaktman "
            "ansvarig-sjukskoterska koordinator-hs planerare medarbetare",
            "objektsforvaltare-support it-servicedesk easit kanalen",
        ),
        **{
            key: _org()
            for key in [
                "visma",
                "region-skane-it-leverantor",
                "aktiv-ortopedteknik",
                "tekniska-verken",
                "svensk-e-identitet",
                "phoniro-ab",
                "careium-ab",
            ]
        },
    },
    partner_map={
        "region-norrbotten": {"lulea-kommun", "pitea-kommun"},
        "lulea-kommun": {"region-norrbotten"},
        "pitea-kommun": {"region-norrbotten"},
    },
)
