"""The public verification page: what it tells anyone holding a code, and what it never
shows."""
import pytest
from flask import url_for
from sqlalchemy import select

from bimtek.certificates import rendering, services
from bimtek.certificates.models import Certificate
from bimtek.extensions import db
from bimtek.registration.models import Registration
from tests.certificates.factories import participant_nip
from tests.certificates.people import course_and_people, issue
from tests.support.web import login


@pytest.fixture
def code(app, make_user):
    """The verification code of participant 1's certificate (Drs. H. Syahrani Noor)."""
    with app.app_context():
        course_and_people(make_user)
    issue(app)
    with app.app_context():
        return db.session.scalar(select(Certificate.verification_code).order_by(
            Certificate.seq).limit(1))


def holder(app) -> Registration:
    with app.app_context():
        registration = db.session.scalar(select(Registration).order_by(Registration.number))
        db.session.expunge(registration)
        return registration


def test_mask_nip_keeps_the_birth_year_and_the_serial():
    assert services.mask_nip("198609262015051001") == "1986**** ****** * 001"
    assert services.mask_nip(None) == services.mask_nip("") == ""


def test_a_valid_certificate_is_confirmed_without_identity_numbers(app, client, code):
    response = client.get(f"/verify/{code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-result="valid"' in html
    for text in ("Sertifikat sah", "Drs. H. Syahrani Noor, M.Si.",
                 "Bimtek Mitigasi dan Penanganan Konflik Sosial pada Penyelenggaraan Pilkada 2024",
                 "28 Oktober s.d. 1 November 2024", "001/BIMTEK-PKS-2024/XI/2024",
                 "Pemerintah Kabupaten Kutai Timur", code):
        assert text in html, text
    assert '<dt class="col-sm-4">JP</dt><dd class="col-sm-8">15</dd>' in html
    person = holder(app)
    assert person.nik not in html
    assert person.nip == participant_nip(1) and person.nip not in html
    assert "1986**** ****** * 001" in html


def test_the_code_may_be_typed_as_it_comes(client, code):
    assert client.get(f"/verify/{code.replace('-', '').lower()}").status_code == 200
    response = client.get("/verify", query_string={"code": f" {code.lower()} "})
    assert response.status_code == 302 and response.location == f"/verify/{code}"
    assert "Periksa keaslian sertifikat" in client.get("/verify").get_data(as_text=True)


def test_the_qr_code_points_at_this_page(app, code):
    with app.test_request_context():
        assert rendering.verification_url(code) == app.config["PUBLIC_BASE_URL"] + url_for(
            "certificates.verify", code=code)


def test_a_revoked_certificate_says_when_and_why(app, client, code):
    with app.app_context():
        services.revoke(services.find_by_code(code), "Peserta tidak memenuhi syarat kehadiran")
    html = client.get(f"/verify/{code}").get_data(as_text=True)
    assert 'data-result="revoked"' in html and "Sertifikat ini telah dicabut" in html
    assert "Dicabut pada " in html and ": Peserta tidak memenuhi syarat kehadiran" in html
    assert "Sertifikat sah" not in html


@pytest.mark.parametrize(("typed", "message"), [
    ("7KQ4-M9XD-2HPA", "Tidak ada sertifikat dengan kode ini"),
    ("bukan-kode", "Kode tidak sah"),
    ("7KQ4-M9XD-2HP0", "Kode tidak sah"),  # 0 is not in the alphabet
])
def test_an_unknown_or_malformed_code_says_so(client, code, typed, message):
    response = client.get(f"/verify/{typed}")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert message in html and "Syahrani" not in html


def test_verification_needs_no_login_and_is_the_same_when_logged_in(client, code, make_user):
    anonymous = client.get(f"/verify/{code}").get_data(as_text=True)
    make_user("peserta@bimtek.test", "participant")
    login(client, "peserta@bimtek.test")
    assert "Drs. H. Syahrani Noor, M.Si." in client.get(f"/verify/{code}").get_data(
        as_text=True) and "Drs. H. Syahrani Noor, M.Si." in anonymous


def test_checks_are_rate_limited_per_address(app, client, code, monkeypatch):
    monkeypatch.setitem(app.config, "VERIFY_RATE_LIMIT", "3 per minute")
    assert [client.get(f"/verify/{code}").status_code for _ in range(3)] == [200] * 3
    blocked = client.get("/verify/7KQ4-M9XD-2HPA")
    assert blocked.status_code == 429
    other_address = client.get(f"/verify/{code}", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other_address.status_code == 200
