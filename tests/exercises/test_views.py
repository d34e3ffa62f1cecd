"""The exercise pages over HTTP: who may open what, and the flows behind the forms."""
import io
import re
from dataclasses import dataclass
from datetime import time

import openpyxl
import pytest
from sqlalchemy import select

from bimtek.attendance.marking import mark_many
from bimtek.attendance.models import AttendanceStatus
from bimtek.auth.models import Role, User
from bimtek.courses.agenda import SessionInput, add_session
from bimtek.courses.models import Course, SessionKind
from bimtek.exercises import access, msel, running, teams
from bimtek.exercises.models import (
    Evaluation,
    Exercise,
    ExerciseStatus,
    Inject,
    Response,
    StaffRole,
    TeamMember,
)
from bimtek.extensions import db
from bimtek.registration import services as registration_services
from tests.certificates.factories import institution
from tests.exercises.factories import account, exercise_setting, staff_user
from tests.factories import make_course
from tests.registration.factories import participant
from tests.support.web import csrf_token, login, post


@dataclass
class Site:
    """The factory's exercise as a browser knows it: addresses and e-mails."""
    base: str  # /courses/<code>/exercises/<id>
    team: str  # /exercises/<id>/team
    exercise_id: int
    inject_ids: list[int]
    objective_ids: list[int]
    team_ids: list[int]
    emails: dict[str, str]


@pytest.fixture
def site(app):
    with app.app_context():
        s = exercise_setting()
        other_course = make_course("KSP-SINTANG-2024")
        emails = {
            "organiser": s.organiser.email, "facilitator": s.facilitator.email,
            "evaluator": s.evaluator.email,
            "team1": s.account(s.member(1)).email, "teammate1": s.account(s.member(1, 1)).email,
            "team2": s.account(s.member(2)).email, "no team": s.account(s.absent).email,
            "course facilitator": staff_user("lain@bimtek.test", s.course,
                                             Role.FACILITATOR).email,
            "desk": staff_user("desk@bimtek.test", s.course, Role.DESK).email,
            "other facilitator": staff_user("fasilitator@sintang.test", other_course,
                                            Role.FACILITATOR).email,
            "hr": account("hr@bimtek.test", Role.HR).email,
            "admin": account("admin@bimtek.test", Role.ADMIN).email,
        }
        db.session.commit()
        return Site(base=f"/courses/{s.course.code}/exercises/{s.exercise.id}",
                    team=f"/exercises/{s.exercise.id}/team", exercise_id=s.exercise.id,
                    inject_ids=[i.id for i in s.injects],
                    objective_ids=[o.id for o in s.objectives],
                    team_ids=[t.id for t in s.teams], emails=emails)


def sign_in(client, site, who):
    with client.session_transaction() as session:
        session["locale"] = "en"
    login(client, site.emails[who])
    return client


def run(app, change):
    """Change the exercise through its services, outside any request."""
    with app.app_context():
        exercise = db.session.get(Exercise, db.session.scalar(select(Exercise.id)))
        result = change(exercise)
        db.session.commit()
        return result


def start_and_release(app, *numbers):
    def change(exercise):
        running.start(exercise)
        for inject in exercise.injects:
            if inject.number in numbers:
                running.release(inject)
    run(app, change)


STAFF_PAGES = ["", "/teams", "/msel", "/msel.xlsx", "/console", "/console/live", "/ratings"]
MANAGE_PAGES = ["/edit", "/msel/new", "/msel/import"]


@pytest.mark.parametrize("who", ["organiser", "facilitator", "admin"])
def test_organisers_and_the_exercises_facilitators_open_every_page(client, site, who):
    sign_in(client, site, who)
    for page in STAFF_PAGES + MANAGE_PAGES:
        assert client.get(site.base + page).status_code == 200, page


def test_an_evaluator_sees_and_rates_but_does_not_run(client, site):
    sign_in(client, site, "evaluator")
    for page in [*STAFF_PAGES, "/evaluation"]:
        assert client.get(site.base + page).status_code == 200, page
    for page in MANAGE_PAGES:
        assert client.get(site.base + page).status_code == 403, page
    assert post(client, site.base + "/status/start").status_code == 403


@pytest.mark.parametrize("who", ["course facilitator", "other facilitator", "desk", "hr",
                                 "team1", "team2", "no team"])
