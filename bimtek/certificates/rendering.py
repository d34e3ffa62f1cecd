"""Certificates as PDF/A: the HTML of each certificate, and the batch renderer that spreads
a course's certificates over all CPU cores (their files: storage and bundles).

The parent process builds every certificate's HTML (it needs the app and the database);
worker processes only lay out HTML they are given (`bimtek.pdf.render_parts`), one
document per chunk of certificates, and hand back one PDF per certificate."""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import get_template_attribute, render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from bimtek import pdf
from bimtek.certificates import services, signing, storage
from bimtek.certificates.bundles import Combined, remove_bundles, zip_bytes, zip_entries
from bimtek.certificates.eligibility import eligibility
from bimtek.certificates.models import Certificate, CertificateSettings
from bimtek.certificates.settings import (
    STATEMENT_FIELDS,
    check_number_pattern,
    format_number,
    settings_for,
)
from bimtek.certificates.storage import (
    certificate_path,
    combined_path,
    logo_root,
    zip_path,
)
from bimtek.courses.models import Course, Session
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.i18n import date_range
from bimtek.institutions.models import Institution
from bimtek.jobs import write_atomically
from bimtek.registration.badges import badge_qr_svg
from bimtek.registration.models import Registration
from bimtek.speakers.models import SpeakerRole
from bimtek.unit_of_work import keep_progress
from bimtek.urls import public_url

TEMPLATE = "certificates/certificate_pdf.html"
PAGES_TEMPLATE = "certificates/certificate_pdf_pages.html"
# Under static/. Part of every certificate's content hash: see _course_sheet.
STYLESHEETS = ("css/pdf/base.css", "css/pdf/certificate.css")
# PDF/A-3 is what archives (and HR offices' document systems) accept for long-term keeping.
PDF_OPTIONS = {"pdf_variant": "pdf/a-3b"}
SAMPLE_CODE = "XXXX-XXXX-XXXX"
BACK_ANCHOR = "daftar-materi"
# Certificates per WeasyPrint document: big enough that the stylesheet and fonts are
# loaded for many certificates at once (and that a few certificates are not worth
# starting worker processes for), small enough that every core gets several chunks (even
# load, and the progress bar moves).
MIN_CHUNK, MAX_CHUNK = 8, 50
CHUNKS_PER_WORKER = 3
STATEMENT_PLACEHOLDER = re.compile(r"\{(" + "|".join(STATEMENT_FIELDS) + r")\}")


# --- the certificate's HTML --------------------------------------------------------------

def verification_url(code: str) -> str:
    """What the QR code holds: the public verification page."""
    return public_url("certificates.verify", code=code)


@dataclass
class Material:
    number: int
    title: str
    speakers: list[str]
    jp: int


@dataclass
class CourseSheet:
    """What all certificates of a course print alike, worked out once per course."""

    course: Course
    settings: CertificateSettings
    heading: list[str]
    logos: list[str]
    dates: str
    place: str
    signed: str
    materials: list[Material]
    # The back page, the same on every certificate of the course.
    back: Markup = Markup()
    # A hash of the back, the document around the pages (stylesheet, fonts) and the
    # logos' bytes: when it changes, every certificate of the course changes.
    digest: str = ""

    @property
    def materials_jp(self) -> int:
        return sum(material.jp for material in self.materials)


def _materials(course: Course) -> list[Material]:
    """The sessions with JP in agenda order, with those who taught them (moderators lead
    a discussion rather than teach, so they are left out)."""
    sessions = db.session.scalars(
        select(Session).where(Session.course_id == course.id, Session.jp > 0)
        .order_by(Session.day, Session.starts_at, Session.id))
    return [Material(number, session.title,
                     [link.speaker.full_name for link in session.speaker_links
                      if link.role != SpeakerRole.MODERATOR], session.jp)
            for number, session in enumerate(sessions, start=1)]


def _place(course: Course) -> str:
    """'Hotel Harris Samarinda', or 'Aula Kantor Bupati, Sangatta': the city once."""
    if course.city and course.city.casefold() not in course.venue.casefold():
        return ", ".join(filter(None, (course.venue, course.city)))
    return course.venue or course.city


def _macro(name: str):
    return get_template_attribute(PAGES_TEMPLATE, name)


def _course_sheet(course: Course) -> CourseSheet:
    settings = settings_for(course)
    logos = [name for name in (settings.logo, settings.partner_logo) if name]
    signing_date = settings.signing_date or course.ends_on
    sheet = CourseSheet(
        course=course, settings=settings,
        heading=[line.strip() for line in settings.heading.splitlines() if line.strip()],
        logos=[f"/logos/{course.id}/{name}" for name in logos],
        dates=date_range(course.starts_on, course.ends_on), place=_place(course),
        signed=f"{settings.signing_place or course.city}, {_day(signing_date)}",
        materials=_materials(course))
    sheet.back = _macro("back")(sheet=sheet)
    digest = hashlib.sha256(_document(sheet, []).encode())
    for stylesheet in STYLESHEETS:
        digest.update((pdf.STATIC_ROOT / stylesheet).read_bytes())
    digest.update(sheet.back.encode())
    # A new logo under the same name must still re-render the certificates.
    for name in logos:
        path = storage.logo_folder(course) / name
        digest.update(path.read_bytes() if path.is_file() else b"")
    sheet.digest = digest.hexdigest()
    return sheet


