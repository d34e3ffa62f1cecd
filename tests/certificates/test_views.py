"""Issuing over HTTP: the batch page, the organiser's downloads and revocation, and the
participant's own certificate."""
import io
import zipfile

import pytest
from sqlalchemy import select

from bimtek.audit import AuditEvent
from bimtek.auth.models import User
from bimtek.certificates import services
from bimtek.certificates.eligibility import override_eligibility
from bimtek.certificates.models import BatchStatus, Certificate, CertificateBatch
from bimtek.courses import services as course_services
from bimtek.extensions import db
from tests.certificates.factories import participant_nip, participants_of
from tests.certificates.people import (
    CODE,
    ORGANISER,
    OTHER_CODE,
    OUTSIDERS,
    course_and_people,
    issue,
    outsiders,
)
from tests.support.web import login, post

LIST = f"/courses/{CODE}/certificates"


@pytest.fixture
def setup(app, make_user):
    with app.app_context():
        return course_and_people(make_user)


def certificates(app) -> list[Certificate]:
    with app.app_context():
        found = list(db.session.scalars(select(Certificate).order_by(Certificate.seq)))
        db.session.expunge_all()
        return found


def test_issuing_shows_the_progress_then_the_downloads(app, client, setup):
    login(client, ORGANISER)
    response = post(client, f"{LIST}/issue")
    assert response.status_code == 302
    batch_url = response.location
    page = client.get(batch_url).get_data(as_text=True)
    assert 'data-status="done"' in page and "2 dari 2 sertifikat" in page
    assert "hx-trigger" not in page  # finished: the page stops asking
    assert "2 dibuat, 0 tidak berubah" in page
    assert f"{LIST}/all.pdf" in page and f"{LIST}/all.zip" in page
    combined = client.get(f"{LIST}/all.pdf")
    assert combined.mimetype == "application/pdf" and combined.data.startswith(b"%PDF")
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{LIST}/all.zip").data))
    first_name = f"{participant_nip(1)}_Syahrani-Noor_001-BIMTEK-PKS-2024-XI-2024.pdf"
    assert archive.namelist() == [
        first_name, f"{participant_nip(2)}_Peserta-2_002-BIMTEK-PKS-2024-XI-2024.pdf"]
    listing = client.get(LIST).get_data(as_text=True)
    assert "001/BIMTEK-PKS-2024/XI/2024" in listing and "Penerbitan terakhir: " in listing
    first = certificates(app)[0]
    download = client.get(f"{LIST}/{first.id}.pdf")
    assert download.mimetype == "application/pdf"
    assert first_name in download.headers["Content-Disposition"]
    again = client.get(client.get(post(client, f"{LIST}/issue").location).request.path)
    assert "0 dibuat, 2 tidak berubah" in again.get_data(as_text=True)


