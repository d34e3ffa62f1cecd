"""Issuing a course's certificates as a batch: stored PDFs with their SHA-256, the combined
PDF and the ZIP, rendering only what changed, stable numbers, worker processes, and the
batch run by a real Huey consumer."""
import hashlib
import shutil
import signal
import time
import zipfile
from datetime import timedelta
from io import BytesIO

import pytest
from flask_migrate import upgrade
from pypdf import PdfReader

from bimtek import pdf
from bimtek.attendance.marking import mark_many
from bimtek.attendance.models import AttendanceStatus
from bimtek.certificates import rendering, services, tasks
from bimtek.certificates.bundles import write_bundles, zip_of
from bimtek.certificates.eligibility import override_eligibility
from bimtek.certificates.models import CertificateBatch
from bimtek.certificates.settings import settings_for
from bimtek.certificates.storage import certificate_path, combined_path, zip_path
from bimtek.courses.models import Session
from bimtek.errors import ValidationError
from bimtek.extensions import db, huey
from bimtek.jobs import BatchStatus
from bimtek.timeutil import utcnow
from tests.certificates.factories import finished_course, participant_nip, participants_of
from tests.support.apps import build_app
from tests.support.documents import decoded_qr_codes, pages_text


def stored_correctly(certificate) -> bool:
    path = certificate_path(certificate)
    return (certificate.pdf_file == path.name and
            certificate.pdf_sha256 == hashlib.sha256(path.read_bytes()).hexdigest())


def names_in_order(document: bytes) -> list[str]:
    """The name under "diberikan kepada" on each certificate's front (every other page)."""
    fronts = pages_text(document)[::2]
    return [front.split("diberikan kepada ")[1].split(" NIP.")[0] for front in fronts]


def test_a_batch_stores_every_eligible_participants_pdf_and_the_bundles(app_context):
    course = finished_course(4)
    batch = tasks.start_batch(course)
    assert (batch.status, batch.total, batch.done, batch.rendered) == (BatchStatus.DONE, 3,
                                                                       3, 3)
    assert batch.finished_at is not None and batch.error == ""
    assert tasks.latest_batch(course) == batch
    certificates = services.valid_certificates(course)
    assert [c.registration.number for c in certificates] == [1, 2, 3]  # not the last one
    assert all(stored_correctly(c) for c in certificates)
    combined = combined_path(course).read_bytes()
    assert len(PdfReader(BytesIO(combined)).pages) == 2 * 3
    assert names_in_order(combined) == ["Drs. H. Syahrani Noor, M.Si.", "Peserta 2, S.Sos.",
                                        "Peserta 3, S.Sos."]
    with zipfile.ZipFile(zip_path(course)) as archive:
        assert archive.namelist() == [services.download_name(c) for c in certificates]
        assert archive.read(services.download_name(certificates[0])) == \
            certificate_path(certificates[0]).read_bytes()


def test_issuing_again_renders_only_what_changed(app_context):
    course = finished_course(3)
    assert tasks.start_batch(course).rendered == 2
    first, second = services.valid_certificates(course)
    unchanged_sha = first.pdf_sha256
    assert tasks.start_batch(course).rendered == 0

    second.registration.name = "Peserta Dua"  # a typo corrected
    db.session.commit()
    batch = tasks.start_batch(course)
    assert (batch.rendered, batch.done, batch.total) == (1, 2, 2)
    assert first.pdf_sha256 == unchanged_sha and stored_correctly(second)
    assert "Peserta Dua, S.Sos." in pages_text(
        certificate_path(second).read_bytes())[0]
    assert names_in_order(combined_path(course).read_bytes())[1] == \
        "Peserta Dua, S.Sos."

    certificate_path(first).unlink()  # a lost file is rendered again
    assert tasks.start_batch(course).rendered == 1 and stored_correctly(first)

    course.title = "Bimtek Mitigasi Konflik Sosial"  # on every certificate
    db.session.commit()
    assert tasks.start_batch(course).rendered == 2


def test_a_changed_stylesheet_renders_every_certificate_again(app_context, monkeypatch,
                                                              tmp_path):
    course = finished_course(3)
    assert tasks.start_batch(course).rendered == 2
    static = tmp_path / "static"
    shutil.copytree(pdf.STATIC_ROOT / "css", static / "css")
    with (static / "css" / "pdf" / "certificate.css").open("a") as stylesheet:
        stylesheet.write(".note { font-style: normal; }\n")
    monkeypatch.setattr(pdf, "STATIC_ROOT", static)
    assert tasks.start_batch(course).rendered == 2


def test_numbers_are_stable_and_never_reused(app_context):
    course = finished_course(4)
    settings_for(course).number_pattern = "{seq:03}/BIMTEK/{month_roman}/{year}"
    tasks.start_batch(course)
    numbers = [c.number for c in services.valid_certificates(course)]
    assert numbers == ["001/BIMTEK/XI/2024", "002/BIMTEK/XI/2024", "003/BIMTEK/XI/2024"]
    revoked = services.find_by_number("002/BIMTEK/XI/2024")
    services.revoke(revoked, "Nama salah")
    write_bundles(course)
    with zipfile.ZipFile(zip_path(course)) as archive:
        assert archive.namelist() == [
            f"{participant_nip(1)}_Syahrani-Noor_001-BIMTEK-XI-2024.pdf",
            f"{participant_nip(3)}_Peserta-3_003-BIMTEK-XI-2024.pdf"]
    assert len(PdfReader(combined_path(course)).pages) == 4

    # The last participant makes up the missed sessions (an organiser's correction).
    last = participants_of(course)[-1]
    for session in db.session.scalars(db.select(Session).where(Session.course_id == course.id)):
        mark_many(session, [last.id], AttendanceStatus.HADIR, reason="Menyusul materi")
    batch = tasks.start_batch(course)
    assert (batch.total, batch.rendered) == (4, 2)
    by_participant = {c.registration.number: c.number
                      for c in services.valid_certificates(course)}
    # Participant 2 gets a new number after the revoked one; nobody gets 002 again.
    assert by_participant == {1: "001/BIMTEK/XI/2024", 2: "004/BIMTEK/XI/2024",
                              3: "003/BIMTEK/XI/2024", 4: "005/BIMTEK/XI/2024"}
    assert not revoked.is_valid and revoked.number == "002/BIMTEK/XI/2024"
    with zipfile.ZipFile(zip_path(course)) as archive:
        assert not any(name.endswith("_002-BIMTEK-XI-2024.pdf") for name in archive.namelist())
        assert len(archive.namelist()) == 4