def _day(day: date) -> str:
    return format_date(day, "d MMMM y")


def _statement(sheet: CourseSheet, certificate: Certificate) -> Markup:
    """The course's statement with {course}, {dates}, {place} and {jp} filled in. The
    organiser's wording and the values are both escaped; only the emphasis is markup."""
    values = {"course": Markup("<strong>{}</strong>").format(sheet.course.title),
              "dates": escape(sheet.dates), "place": escape(sheet.place),
              "jp": escape(str(certificate.jp))}
    return Markup(STATEMENT_PLACEHOLDER.sub(lambda match: values[match[1]],
                                       str(escape(sheet.settings.statement))))


@dataclass
class Front:
    """One certificate's front page as HTML, a hash of everything in its PDF, and where
    the PDF goes."""

    certificate: Certificate
    anchor: str
    html: Markup
    content_hash: str
    path: Path

    @property
    def is_stale(self) -> bool:
        """Whether the stored PDF, if any, shows something else (or is gone)."""
        return self.certificate.content_hash != self.content_hash or not self.path.is_file()


def _front(sheet: CourseSheet, certificate: Certificate) -> Front:
    anchor = f"sertifikat-{certificate.verification_code}"
    html = _macro("front")(sheet=sheet, certificate=certificate, anchor=anchor,
                           statement=_statement(sheet, certificate),
                           qr=badge_qr_svg(verification_url(certificate.verification_code)))
    return Front(certificate, anchor, html,
                 hashlib.sha256(sheet.digest.encode() + html.encode()).hexdigest(),
                 certificate_path(certificate))


def _document(sheet: CourseSheet, pages: list[Markup]) -> str:
    return render_template(TEMPLATE, sheet=sheet, pages=pages, stylesheets=STYLESHEETS)


def _load_holders(certificates: list[Certificate]) -> None:
    """Every certificate's participant in one query, instead of one query each."""
    holders = {registration.id: registration for registration in db.session.scalars(
        select(Registration).where(Registration.id.in_(
            {certificate.registration_id for certificate in certificates})))}
    for certificate in certificates:
        if certificate.registration_id in holders:
            set_committed_value(certificate, "registration",
                                holders[certificate.registration_id])


def certificate_html(certificates: list[Certificate]) -> str:
    """One HTML document with the front and back of each certificate, A4 landscape."""
    if not certificates:
        raise ValidationError(_("There is no certificate to render."), field="certificates")
    _load_holders(certificates)
    sheets: dict[int, CourseSheet] = {}
    pages = []
    with force_locale("id"):  # an Indonesian official document, whatever the UI language
        for certificate in certificates:
            if certificate.course_id not in sheets:
                sheets[certificate.course_id] = _course_sheet(certificate.course)
            sheet = sheets[certificate.course_id]
            pages += [_front(sheet, certificate).html, sheet.back]
        return _document(sheets[certificates[0].course_id], pages)


# --- preview ---------------------------------------------------------------------------

def _made_up_participant(course: Course) -> Registration:
    return Registration(course_id=course.id, number=1, name="Nama Peserta",
                        back_titles="S.Sos.", nip="199001012015011001",
                        position="Jabatan Peserta",
                        institution=Institution(name="Instansi Peserta",
                                                short_name="Instansi"))


def sample_certificate(course: Course) -> Certificate:
    """An unsaved certificate as the first participant would get it (an eligible one if
    any), or a made-up participant when nobody has registered yet."""
    settings = settings_for(course)
    pattern = check_number_pattern(settings.number_pattern)
    rows = eligibility(course)
    holder = next((row for row in rows if row.eligible), rows[0] if rows else None)
    jp = services.total_jp(course)
    return Certificate(
        course_id=course.id, course=course, seq=1,
        registration=holder.registration if holder else _made_up_participant(course),
        number=format_number(pattern, 1, course.code,
                             settings.signing_date or course.ends_on),
        verification_code=SAMPLE_CODE, attended_jp=jp, total_jp=jp)


def preview_pdf(course: Course) -> bytes:
    """One certificate, front and back, rendered as the batch would render it."""
    return pdf.render_pdf(certificate_html([sample_certificate(course)]),
                          logo_root=logo_root(course), **PDF_OPTIONS)


# --- rendering many --------------------------------------------------------------------

def _pool() -> ProcessPoolExecutor:
    # A fork server forks each worker from a clean process that has WeasyPrint loaded
    # already: quicker than spawning, and unlike a plain fork it copies no threads or
    # database connections of this (multi-threaded) process. Workers start as chunks
    # are submitted, up to one per core.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["bimtek.pdf", "bimtek.certificates.signing"])
    return ProcessPoolExecutor(max_workers=os.cpu_count(), mp_context=context)


