"""The attendance matrix: JP-weighted percentages, filters, export, query count, access."""
import io
import re
from datetime import date, datetime, time
from html import unescape
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest

from bimtek.attendance.marking import mark
from bimtek.attendance.matrix import matrix
from bimtek.attendance.scanning import check_in
from bimtek.auth.models import Role, User
from bimtek.courses import services as course_services
from bimtek.courses import staff as course_staff
from bimtek.courses.agenda import SessionInput, add_session
from bimtek.courses.models import SessionKind
from bimtek.extensions import db
from bimtek.institutions.services import save_institution
from bimtek.registration import services
from tests.factories import make_course, seed_regions
from tests.registration.factories import participant
from tests.support.web import login


@pytest.fixture
def week(app, make_user):
    """Two days, 2 + 3 + 2 JP; participant 1 (PPK, Muara Wahau) attends Monday only,
    2 (Kesbangpol, Sangatta Utara) attends nothing."""
    with app.app_context():
        seed_regions()
        course = make_course("KSP-KUTIM-2024", regions=("64.08",))
        for day, start, end in [(28, (8, 0), (9, 30)), (28, (9, 45), (12, 0)),
                                (29, (8, 0), (9, 30))]:
            add_session(course, SessionInput(
                day=date(2024, 10, day), starts_at=time(*start), ends_at=time(*end),
                title=f"Materi {day} {start[0]}", kind=SessionKind.MATERIAL))
        ppk = save_institution(None, name="Panitia Pemilihan Kecamatan", short_name="PPK").id
        kesbangpol = save_institution(None, name="Badan Kesatuan Bangsa dan Politik",
                                      short_name="Kesbangpol Kutim").id
        save_institution(None, name="Badan Pusat Statistik", short_name="BPS")  # no one
        wahau, sangatta = (services.find_kecamatan(course, name).id
                           for name in ("Muara Wahau", "Sangatta Utara"))
        first = services.register(course, participant(1, ppk, unit="PPK", kecamatan_id=wahau))
        second = services.register(course, participant(2, kesbangpol, unit="Kesbangpol",
                                                        kecamatan_id=sangatta))
        monday = [s for s in course.sessions if s.day == date(2024, 10, 28)]
        check_in(course, first.badge_code, session_id=monday[0].id,
                 scanned_at=datetime(2024, 10, 28, 0, 0))
        mark(first, monday[1], "terlambat")
        mark(second, monday[0], "izin", reason="Tugas kantor")
        organiser_id = make_user("organiser@bimtek.test", "organiser")
        course_staff.assign_course(db.session.get(User, organiser_id), course,
                                    Role.ORGANISER)
        return course.id


def test_percentages_count_every_scheduled_session(app, week):
    with app.app_context():
        course = course_services.find_course("KSP-KUTIM-2024")
        grid = matrix(course)
        assert [(r.registration.number, r.jp.attended_jp, r.jp.total_jp) for r in grid.rows] \
            == [(1, 5, 7), (2, 0, 7)], "izin does not count; Tuesday still counts"
        monday_only = matrix(course, day=date(2024, 10, 28))
        assert len(monday_only.sessions) == 2 and monday_only.rows[0].jp.total_jp == 7
        assert [grid.present(s) for s in grid.sessions] == [1, 1, 0]
        assert [r.registration.number for r in matrix(course, unit="Kesbangpol").rows] == [2]


def test_page_export_and_constant_queries(app, client, week, count_queries):
    login(client, "organiser@bimtek.test")
    with count_queries() as few:
        page = client.get("/courses/KSP-KUTIM-2024/attendance").get_data(as_text=True)
    assert "5/7" in page and "Terlambat" in page
    with app.app_context():
        course = course_services.find_course("KSP-KUTIM-2024")
        ppk = save_institution(None, name="Satuan Polisi Pamong Praja", short_name="Satpol").id
        services.register_many(course, [services.check_participant(
            course, participant(n, ppk)) for n in range(10, 60)])
    with count_queries() as many:
        client.get("/courses/KSP-KUTIM-2024/attendance")
    assert many.count == few.count
    export = client.get("/courses/KSP-KUTIM-2024/attendance.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(export.data)).active
    first = [cell.value for cell in sheet[2]]
    assert first[0] == 1 and first[-3:] == [5, 7, 71.4]


def test_only_the_course_organiser_sees_the_matrix(app, client, make_user, week):
    make_user("desk@bimtek.test", "desk")
    login(client, "desk@bimtek.test")
    assert client.get("/courses/KSP-KUTIM-2024/attendance").status_code == 403
    assert client.get("/courses/KSP-KUTIM-2024/attendance.xlsx").status_code == 403


def shown_numbers(html: str) -> list[int]:
    """Participant numbers in the matrix's rows; none when the page shows the empty state."""
    table = html.partition('data-testid="attendance-matrix"')[2].partition("</tbody>")[0]
    return [int(n) for n in re.findall(r"<tr[^>]*>\s*<td>(\d+)</td>", table)]


def exported_numbers(response) -> list[int]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_filtering_by_institution_and_kecamatan_on_the_page_and_in_the_export(app, client,
                                                                                week):
    with app.app_context():
        course = course_services.find_course("KSP-KUTIM-2024")
        people = [row.registration for row in matrix(course).rows]
        ids = {name: key for r in people for name, key in (
            (r.institution.short_name, r.institution_id), (r.kecamatan.name, r.kecamatan_id))}
    login(client, "organiser@bimtek.test")
    page = client.get("/courses/KSP-KUTIM-2024/attendance").get_data(as_text=True)
    assert shown_numbers(page) == [1, 2]
    # Only the institutions and kecamatan the course's participants come from are offered.
    assert ">PPK</option>" in page and ">Kesbangpol Kutim</option>" in page
    assert ">BPS</option>" not in page
    assert ">Muara Wahau</option>" in page and ">Sangatta Utara</option>" in page
    assert ">Busang</option>" not in page
    for query, numbers in [({"institution_id": ids["Kesbangpol Kutim"]}, [2]),
                           ({"institution_id": ids["PPK"]}, [1]),
                           ({"kecamatan_id": ids["Muara Wahau"]}, [1]),
                           ({"kecamatan_id": ids["Sangatta Utara"]}, [2]),
                           ({"kecamatan_id": ids["Sangatta Utara"],
                             "institution_id": ids["PPK"]}, [])]:
        page = client.get("/courses/KSP-KUTIM-2024/attendance", query_string=query)
        html = page.get_data(as_text=True)
        assert shown_numbers(html) == numbers, query
        for value in query.values():
            assert f'<option selected value="{value}">' in html, query
        export_link = unescape(re.search(r'href="([^"]*attendance\.xlsx[^"]*)"', html).group(1))
        assert parse_qs(urlsplit(export_link).query) == {
            name: [str(value)] for name, value in query.items()}
        assert exported_numbers(client.get(export_link)) == numbers