def test_a_running_batch_polls_every_second_and_a_failed_one_says_why(app, client, setup):
    with app.app_context():
        running = CertificateBatch(course_id=setup, status=BatchStatus.RUNNING, total=40,
                                   done=10)
        failed = CertificateBatch(course_id=setup, status=BatchStatus.FAILED, total=40,
                                  done=25, error="Disk penuh")
        db.session.add_all([running, failed])
        db.session.commit()
        running_id, failed_id = running.id, failed.id
    login(client, ORGANISER)
    fragment = client.get(f"{LIST}/batches/{running_id}", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="batch-status"') and "<html" not in html
    assert 'hx-trigger="every 1s"' in html and 'data-percent="25"' in html
    assert "10 dari 40 sertifikat" in html
    page = client.get(f"{LIST}/batches/{failed_id}").get_data(as_text=True)
    assert "Penerbitan terhenti: Disk penuh" in page and "hx-trigger" not in page
    assert f"{LIST}/all.pdf" not in page


def test_batches_and_certificates_are_reached_only_through_their_course(app, client, setup,
                                                                        make_user):
    with app.app_context():
        outsiders(make_user)
        other = course_services.find_course(OTHER_CODE)
        batch = CertificateBatch(course_id=other.id)
        db.session.add(batch)
        db.session.commit()
        other_batch = batch.id
    issue(app)
    first = certificates(app)[0]
    for email in OUTSIDERS:
        login(client, email)
        for url in (f"{LIST}/{first.id}.pdf", f"{LIST}/all.pdf", f"{LIST}/all.zip",
                    f"{LIST}/batches/1"):
            assert client.get(url).status_code == 403, (email, url)
        assert post(client, f"{LIST}/{first.id}/revoke", {"reason": "x"}).status_code == 403
        post(client, "/logout")
    login(client, "organiser2@bimtek.test")
    other_list = f"/courses/{OTHER_CODE}/certificates"
    assert client.get(f"{other_list}/{first.id}.pdf").status_code == 404
    assert post(client, f"{other_list}/{first.id}/revoke", {"reason": "x"}).status_code == 404
    post(client, "/logout")
    login(client, ORGANISER)
    assert client.get(f"{LIST}/batches/{other_batch}").status_code == 404
    assert all(c.is_valid for c in certificates(app))


def test_revoking_needs_a_reason_and_takes_the_certificate_out_of_the_bundles(app, client,
                                                                              setup):
    issue(app)
    first, second = certificates(app)
    login(client, ORGANISER)
    response = post(client, f"{LIST}/{first.id}/revoke", {"reason": " "},
                    follow_redirects=True)
    assert "Tulis alasan pencabutan sertifikat." in response.get_data(as_text=True)
    response = post(client, f"{LIST}/{first.id}/revoke", {"reason": "Data peserta keliru"},
                    follow_redirects=True)
    assert "Sertifikat 001/BIMTEK-PKS-2024/XI/2024 dicabut." in response.get_data(as_text=True)
    revoked = certificates(app)[0]
    assert revoked.revoked_reason == "Data peserta keliru"
    assert client.get(f"{LIST}/{first.id}.pdf").status_code == 404
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{LIST}/all.zip").data))
    assert archive.namelist() == [f"{participant_nip(2)}_Peserta-2_002-BIMTEK-PKS-2024-XI-2024.pdf"]
    again = post(client, f"{LIST}/{first.id}/revoke", {"reason": "lagi"}, follow_redirects=True)
    assert "sudah dicabut" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(AuditEvent).filter_by(action="certificate.revoked").count() == 1
    # Issued again, the participant gets a new number; the revoked one is never reused.
    issue(app)
    numbers = [(c.number, c.is_valid) for c in certificates(app)]
    assert numbers == [("001/BIMTEK-PKS-2024/XI/2024", False),
                       ("002/BIMTEK-PKS-2024/XI/2024", True),
                       ("003/BIMTEK-PKS-2024/XI/2024", True)]


def participant_page(client, app, number: int) -> tuple[str, str]:
    with app.app_context():
        registration = participants_of(course_services.find_course(CODE))[number - 1]
        token = registration.personal_token
    return token, client.get(f"/me/{token}").get_data(as_text=True)


def test_participants_download_their_own_certificate_once_issued(app, client, setup):
    token, page = participant_page(client, app, 1)
    assert "Unduh sertifikat saya" not in page
    assert "Sertifikat Anda tampil di sini setelah diterbitkan panitia." in page
    assert client.get(f"/me/{token}/certificate.pdf").status_code == 404
    issue(app)
    token, page = participant_page(client, app, 1)
    assert "Sertifikat nomor 001/BIMTEK-PKS-2024/XI/2024, 15 JP." in page
    assert f"/me/{token}/certificate.pdf" in page
    download = client.get(f"/me/{token}/certificate.pdf")
    assert download.mimetype == "application/pdf" and download.data.startswith(b"%PDF")
    not_eligible, page = participant_page(client, app, 3)
    assert "Unduh sertifikat saya" not in page
    assert client.get(f"/me/{not_eligible}/certificate.pdf").status_code == 404
    assert client.get("/me/no-such-token/certificate.pdf").status_code == 404


def test_a_revoked_certificate_leaves_the_participant_page(app, client, setup, make_user):
    participant_id = make_user("peserta@bimtek.test", "participant")
    with app.app_context():
        registration = participants_of(course_services.find_course(CODE))[0]
        registration.user_id = participant_id
        db.session.commit()
    issue(app)
    login(client, "peserta@bimtek.test")
    home = client.get("/").get_data(as_text=True)
    assert "Unduh sertifikat saya (001/BIMTEK-PKS-2024/XI/2024)" in home
    with app.app_context():
        services.revoke(db.session.get(Certificate, certificates(app)[0].id), "Keliru",
                        by=db.session.get(User, participant_id))
    assert "Unduh sertifikat saya" not in client.get("/").get_data(as_text=True)
    token, page = participant_page(client, app, 1)
    assert "Unduh sertifikat saya" not in page
    assert client.get(f"/me/{token}/certificate.pdf").status_code == 404


def test_the_course_page_links_to_its_certificates(client, setup):
    login(client, ORGANISER)
    page = client.get(f"/courses/{CODE}").get_data(as_text=True)
    assert f'href="{LIST}"' in page


def test_revoking_while_certificates_wait_for_rendering_drops_the_stale_bundles(app, client,
                                                                                setup):
    issue(app)
    with app.app_context():
        course = course_services.find_course(CODE)
        newcomer = participants_of(course)[2]
        override_eligibility(newcomer, True, "Tugas pengganti diterima")
        services.assign_certificates(course)  # numbered; the renderer has not run yet
    login(client, ORGANISER)
    first = certificates(app)[0]
    response = post(client, f"{LIST}/{first.id}/revoke", {"reason": "Data keliru"},
                    follow_redirects=True)
    assert "Sertifikat 001/BIMTEK-PKS-2024/XI/2024 dicabut." in response.get_data(as_text=True)
    assert client.get(f"{LIST}/all.zip").status_code == 404
    issue(app)  # participant 1, still eligible, gets a new number
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{LIST}/all.zip").data))
    # Files named NIP_Nama_Nomor; the third participant has no NIP.
    assert set(archive.namelist()) == {
        f"{participant_nip(2)}_Peserta-2_002-BIMTEK-PKS-2024-XI-2024.pdf",
        "Peserta-3_003-BIMTEK-PKS-2024-XI-2024.pdf",
        f"{participant_nip(1)}_Syahrani-Noor_004-BIMTEK-PKS-2024-XI-2024.pdf"}
