"""Badges printed in the background: the organiser starts a job, its page shows the
progress while it runs and the download once done; the PDF holds the selected badges with
QR codes that decode. Only the course's organisers start, follow or download a job."""
import pytest

from bimtek.auth.models import Role
from bimtek.extensions import db
from bimtek.jobs import BatchStatus
from bimtek.registration import badges, tasks
from bimtek.registration.models import BadgeJob
from tests.exercises.factories import staff_user
from tests.factories import make_course
from tests.registration.factories import add_people, badge_world
from tests.support.documents import decoded_qr_codes, pages_text
from tests.support.web import login, post


@pytest.fixture
def setting(app_context):
    return badge_world()


@pytest.fixture(autouse=True)
def _own_files_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "FILES_DIR", str(tmp_path / "files"))


@pytest.fixture
def staff(setting):
    course = setting["course"]
    other = make_course("KSP-BERAU-2024", capacity=10)
    return {"organiser": staff_user("organiser@kutim.test", course, Role.ORGANISER).email,
            "desk": staff_user("desk@kutim.test", course, Role.DESK).email,
            "facilitator": staff_user("fasilitator@kutim.test", course,
                                      Role.FACILITATOR).email,
            "other_organiser": staff_user("organiser@berau.test", other,
                                          Role.ORGANISER).email}


def logged_in(app, email):
    client = app.test_client()
    login(client, email)
    return client


def test_the_organiser_starts_a_job_follows_it_and_downloads_every_badge(app, setting, staff):
    course, people = setting["course"], setting["people"]
    client = logged_in(app, staff["organiser"])
    started = post(client, f"/courses/{course.code}/participants/badges")
    assert started.status_code == 302
    job = db.session.scalars(db.select(BadgeJob)).one()
    assert started.location.endswith(f"/courses/{course.code}/participants/badges/{job.id}")
    assert (job.status, job.done, job.total) == (BatchStatus.DONE, 9, 9)
    page = client.get(started.location).get_data(as_text=True)
    assert "9 dari 9 kartu" in page and "100%" in page and "hx-trigger" not in page
    download = client.get(f"{started.location}/badges.pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    document = download.get_data()
    assert decoded_qr_codes(document, 0) == sorted(r.badge_code for r in people[:8])
    assert decoded_qr_codes(document, 1) == [people[8].badge_code]
    first, second = pages_text(document)
    assert f"{course.code} · 1 / 2" in first and f"{course.code} · 2 / 2" in second


def test_one_institutions_badges_or_one_participants_badge(app, setting, staff):
    course, people = setting["course"], setting["people"]
    client = logged_in(app, staff["organiser"])
    post(client, f"/courses/{course.code}/participants/badges",
         {"institution_id": setting["kesbangpol"]})
    post(client, f"/courses/{course.code}/participants/badges",
         {"id": [people[6].id, setting["stranger"].id]})
    whole_institution, one = db.session.scalars(db.select(BadgeJob).order_by(BadgeJob.id))
    assert whole_institution.total == 5 and one.total == 1
    document = client.get(f"/courses/{course.code}/participants/badges/{one.id}/badges.pdf")
    assert decoded_qr_codes(document.get_data()) == [people[6].badge_code]
    # The newer print replaces the older one's file: a sheet holds personal data.
    older = client.get(f"/courses/{course.code}/participants/badges/{whole_institution.id}")
    assert "digantikan" in older.get_data(as_text=True)
    assert client.get(f"/courses/{course.code}/participants/badges/"
                      f"{whole_institution.id}/badges.pdf").status_code == 404


def test_nobody_to_print_is_refused_before_any_job(app, setting, staff):
    course = setting["course"]
    client = logged_in(app, staff["organiser"])
    answer = post(client, f"/courses/{course.code}/participants/badges",
                  {"id": [setting["cancelled"].id]}, follow_redirects=True)
    assert "Tidak ada peserta" in answer.get_data(as_text=True)
    assert db.session.scalars(db.select(BadgeJob)).all() == []


def test_while_running_the_page_polls_and_shows_the_count(app, setting, staff):
    course = setting["course"]
    job = BadgeJob(course_id=course.id, total=9, done=3, status=BatchStatus.RUNNING)
    db.session.add(job)
    db.session.commit()
    client = logged_in(app, staff["organiser"])
    url = f"/courses/{course.code}/participants/badges/{job.id}"
    part = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in part and "3 dari 9 kartu" in part and "33%" in part
    assert "<html" not in part and "badges.pdf" not in part
    assert client.get(f"{url}/badges.pdf").status_code == 404


def test_progress_is_told_a_few_sheets_at_a_time(setting, monkeypatch):
    monkeypatch.setattr(badges, "SHEETS_PER_STEP", 1)
    steps = []
    badges.badges_pdf(setting["course"], badges.badge_selection(setting["course"]),
                      progress=steps.append)
    assert steps == [8, 9]


def test_a_failed_job_says_why(app, setting, staff, monkeypatch):
    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(badges, "badges_pdf", broken)
    course = setting["course"]
    job = tasks.start_badge_job(course)
    assert job.status == BatchStatus.FAILED and job.finished_at is not None
    page = logged_in(app, staff["organiser"]).get(
        f"/courses/{course.code}/participants/badges/{job.id}").get_data(as_text=True)
    assert "disk full" in page and "badges.pdf" not in page


@pytest.mark.parametrize("who", ["desk", "facilitator", "other_organiser"])
def test_only_the_courses_organisers_start_follow_or_download(app, setting, staff, who):
    course = setting["course"]
    job = tasks.start_badge_job(course)
    client = logged_in(app, staff[who])
    base = f"/courses/{course.code}/participants/badges"
    assert post(client, base).status_code == 403
    assert client.get(f"{base}/{job.id}").status_code == 403
    assert client.get(f"{base}/{job.id}/badges.pdf").status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(BadgeJob)) == 1


def test_another_courses_job_is_not_found_through_this_course(app, setting, staff):
    other = make_course("KSP-SINTANG-2025", capacity=10)
    add_people(other, setting["ppk"], [("", "Peserta Lain", "", False)], first_serial=90)
    job = tasks.start_badge_job(other)
    client = logged_in(app, staff["organiser"])
    base = f"/courses/{setting['course'].code}/participants/badges/{job.id}"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/badges.pdf").status_code == 404
