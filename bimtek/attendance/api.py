"""The scanner API (/api/v1): other devices check badges in with a bearer token."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, jsonify, request

from bimtek.attendance import scanning
from bimtek.attendance.devices import device_for_token, token_scanner
from bimtek.attendance.openapi import OPENAPI
from bimtek.attendance.scanning import CheckInResult
from bimtek.auth.access import declare, public
from bimtek.extensions import csrf, limiter
from bimtek.timeutil import parse_instant

bp = Blueprint("api", __name__, url_prefix="/api/v1", cli_group=None)
# Devices authenticate with a bearer token, not a session cookie: no CSRF to forge. A
# token is 256 random bits, not guessable at any rate, and a desk's rush must not be
# throttled: no rate limit (nor the limiter's work on each scan).
csrf.exempt(bp)
limiter.request_filter(lambda: request.blueprint == bp.name)

def device_token_required(view):
    """A scanner device's bearer token, issued per course and revocable. The view
    receives `device`; a missing, unknown or revoked token is answered 401 in JSON."""

    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        device = device_for_token(token.strip()) \
            if scheme.lower() == "bearer" and token.strip() else None
        if device is None:
            return jsonify(error="unauthorized",
                           message="A valid device token is required."), 401, {
                               "WWW-Authenticate": 'Bearer realm="bimtek"'}
        return view(*args, device=device, **kwargs)

    return declare(view, wrapper, (), "device")


STATUS_CODES = {CheckInResult.OK: 201, CheckInResult.ALREADY_CHECKED_IN: 200,
                CheckInResult.UNKNOWN_BADGE: 404, CheckInResult.MISTYPED_BADGE: 404,
                CheckInResult.WRONG_COURSE: 409,
                CheckInResult.CANCELLED: 409, CheckInResult.WAITLISTED: 409,
                CheckInResult.NO_SESSION: 409, CheckInResult.COURSE_CLOSED: 409}


class BadRequest(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def _text(payload: dict, field: str, *, required: bool) -> str | None:
    """A badge or nonce: printable ASCII, as every code and nonce is (a lone surrogate or
    any other character would reach no row, or break the database driver)."""
    value = payload.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not scanning.is_scan_text(value):
        raise BadRequest(field, f"{field} must be a non-empty string of at most "
                                f"{scanning.SCAN_TEXT_LIMIT} printable ASCII characters.")
    return value.strip()


def _scanned_at(payload: dict) -> datetime | None:
    value = payload.get("scanned_at")
    if value is None:
        return None
    try:
        return parse_instant(value)
    except (TypeError, ValueError, OverflowError) as error:
        raise BadRequest("scanned_at", "scanned_at must be an ISO-8601 date and time, "
                                       "e.g. 2024-10-28T07:42:10+08:00.") from error


def _session_id(payload: dict) -> int | None:
    value = payload.get("session_id")
    if value is not None and not scanning.is_row_id(value):
        raise BadRequest("session_id", "session_id must be an integer from 1 to "
                                       f"{scanning.MAX_ROW_ID}.")
    return value


def _payload() -> dict:
    try:
        payload = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the parser goes
        payload = None
    if not isinstance(payload, dict):
        raise BadRequest("body", "The body must be a JSON object.")
    return payload


def _body(outcome: scanning.CheckIn) -> dict:
    body = {"result": outcome.result.value}
    if outcome.registration is not None and outcome.result in (
            CheckInResult.OK, CheckInResult.ALREADY_CHECKED_IN):
        registration = outcome.registration
        body["participant"] = {"number": registration.number, "name": registration.full_name,
                               "institution": registration.institution.short_name,
                               "unit": registration.unit}
    if outcome.session is not None:
        body["session"] = {"id": outcome.session.id, "title": outcome.session.title}
    if outcome.attendance is not None:
        body["status"] = outcome.attendance.status.value
        body["checked_in_at"] = outcome.attendance.happened_at.replace(
            tzinfo=UTC).isoformat()
    return body


@bp.route("/checkins", methods=["POST"])
@device_token_required
def check_in(device):
    try:
        payload = _payload()
        outcome = scanning.check_in(
            device.course, _text(payload, "badge", required=True),
            nonce=_text(payload, "nonce", required=True),
            scanner=token_scanner(device),
            scanned_at=_scanned_at(payload), session_id=_session_id(payload),
            device=device.name)
    except BadRequest as error:
        return jsonify(error="bad_request", field=error.field, message=error.message), 400
    return jsonify(_body(outcome)), STATUS_CODES[outcome.result]


@bp.route("/openapi.json")
@public
def openapi():
    return jsonify(OPENAPI)
