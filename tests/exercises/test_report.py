"""The after-action report: read back from the PDF with pypdf, from the page, and from the
ratings workbook with openpyxl; who may open and write it; person-supplied text escaped."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from bimtek.auth import services as auth_services
from bimtek.auth.models import Role
from bimtek.errors import ValidationError
from bimtek.exercises import evaluation, report, running
from bimtek.exercises.models import ExerciseStatus, ImprovementAction
from bimtek.extensions import db
from tests.certificates.factories import institution
from tests.exercises.factories import UNITS, exercise_setting, staff_user
from tests.factories import make_course
from tests.support.web import TEST_PASSWORD, login, post

# 09.00 WITA on the session's day (Thursday 31 October 2024).
START = datetime(2024, 10, 31, 1, 0)
HOSTILE = '<img src="file:///etc/passwd">'
ON_TIME = "Posko terpadu dibuka di kantor camat; Polsek dan LO kedua paslon dihubungi."
LATE = "Satpol PP bergeser ke Simpang Tiga, Dishub mengatur arus."
FORMULA_NOTE = '=HYPERLINK("http://contoh.invalid","klik")'
ACTION = "Menyusun SOP pengamanan kampanye bersama"
RESPONSIBLE = "Kesbangpol Kabupaten Kutai Timur"


def at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


def ratings(table: dict, notes: dict | None = None) -> list[evaluation.RatingInput]:
    """`table` maps (objective number, team number) to a letter; the setting's ids."""
    return [evaluation.RatingInput(objective_id=objective, team_id=team, rating=rating,
                                   notes=(notes or {}).get((objective, team), ""))
            for (objective, team), rating in table.items()]


def ids(setting, table: dict) -> dict:
    return {(setting.objectives[o - 1].id, setting.teams[t - 1].id): value
            for (o, t), value in table.items()}


@pytest.fixture
def played(setting):
    """The setting played and ended: injects 1–4 released 10 minutes apart from 09.00
    WITA; Tim 1 answered inject 1 on time, Tim 3 with markup, Tim 2 after inject 3 had
    reached it (late); two evaluators rated; then, after the end, the facilitator wrote
    the analysis of objective 1 and an improvement action."""
    exercise, injects, teams = setting.exercise, setting.injects, setting.teams
    running.start(exercise, now=at(0))
    running.release(injects[0], now=at(0))
    running.submit_response(injects[0], teams[0].members[0], ON_TIME, now=at(4))
    running.submit_response(injects[0], teams[2].members[0], HOSTILE, now=at(6))
    running.release(injects[1], now=at(10))
    running.release(injects[2], now=at(20))
    running.submit_response(injects[0], teams[1].members[0], LATE, now=at(25))
    running.release(injects[3], now=at(30))
    every_cell = {(o, t): "P" for o in (1, 2, 3) for t in (1, 2, 3)}
    evaluation.save_ratings(exercise, setting.facilitator, ratings(ids(setting, {
        **every_cell, (1, 2): "S", (2, 3): "M"})))
    evaluation.save_ratings(exercise, setting.evaluator, ratings(
        ids(setting, {**every_cell, (1, 2): "M", (3, 1): "U"}),
        ids(setting, {(3, 1): FORMULA_NOTE})))
    running.end(exercise, now=at(40))
    report.save_analysis(setting.objectives[0], strengths="Rute konvoi dipisahkan sejak awal.",
                         improvements="LO paslon dihubungi terlambat.",
                         actor=setting.facilitator)
    report.save_action(exercise, None, report.ActionInput(
        action=ACTION, responsible=RESPONSIBLE, due_on=date(2024, 11, 15),
        objective_id=setting.objectives[0].id), actor=setting.facilitator)
    return setting


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert reader.pages[0].mediabox.width == pytest.approx(595, abs=1)  # A4 portrait
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


# --- the PDF ---------------------------------------------------------------------------

