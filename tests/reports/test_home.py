"""Each role's home page: the day's work one click away, the figures of the role's own
courses, staff or registrations only, an empty state that says what will appear, and a
bounded number of queries whatever the number of participants."""
import pytest

from bimtek.attendance.marking import mark_many
from bimtek.attendance.roll import registered_participants
from bimtek.auth.models import Role
from bimtek.certificates import tasks as certificate_tasks
from bimtek.courses.conflicts import agenda_warnings_for
from bimtek.courses.models import Course, Session, SessionKind
from bimtek.exercises import setup as exercise_setup
from bimtek.extensions import db
from bimtek.registration import services as registration_services
from tests.attendance.factories import course_running_today
from tests.certificates.factories import institution
from tests.exercises.factories import account, finished_course_with_accounts, staff_user
from tests.registration.factories import participant
from tests.support.web import login

THIS, OTHER, TODAY = "BIMTEK-PKS-2024", "KSP-SINTANG-2024", "KSP-HARIINI-2025"


@pytest.fixture
def world(tmp_path, app, monkeypatch):
    """THIS and OTHER: finished courses with issued certificates (THIS) and an exercise
    each; TODAY: a course running today with one participant checked in. Built in an app
    context of its own, so that each client's requests get theirs."""
    monkeypatch.setitem(app.config, "FILES_DIR", str(tmp_path / "files"))
    with app.app_context():
        return _build_world()


def _build_world() -> dict:
    this, this_people, this_staff = finished_course_with_accounts(THIS, "this")
    other, _other_people, other_staff = finished_course_with_accounts(OTHER, "other")
    certificate_tasks.start_batch(this)
    evaluator = staff_user("penilai@this.test", this, Role.FACILITATOR)
    exercises = {}
    for course, staff, title in ((this, this_staff, "Simulasi Kampanye Akbar"),
                                 (other, other_staff, "Simulasi Hoaks Sintang")):
        simulation = next(s for s in course.sessions if s.kind == SessionKind.SIMULATION)
        exercises[course.code] = exercise_setup.create_exercise(
            course, title=title, scenario="Kampanye akbar.", session_id=simulation.id,
            facilitator_ids=[staff["facilitator"].id],
            evaluator_ids=[staff["facilitator"].id] + ([evaluator.id] if course is this else []),
            actor=staff["organiser"])
    today, session, (present, absent) = course_running_today(
        TODAY, ["Hadir Hari Ini", "Belum Datang"], capacity=50)
    mark_many(session, [present.id], "hadir")
    staff_user("organiser@today.test", today, Role.ORGANISER)
    staff_user("desk@today.test", today, Role.DESK)
    learner = account("peserta@today.test", Role.PARTICIPANT)
    db.session.flush()
    present.user_id = learner.id
    hr = account("hr@kutim.test", Role.HR)
    hr.institutions = [institution("Kesbangpol Kutim")]
    hr_other = account("hr@satpolpp.test", Role.HR)
    hr_other.institutions = [institution("Satpol PP Kutim")]
    db.session.commit()
    return {"today_id": today.id, "session_id": session.id,
            "warnings": len(agenda_warnings_for(today)),
            "exercise_id": exercises[THIS].id}


def home_of(app, email) -> str:
    client = app.test_client()
    login(client, email)
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_an_organiser_sees_seats_todays_check_ins_and_warnings_of_their_courses(app, world):
    page = home_of(app, "organiser@this.test")
    assert THIS in page and "4 / 4 terdaftar" in page
    assert OTHER not in page and TODAY not in page
    assert "hadir hari ini" not in page  # THIS ran in 2024
    today_page = home_of(app, "organiser@today.test")
    assert TODAY in today_page and THIS not in today_page
    assert "2 / 50 terdaftar" in today_page and "1 hadir hari ini" in today_page
    assert f"/courses/{TODAY}/attendance/live" in today_page
    warnings = world["warnings"]
    assert warnings and f"{warnings} peringatan agenda" in today_page
    assert f"/courses/{TODAY}/agenda/builder" in today_page