def test_others_are_refused_every_staff_page(client, site, who):
    sign_in(client, site, who)
    for page in [*STAFF_PAGES, *MANAGE_PAGES, "/evaluation"]:
        assert client.get(site.base + page).status_code == 403, page
    for page in ["/status/start", f"/injects/{site.inject_ids[0]}/release", "/teams/confirm",
                 "/delete"]:
        assert post(client, site.base + page).status_code == 403, page


def test_a_course_facilitator_lists_only_the_exercises_they_are_part_of(client, site):
    sign_in(client, site, "course facilitator")
    listing = client.get("/courses/KSP-KUTIM-2024/exercises")
    assert listing.status_code == 200
    assert "Simulasi Penanganan" not in listing.get_data(as_text=True)
    evaluator = sign_in(client.application.test_client(), site, "evaluator")
    assert "Simulasi Penanganan" in evaluator.get("/courses/KSP-KUTIM-2024/exercises") \
        .get_data(as_text=True)


def test_a_facilitator_of_another_course_does_not_list_its_exercises(client, site):
    sign_in(client, site, "other facilitator")
    assert client.get("/courses/KSP-KUTIM-2024/exercises").status_code == 403


def test_an_exercise_is_reached_only_through_its_own_course(client, site):
    sign_in(client, site, "admin")
    assert client.get(f"/courses/KSP-SINTANG-2024/exercises/{site.exercise_id}") \
        .status_code == 404


@pytest.mark.parametrize("who", ["organiser", "facilitator", "no team", "hr",
                                 "other facilitator"])
def test_only_team_members_open_a_team_feed(client, site, who):
    sign_in(client, site, who)
    assert client.get(site.team).status_code == 403
    assert client.get(site.team + "/feed").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, site):
    for url in [site.base, site.base + "/console", site.team, site.team + "/feed"]:
        response = client.get(url)
        assert response.status_code == 302 and response.location.startswith("/login")


def test_a_team_feed_shows_only_its_released_injects(app, client, site):
    start_and_release(app, 1, 2)  # 1 to all teams, 2 to team 1 only
    sign_in(client, site, "team1")
    feed = client.get(site.team + "/feed").get_data(as_text=True)
    assert 'data-testid="feed-inject-2"' in feed and "kotak suara" in feed
    assert 'data-testid="feed-inject-1"' in feed
    assert "Sekelompok pemuda" not in feed  # inject 3: not released, not for team 1
    client.get("/logout")
    second = sign_in(app.test_client(), site, "team2")
    feed = second.get(site.team + "/feed").get_data(as_text=True)
    assert 'data-testid="feed-inject-1"' in feed
    assert 'data-testid="feed-inject-2"' not in feed and "kotak suara" not in feed
    # Another team's inject, or one not released, cannot be answered: it is not found.
    for inject_id in (site.inject_ids[1], site.inject_ids[2]):
        response = post(second, f"{site.team}/injects/{inject_id}/response",
                        {"text": "Kami coba"})
        assert response.status_code == 404
    assert run(app, lambda _e: db.session.scalar(select(Response.id))) is None


def test_the_feed_releases_what_is_due_and_the_team_answers_once(app, client, site):
    run(app, running.start)
    sign_in(client, site, "team1")
    page = client.get(site.team).get_data(as_text=True)
    assert 'hx-trigger="every 2s"' in page
    assert "Dua pasangan calon" in page  # inject 1, due at minute 0: released by the load
    url = f"{site.team}/injects/{site.inject_ids[0]}/response"
    empty = post(client, url, {"text": "   "}, follow_redirects=True)
    assert "Write your team&#39;s response before sending it." in empty.get_data(as_text=True)
    sent = post(client, url, {"text": "Jadwal kampanye <b>dipisah</b>."}, follow_redirects=True)
    page = sent.get_data(as_text=True)
    assert "Your team&#39;s response to inject 1 was sent." in page
    assert "Jadwal kampanye &lt;b&gt;dipisah&lt;/b&gt;." in page
    teammate = sign_in(app.test_client(), site, "teammate1")
    again = post(teammate, url, {"text": "Jawaban lain"}, follow_redirects=True)
    page = again.get_data(as_text=True)
    assert "Your team has already answered inject 1." in page
    assert "Jadwal kampanye" in page and "Jawaban lain" not in page
    assert run(app, lambda _e: [r.text for r in db.session.scalars(select(Response))]) == \
        ["Jadwal kampanye <b>dipisah</b>."]