def _chunk_size_for(count: int) -> int:
    even_share = -(-count // ((os.cpu_count() or 1) * CHUNKS_PER_WORKER))  # rounded up
    return min(MAX_CHUNK, max(MIN_CHUNK, even_share))


class _ChunkRenderer:
    """Renders fronts in chunks as they are added, so that the workers start on the first
    chunk while this process builds the HTML of the next. A chunk is one document: its
    fronts, then the course's back once, which every certificate's PDF ends with. Chunks
    go to worker processes, except when all fronts fit in one chunk: then this process
    renders it, as starting workers would take longer. `finished(fronts, pdfs)` gets each
    chunk's PDFs, in this thread, whenever `add` or `close` finds a chunk done."""

    def __init__(self, sheet: CourseSheet, size: int,
                 finished: Callable[[list[Front], list[bytes]], None],
                 key: signing.SigningKey | None = None):
        self.sheet, self.size, self.finished, self.key = sheet, size, finished, key
        self.back = _macro("back")(sheet=sheet, anchor=BACK_ANCHOR)
        self.options = {"common_anchor": BACK_ANCHOR, "logo_root": logo_root(sheet.course),
                        **PDF_OPTIONS}
        self.chunk: list[Front] = []
        self.pool: ProcessPoolExecutor | None = None
        self.running: dict[Future, list[Front]] = {}

    def __enter__(self) -> _ChunkRenderer:
        return self

    def __exit__(self, error_type, _error, _traceback) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=error_type is not None)

    def _job(self, chunk: list[Front]) -> tuple[str, list[str], signing.SigningKey | None]:
        # The key travels to the worker through the pool's pipe, in memory.
        return (_document(self.sheet, [*(front.html for front in chunk), self.back]),
                [front.anchor for front in chunk], self.key)

    def _submit(self) -> None:
        if self.pool is None:
            self.pool = _pool()
        self.running[self.pool.submit(signing.render_parts, *self._job(self.chunk),
                                      **self.options)] = self.chunk
        self.chunk = []

    def _collect(self, *, block: bool) -> None:
        if not self.running:
            return
        done, _pending = wait(self.running, timeout=None if block else 0,
                              return_when=FIRST_COMPLETED)
        for future in done:
            self.finished(self.running.pop(future), future.result())

    def add(self, front: Front) -> None:
        self.chunk.append(front)
        if len(self.chunk) == self.size:
            self._submit()
        self._collect(block=False)

    def close(self) -> None:
        if self.chunk and self.pool is None:
            self.finished(self.chunk, signing.render_parts(*self._job(self.chunk),
                                                           **self.options))
        elif self.chunk:
            self._submit()
        while self.running:
            self._collect(block=True)


@dataclass
class Issued:
    files: list[Path]  # every valid certificate's PDF, in number order
    rendered: int


def render_course(course: Course, *, progress: Callable[[int], None] | None = None,
                  chunk_size: int | None = None, key: signing.SigningKey | None = None
                  ) -> Issued:
    """Render the course's valid certificates whose content changed or whose file is
    missing, each signed with `key` when given, then the combined PDF and the ZIP.
    `progress(done)`, with how many certificates are ready, is called before each commit:
    one per finished chunk. The SHA-256 recorded is the signed file's."""
    certificates = services.valid_certificates(course)
    _load_holders(certificates)
    files = [certificate_path(certificate) for certificate in certificates]
    entries = zip_entries(certificates)
    combined = Combined(files)
    rendered = done = 0

    def finished(fronts: list[Front], pdfs: list[bytes]) -> None:
        nonlocal done
        for front, document in zip(fronts, pdfs, strict=True):
            write_atomically(front.path, document)
            combined.add(front.path, document)
        # One statement for the chunk rather than one per certificate.
        db.session.execute(update(Certificate), [
            {"id": front.certificate.id, "pdf_file": front.path.name,
             "pdf_sha256": hashlib.sha256(document).hexdigest(),
             "content_hash": front.content_hash}
            for front, document in zip(fronts, pdfs, strict=True)])
        done += len(fronts)
        _commit_progress(progress, done)

    with force_locale("id"):  # an Indonesian official document, whatever the UI language
        sheet = _course_sheet(course)
        if key is not None:
            # Another signatory, or a timestamp server set since, signs every one again.
            sheet.digest = hashlib.sha256(
                f"{sheet.digest} {key.fingerprint} {key.tsa_url}".encode()).hexdigest()
        with _ChunkRenderer(sheet, chunk_size or _chunk_size_for(len(certificates)),
                            finished, key) as renderer:
            for certificate in certificates:
                front = _front(sheet, certificate)
                if front.is_stale:
                    renderer.add(front)
                    rendered += 1
                else:
                    combined.add(front.path, front.path)
                    done += 1
            _commit_progress(progress, done)
            renderer.close()
    # The PDFs' columns were written past the loaded rows.
    db.session.expire_all()
    if certificates:
        write_atomically(combined_path(course), combined.pdf())
        write_atomically(zip_path(course), zip_bytes(entries))
    else:
        remove_bundles(course)
    return Issued(files, rendered)


def _commit_progress(progress: Callable[[int], None] | None, done: int) -> None:
    """Keep the chunk rendered so far, so that the page polling the batch sees it."""
    if progress:
        progress(done)
    keep_progress()
