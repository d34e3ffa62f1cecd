"""HR offices: the certificates and JP of their own institutions' staff, nothing else."""
import csv
import io
import zipfile
from datetime import date

import openpyxl
import pytest
from sqlalchemy import select

from bimtek.audit import PERSONAL_DATA_EXPORT, AuditEvent
from bimtek.certificates import services
from bimtek.certificates.eligibility import override_eligibility
from bimtek.certificates.models import Certificate
from bimtek.certificates.settings import settings_for
from bimtek.courses import services as course_services
from bimtek.extensions import db
from bimtek.registration import services as registration_services
from bimtek.registration.models import Registration
from tests.certificates.factories import institution, participant_nip
from tests.certificates.people import (
    CODE,
    HR,
    ORGANISER,
    OTHER_CODE,
    OTHER_HR,
    course_and_people,
    issue,
    outsiders,
)
from tests.registration.factories import participant
from tests.support.csv_safety import assert_no_formula_opens
from tests.support.web import login, post

STAFF = "/hr/certificates"
TITLE = "Bimtek Mitigasi dan Penanganan Konflik Sosial pada Penyelenggaraan Pilkada 2024"


@pytest.fixture
def setup(app, make_user):
    """CODE's two eligible Kesbangpol participants, plus one from Satpol PP made eligible
    by decision; the HR offices of both institutions."""
    with app.app_context():
        course_and_people(make_user)
        outsiders(make_user)
        course = course_services.find_course(CODE)
        course.capacity = 10
        satpol = registration_services.register(course, participant(
            7, institution("Satpol PP Kutim").id, name="Bambang Satpol", unit="Satpol PP",
            nip=participant_nip(7)))
        override_eligibility(satpol, True, "Bertugas pengamanan, materi disusulkan")


def staff_certificates(app, short_name: str) -> list[int]:
    with app.app_context():
        return [c.id for c in db.session.scalars(select(Certificate).order_by(Certificate.seq))
                if c.registration.institution.short_name == short_name]


def test_hr_sees_nothing_before_certificates_are_issued(app, client, setup):
    with app.app_context():
        # Numbered but not rendered yet: not issued as far as HR offices are concerned.
        services.assign_certificates(course_services.find_course(CODE))
    login(client, HR)
    page = client.get(STAFF).get_data(as_text=True)
    assert "Syahrani" not in page and "Belum ada sertifikat" in page
    assert client.get(f"{STAFF}/courses/{CODE}.zip").status_code == 404
    recap = openpyxl.load_workbook(io.BytesIO(client.get(f"{STAFF}/recap.xlsx").data)).active
    assert recap.max_row == 1
    ids = staff_certificates(app, "Kesbangpol Kutim")
    assert ids and client.get(f"{STAFF}/{ids[0]}.pdf").status_code == 404


def test_hr_lists_and_downloads_only_their_own_staff(app, client, setup):
    issue(app)
    own, foreign = staff_certificates(app, "Kesbangpol Kutim"), staff_certificates(
        app, "Satpol PP Kutim")
    assert len(own) == 2 and len(foreign) == 1
    login(client, HR)
    page = client.get(STAFF).get_data(as_text=True)
    assert "Drs. H. Syahrani Noor, M.Si." in page and "Peserta 2, S.Sos." in page
    assert participant_nip(1) in page and "001/BIMTEK-PKS-2024/XI/2024" in page
    assert "Bambang Satpol" not in page and participant_nip(7) not in page
    download = client.get(f"{STAFF}/{own[0]}.pdf")
    assert download.mimetype == "application/pdf" and download.data.startswith(b"%PDF")
    assert client.get(f"{STAFF}/{foreign[0]}.pdf").status_code == 404
    assert client.get(f"{STAFF}/999999.pdf").status_code == 404
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{STAFF}/courses/{CODE}.zip").data))
    assert sorted(archive.namelist()) == [
        f"{participant_nip(1)}_Syahrani-Noor_001-BIMTEK-PKS-2024-XI-2024.pdf",
        f"{participant_nip(2)}_Peserta-2_002-BIMTEK-PKS-2024-XI-2024.pdf"]
    assert client.get(f"{STAFF}/courses/{OTHER_CODE}.zip").status_code == 404
    assert client.get(f"{STAFF}/courses/NO-SUCH.zip").status_code == 404
    post(client, "/logout")
    login(client, OTHER_HR)
    page = client.get(STAFF).get_data(as_text=True)
    assert "Bambang Satpol" in page and "Syahrani" not in page
    assert client.get(f"{STAFF}/{own[0]}.pdf").status_code == 404
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{STAFF}/courses/{CODE}.zip").data))
    assert archive.namelist() == [
        f"{participant_nip(7)}_Bambang-Satpol_003-BIMTEK-PKS-2024-XI-2024.pdf"]