def test_the_console_shows_each_teams_response_in_its_column(app, client, site):
    start_and_release(app, 1)

    def answer(exercise):
        team2 = exercise.teams[1]
        member = team2.members[0]
        running.submit_response(exercise.injects[0], member, "Tim 2 siaga")
    run(app, answer)
    sign_in(client, site, "facilitator")
    live = client.get(site.base + "/console/live").get_data(as_text=True)
    cell = live.split('data-testid="response-1-2"')[1].split("</td>")[0]
    assert "Tim 2 siaga" in cell
    assert "Waiting for the response" in live.split('data-testid="response-1-1"')[1] \
        .split("</td>")[0]
    assert "Release now" in live


def test_the_facilitator_runs_the_exercise_from_the_console(app, client, site):
    sign_in(client, site, "facilitator")
    started = post(client, site.base + "/status/start", follow_redirects=True)
    assert "The exercise is now Running." in started.get_data(as_text=True)
    released = post(client, f"{site.base}/injects/{site.inject_ids[3]}/release",
                    follow_redirects=True)
    assert "Inject 4 released." in released.get_data(as_text=True)
    assert run(app, lambda e: sorted(i.number for i in e.injects if i.released_at)) == [1, 4]
    post(client, site.base + "/status/pause")
    ended = post(client, site.base + "/status/end", follow_redirects=True)
    assert "The exercise is now Ended." in ended.get_data(as_text=True)
    again = post(client, site.base + "/status/resume", follow_redirects=True)
    assert "The exercise has ended; it can no longer be changed." in \
        again.get_data(as_text=True)
    assert run(app, lambda e: e.status) == ExerciseStatus.ENDED


def test_an_evaluator_saves_the_grid_and_a_bad_rating_changes_nothing(app, client, site):
    sign_in(client, site, "evaluator")
    first, second = site.objective_ids[:2]
    team1, team2 = site.team_ids[:2]
    saved = post(client, site.base + "/evaluation", {
        f"rating-{first}-{team1}": "S", f"notes-{first}-{team1}": "Lambat melapor",
        f"rating-{second}-{team2}": "P"}, follow_redirects=True)
    page = saved.get_data(as_text=True)
    assert "Your ratings are saved." in page and "Lambat melapor" in page
    refused = post(client, site.base + "/evaluation", {
        f"rating-{first}-{team1}": "Z", f"rating-{second}-{team2}": "U"})
    assert refused.status_code == 400
    assert "Objective 1, Tim 1: &#39;Z&#39; is not a rating; use P, S, M or U." in \
        refused.get_data(as_text=True)
    stored = run(app, lambda _e: sorted((e.objective_id, e.team_id, e.rating.value)
                                        for e in db.session.scalars(select(Evaluation))))
    assert stored == sorted([(first, team1, "S"), (second, team2, "P")])


def test_a_facilitator_creates_an_exercise_and_facilitates_it(app, client, site):
    sign_in(client, site, "course facilitator")
    session_id = run(app, lambda e: e.session_id)
    response = post(client, "/courses/KSP-KUTIM-2024/exercises/new", {
        "title": "Simulasi kedua", "scenario": "Kerusuhan pasca penetapan.",
        "session_id": str(session_id)})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Simulasi kedua" in page and "Kerusuhan pasca penetapan." in page

    def facilitators(_e):
        created = db.session.scalar(select(Exercise).where(Exercise.title == "Simulasi kedua"))
        return [u.email for u in access.staff_of(created, StaffRole.FACILITATOR)]
    assert run(app, facilitators) == ["lain@bimtek.test"]


