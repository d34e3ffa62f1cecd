"""HR offices: each employee's JP per year against the yearly target (20 JP by default)."""
import io
import re

import openpyxl
from sqlalchemy import select

from bimtek.audit import PERSONAL_DATA_EXPORT, AuditEvent
from bimtek.auth.models import User
from bimtek.certificates import transcript
from bimtek.extensions import db
from tests.certificates.factories import institution, participant_nip
from tests.support.hr import HR, OTHER_HR
from tests.support.web import login

PAGE = "/hr/transcript"
def totals(app, email: str, **filters) -> dict[str, tuple[int, bool]]:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        return {employee.registration.name: (employee.total, employee.met)
                for employee in transcript.transcript(user, transcript.Filters(**filters))}


def test_each_employee_s_jp_per_year_against_20_jp(app, staff):
    assert totals(app, HR, year=2024) == {
        "Andi Pratama": (20, True),  # exactly the target meets it
        "Budi Santoso": (19, False),  # no NIP: the NIK joins both courses
        "Citra Lestari": (0, False),  # the revoked certificate counts nothing
    }
    assert totals(app, HR, year=2023) == {
        "Andi Pratama": (30, True), "Budi Santoso": (0, False), "Citra Lestari": (30, True)}
    assert totals(app, OTHER_HR, year=2024) == {"Dedi Satpol": (8, False)}


def test_the_target_is_a_setting(app, staff, monkeypatch):
    monkeypatch.setitem(app.config, "JP_TARGET", 19)
    assert totals(app, HR, year=2024)["Budi Santoso"] == (19, True)


def test_filters_by_institution_unit_name_nip_and_below_target(app, staff):
    assert list(totals(app, HR, year=2024, unit="Sekretariat")) == [
        "Budi Santoso", "Citra Lestari"]
    assert list(totals(app, HR, year=2024, below_only=True)) == [
        "Budi Santoso", "Citra Lestari"]
    assert list(totals(app, HR, year=2024, search="andi")) == ["Andi Pratama"]
    assert list(totals(app, HR, year=2024, search=participant_nip(3)[-4:])) == [
        "Citra Lestari"]
    assert list(totals(app, HR, year=2024, search="19861028 201505 1 001")) == [
        "Andi Pratama"]
    with app.app_context():
        satpol = institution("Satpol PP Kutim").id
    # Another office's institution shows nothing of it.
    assert totals(app, HR, year=2024, institution_id=satpol) == {}


def test_the_transcript_page_and_the_home_page(app, client, staff):
    login(client, HR)
    home = client.get("/").get_data(as_text=True)
    assert "2 pegawai di bawah 20 JP pada 2024" in " ".join(re.sub("<[^>]+>", "", home).split())
    assert f"{PAGE}?year=2024&amp;below=1" in home
    page = client.get(PAGE).get_data(as_text=True)
    assert "Andi Pratama" in page and "Budi Santoso" in page and "Dedi Satpol" not in page
    assert page.count('data-met="no"') == 2 and page.count('data-met="yes"') == 1
    assert "kurang 1 JP" in page and "tanpa NIP" in page
    below = client.get(PAGE, query_string={"year": 2024, "below": 1}).get_data(as_text=True)
    assert "Andi Pratama" not in below and "Budi Santoso" in below
    earlier = client.get(PAGE, query_string={"year": 2023}).get_data(as_text=True)
    assert earlier.count('data-met="yes"') == 2
    searched = client.get(PAGE, query_string={"q": "citra"}).get_data(as_text=True)
    assert "Citra Lestari" in searched and "Andi Pratama" not in searched


def test_the_transcript_workbook_has_employees_and_their_certificates(app, client, staff):
    login(client, HR)
    response = client.get(f"{PAGE}.xlsx", query_string={"year": 2024})
    assert response.headers["Content-Disposition"].endswith("transkrip-jp-2024.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    people, certificates = workbook.worksheets
    rows = list(people.iter_rows(values_only=True))
    assert rows[0] == ("NIP", "NIK", "Nama", "Instansi", "Unit", "Tahun", "Jumlah JP",
                       "Target JP", "Memenuhi")
    assert [(row[0], row[2], row[6], row[8]) for row in rows[1:]] == [
        (participant_nip(1), "Andi Pratama", 20, "Ya"), (None, "Budi Santoso", 19, "Tidak"),
        (participant_nip(3), "Citra Lestari", 0, "Tidak")]
    assert rows[2][1]  # no NIP: the NIK identifies the employee
    lines = list(certificates.iter_rows(values_only=True))
    assert lines[0][4:] == ("Jenis", "Nama Kursus", "Institusi Penyelenggara",
                            "Nomor Sertifikat", "Tanggal Mulai", "Tanggal Selesai",
                            "Jumlah Jam", "Tahun")
    assert sorted((line[2], line[7], line[10]) for line in lines[1:]) == [
        ("Andi Pratama", "002/PKS-2024", 12), ("Andi Pratama", "003/SIM-2024", 8),
        ("Budi Santoso", "004/PKS-2024", 12), ("Budi Santoso", "005/KOM-2024", 7)]
    assert {line[6] for line in lines[1:]} == {"Pemerintah Kabupaten Kutai Timur"}
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == PERSONAL_DATA_EXPORT)).details["what"] == "hr-transcript.xlsx"


def test_each_hr_office_exports_only_its_own_staff(app, client, staff):
    login(client, OTHER_HR)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"{PAGE}.xlsx?year=2024").data))
    people, certificates = workbook.worksheets
    assert [row[2] for row in people.iter_rows(min_row=2, values_only=True)] == ["Dedi Satpol"]
    assert [row[2] for row in certificates.iter_rows(min_row=2, values_only=True)] == [
        "Dedi Satpol"]
    page = client.get(PAGE, query_string={"year": 2024}).get_data(as_text=True)
    assert "Andi Pratama" not in page and "Dedi Satpol" in page


def test_only_hr_offices_open_the_transcript(app, client, staff, make_user):
    for url in (PAGE, f"{PAGE}.xlsx"):
        assert client.get(url).status_code == 302
    make_user("organiser@bimtek.test", "organiser")
    login(client, "organiser@bimtek.test")
    for url in (PAGE, f"{PAGE}.xlsx"):
        assert client.get(url).status_code == 403
