"""The speakers' directory."""
from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import select

from bimtek.errors import ValidationError, check_length
from bimtek.extensions import db
from bimtek.institutions.models import Institution
from bimtek.speakers.models import Speaker, speaker_match_key
from bimtek.spreadsheet_writing import check_no_hidden_formula
from bimtek.unit_of_work import flush_changes

SPEAKER_FIELDS = ("front_titles", "name", "back_titles", "rank", "position", "institution_id",
                  "phone", "email", "bio")


def save_speaker(speaker: Speaker | None, *, by=None, **fields) -> Speaker:
    """Create (speaker=None, remembering who added them) or update a directory entry."""
    fields = {name: value.strip() if isinstance(value, str) else value
              for name, value in fields.items() if name in SPEAKER_FIELDS}
    if not fields.get("name"):
        raise ValidationError(_("The name is required."), field="name")
    for field_name in ("name", "front_titles", "back_titles"):
        check_no_hidden_formula(fields.get(field_name) or "", field_name)
    check_length(fields.get("bio") or "", Speaker.bio, "bio")
    institution_id = fields.get("institution_id")
    if institution_id is not None and db.session.get(Institution, institution_id) is None:
        raise ValidationError(_("Unknown institution."), field="institution_id")
    if speaker is None:
        speaker = Speaker(created_by_id=getattr(by, "id", None))
        db.session.add(speaker)
    for name, value in fields.items():
        setattr(speaker, name, "" if value is None and name != "institution_id" else value)
    flush_changes()
    return speaker


def search_speakers(text: str = "", page: int = 1, per_page: int = 50):
    query = select(Speaker).order_by(Speaker.match_key, Speaker.id)
    if text.strip():
        query = query.where(Speaker.match_key.like(f"%{speaker_match_key(text)}%"))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def all_speakers() -> list[Speaker]:
    return list(db.session.scalars(select(Speaker).order_by(Speaker.match_key)))


def find_speaker_by_token(token: str) -> Speaker | None:
    return db.session.scalar(select(Speaker).where(Speaker.agenda_token == token))


def rotate_agenda_link(speaker: Speaker) -> str:
    """A new private link for the speaker; the old one stops working at once."""
    speaker.agenda_token = secrets.token_urlsafe(16)
    flush_changes()
    return speaker.agenda_token
