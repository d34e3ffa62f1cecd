"""One unit of work per request, command and task: a refusal keeps nothing of what the
request had changed before it, an error answer keeps nothing, and a background task
queued by a request starts only once the request's rows are kept."""
import pytest

from bimtek.auth.models import Role
from bimtek.certificates.settings import settings_for
from bimtek.courses import services as course_services
from bimtek.courses.models import Room
from bimtek.extensions import db, huey
from bimtek.mail import services as mail
from bimtek.mail.models import MailJob, MessageKind
from tests.certificates.people import CODE, ORGANISER, assign
from tests.factories import make_course
from tests.support.web import login, post


@pytest.fixture
def organiser(app, client, make_user):
    with app.app_context():
        make_course(CODE)
        assign(make_user(ORGANISER, "organiser"), CODE, Role.ORGANISER)
    login(client, ORGANISER)


def test_a_refusal_keeps_nothing_the_request_changed_before_it(app, client, organiser):
    """Saving the certificate settings writes the wording first and the course's
    signatory last; a NIP refused at that last step leaves the wording as it was."""
    response = post(client, f"/courses/{CODE}/certificates/settings", {
        "number_pattern": "{seq:03}/BIMTEK/{year}", "heading": "JUDUL BARU",
        "statement": "telah mengikuti {course} selama {jp} JP.", "signing_place": "Sangatta",
        "signatory_position": "Kepala Badan", "signatory_name": "Dr. H. Muhammad Yusuf",
        "signatory_nip": "1972"})

    assert response.status_code == 200
    assert "NIP terdiri atas 18 angka." in response.get_data(as_text=True)
    with app.app_context():
        course = course_services.find_course(CODE)
        assert settings_for(course).heading != "JUDUL BARU"
        assert course.signatory_name == ""


def test_an_error_answer_keeps_nothing(app, organiser):
    """What a request changed is dropped when its answer is an error (here a 404 drawn
    after a room was added)."""
    with app.test_request_context():
        course = course_services.find_course(CODE)
        db.session.add(Room(course_id=course.id, name="Ruang Tamu"))
        db.session.flush()
        app.process_response(app.response_class(status=404))
    with app.app_context():
        assert course_services.find_course(CODE).rooms == []


def test_a_task_queued_by_a_request_waits_for_its_commit(app):
    """With a worker (tasks not run at once), the mail job's task is queued only when the
    job's rows are committed, so the worker always finds them; a rolled-back job queues
    nothing."""
    huey.immediate = False
    huey.flush()
    try:
        with app.app_context():
            mail.start_job(MessageKind.CONFIRMATION, [mail.message(
                MessageKind.CONFIRMATION, "andi@example.org", "Konfirmasi", "Isi")])
            assert huey.pending_count() == 0
            db.session.rollback()
        assert huey.pending_count() == 0

        with app.app_context():
            job = mail.start_job(MessageKind.CONFIRMATION, [mail.message(
                MessageKind.CONFIRMATION, "andi@example.org", "Konfirmasi", "Isi")])
            assert huey.pending_count() == 0
            job_id = job.id
        assert huey.pending_count() == 1
        with app.app_context():
            assert db.session.get(MailJob, job_id).total == 1
    finally:
        huey.flush()
        huey.immediate = True
