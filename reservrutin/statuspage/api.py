"""The read-only JSON API of the status page and its OpenAPI description.

The document carries systems, notices and planned outages only, never people.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from reservrutin.accounts.models import Organisation

API_VERSION = "1"


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def status_document(organisation: Organisation, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "organisation": {"key": organisation.key, "name": organisation.name},
        "generated_at": _iso(data["now"]),
        "overall": data["overall"],
        "systems": [
            {
                "key": s.system.key,
                "name": s.system.name,
                "kind": s.system.kind,
                "state": s.state,
                "notices": [str(n.code) for n in s.notices],
                "parts": [
                    {"key": p.key, "name": p.name, "state": p.state, "note": p.note or None}
                    for p in s.parts
                ],
                "affected_by": [
                    {
                        "system": a.system.key,
                        "name": a.system.name,
                        "kind": a.kind,
                        "note": a.note or None,
                        "via": [v.key for v in a.via],
                        "severity": a.severity,
                        "notices": [str(n.code) for n in a.notices],
                        "planned": [str(o.code) for o in a.planned],
                    }
                    for a in s.affected_by
                ],
            }
            for s in data["states"]
        ],
        "notices": [
            {
                "id": str(n.code),
                "title": n.title,
                "body": n.body,
                "severity": n.severity,
                "status": n.status,
                "systems": [s.key for s in n.systems],
                "published_at": _iso(n.published_at),
                "updated_at": _iso(n.updated_at),
                "ended_at": _iso(n.ended_at),
                "prognosis_at": _iso(n.prognosis_at),
                "backup_routine": n.backup_routine or None,
                "instructions": n.instructions,
                "links": n.links,
            }
            for n in [*data["current"], *data["past"]]
        ],
        "planned": [
            {
                "id": str(o.code),
                "title": o.title,
                "systems": [s.key for s in o.systems],
                "starts_at": _iso(o.started_at),
                "ends_at": _iso(o.planned_end_at),
            }
            for o in data["upcoming"]
        ],
    }


_SEVERITY = {"type": "string", "enum": ["information", "maintenance", "disturbance", "outage"]}
_STATE = {
    "type": "string",
    "enum": ["ok", "information", "affected", "maintenance", "disturbance", "outage"],
    "description": "Worst first: outage, disturbance, maintenance, affected (works itself, "
    "but needs a system with an outage, disturbance or planned work: see affected_by), "
    "information, ok.",
}
_AFFECTED_BY = {
    "type": "object",
    "required": ["system", "kind", "via", "severity", "notices", "planned"],
    "description": "A system this one needs, directly or via others, that has trouble now "
    "(SOD-07 power, SOD-08 network, SOD-10 login).",
    "properties": {
        "system": {"type": "string", "description": "The key of the system with trouble."},
        "name": {"type": "string"},
        "kind": {
            "type": "string",
            "enum": ["login", "network", "power", "hosting", "integration"],
            "description": "How this system depends on the first system on the way.",
        },
        "note": {
            "type": ["string", "null"],
            "description": "The registry's note on that dependency: what happens.",
        },
        "via": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Keys of the systems in between, nearest first; empty if direct.",
        },
        "severity": {"type": "string", "enum": ["maintenance", "disturbance", "outage"]},
        "notices": {
            "type": "array",
            "items": {"type": "string", "format": "uuid"},
            "description": "Ids of its current notices (in this document's notices).",
        },
        "planned": {
            "type": "array",
            "items": {"type": "string", "format": "uuid"},
            "description": "Ids of its planned outages in progress now.",
        },
    },
}
_TIME = {"type": ["string", "null"], "format": "date-time"}
_PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details: every error of this API.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "about:blank: the HTTP status says it all"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
}


def _problem(description: str) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/Problem"}
    return {"description": description, "content": {"application/problem+json": {"schema": schema}}}


def openapi() -> dict[str, Any]:
    """OpenAPI 3.1 description of the public API."""
    org_param = {
        "name": "org",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": "The organisation's key, e.g. region-skane.",
    }
    system_param = {**org_param, "name": "system", "description": "The system's key."}
    notice = {
        "type": "object",
        "required": ["id", "title", "body", "severity", "status", "systems"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "title": {"type": "string"},
            "body": {"type": "string"},
            "severity": _SEVERITY,
            "status": {"type": "string", "enum": ["published", "ended"]},
            "systems": {"type": "array", "items": {"type": "string"}},
            "published_at": _TIME,
            "updated_at": _TIME,
            "ended_at": _TIME,
            "prognosis_at": _TIME,
            "backup_routine": {"type": ["string", "null"]},
            "instructions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"role": {"type": "string"}, "text": {"type": "string"}},
                },
            },
            "links": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"title": {"type": "string"}, "url": {"type": "string"}},
                },
            },
        },
    }
    status = {
        "type": "object",
        "required": ["organisation", "generated_at", "overall", "systems", "notices", "planned"],
        "properties": {
            "organisation": {
                "type": "object",
                "properties": {"key": {"type": "string"}, "name": {"type": "string"}},
            },
            "generated_at": _TIME,
            "overall": _STATE,
            "systems": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "key": {"type": "string"},
                        "name": {"type": "string"},
                        "kind": {"type": "string"},
                        "state": _STATE,
                        "notices": {"type": "array", "items": {"type": "string"}},
                        "parts": {
                            "type": "array",
                            "description": "The system's parts with trouble now (a module, an "
                            "app, a login method); empty when the notices speak of the whole "
                            "system.",
                            "items": {
                                "type": "object",
                                "required": ["key", "name", "state"],
                                "properties": {
                                    "key": {"type": "string"},
                                    "name": {"type": "string"},
                                    "state": _STATE,
                                    "note": {
                                        "type": ["string", "null"],
                                        "description": "What the part still does while down "
                                        "(state affected), e.g. works offline.",
                                    },
                                },
                            },
                        },
                        "affected_by": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/AffectedBy"},
                        },
                    },
                },
            },
            "notices": {"type": "array", "items": {"$ref": "#/components/schemas/Notice"}},
            "planned": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "title": {"type": "string"},
                        "systems": {"type": "array", "items": {"type": "string"}},
                        "starts_at": _TIME,
                        "ends_at": _TIME,
                    },
                },
            },
        },
    }
    ok = {
        "200": {
            "description": "The current status",
            "headers": {"ETag": {"schema": {"type": "string"}}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}},
        },
        "304": {"description": "Not modified (If-None-Match or If-Modified-Since matched)"},
        "404": _problem("No such organisation or public system"),
        "405": {
            **_problem("A method other than GET, HEAD or OPTIONS"),
            "headers": {"Allow": {"schema": {"type": "string"}}},
        },
        "412": _problem("If-Match or If-Unmodified-Since did not match"),
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Reservrutin driftinfo API",
            "version": API_VERSION,
            "description": "Read-only status of an organisation's systems. No authentication.",
        },
        "servers": [{"url": settings.SITE_URL}],
        "paths": {
            "/api/v1/status/{org}.json": {
                "get": {
                    "summary": "Status of an organisation",
                    "parameters": [org_param],
                    "responses": ok,
                }
            },
            "/api/v1/status/{org}/{system}.json": {
                "get": {
                    "summary": "Status of one system",
                    "parameters": [org_param, system_param],
                    "responses": ok,
                }
            },
        },
        "components": {
            "schemas": {
                "Notice": notice,
                "Status": status,
                "AffectedBy": _AFFECTED_BY,
                "Problem": _PROBLEM,
            }
        },
    }
