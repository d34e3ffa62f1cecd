"""Safe self-registration and the lost-link form: the public never learns whether a NIK is
known, details go only to the e-mail on record, and a self-registration takes a seat only
once its e-mailed confirmation link is opened or an organiser approves it."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from bimtek.courses import services as course_services
from bimtek.extensions import db, limiter
from bimtek.regions.models import Kecamatan
from bimtek.registration import self_service
from bimtek.registration.models import PendingRegistration, Registration, RegistrationStatus
from tests.registration.factories import form_data, nik
from tests.support.web import login, post

CSRF_VALUE = re.compile(r'(name="csrf_token" (?:type="hidden" )?value=")[^"]+')
SIGNED_UP = "budi@ppk.example.go.id"
ON_RECORD = "siti@kesbangpol.example.go.id"


def same_for_everyone(html: str) -> str:
    return CSRF_VALUE.sub(r"\1…", html)


@pytest.fixture
def siti_has_an_address(app, course_setup):  # noqa: F811
    with app.app_context():
        registration = db.session.get(Registration, course_setup["registration_id"])
        registration.email, registration.phone = ON_RECORD, "+6281299990000"
        db.session.commit()
        return registration.nik


def registered_count(app) -> int:
    with app.app_context():
        return db.session.query(Registration).filter_by(
            status=RegistrationStatus.REGISTERED).count()


def confirmation_link(smtp, address: str) -> str:
    return re.search(r"http\S+/register/confirm/\S+", smtp.body_to(address)).group(0)


def test_the_answer_is_the_same_for_a_new_and_a_registered_nik(
        app, client, smtp, course_setup, siti_has_an_address):  # noqa: F811
    new = post(client, "/register/KSP-KUTIM-2024", form_data(course_setup, email=SIGNED_UP))
    known = post(client, "/register/KSP-KUTIM-2024", form_data(
        course_setup, name="Penebak", nik=siti_has_an_address, email="penebak@example.com"))
    assert (new.status_code, new.location) == (known.status_code, known.location) == \
        (302, "/register/KSP-KUTIM-2024/sent")
    pages = [same_for_everyone(client.get(r.location).get_data(as_text=True))
             for r in (new, known)]
    assert pages[0] == pages[1] and "Periksa e-mail Anda" in pages[0]
    assert "peserta nomor" not in pages[0]
    # The new person is asked to confirm; the registered NIK's link goes to the address on
    # record, never to the one typed by whoever asked.
    assert smtp.recipients == sorted([SIGNED_UP, ON_RECORD])
    assert "/register/confirm/" in smtp.body_to(SIGNED_UP)
    with app.app_context():
        siti = db.session.get(Registration, course_setup["registration_id"])
        assert f"/me/{siti.personal_token}" in smtp.body_to(ON_RECORD)


def test_an_unconfirmed_registration_takes_no_seat(app, client, smtp, course_setup):  # noqa: F811
    with app.app_context():
        course_services.find_course("KSP-KUTIM-2024").capacity = 2  # Siti holds one seat
        db.session.commit()
    post(client, "/register/KSP-KUTIM-2024", form_data(course_setup, email=SIGNED_UP))
    post(client, "/register/KSP-KUTIM-2024", form_data(
        course_setup, name="Andi Baso", nik=nik(8, day=6, month=4, year=88),
        email="andi@ppk.example.go.id"))
    assert registered_count(app) == 1
    # Andi confirms first and takes the last seat; Budi, later, goes on the waitlist.
    andi = urlsplit(confirmation_link(smtp, "andi@ppk.example.go.id")).path
    budi = urlsplit(confirmation_link(smtp, SIGNED_UP)).path
    assert "Konfirmasi pendaftaran" in client.get(andi).get_data(as_text=True)
    assert registered_count(app) == 1  # opening the link shows a button, nothing more
    response = post(client, andi)
    assert response.status_code == 302 and response.location.startswith("/me/")
    andi_page = client.get(response.location).get_data(as_text=True)
    assert "Tunjukkan kode ini" in andi_page
    budi_page = client.get(post(client, budi).location).get_data(as_text=True)
    # On the waitlist: no code to show at the desk, and the page says what happens next.
    assert "daftar tunggu" in budi_page and 'data-testid="badge-code"' not in budi_page
    assert "Tunjukkan kode ini" not in budi_page
    with app.app_context():
        statuses = {r.name: r.status for r in db.session.query(Registration)}
        assert statuses["Andi Baso"] == RegistrationStatus.REGISTERED
        assert statuses["Budi Santoso"] == RegistrationStatus.WAITLISTED
        assert db.session.query(PendingRegistration).count() == 0
    assert client.get(andi).status_code == 404  # used up
    # Each confirmed person also got their personal link.
    assert smtp.recipients.count("andi@ppk.example.go.id") == 2


def test_unconfirmed_registrations_expire(app, client, smtp, course_setup):  # noqa: F811
    post(client, "/register/KSP-KUTIM-2024", form_data(course_setup, email=SIGNED_UP))
    link = urlsplit(confirmation_link(smtp, SIGNED_UP)).path
    with app.app_context():
        pending = db.session.query(PendingRegistration).one()
        hours = app.config["REGISTRATION_CONFIRM_HOURS"]
        assert timedelta(hours=hours - 1) < pending.expires_at - pending.created_at <= \
            timedelta(hours=hours)
        pending.expires_at = pending.created_at - timedelta(seconds=1)
        db.session.commit()
    assert client.get(link).status_code == 404
    assert post(client, link).status_code == 404
    assert registered_count(app) == 1
    with app.app_context():  # the hourly task forgets it, personal data and all
        assert self_service.purge_expired() == 1
        db.session.commit()
        assert db.session.query(PendingRegistration).count() == 0


def test_the_organiser_approves_without_the_e_mail(app, client, smtp, course_setup):  # noqa: F811
    post(client, "/register/KSP-KUTIM-2024", form_data(course_setup, email=SIGNED_UP))
    login(client, "organiser@bimtek.test")
    page = client.get("/courses/KSP-KUTIM-2024/participants").get_data(as_text=True)
    assert 'data-testid="pending"' in page and SIGNED_UP in page
    with app.app_context():
        pending_id = db.session.query(PendingRegistration).one().id
    post(client, f"/courses/KSP-KUTIM-2024/participants/pending/{pending_id}/approve")
    assert registered_count(app) == 2
    assert smtp.recipients == [SIGNED_UP, SIGNED_UP]  # the confirmation, then the link


def test_the_public_form_needs_an_e_mail_address(app, client, smtp, course_setup):  # noqa: F811
    page = post(client, "/register/KSP-KUTIM-2024", form_data(course_setup)).get_data(
        as_text=True)
    assert "alamat e-mail diperlukan" in page.lower()
    with app.app_context():
        assert db.session.query(PendingRegistration).count() == 0
    assert smtp.received == []


def test_limits_count_per_course_as_well_as_per_address(app, client, smtp,
                                                        course_setup):  # noqa: F811
    app.config["REGISTER_LIMIT_COURSE"] = "3 per hour"
    try:
        answers = []
        for serial, address in enumerate(["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"]):
            answers.append(post(client, "/register/KSP-KUTIM-2024", form_data(
                course_setup, nik=nik(20 + serial), email=f"p{serial}@example.go.id"),
                environ_base={"REMOTE_ADDR": address}).status_code)
        assert answers == [302, 302, 302, 429]
    finally:
        app.config["REGISTER_LIMIT_COURSE"] = "1000 per hour"
        with app.app_context():
            limiter.reset()


def test_a_ballroom_behind_one_address_registers(app, client, smtp, course_setup):  # noqa: F811
    answers = {post(client, "/register/KSP-KUTIM-2024", form_data(
        course_setup, nik=nik(30 + serial), email=f"q{serial}@example.go.id")).status_code
        for serial in range(40)}
    assert answers == {302}


def test_lost_link_answers_the_same_for_a_hit_and_a_miss(
        app, client, smtp, course_setup, siti_has_an_address):  # noqa: F811
    answers = [post(client, "/lost-link", form) for form in (
        {"nik": siti_has_an_address, "contact": ON_RECORD},  # hit by e-mail
        {"nik": siti_has_an_address, "contact": "0812-9999-0000"},  # hit by phone
        {"nik": siti_has_an_address, "contact": "someone@example.com"},  # miss
        {"nik": nik(99), "contact": ON_RECORD})]  # miss
    assert {(r.status_code, r.location) for r in answers} == {(302, "/lost-link/sent")}
    pages = {same_for_everyone(client.get(r.location).get_data(as_text=True))
             for r in answers}
    assert len(pages) == 1
    assert smtp.recipients == [ON_RECORD, ON_RECORD]
    with app.app_context():
        token = db.session.get(Registration, course_setup["registration_id"]).personal_token
    assert f"/me/{token}" in smtp.received[0][1].get_body().get_content()


def test_lost_link_refuses_what_cannot_be_read_and_is_rate_limited(
        app, client, smtp, course_setup, siti_has_an_address):  # noqa: F811
    page = post(client, "/lost-link", {"nik": "6408", "contact": ON_RECORD}).get_data(
        as_text=True)
    assert "16" in page and 'data-testid="lost-link-sent"' not in page
    statuses = [post(client, "/lost-link", {"nik": siti_has_an_address,
                                            "contact": "x@example.com"}).status_code
                for _attempt in range(6)]
    assert statuses == [302] * 5 + [429]  # five a NIK an hour
    assert smtp.received == []


def field_block(page: str, field: str) -> str:
    """The markup of one field of the form: its input and the messages beside it."""
    start = page.index(f'id="{field}"')
    return page[start:page.index('<div class="col-', start)]


def test_the_public_form_shows_every_error_at_once(app, client, smtp, course_setup):  # noqa: F811
    with app.app_context():
        sintang = db.session.scalar(select(Kecamatan).where(Kecamatan.code.like("61.05.%")))
    response = post(client, "/register/KSP-KUTIM-2024", form_data(
        course_setup, name="", nik="6408-05abc", nip="1986092620150", institution_id="",
        kecamatan_id=sintang.id, email=""))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for field, message in (
            ("name", "Kolom ini wajib diisi."),
            ("nik", "NIK hanya boleh berisi angka."),
            ("nip", "NIP harus 18 angka, bukan 13."),
            ("institution_id", "Pilih instansi peserta."),
            ("kecamatan_id", "Kecamatan ini tidak termasuk wilayah kursus."),
            ("email", "Alamat e-mail diperlukan")):
        assert message in field_block(page, field), field
    # Only the bad fields are marked.
    assert page.count("invalid-feedback") == 6
    with app.app_context():
        assert db.session.query(PendingRegistration).count() == 0
    assert smtp.received == []