def test_the_jp_recap_has_the_columns_of_the_civil_servant_training_history(app, client,
                                                                             setup):
    issue(app)
    with app.app_context():
        settings_for(course_services.find_course(CODE)).training_kind = "Kursus"
        db.session.commit()
    login(client, HR)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"{STAFF}/recap.xlsx").data))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0] == ("Nama", "NIP", "Jenis", "Nama Kursus", "Institusi Penyelenggara",
                       "Nomor Sertifikat", "Tanggal Mulai", "Tanggal Selesai", "Jumlah Jam",
                       "Tahun", "Nama File")
    # Staff by name: "Peserta 2" before "Syahrani Noor" (titles aside).
    assert [row[0] for row in rows[1:]] == ["Peserta 2, S.Sos.", "Drs. H. Syahrani Noor, M.Si."]
    first = rows[2]
    assert first[:6] == ("Drs. H. Syahrani Noor, M.Si.", participant_nip(1), "Kursus", TITLE,
                         "Pemerintah Kabupaten Kutai Timur", "001/BIMTEK-PKS-2024/XI/2024")
    assert [value.date() for value in first[6:8]] == [date(2024, 10, 28), date(2024, 11, 1)]
    assert first[8:] == (15, 2024, f"{participant_nip(1)}_Syahrani-Noor_001-BIMTEK-PKS-2024-"
                                   "XI-2024.pdf") and isinstance(first[8], int)
    # The file names are those of the ZIP.
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{STAFF}/courses/{CODE}.zip").data))
    assert sorted(archive.namelist()) == sorted(row[10] for row in rows[1:])
    text = client.get(f"{STAFF}/recap.csv").data.decode("utf-8-sig")
    records = list(csv.reader(io.StringIO(text)))
    assert records[0][0] == "Nama" and len(records) == 3
    assert records[2][:10] == ["Drs. H. Syahrani Noor, M.Si.", participant_nip(1), "Kursus",
                               TITLE, "Pemerintah Kabupaten Kutai Timur",
                               "001/BIMTEK-PKS-2024/XI/2024", "2024-10-28", "2024-11-01", "15",
                               "2024"]


def test_the_certificate_list_shows_institution_and_dates_and_searches(app, client, setup):
    issue(app)
    login(client, OTHER_HR)
    page = client.get(STAFF).get_data(as_text=True)
    # The certificate's date is the course's last day, apart from the day it was issued.
    assert 'data-testid="institution">Satpol PP Kutim<' in page
    assert 'data-testid="certificate-date">Jumat, 1 November 2024<' in page
    assert "28 Oktober s.d. 1 November 2024" in page
    post(client, "/logout")
    login(client, HR)
    assert "Syahrani" in client.get(STAFF, query_string={"q": "syahr"}).get_data(as_text=True)
    by_name = client.get(STAFF, query_string={"q": "peserta"}).get_data(as_text=True)
    assert "Peserta 2" in by_name and "Syahrani" not in by_name
    # A NIP as it is written, with spaces, or a piece of it.
    spaced = "19861028 201505 1 001"
    assert "Syahrani" in client.get(STAFF, query_string={"q": spaced}).get_data(as_text=True)
    by_nip = client.get(STAFF, query_string={"q": participant_nip(2)[-6:]}).get_data(
        as_text=True)
    assert "Peserta 2" in by_nip and "Syahrani" not in by_nip
    # Another office's staff are not found by searching either.
    assert "Bambang Satpol" not in client.get(STAFF, query_string={"q": "Bambang"}).get_data(
        as_text=True)
    recap = client.get(f"{STAFF}/recap.csv", query_string={"q": "peserta"})
    assert len(recap.data.decode("utf-8-sig").splitlines()) == 2