def test_a_session_of_another_course_or_a_stranger_as_staff_is_refused(app, client, site):
    sign_in(client, site, "organiser")

    def foreign_session(_e):
        other = db.session.scalar(select(Course).where(Course.code == "KSP-SINTANG-2024"))
        return add_session(other, SessionInput(
            day=other.days[0], starts_at=time(8), ends_at=time(9), title="Lain",
            kind=SessionKind.SIMULATION)).id
    foreign = run(app, foreign_session)
    page = post(client, site.base + "/edit", {"title": "X", "session_id": str(foreign)})
    assert page.status_code == 200
    assert "Choose a session of this course&#39;s agenda." in page.get_data(as_text=True)
    hr_id = run(app, lambda _e: db.session.scalar(select(User.id).where(
        User.email == "hr@bimtek.test")))
    page = post(client, site.base + "/edit", {"title": "X", "evaluator_ids": str(hr_id)})
    assert "Choose facilitators of this course only." in page.get_data(as_text=True)
    assert run(app, lambda e: e.title) != "X"


def test_teams_are_proposed_shown_then_confirmed(app, client, site):
    sign_in(client, site, "organiser")
    page = client.get(site.base + "/teams?count=4").get_data(as_text=True)
    assert 'data-testid="proposal"' in page and "Team 4" in page
    assert run(app, lambda e: len(e.teams)) == 3  # nothing saved yet
    plan = page.split('name="plan" type="hidden" value="')[1].split('"')[0]
    confirmed = post(client, site.base + "/teams/confirm", {"plan": plan},
                     follow_redirects=True)
    assert "4 teams confirmed." in confirmed.get_data(as_text=True)
    assert run(app, lambda e: [len(t.members) for t in e.teams]) == [3, 3, 3, 3]
    too_many = client.get(site.base + "/teams?count=13").get_data(as_text=True)
    assert "not enough for 13 teams" in too_many


def test_the_msel_is_imported_after_its_preview(app, client, site):
    sign_in(client, site, "facilitator")
    workbook = openpyxl.Workbook()
    workbook.active.append(["No", "Menit ke-", "Kepada", "Pesan"])
    workbook.active.append([1, 5, "Tim 2", "Laporan provokasi di desa."])
    workbook.active.append([2, 10, "Semua tim", "Hasil diumumkan."])
    data = io.BytesIO()
    workbook.save(data)
    preview = client.post(site.base + "/msel/import", data={
        "csrf_token": csrf_token(client), "file": (io.BytesIO(data.getvalue()), "msel.xlsx")},
        content_type="multipart/form-data")
    page = preview.get_data(as_text=True)
    assert "2 injects will replace the current MSEL." in page
    assert run(app, lambda e: len(e.injects)) == 4
    upload = page.split('name="upload" type="hidden" value="')[1].split('"')[0]
    done = post(client, site.base + "/msel/import/confirm", {"upload": upload},
                follow_redirects=True)
    assert "2 injects imported." in done.get_data(as_text=True)
    assert run(app, lambda e: [(i.number, [t.number for t in i.targets]) for i in e.injects]) \
        == [(1, [2]), (2, [])]


