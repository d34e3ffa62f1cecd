"""Institutions and the speakers' directory."""
from __future__ import annotations

import secrets
from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import func, select

from bimtek.errors import ValidationError, check_length
from bimtek.extensions import db
from bimtek.speakers.models import Institution, Speaker, speaker_match_key
from bimtek.speakers.reference import REFERENCE_INSTITUTIONS
from bimtek.spreadsheets import check_no_hidden_formula


def list_institutions() -> list[Institution]:
    return list(db.session.scalars(select(Institution).order_by(Institution.short_name)))


INSTITUTIONS_PER_PAGE = 100


def institutions_page(page: int = 1, per_page: int | None = None):
    return db.paginate(select(Institution).order_by(Institution.short_name), page=page,
                       per_page=per_page or INSTITUTIONS_PER_PAGE, error_out=False)


def find_by_short_names(short_names: Iterable[str]) -> list[Institution]:
    """The institutions with these short names (any case), in the order given."""
    wanted = [name.strip() for name in short_names]
    found = {
        i.short_name.lower(): i
        for i in db.session.scalars(
            select(Institution).where(
                func.lower(Institution.short_name).in_([n.lower() for n in wanted])
            )
        )
    }
    missing = [name for name in wanted if name.lower() not in found]
    if missing:
        raise ValidationError(
            _("Unknown institution: %(names)s.", names=", ".join(missing)),
            field="institutions",
        )
    return [found[name.lower()] for name in wanted]


def save_institution(institution: Institution | None, *, name: str, short_name: str
                     ) -> Institution:
    name, short_name = " ".join(name.split()), " ".join(short_name.split())
    for field, value, column in (("name", name, Institution.name),
                                 ("short_name", short_name, Institution.short_name)):
        if not value:
            raise ValidationError(_("This field is required."), field=field)
        clash = db.session.scalar(
            select(Institution).where(func.lower(column) == value.lower())
        )
        if clash is not None and clash is not institution:
            raise ValidationError(
                _("%(value)s is already used by another institution.", value=value), field=field
            )
    if institution is None:
        institution = Institution()
        db.session.add(institution)
    institution.name, institution.short_name = name, short_name
    db.session.commit()
    return institution


def seed_reference_institutions() -> int:
    """Add the reference institutions that are missing; returns how many were added."""
    existing = set(db.session.scalars(select(Institution.short_name)))
    added = [
        Institution(short_name=short, name=name)
        for short, name in REFERENCE_INSTITUTIONS
        if short not in existing
    ]
    db.session.add_all(added)
    db.session.commit()
    return len(added)


# --- speakers --------------------------------------------------------------------------

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
    db.session.commit()
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
    db.session.commit()
    return speaker.agenda_token