def test_the_pdf_holds_the_whole_report(played):
    text = pdf_text(report.report_pdf(played.exercise))
    words = flat(text)
    assert "After-action report".upper() in words
    assert played.exercise.title in words
    assert "Thursday, 31 October 2024" in words and "08.00–11.00 WITA" in words
    facilitator, evaluator = played.facilitator.name, played.evaluator.name
    assert f"Facilitators {facilitator} Evaluators {evaluator}, {facilitator}" in words
    for objective in played.objectives:
        assert objective.title in words
    for team in played.teams:
        assert f"{team.name} · Members: 4" in words
    member = played.member(1)
    assert f"{member.full_name} (Team leader (ketua)) – {member.unit}" in words
    # The timeline: released injects in order, with their time in the course's zone.
    heads = [line for line in text.splitlines() if line.startswith("Inject ")]
    assert heads == [
        "Inject 1 · scenario time H-3 07.00 · released 09.00 WITA · Message",
        "Inject 2 · scenario time H-3 09.30 · released 09.10 WITA · Social-media post",
        "Inject 3 · scenario time H-3 10.15 · released 09.20 WITA · Field report",
        "Inject 4 · scenario time H+1 20.00 · released 09.30 WITA · News"]
    for inject in played.injects:
        assert flat(inject.message) in words
    assert "From: Akun @kutimviral · To: Tim 1" in words
    assert f"Tim 1 {ON_TIME} 09.04 WITA" in words
    assert f"{ON_TIME} 09.04 WITA late" not in words
    assert f"Tim 2 {LATE} 09.25 WITA late" in words
    assert "Tim 2 no response" in words  # inject 3
    # Objective × team: the summary, then each evaluator's letters.
    assert "Objective Rated by Tim 1 Tim 2 Tim 3" in words
    for letters in ("P M P", "P M P", "P S P"), ("P P M", "P P P", "P P M"), \
                   ("U P P", "U P P", "P P P"):
        summary, by_evaluator, by_facilitator = letters
        assert f"Summary {summary} {evaluator} {by_evaluator} {facilitator} {by_facilitator}" \
            in words
    assert "Rute konvoi dipisahkan sejak awal." in words
    assert "LO paslon dihubungi terlambat." in words
    assert f"Tim 1 · {evaluator} · U: {FORMULA_NOTE}" in words
    assert f"1 {ACTION}" in words
    assert RESPONSIBLE in words and "Friday, 15 November 2024" in words


def test_markup_in_a_response_is_printed_and_only_the_stylesheets_fetched(played, fetched):
    text = flat(pdf_text(report.report_pdf(played.exercise)))
    assert f"Tim 3 {HOSTILE} 09.06 WITA" in text
    assert fetched == ["https://bimtek.invalid/static/css/pdf/base.css",
                       "https://bimtek.invalid/static/css/pdf/report.css"]


def test_a_report_before_anything_happened_says_so(setting):
    text = flat(pdf_text(report.report_pdf(setting.exercise)))
    assert "No inject has been released." in text
    assert "No action in the improvement plan yet." in text
    assert "Summary – – –" in text


def test_a_release_on_another_day_carries_its_date(setting):
    running.start(setting.exercise, now=at(0))
    running.release(setting.injects[0], now=at(24 * 60))
    text = flat(pdf_text(report.report_pdf(setting.exercise)))
    assert "released 1 Nov 2024 09.00 WITA" in text


# --- the ratings workbook --------------------------------------------------------------