def test_an_msel_row_for_a_missing_team_is_shown_and_nothing_is_written(app, client, site):
    sign_in(client, site, "facilitator")
    workbook = openpyxl.Workbook()
    workbook.active.append(["No", "Kepada", "Pesan"])
    workbook.active.append([1, "Tim 9", "Untuk siapa?"])
    data = io.BytesIO()
    workbook.save(data)
    page = client.post(site.base + "/msel/import", data={
        "csrf_token": csrf_token(client), "file": (io.BytesIO(data.getvalue()), "msel.xlsx")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert "Row 2: Kepada (To): this exercise has no team &#39;Tim 9&#39;." in page
    assert 'name="upload"' not in page
    assert run(app, lambda e: len(e.injects)) == 4


def test_an_inject_is_added_with_a_form(app, client, site):
    sign_in(client, site, "organiser")
    form = client.get(site.base + "/msel/new").get_data(as_text=True)
    assert re.search(r'name="number"[^>]* value="5"', form)
    saved = post(client, site.base + "/msel/new", {
        "number": "5", "planned_offset_minutes": "40", "delivery": "phone",
        "target_team_ids": str(site.team_ids[2]), "message": "Telepon dari kepala desa."},
        follow_redirects=True)
    assert "Inject saved." in saved.get_data(as_text=True)
    assert run(app, lambda e: [(i.number, i.to_all_teams, [t.number for t in i.targets])
                               for i in e.injects][-1]) == (5, False, [3])
    clash = post(client, site.base + "/msel/new", {
        "number": "5", "planned_offset_minutes": "0", "delivery": "message",
        "to_all_teams": "y", "message": "Lagi"})
    assert "Inject number 5 is already used." in clash.get_data(as_text=True)
    too_far = post(client, site.base + "/msel/new", {
        "number": "99999999999", "planned_offset_minutes": "0", "delivery": "message",
        "to_all_teams": "y", "message": "Lagi"})
    assert "Number must be between 1 and 99999." in too_far.get_data(as_text=True)
    assert run(app, lambda e: db.session.scalar(
        select(db.func.count()).select_from(Inject))) == 5


def test_the_dashboard_links_a_participant_to_their_team(client, site):
    sign_in(client, site, "team2")
    page = client.get("/").get_data(as_text=True)
    assert 'data-testid="my-exercises"' in page and site.team in page and "Tim 2" in page
    outsider = sign_in(client.application.test_client(), site, "no team")
    assert 'data-testid="my-exercises"' not in outsider.get("/").get_data(as_text=True)


def test_the_course_page_links_to_its_exercises(client, site):
    sign_in(client, site, "organiser")
    assert "/courses/KSP-KUTIM-2024/exercises" in \
        client.get("/courses/KSP-KUTIM-2024").get_data(as_text=True)


def test_console_and_feed_queries_do_not_grow_with_injects_and_responses(
        app, client, site, count_queries):
    start_and_release(app, 1)
    # One response already, so that loading responses costs its queries in both counts.
    run(app, lambda e: running.submit_response(e.injects[0], e.teams[0].members[0], "Siap"))
    sign_in(client, site, "facilitator")
    team = sign_in(app.test_client(), site, "team1")

    def measure():
        with count_queries() as console:
            client.get(site.base + "/console/live")
        with count_queries() as feed:
            team.get(site.team + "/feed")
        return console.count, feed.count

    before = measure()

    def grow(exercise):
        for number in range(5, 25):
            msel.add_inject(exercise, msel.InjectInput(number=number, message="x"))
        for inject in exercise.injects:
            if inject.released_at is None:
                running.release(inject)
        for inject in exercise.injects:
            for team_row in exercise.teams:
                if running.team_inject(team_row, inject.id) is not None and not \
                        db.session.scalar(select(Response.id).where(
                            Response.inject_id == inject.id, Response.team_id == team_row.id)):
                    running.submit_response(inject, team_row.members[0], "Siap")
    run(app, grow)
    assert measure() == before


def test_members_are_moved_and_given_roles_by_hand(app, client, site):
    sign_in(client, site, "organiser")

    def third_member_of_team1(exercise):
        member = sorted(exercise.teams[0].members, key=lambda m: m.registration.number)[3]
        return member.registration_id
    registration_id = run(app, third_member_of_team1)
    given = post(client, site.base + "/teams/role",
                 {"registration_id": registration_id, "role": "ketua"}, follow_redirects=True)
    assert "Team role saved." in given.get_data(as_text=True)
    moved = post(client, site.base + "/teams/move",
                 {"registration_id": registration_id, "team_id": site.team_ids[2]},
                 follow_redirects=True)
    assert "Member moved." in moved.get_data(as_text=True)

    def placement(exercise):
        member = db.session.scalar(select(TeamMember).where(
            TeamMember.registration_id == registration_id))
        leaders = [m for m in exercise.teams[0].members if m.role.value == "ketua"]
        return member.team.number, member.role.value, len(leaders)
    # The role stays with team 1, which no longer has a ketua until one is chosen.
    assert run(app, placement) == (3, "anggota", 0)


def test_the_teams_page_queries_do_not_grow_with_participants(app, client, site,
                                                               count_queries):
    sign_in(client, site, "organiser")

    def measure():
        with count_queries() as counter:
            client.get(site.base + "/teams?count=3")
        return counter.count

    before = measure()

    def late_arrivals(exercise):
        exercise.course.capacity = 100
        kesbangpol = institution("Kesbangpol Kutim").id
        arrivals = [registration_services.register(exercise.course, participant(
            serial, kesbangpol, unit="Kesbangpol")) for serial in range(50, 80)]
        mark_many(exercise.session, [r.id for r in arrivals], AttendanceStatus.TERLAMBAT)
        for registration in arrivals[:20]:
            teams.move_member(exercise, registration.id, exercise.teams[0].id)
    run(app, late_arrivals)
    assert measure() == before
