"""One batch at a time per course, decided under the course's lock: eight simultaneous
clicks on "issue" queue one batch (run on both databases, as CI does)."""
import threading

from sqlalchemy import func, select

from bimtek.certificates import tasks
from bimtek.certificates.models import Certificate, CertificateBatch
from bimtek.courses import services as course_services
from bimtek.errors import ValidationError
from bimtek.extensions import db
from tests.certificates.factories import finished_course

CLICKS = 8


def test_eight_simultaneous_clicks_queue_one_batch(app, monkeypatch):
    with app.app_context():
        course_id = finished_course(4, code="KSP-RACE-2024").id
    queued = []
    # The queue keeps each batch waiting, as a busy consumer would: nobody finishes first.
    monkeypatch.setattr(tasks, "run_batch", lambda batch_id, *_sealed: queued.append(batch_id))
    barrier = threading.Barrier(CLICKS)
    refused, errors = [], []

    def click():
        with app.app_context():
            course = course_services.find_course("KSP-RACE-2024")
            db.session.commit()  # hand the connection back while waiting
            barrier.wait()
            try:
                tasks.start_batch(course)
                db.session.commit()  # as the request does at its end
            except ValidationError as error:
                refused.append(error.message)
            except Exception as error:  # noqa: BLE001 — collected and asserted below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=click) for _ in range(CLICKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(queued) == 1 and len(refused) == CLICKS - 1
    assert set(refused) == {"Sertifikat kursus ini sedang diterbitkan. Tunggu sampai proses "
                            "itu selesai."}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CertificateBatch).where(
            CertificateBatch.course_id == course_id)) == 1
        assert db.session.scalar(select(func.count()).select_from(Certificate).where(
            Certificate.course_id == course_id)) == 3  # numbered once
