from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from bimtek.extensions import db


class Institution(db.Model):
    """A government body or organisation that staff, speakers and hosts belong to."""

    __tablename__ = "institution"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    short_name: Mapped[str] = mapped_column(sa.String(80), unique=True)

    def __str__(self) -> str:
        return self.short_name
