"""The organiser's list of who earns a certificate, decisions against the rule, and the
refusal to issue when there is nothing to issue."""
import pytest
from sqlalchemy import select

from bimtek.attendance.models import EligibilityOverride
from bimtek.audit import AuditEvent
from bimtek.auth.models import Role, User
from bimtek.certificates import services
from bimtek.certificates.eligibility import override_eligibility
from bimtek.certificates.models import Certificate, CertificateBatch
from bimtek.certificates.settings import settings_for
from bimtek.courses import services as course_services
from bimtek.extensions import db
from bimtek.registration import services as registration_services
from tests.certificates.factories import finished_course, institution, participants_of
from tests.certificates.people import (
    CODE,
    ORGANISER,
    OTHER_CODE,
    OUTSIDERS,
    assign,
    course_and_people,
    outsiders,
)
from tests.factories import make_course
from tests.registration.factories import participant
from tests.support.web import login, post

LIST = f"/courses/{CODE}/certificates"


@pytest.fixture
def setup(app, make_user):
    """CODE with three participants (the third not eligible); their ids by number."""
    with app.app_context():
        course_and_people(make_user)
        return [r.id for r in participants_of(course_services.find_course(CODE))]


def override_url(registration_id: int) -> str:
    return f"{LIST}/participants/{registration_id}/override"


def test_the_list_gives_each_participant_the_reason(client, setup):
    login(client, ORGANISER)
    page = client.get(LIST).get_data(as_text=True)
    assert "2 berhak, 1 tidak berhak; pelatihan ini 15 JP" in page
    assert "15 dari 15 JP, 100%" in page and "3 dari 15 JP, 20%" in page
    eligible = client.get(f"{LIST}?show=eligible").get_data(as_text=True)
    assert "Drs. H. Syahrani Noor, M.Si." in eligible and "Peserta 3" not in eligible
    not_eligible = client.get(f"{LIST}?show=not_eligible").get_data(as_text=True)
    assert "Peserta 3" in not_eligible and "Syahrani Noor" not in not_eligible


def test_an_organiser_decides_either_way_in_writing_and_can_undo_it(app, client, setup):
    first, _second, third = setup
    login(client, ORGANISER)
    response = post(client, override_url(third), {"eligible": "1", "reason": ""},
                    follow_redirects=True)
    assert "Tulis alasan keputusan ini." in response.get_data(as_text=True)
    response = post(client, f"{override_url(third)}?show=eligible",
                    {"eligible": "1", "reason": "Sakit, surat dokter; tugas pengganti selesai"})
    assert response.location.endswith(f"{LIST}?show=eligible")
    post(client, override_url(first), {"eligible": "0", "reason": "Tidak menyerahkan laporan"})
    page = client.get(LIST).get_data(as_text=True)
    assert "2 berhak, 1 tidak berhak" in page
    assert "Diputuskan oleh Organiser: Sakit, surat dokter; tugas pengganti selesai" in page
    assert "Diputuskan oleh Organiser: Tidak menyerahkan laporan" in page
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.details).where(
            AuditEvent.action == "certificate.eligibility_overridden",
            AuditEvent.subject_id == third))["reason"].startswith("Sakit")
    response = post(client, f"{override_url(first)}/clear", follow_redirects=True)
    assert "kembali dinilai menurut kehadirannya" in response.get_data(as_text=True)
    with app.app_context():
        assert [o.registration_id for o in db.session.scalars(
            select(EligibilityOverride))] == [third]
        assert db.session.query(AuditEvent).filter_by(
            action="certificate.override_cleared").count() == 1
    assert post(client, override_url(third), {"eligible": "2", "reason": "x"}).status_code \
        == 400


def test_decisions_stay_inside_the_course(app, client, setup, make_user):
    with app.app_context():
        outsiders(make_user)
        stranger = registration_services.register(
            course_services.find_course(OTHER_CODE),
            participant(9, institution("Kesbangpol Kutim").id)).id
    login(client, ORGANISER)
    assert post(client, override_url(stranger), {"eligible": "1", "reason": "x"}
                ).status_code == 404
    assert post(client, f"{override_url(stranger)}/clear").status_code == 404
    assert post(client, override_url(99999), {"eligible": "1", "reason": "x"}
                ).status_code == 404
    with app.app_context():
        assert db.session.query(EligibilityOverride).count() == 0


def test_nobody_else_sees_the_list_decides_or_issues(app, client, setup, make_user):
    with app.app_context():
        outsiders(make_user)
    third = setup[2]
    for url in (LIST, f"{LIST}/batches/1", f"{LIST}/all.pdf", f"{LIST}/all.zip"):
        response = client.get(url)
        assert response.status_code == 302 and response.location.startswith("/login")
    for email in OUTSIDERS:
        login(client, email)
        assert client.get(LIST).status_code == 403, email
        assert post(client, override_url(third), {"eligible": "1", "reason": "x"}
                    ).status_code == 403
        assert post(client, f"{override_url(third)}/clear").status_code == 403
        assert post(client, f"{LIST}/issue").status_code == 403
        post(client, "/logout")
    with app.app_context():
        assert db.session.query(EligibilityOverride).count() == 0
        assert db.session.query(Certificate).count() == 0


def test_issuing_is_refused_when_the_course_has_no_jp(app, client, make_user):
    with app.app_context():
        host = institution("Pemkab Kutim")
        course = make_course(CODE, host_institution_id=host.id)
        registration_services.register(course, participant(1, institution("PPK").id))
        organiser_id = make_user(ORGANISER, "organiser")
        assign(organiser_id, CODE, Role.ORGANISER)
        db.session.get(User, organiser_id).issuing_institutions = [host]
        db.session.commit()
    login(client, ORGANISER)
    response = post(client, f"{LIST}/issue", follow_redirects=True)
    assert "Pelatihan ini belum memiliki JP" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(CertificateBatch).count() == 0


def test_issuing_is_refused_when_nobody_is_eligible(app, client, setup):
    with app.app_context():
        for registration in participants_of(course_services.find_course(CODE))[:2]:
            override_eligibility(registration, False, "Laporan belum diserahkan")
    login(client, ORGANISER)
    response = post(client, f"{LIST}/issue", follow_redirects=True)
    assert "Belum ada yang berhak atas sertifikat" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(CertificateBatch).count() == 0
        assert db.session.query(Certificate).count() == 0


def test_the_list_loads_in_the_same_number_of_queries_for_3_or_30(app, client, make_user,
                                                                  count_queries):
    organiser_id = make_user(ORGANISER, "organiser")
    counts = []
    for size, code in ((3, "SMALL-2024"), (30, "LARGE-2024")):
        with app.app_context():
            course = finished_course(size, code=code)
            assign(organiser_id, code, Role.ORGANISER)
            first, *_rest, last = participants_of(course)
            override_eligibility(last, True, "Tugas pengganti")
            override_eligibility(first, False, "Laporan belum ada")
            settings_for(course).number_pattern = "{seq:03}-SERT-{course}"
            services.assign_certificates(course)
        login(client, ORGANISER)
        with count_queries() as counter:
            page = client.get(f"/courses/{code}/certificates")
        assert page.status_code == 200
        assert page.get_data(as_text=True).count("-SERT-") == size - 1
        counts.append(counter.count)
        post(client, "/logout")
    assert counts[0] == counts[1]
