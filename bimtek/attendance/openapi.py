"""The OpenAPI 3 description of the scanner API; tests hold the API to it."""

_RESULT = {"type": "string", "enum": ["ok", "already_checked_in", "unknown_badge",
                                      "mistyped_badge",
                                      "wrong_course", "cancelled", "waitlisted",
                                      "no_session", "course_closed"]}

_CHECK_IN_RESPONSE = {
    "type": "object",
    "required": ["result"],
    "properties": {
        "result": _RESULT,
        "participant": {
            "type": "object",
            "required": ["number", "name", "institution", "unit"],
            "properties": {"number": {"type": "integer"}, "name": {"type": "string"},
                           "institution": {"type": "string"}, "unit": {"type": "string"}},
        },
        "session": {"type": "object", "required": ["id", "title"],
                    "properties": {"id": {"type": "integer"}, "title": {"type": "string"}}},
        "status": {"type": "string", "enum": ["hadir", "terlambat"]},
        "checked_in_at": {"type": "string", "format": "date-time"},
    },
}

_ERROR = {"type": "object", "required": ["error", "message"],
          "properties": {"error": {"type": "string"}, "field": {"type": "string"},
                         "message": {"type": "string"}}}


def _json(schema: dict, description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": schema}}}


OPENAPI = {
    "openapi": "3.0.3",
    "info": {"title": "Bimtek scanner API", "version": "1.0.0",
             "description": "Badge check-in for scanner devices. Each device holds a bearer "
                            "token issued for one course."},
    "servers": [{"url": "/api/v1"}],
    "components": {"securitySchemes": {"device": {"type": "http", "scheme": "bearer"}}},
    "security": [{"device": []}],
    "paths": {
        "/checkins": {
            "post": {
                "summary": "Check a badge in to a session",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object",
                    "required": ["badge", "nonce"],
                    "properties": {
                        "badge": {"type": "string", "minLength": 1, "maxLength": 64,
                                  "pattern": "^[\\x20-\\x7e]+$",
                                  "description": "The QR's content or the code printed "
                                                 "under it, e.g. K7Q4M-9XD2P: case, "
                                                 "spaces and dashes do not matter."},
                        "nonce": {"type": "string", "minLength": 1, "maxLength": 64,
                                  "pattern": "^[\\x20-\\x7e]+$",
                                  "description": "The device's own id for this scan; "
                                                 "sending it again changes nothing. "
                                                 "Nonces are this token's own: another "
                                                 "device's same nonce is another scan."},
                        "session_id": {"type": "integer", "minimum": 1,
                                       "maximum": 2147483647, "description": "Default: the "
                                       "session with JP in progress, or the next one with "
                                       "JP opening within 30 minutes (never a break)."},
                        "scanned_at": {"type": "string", "format": "date-time",
                                       "description": "When the badge was scanned (decides "
                                                      "late or on time); default: now."},
                    },
                }}}},
                "responses": {
                    "201": _json(_CHECK_IN_RESPONSE, "Checked in"),
                    "200": _json(_CHECK_IN_RESPONSE, "Already checked in to this session"),
                    "400": _json(_ERROR, "Malformed request; `field` names the culprit: a body "
                                        "that is not a JSON object or is nested too deep "
                                        "(body), a wrong type, a badge or nonce that is "
                                        "empty, longer than 64 characters or not printable "
                                        "ASCII (a lone surrogate included), a session_id "
                                        "out of range, or a scanned_at that is no date and "
                                        "time. Never a server error."),
                    "401": _json(_ERROR, "Missing, unknown or revoked device token"),
                    "404": _json(_CHECK_IN_RESPONSE, "Unknown badge, or a typed code whose "
                                 "check character shows a typo (mistyped_badge)"),
                    "409": _json(_CHECK_IN_RESPONSE,
                                 "Badge of another course, registration cancelled or "
                                 "waitlisted, no session now, or the course is finished "
                                 "(course_closed)"),
                },
            },
        },
    },
}
