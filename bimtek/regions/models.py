from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bimtek.extensions import db


class Province(db.Model):
    """A province by its Kemendagri code, e.g. 64 Kalimantan Timur."""

    __tablename__ = "province"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(2), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))

    regions: Mapped[list[Region]] = relationship(back_populates="province",
                                                 order_by="Region.code")

    level = "provinsi"

    @property
    def full_name(self) -> str:
        return f"Provinsi {self.name}"

    def __str__(self) -> str:
        return self.full_name


class Region(db.Model):
    """A regency or city (kabupaten/kota) by its Kemendagri code, e.g. 64.08 Kutai Timur."""

    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(5), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    # Filled by the region data; a database from before it may hold regions without one.
    province_id: Mapped[int | None] = mapped_column(sa.ForeignKey("province.id"), index=True)

    province: Mapped[Province | None] = relationship(back_populates="regions")
    kecamatan: Mapped[list[Kecamatan]] = relationship(
        back_populates="region", order_by="Kecamatan.code", cascade="all, delete-orphan")

    @property
    def level(self) -> str:
        return "kota" if self.name.startswith("Kota ") else "kabupaten"

    @property
    def full_name(self) -> str:
        return self.name

    def __str__(self) -> str:
        return self.name


def spellings_of(name: str, variants: str) -> list[str]:
    """The official name, then the other spellings kept one per line."""
    return [name, *filter(None, (line.strip() for line in variants.splitlines()))]


class Kecamatan(db.Model):
    """A district of a region; `variants` holds other spellings people write, one per line."""

    __tablename__ = "kecamatan"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(sa.String(8), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    variants: Mapped[str] = mapped_column(sa.Text, default="")

    region: Mapped[Region] = relationship(back_populates="kecamatan")

    level = "kecamatan"

    @property
    def parent(self) -> Region:
        return self.region

    @property
    def spellings(self) -> list[str]:
        return spellings_of(self.name, self.variants)

    @property
    def full_name(self) -> str:
        return f"Kecamatan {self.name}"

    def __str__(self) -> str:
        return self.name


class Desa(db.Model):
    """A village (desa, code 2xxx) or urban village (kelurahan, code 1xxx) of a kecamatan."""

    __tablename__ = "desa"

    id: Mapped[int] = mapped_column(primary_key=True)
    kecamatan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("kecamatan.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(13), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    variants: Mapped[str] = mapped_column(sa.Text, default="")

    kecamatan: Mapped[Kecamatan] = relationship()

    @property
    def level(self) -> str:
        return "kelurahan" if self.code[-4] == "1" else "desa"

    @property
    def parent(self) -> Kecamatan:
        return self.kecamatan

    @property
    def spellings(self) -> list[str]:
        return spellings_of(self.name, self.variants)

    def __str__(self) -> str:
        return self.name