def test_the_ratings_workbook_has_a_row_per_evaluator_and_a_summary(played):
    sheet = openpyxl.load_workbook(io.BytesIO(report.ratings_xlsx(played.exercise))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["No.", "Objective", "Team", "Evaluator", "Rating", "Meaning", "Notes"]
    # 3 objectives × 3 teams × (2 evaluators + the summary).
    assert len(rows) == 1 + 3 * 3 * 3
    first = played.objectives[0].title
    evaluator, facilitator = played.evaluator.name, played.facilitator.name
    assert rows[4:7] == [
        [1, first, "Tim 2", evaluator, "M", "Performed with major challenges", None],
        [1, first, "Tim 2", facilitator, "S", "Performed with some challenges", None],
        [1, first, "Tim 2", "Summary", "M", "Performed with major challenges", "S: 1, M: 1"]]
    noted = rows[19]
    assert noted[:5] == [3, played.objectives[2].title, "Tim 1", evaluator, "U"]
    # The note stays text: Excel must not run it.
    cell = sheet.cell(row=20, column=7)
    assert cell.value == FORMULA_NOTE and cell.data_type == "s" and cell.quotePrefix


def test_a_cell_nobody_rated_is_empty_in_the_workbook(setting):
    sheet = openpyxl.load_workbook(io.BytesIO(report.ratings_xlsx(setting.exercise))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 3 * 3 * 3
    assert {row[4] for row in rows} == {None}


# --- the page and who may open it ------------------------------------------------------

def report_url(setting, suffix: str = "") -> str:
    return f"/courses/{setting.course.code}/exercises/{setting.exercise.id}/report{suffix}"


DOWNLOADS = ["", ".pdf", "/ratings.xlsx"]


def test_the_page_shows_the_report_and_the_facilitators_forms(played, client):
    login(client, played.facilitator.email)
    response = client.get(report_url(played))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for objective in played.objectives:
        assert objective.title in html
    assert ON_TIME in html and LATE in html and ACTION in html and RESPONSIBLE in html
    assert 'name="strengths"' in html and "Rute konvoi dipisahkan sejak awal." in html
    assert report_url(played, "/actions/new") in html
    # The response's markup is text on the page too.
    assert HOSTILE not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html


def test_an_evaluator_reads_the_report_without_its_forms(played, client):
    login(client, played.evaluator.email)
    html = client.get(report_url(played)).get_data(as_text=True)
    assert ACTION in html and "Rute konvoi dipisahkan sejak awal." in html
    assert 'name="strengths"' not in html and report_url(played, "/actions/new") not in html


@pytest.mark.parametrize("who", ["organiser", "facilitator", "evaluator"])
def test_the_course_organiser_and_the_exercise_staff_download_the_report(played, client, who):
    login(client, getattr(played, who).email)
    pdf = client.get(report_url(played, ".pdf"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    assert ACTION in flat(pdf_text(pdf.data))
    workbook = client.get(report_url(played, "/ratings.xlsx"))
    assert workbook.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.data)).active
    assert sheet["D2"].value == played.evaluator.name


def outsider(setting, who: str) -> str:
    """The e-mail of an account that must not see the setting's report."""
    course = setting.course
    if who == "participant":
        return setting.account(setting.member(1)).email
    if who == "desk":
        return staff_user("desk@kutim.test", course, Role.DESK).email
    if who == "hr":
        return auth_services.save_user(
            None, email="hr@kutim.test", name="HR", roles=[Role.HR], password=TEST_PASSWORD,
            institution_ids=[institution(unit).id for unit in UNITS.values()]).email
    if who == "facilitator of the course, not of the exercise":
        return staff_user("fasilitator-lain@kutim.test", course, Role.FACILITATOR).email
    other = make_course("KSP-SINTANG-2024", timezone="Asia/Pontianak")
    return staff_user("fasilitator@sintang.test", other, Role.FACILITATOR).email


@pytest.mark.parametrize("who", ["participant", "desk", "hr",
                                 "facilitator of the course, not of the exercise",
                                 "facilitator of another course"])
def test_others_may_not_open_or_write_the_report(played, client, who):
    login(client, outsider(played, who))
    for suffix in DOWNLOADS:
        assert client.get(report_url(played, suffix)).status_code == 403, suffix
    objective = played.objectives[0]
    assert post(client, report_url(played, f"/objectives/{objective.id}"),
                {"strengths": "diubah"}).status_code == 403
    assert post(client, report_url(played, "/actions/new"),
                {"action": "x", "responsible": "y"}).status_code == 403
    db.session.refresh(objective)
    assert objective.strengths == "Rute konvoi dipisahkan sejak awal."
    assert db.session.scalar(select(func.count()).select_from(ImprovementAction)) == 1


def test_an_evaluator_may_not_write_the_report(played, client):
    login(client, played.evaluator.email)
    action = db.session.scalar(select(ImprovementAction))
    assert post(client, report_url(played, f"/actions/{action.id}/delete")).status_code == 403
    assert client.get(report_url(played, "/actions/new")).status_code == 403
    assert db.session.get(ImprovementAction, action.id) is not None


def test_the_report_is_reached_through_its_course_only(played, client):
    other = exercise_setting("KSP-KUTIM-2025")
    login(client, played.organiser.email)
    url = f"/courses/{played.course.code}/exercises/{other.exercise.id}/report"
    assert client.get(url).status_code == 404


# --- writing the report after the end --------------------------------------------------

def test_the_facilitator_writes_the_analysis_after_the_end(played, client):
    assert played.exercise.status == ExerciseStatus.ENDED
    login(client, played.facilitator.email)
    objective = played.objectives[1]
    response = post(client, report_url(played, f"/objectives/{objective.id}"),
                    {"strengths": "  Klarifikasi cepat.\nSatu juru bicara.  ",
                     "improvements": "Belum melapor ke patroli siber."})
    assert response.status_code == 302
    assert response.location.endswith(f"/report#analysis-{objective.id}")
    db.session.refresh(objective)
    assert objective.strengths == "Klarifikasi cepat.\nSatu juru bicara."
    assert objective.improvements == "Belum melapor ke patroli siber."
    text = pdf_text(report.report_pdf(played.exercise))
    assert "Klarifikasi cepat.\nSatu juru bicara." in text


def test_the_facilitator_keeps_the_improvement_plan_after_the_end(played, client):
    login(client, played.facilitator.email)
    objective = played.objectives[2]
    response = post(client, report_url(played, "/actions/new"), {
        "action": "Membentuk patroli siber bersama", "responsible": "Diskominfo Kutim",
        "due_on": "2024-11-20", "objective_id": str(objective.id)})
    assert response.status_code == 302 and response.location.endswith("/report#plan")
    added = db.session.scalar(select(ImprovementAction).where(
        ImprovementAction.responsible == "Diskominfo Kutim"))
    assert (added.action, added.due_on, added.objective_id) == (
        "Membentuk patroli siber bersama", date(2024, 11, 20), objective.id)
    edit_url = report_url(played, f"/actions/{added.id}")
    assert "Membentuk patroli siber bersama" in client.get(edit_url).get_data(as_text=True)
    post(client, edit_url, {"action": "Membentuk patroli siber bersama Polres",
                            "responsible": "Diskominfo Kutim", "due_on": "",
                            "objective_id": ""})
    db.session.refresh(added)
    assert (added.action, added.due_on, added.objective_id) == (
        "Membentuk patroli siber bersama Polres", None, None)
    # Dated actions come first, soonest first.
    assert [a.responsible for a in report.actions_of(played.exercise)] == [
        RESPONSIBLE, "Diskominfo Kutim"]
    assert post(client, report_url(played, f"/actions/{added.id}/delete")).status_code == 302
    assert db.session.get(ImprovementAction, added.id) is None


@pytest.mark.parametrize("form, message", [
    ({"action": " ", "responsible": "Kesbangpol"}, "Describe the action."),
    ({"action": "Rapat", "responsible": ""},
     "Name the institution responsible for the action."),
    ({"action": "Rapat", "responsible": "x" * 201}, "Field cannot be longer than 200 characters."),
    ({"action": "Rapat", "responsible": "Kesbangpol", "due_on": "31-02-2024"},
     "Not a valid date value."),
])
def test_a_bad_action_is_refused_with_a_message(played, client, form, message):
    login(client, played.facilitator.email)
    response = post(client, report_url(played, "/actions/new"), form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ImprovementAction)) == 1


def test_an_action_names_an_objective_of_its_own_exercise(played):
    other = exercise_setting("KSP-KUTIM-2025")
    with pytest.raises(ValidationError) as refused:
        report.save_action(played.exercise, None, report.ActionInput(
            action="Rapat", responsible="Kesbangpol", objective_id=other.objectives[0].id))
    assert refused.value.field == "objective_id"
    with pytest.raises(ValidationError) as refused:
        report.save_action(played.exercise, None, report.ActionInput(
            action="Rapat", responsible="  "))
    assert refused.value.field == "responsible"
    # Another exercise's action is not found through this one.
    action = report.save_action(other.exercise, None, report.ActionInput(
        action="Rapat", responsible="Kesbangpol"))
    assert report.find_action(played.exercise, action.id) is None


def test_the_report_page_needs_few_queries_whatever_the_numbers(english, client,
                                                                 count_queries):
    admin = auth_services.save_user(None, email="admin@kutim.test", name="Admin",
                                    roles=[Role.ADMIN], password=TEST_PASSWORD)
    login(client, admin.email)
    counts = []
    for code, participants, teams in (("KSP-A", 6, 2), ("KSP-B", 18, 4)):
        setting = exercise_setting(code, participants=participants, teams=teams)
        running.start(setting.exercise, now=at(0))
        for inject in setting.injects:
            running.release(inject, now=at(inject.number))
        for team in setting.teams:
            running.submit_response(setting.injects[0], team.members[0], "Siap.",
                                    now=at(30))
        with count_queries() as counter:
            assert client.get(report_url(setting)).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]