def test_the_desk_sees_todays_check_in_lists_of_its_courses_only(app, world):
    page = home_of(app, "desk@today.test")
    assert f'href="/courses/{TODAY}/desk"' in page
    assert f'/courses/{TODAY}/sessions/{world["session_id"]}/attendance' in page
    assert "Simulasi" in page
    quiet = home_of(app, "desk@this.test")  # THIS ran in 2024
    assert "Tidak ada kursus Anda yang berlangsung hari ini." in quiet
    assert "/desk" not in quiet and TODAY not in quiet


def test_a_facilitator_sees_the_exercises_they_run_and_rate_with_their_status(app, world):
    page = home_of(app, "fasilitator@this.test")
    exercise_id = world["exercise_id"]
    assert "Simulasi Kampanye Akbar" in page and "Draf" in page
    assert f"/courses/{THIS}/exercises/{exercise_id}/console" in page
    assert f"/courses/{THIS}/exercises/{exercise_id}/evaluation" in page
    assert "Simulasi Hoaks Sintang" not in page
    rater = home_of(app, "penilai@this.test")  # evaluates only
    assert f"/courses/{THIS}/exercises/{exercise_id}/evaluation" in rater
    assert "/console" not in rater and "Simulasi Hoaks Sintang" not in rater


def test_hr_sees_staff_below_the_target_and_new_certificates_of_its_institutions(app, world):
    page = home_of(app, "hr@kutim.test")
    assert "pegawai di bawah 20 JP" in page and 'data-testid="new-certificates"' in page
    assert "Drs. H. Syahrani Noor, M.Si." in page and "Peserta 2, S.Sos." in page
    assert "/hr/certificates/" in page
    other = home_of(app, "hr@satpolpp.test")
    assert "Syahrani" not in other and "Belum ada sertifikat baru untuk pegawai Anda." in other
    assert "Belum ada sertifikat untuk staf Anda." in other


def test_a_participant_sees_todays_sessions_and_a_ready_certificate(app, world):
    page = home_of(app, "peserta@today.test")
    assert 'data-testid="today-sessions"' in page and "00.00–23.59 WITA · Simulasi" in page
    assert "Unduh sertifikat saya" not in page and THIS not in page
    graduate = home_of(app, "peserta1@this.test")
    assert "Unduh sertifikat saya" in graduate and 'data-testid="today-sessions"' not in graduate
    assert TODAY not in graduate and OTHER not in graduate
    not_eligible = home_of(app, "peserta4@this.test")  # attended 3 of 15 JP
    assert "Unduh sertifikat saya" not in not_eligible


def test_empty_states_say_what_will_appear(app):
    with app.app_context():
        for email, role in (("baru@kutim.test", Role.ORGANISER), ("meja@kutim.test", Role.DESK),
                            ("fasil@kutim.test", Role.FACILITATOR),
                            ("peserta@kutim.test", Role.PARTICIPANT)):
            account(email, role)
        db.session.commit()
    assert "Anda belum ditugaskan" in home_of(app, "baru@kutim.test")
    assert "Tidak ada kursus Anda yang berlangsung hari ini." in home_of(app, "meja@kutim.test")
    assert "Anda belum menjadi fasilitator atau evaluator" in home_of(app, "fasil@kutim.test")
    assert "Anda belum terdaftar" in home_of(app, "peserta@kutim.test")


def test_the_organisers_home_takes_the_same_queries_for_more_participants(
        app, world, count_queries):
    client = app.test_client()
    login(client, "organiser@today.test")
    client.get("/")
    with count_queries() as few:
        client.get("/")
    with app.app_context():
        today, session = db.session.get(Course, world["today_id"]), db.session.get(
            Session, world["session_id"])
        ppk = institution("PPK")
        for serial in range(10, 40):
            registration_services.register(today, participant(serial, ppk.id))
        mark_many(session, [r.id for r in registered_participants(today)], "hadir")
    with count_queries() as more:
        page = client.get("/").get_data(as_text=True)
    assert "32 / 50 terdaftar" in page and "32 hadir hari ini" in page
    assert more.count == few.count