def test_bundles_go_while_a_certificate_waits_for_rendering(app_context):
    course = finished_course(3)
    tasks.start_batch(course)
    first, second = services.valid_certificates(course)
    override_eligibility(participants_of(course)[2], True, "Tugas pengganti")
    services.assign_certificates(course)  # numbered, not rendered yet
    services.revoke(first, "Nama salah")
    write_bundles(course)
    assert not combined_path(course).exists()
    assert not zip_path(course).exists()
    with pytest.raises(ValidationError):
        zip_of(services.valid_certificates(course))
    assert tasks.start_batch(course).rendered == 2  # the newcomer and participant 1 again
    with zipfile.ZipFile(zip_path(course)) as archive:
        assert len(archive.namelist()) == 3


def test_chunks_render_in_worker_processes(app_context):
    course = finished_course(4)
    services.assign_certificates(course)
    progress = []
    issued = rendering.render_course(course, progress=progress.append, chunk_size=1)
    assert issued.rendered == 3 and progress == sorted(progress) and progress[-1] == 3
    certificates = services.valid_certificates(course)
    assert issued.files == [certificate_path(c) for c in certificates]
    for certificate in certificates:
        assert stored_correctly(certificate)
        document = certificate_path(certificate).read_bytes()
        assert certificate.registration.full_name in pages_text(document)[0]
        assert decoded_qr_codes(document) == [rendering.verification_url(
            certificate.verification_code)]


def test_rendering_takes_the_same_queries_for_more_certificates(app_context, count_queries):
    def queries(participants: int, code: str) -> int:
        course = finished_course(participants, code=code)
        settings_for(course).number_pattern = "{seq:03}/{course}/{year}"
        services.assign_certificates(course)
        db.session.expire_all()
        with count_queries() as counter:
            rendering.render_course(course)
        return counter.count

    assert queries(3, "KSP-A-2024") == queries(8, "KSP-B-2024")


def test_a_failed_batch_says_why(app_context, app, tmp_path, monkeypatch):
    course = finished_course(2)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setitem(app.config, "FILES_DIR", str(blocker))
    batch = tasks.start_batch(course)
    assert batch.status == BatchStatus.FAILED and batch.finished_at is not None
    assert "not-a-folder" in batch.error


def test_a_course_without_eligible_participants_gives_an_empty_batch(app_context):
    course = finished_course(1)
    batch = tasks.start_batch(course)
    assert (batch.status, batch.total, batch.done) == (BatchStatus.DONE, 0, 0)
    assert not combined_path(course).exists()


def test_a_batch_left_unfinished_for_long_does_not_block_the_next(app_context):
    course = finished_course(2)
    stuck = CertificateBatch(course_id=course.id, status=BatchStatus.RUNNING)
    db.session.add(stuck)
    db.session.commit()
    with pytest.raises(ValidationError):
        tasks.start_batch(course)
    stuck.requested_at = utcnow() - timedelta(hours=2)  # its worker died
    db.session.commit()
    assert tasks.start_batch(course).status == BatchStatus.DONE


@pytest.fixture
def worker_app(app, database_factory, tmp_path):
    """A second app on its own database whose tasks go to Huey's SQLite queue in its
    instance folder, as with `make run`, instead of running at once."""
    queued = build_app(database_factory.create(), tmp_path / "instance",
                       TASKS_IMMEDIATE=False, FILES_DIR=str(tmp_path / "files"))
    with queued.app_context():
        upgrade()
    yield queued
    with queued.app_context():
        db.engine.dispose()


def test_a_batch_runs_in_a_huey_consumer(worker_app):
    with worker_app.app_context():
        course = finished_course(10)  # nine certificates: two chunks, two processes
        batch_id = tasks.start_batch(course).id
        assert db.session.get(CertificateBatch, batch_id).status == BatchStatus.QUEUED
        with pytest.raises(ValidationError) as error:  # one batch of a course at a time
            tasks.start_batch(course)
        assert error.value.field == "batch"
    handlers = {number: signal.getsignal(number)
                for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = huey.create_consumer(workers=1, worker_type="thread", periodic=False,
                                    check_worker_health=False)
    consumer.start()
    try:
        deadline = time.monotonic() + 300
        with worker_app.app_context():
            while True:
                db.session.expire_all()
                batch = db.session.get(CertificateBatch, batch_id)
                if batch.status in (BatchStatus.DONE, BatchStatus.FAILED) or \
                        time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            assert (batch.status, batch.error, batch.done, batch.rendered) == (
                BatchStatus.DONE, "", 9, 9)
            certificates = services.valid_certificates(batch.course)
            assert len(certificates) == 9 and all(stored_correctly(c) for c in certificates)
            assert len(PdfReader(combined_path(batch.course)).pages) == 18
    finally:
        consumer.stop(graceful=True)
        for number, handler in handlers.items():
            signal.signal(number, handler)
