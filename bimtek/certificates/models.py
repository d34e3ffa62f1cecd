from __future__ import annotations

import secrets
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bimtek.courses.models import Course
from bimtek.extensions import db
from bimtek.institutions.models import Institution
from bimtek.jobs import BatchStatus as BatchStatus
from bimtek.jobs import RenderJob
from bimtek.registration.models import Registration
from bimtek.timeutil import utcnow

# Unambiguous when read aloud or typed from paper: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
DEFAULT_NUMBER_PATTERN = "{seq:03}/{course}/{month_roman}/{year}"
DEFAULT_TRAINING_KIND = "Bimtek"
DEFAULT_STATEMENT = ("telah mengikuti {course} yang diselenggarakan pada tanggal {dates} "
                     "di {place} dengan jumlah {jp} Jam Pelajaran (JP).")


def new_verification_code() -> str:
    """Twelve random characters in three groups, e.g. 7KQ4-M9XD-2HPA (about 59 bits)."""
    characters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(characters[i:i + 4] for i in range(0, 12, 4))


class Signatory(db.Model):
    """Someone who signs certificates electronically, with the key of a PKCS#12 file an
    admin registered. The file is kept (readable by the app's user only); its passphrase
    never is. The certificate and the chain the file carries are kept apart, in PEM, so
    that verification can check signatures without opening the file."""

    __tablename__ = "signatory"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    nip: Mapped[str] = mapped_column(sa.String(18), default="")
    position: Mapped[str] = mapped_column(sa.String(200))
    institution_id: Mapped[int] = mapped_column(sa.ForeignKey("institution.id"), index=True)
    # The PKCS#12 file's name under the signatory folder of the files folder.
    key_file: Mapped[str] = mapped_column(sa.String(80))
    certificate_pem: Mapped[str] = mapped_column(sa.Text)
    chain_pem: Mapped[str] = mapped_column(sa.Text, default="")
    certificate_sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    subject: Mapped[str] = mapped_column(sa.String(500), default="")
    not_before: Mapped[datetime]
    not_after: Mapped[datetime]
    # The demo's signatory, whose passphrase is a demo setting rather than a secret.
    is_demo: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    institution: Mapped[Institution] = relationship()

    @property
    def passphrase_variable(self) -> str:
        """The environment variable that may hold this signatory's passphrase."""
        return f"BIMTEK_SIGNATORY_PASSPHRASE_{self.id}"


class CertificateSettings(db.Model):
    """How a course's certificates are numbered, worded and signed. One row per course,
    created with its defaults the first time someone opens the settings."""

    __tablename__ = "certificate_settings"

    course_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course.id", ondelete="CASCADE"), primary_key=True)
    number_pattern: Mapped[str] = mapped_column(sa.String(120), default=DEFAULT_NUMBER_PATTERN)
    # Lines above SERTIFIKAT, e.g. "PEMERINTAH KABUPATEN KUTAI TIMUR".
    heading: Mapped[str] = mapped_column(sa.String(500), default="")
    statement: Mapped[str] = mapped_column(sa.String(1000), default=DEFAULT_STATEMENT)
    signing_place: Mapped[str] = mapped_column(sa.String(100), default="")
    # The kind of development (jenis) the civil-servant system's training history asks for.
    training_kind: Mapped[str] = mapped_column(sa.String(40), default=DEFAULT_TRAINING_KIND,
                                               server_default=DEFAULT_TRAINING_KIND)
    # Empty means the last day of the course.
    signing_date: Mapped[date | None]
    # Stored file names of the uploaded logos, under the course's upload folder.
    logo: Mapped[str] = mapped_column(sa.String(80), default="")
    partner_logo: Mapped[str] = mapped_column(sa.String(80), default="")
    # Who signs the certificates electronically; none: they are not signed.
    signatory_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("signatory.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    course: Mapped[Course] = relationship()
    signatory: Mapped[Signatory | None] = relationship()


class Certificate(db.Model):
    """An issued certificate. Its number and code are never reused: a revoked certificate
    stays, and issuing the participant again gives a new one."""

    __tablename__ = "certificate"
    __table_args__ = (
        sa.UniqueConstraint("course_id", "seq"),
        # One valid certificate per participant, whatever the application checked first.
        sa.Index("uq_certificate_valid_registration", "registration_id", unique=True,
                 sqlite_where=sa.text("revoked_at IS NULL"),
                 postgresql_where=sa.text("revoked_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int]
    number: Mapped[str] = mapped_column(sa.String(120), unique=True)
    verification_code: Mapped[str] = mapped_column(
        sa.String(14), unique=True, default=new_verification_code)
    # What the certificate states, fixed when it is issued.
    attended_jp: Mapped[int]
    total_jp: Mapped[int]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    # The institution in whose name it was issued, set only when the issuer was allowed to
    # issue for it: what verification states as the issuer.
    issuer_institution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("institution.id"))
    # The rendered PDF: its file under the certificate folder, its SHA-256, and a hash of
    # everything that went into it, so issuing again renders only what changed.
    pdf_file: Mapped[str] = mapped_column(sa.String(200), default="")
    pdf_sha256: Mapped[str] = mapped_column(sa.String(64), default="")
    content_hash: Mapped[str] = mapped_column(sa.String(64), default="")
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    course: Mapped[Course] = relationship()
    registration: Mapped[Registration] = relationship()
    issuer_institution: Mapped[Institution | None] = relationship()

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @property
    def jp(self) -> int:
        """The JP the certificate states (the course's material JP): the one figure it
        prints, HR offices count towards the yearly target and the recap reports."""
        return self.total_jp

    @property
    def dated(self) -> date:
        """The certificate's date as HR records it: the course's last day."""
        return self.course.ends_on


class CertificateBatch(RenderJob, db.Model):
    """One run of issuing a course's certificates in the background; the page polls it."""

    __tablename__ = "certificate_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"),
                                           index=True)
    # How many were rendered, as opposed to unchanged since the last batch.
    rendered: Mapped[int] = mapped_column(default=0)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    course: Mapped[Course] = relationship()
