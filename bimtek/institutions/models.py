from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bimtek.enums import LabelledEnum, enum_column_type
from bimtek.extensions import db
from bimtek.regions.models import Region


class InstitutionKind(LabelledEnum):
    LOCAL_GOVERNMENT = "perangkat_daerah", _l("Local government unit (OPD)")
    ELECTION_BODY = "penyelenggara_pemilu", _l("Election body (KPU, Bawaslu)")
    AD_HOC_BODY = "badan_adhoc", _l("Ad hoc election body (PPK, PPS, Panwaslu)")
    POLICE = "polri", _l("Police (Polri)")
    MILITARY = "tni", _l("Armed forces (TNI)")
    CENTRAL_GOVERNMENT = "instansi_vertikal", _l("Central government office")
    UNIVERSITY = "perguruan_tinggi", _l("University")
    OTHER = "lainnya", _l("Other")


class Institution(db.Model):
    """A government body or organisation that staff, speakers and hosts belong to."""

    __tablename__ = "institution"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    short_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    kind: Mapped[InstitutionKind] = mapped_column(
        enum_column_type(InstitutionKind), default=InstitutionKind.OTHER,
        server_default=InstitutionKind.OTHER.value)
    # The kabupaten/kota it serves, when it serves one (Kesbangpol Kutim: 64.08).
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("region.id"))
    # Who added it: an organiser may name an institution they added as a course's host
    # (certificates in its name still wait for an admin to give it to them).
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))

    region: Mapped[Region | None] = relationship()
    aliases: Mapped[list[InstitutionAlias]] = relationship(
        cascade="all, delete-orphan", order_by="InstitutionAlias.name",
        back_populates="institution")

    def __str__(self) -> str:
        return self.short_name


class InstitutionAlias(db.Model):
    """Another way people write an institution's name ('Kesbangpol Kab. Kutim'), kept when
    an organiser maps it in an import, so the next file finds it."""

    __tablename__ = "institution_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("institution.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # The name folded as imports compare it; one institution per spelling.
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)

    institution: Mapped[Institution] = relationship(back_populates="aliases")