def test_hr_filters_by_course(app, client, setup):
    issue(app)
    with app.app_context():
        course_id = course_services.find_course(CODE).id
        other_id = course_services.find_course(OTHER_CODE).id
    login(client, HR)
    assert "Syahrani" in client.get(STAFF, query_string={"course_id": course_id}).get_data(
        as_text=True)
    assert "Syahrani" not in client.get(STAFF, query_string={"course_id": other_id}
                                        ).get_data(as_text=True)
    recap = client.get(f"{STAFF}/recap.csv", query_string={"course_id": other_id})
    assert len(recap.data.decode("utf-8-sig").splitlines()) == 1
    home = client.get("/").get_data(as_text=True)
    assert f"{STAFF}?course_id={course_id}" in home and TITLE in home


def test_revoked_certificates_leave_hr_lists_and_downloads(app, client, setup):
    issue(app)
    first = staff_certificates(app, "Kesbangpol Kutim")[0]
    login(client, ORGANISER)
    post(client, f"/courses/{CODE}/certificates/{first}/revoke", {"reason": "Data keliru"})
    post(client, "/logout")
    login(client, HR)
    assert "Syahrani" not in client.get(STAFF).get_data(as_text=True)
    assert client.get(f"{STAFF}/{first}.pdf").status_code == 404
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{STAFF}/courses/{CODE}.zip").data))
    assert archive.namelist() == [
        f"{participant_nip(2)}_Peserta-2_002-BIMTEK-PKS-2024-XI-2024.pdf"]
    assert "Syahrani" not in client.get(f"{STAFF}/recap.csv").data.decode("utf-8-sig")


def test_only_hr_offices_open_the_staff_pages(app, client, setup):
    issue(app)
    first = staff_certificates(app, "Kesbangpol Kutim")[0]
    urls = (STAFF, f"{STAFF}/{first}.pdf", f"{STAFF}/courses/{CODE}.zip",
            f"{STAFF}/recap.xlsx", f"{STAFF}/recap.csv")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response.location.startswith("/login"), url
    for email in (ORGANISER, "organiser2@bimtek.test", "desk@bimtek.test",
                  "fasilitator@bimtek.test", "peserta@bimtek.test"):
        login(client, email)
        for url in urls:
            assert client.get(url).status_code == 403, (email, url)
        post(client, "/logout")


def test_no_cell_of_the_hr_recap_csv_opens_as_a_formula(app, client, setup):
    with app.app_context():
        registration = db.session.scalar(select(Registration).where(
            Registration.name == "Bambang Satpol"))
        registration.name = "Bambang;=1+1;x"
        db.session.commit()
    issue(app)
    login(client, OTHER_HR)
    recap = client.get(f"{STAFF}/recap.csv")
    assert "Bambang;'=1+1;x" in recap.data.decode("utf-8-sig")
    assert_no_formula_opens(recap.data)


def test_hr_downloads_and_certificate_bundles_are_in_each_course_export_log(app, client, setup):
    issue(app)
    login(client, HR)
    client.get(f"{STAFF}/recap.xlsx")
    client.get(f"{STAFF}/courses/{CODE}.zip")
    post(client, "/logout")
    login(client, ORGANISER)
    client.get(f"/courses/{CODE}/certificates/all.pdf")
    client.get(f"/courses/{CODE}/certificates/all.zip")
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == PERSONAL_DATA_EXPORT).order_by(AuditEvent.id)).all()
        assert [(e.details["what"], e.details["rows"]) for e in events] == [
            ("hr-recap.xlsx", "2"), ("hr-certificates.zip", "2"), ("certificates.pdf", "3"),
            ("certificates.zip", "3")]
        assert {e.course_id for e in events} == {course_services.find_course(CODE).id}
    log = client.get(f"/courses/{CODE}/exports").get_data(as_text=True)
    assert "hr-recap.xlsx" in log and "certificates.zip" in log
