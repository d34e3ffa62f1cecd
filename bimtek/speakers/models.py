from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from bimtek.enums import LabelledEnum, enum_column_type
from bimtek.extensions import db
from bimtek.institutions.models import Institution
from bimtek.speakers.names import join_titles


class SpeakerRole(LabelledEnum):
    NARASUMBER = "narasumber", _l("Speaker")
    MODERATOR = "moderator", _l("Moderator")
    FASILITATOR = "fasilitator", _l("Facilitator")


def fold_name(name: str) -> str:
    """How names are compared: case and extra spaces ignored."""
    return " ".join(name.split()).casefold()


def speaker_match_key(name: str) -> str:
    """How a speaker's bare name (no titles) is compared with the directory."""
    return fold_name(name)


class Speaker(db.Model):
    """A person in the speakers' directory, shared by all courses."""

    __tablename__ = "speaker"

    id: Mapped[int] = mapped_column(primary_key=True)
    front_titles: Mapped[str] = mapped_column(sa.String(60), default="")
    name: Mapped[str] = mapped_column(sa.String(200))
    back_titles: Mapped[str] = mapped_column(sa.String(100), default="")
    # The name without titles, folded: what imports match against.
    match_key: Mapped[str] = mapped_column(sa.String(200), index=True)
    rank: Mapped[str] = mapped_column(sa.String(100), default="")
    position: Mapped[str] = mapped_column(sa.String(200), default="")
    institution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("institution.id"))
    phone: Mapped[str] = mapped_column(sa.String(20), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    bio: Mapped[str] = mapped_column(sa.String(2000), default="")
    # Unguessable: the speaker's private agenda page and calendar feed.
    agenda_token: Mapped[str] = mapped_column(
        sa.String(32), unique=True, default=lambda: secrets.token_urlsafe(16)
    )

    # Whoever added the speaker to the directory may see and change their contacts before
    # any course has them.
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))

    institution: Mapped[Institution | None] = relationship(lazy="joined")

    @validates("name")
    def _keep_match_key(self, _key: str, name: str) -> str:
        name = " ".join(name.split())
        self.match_key = speaker_match_key(name)
        return name

    @property
    def full_name(self) -> str:
        return join_titles(self.front_titles, self.name, self.back_titles)

    def __str__(self) -> str:
        return self.full_name


class SessionSpeaker(db.Model):
    """A speaker's part in one agenda session."""

    __tablename__ = "session_speaker"

    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("session.id", ondelete="CASCADE"), primary_key=True
    )
    # Indexed on its own: speaker pages and double-booking checks look sessions up by it.
    speaker_id: Mapped[int] = mapped_column(sa.ForeignKey("speaker.id"), primary_key=True,
                                            index=True)
    role: Mapped[SpeakerRole] = mapped_column(
        enum_column_type(SpeakerRole), default=SpeakerRole.NARASUMBER
    )

    speaker: Mapped[Speaker] = relationship(lazy="joined")
