"""Sessions that really end: logout, a new password, a reset by an admin, deactivation and
idle time each end them; failed logins cannot be used to lock an account's owner out."""
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask_migrate import upgrade
from sqlalchemy import select

from bimtek.auth.models import User
from bimtek.extensions import db
from tests.support.apps import build_app
from tests.support.web import TEST_PASSWORD, login, post

BLOCKED = "Terlalu banyak percobaan. Tunggu beberapa menit lalu coba lagi."


def logged_in(app, email):
    client = app.test_client()
    login(client, email)
    return client


def replay(app, client):
    """A second browser holding a copy of `client`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def is_in(client) -> bool:
    return client.get("/account/password").status_code == 200


def test_a_session_cookie_replayed_after_logout_is_refused(app, make_user):
    make_user("desk@bimtek.test", "desk")
    client = logged_in(app, "desk@bimtek.test")
    copy = replay(app, client)
    assert is_in(copy)
    post(client, "/logout")
    assert not is_in(copy)
    assert not is_in(client)


def test_logout_ends_every_session_of_the_account(app, make_user):
    make_user("desk@bimtek.test", "desk")
    laptop, phone = logged_in(app, "desk@bimtek.test"), logged_in(app, "desk@bimtek.test")
    post(laptop, "/logout")
    assert not is_in(phone)
    assert is_in(logged_in(app, "desk@bimtek.test"))  # a new login works as before


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, make_user):
    make_user("org@bimtek.test", "organiser")
    laptop, phone = logged_in(app, "org@bimtek.test"), logged_in(app, "org@bimtek.test")
    response = post(laptop, "/account/password", {
        "current_password": TEST_PASSWORD, "password": "kata-sandi-baru",
        "confirm": "kata-sandi-baru"})
    assert response.status_code == 302
    assert is_in(laptop)
    assert not is_in(phone)


def test_a_reset_by_an_admin_and_a_deactivation_end_every_session(app, make_user):
    make_user("admin@bimtek.test", "admin")
    user_id = make_user("desk@bimtek.test", "desk", name="Desk")
    admin = logged_in(app, "admin@bimtek.test")
    desk = logged_in(app, "desk@bimtek.test")
    form = {"name": "Desk", "email": "desk@bimtek.test", "roles": ["desk"], "active": "y"}
    post(admin, f"/admin/users/{user_id}", {**form, "password": "direset-admin"})
    assert not is_in(desk)

    desk = app.test_client()
    login(desk, "desk@bimtek.test", "direset-admin")
    copy = replay(app, desk)
    post(admin, f"/admin/users/{user_id}", {key: value for key, value in form.items()
                                            if key != "active"})
    post(admin, f"/admin/users/{user_id}", form)  # active again: old sessions stay ended
    assert not is_in(copy)


def test_a_session_idle_longer_than_the_setting_ends(app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "PERMANENT_SESSION_LIFETIME", timedelta(hours=8))
    make_user("desk@bimtek.test", "desk")
    start = datetime(2026, 12, 7, 7, 30, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        client = logged_in(app, "desk@bimtek.test")
        clock.shift(timedelta(hours=7, minutes=50))
        assert is_in(client)  # used: the eight hours start again
        clock.shift(timedelta(hours=7, minutes=50))
        assert is_in(client)
        clock.shift(timedelta(hours=8, minutes=1))
        assert not is_in(client)


def test_the_generation_is_part_of_the_session(app, make_user):
    user_id = make_user("desk@bimtek.test", "desk")
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.get_id() == f"{user_id}.{user.session_generation}"


@pytest.fixture
def proxied_app(database_factory, tmp_path):
    """Behind one reverse proxy: the client's address comes from X-Forwarded-For."""
    proxied = build_app(database_factory.create(), tmp_path / "instance", PROXY_HOPS=1,
                        LOGIN_FAILURES_PER_ACCOUNT="5 per 15 minutes")
    with proxied.app_context():
        upgrade()
    yield proxied
    with proxied.app_context():
        db.engine.dispose()


def from_address(app, address):
    client = app.test_client()
    client.environ_base["HTTP_X_FORWARDED_FOR"] = address
    return client


def test_failures_from_one_address_do_not_lock_the_owner_out(proxied_app):
    with proxied_app.app_context():
        from bimtek.auth.services import save_user

        save_user(None, email="admin@bimtek.test", name="Admin", roles=["admin"],
                  password=TEST_PASSWORD)
    attacker = from_address(proxied_app, "203.0.113.7")
    for _ in range(8):
        post(attacker, "/login", {"email": "admin@bimtek.test", "password": "tebak"})
    refused = post(attacker, "/login", {"email": "admin@bimtek.test", "password": TEST_PASSWORD})
    assert refused.status_code == 429 and BLOCKED in refused.get_data(as_text=True)

    owner = from_address(proxied_app, "198.51.100.20")
    assert post(owner, "/login", {"email": "admin@bimtek.test",
                                  "password": TEST_PASSWORD}).status_code == 302
    with proxied_app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@bimtek.test"))
        assert admin.last_login_at is not None


def test_blocked_attempts_do_not_extend_the_block(app, make_user):
    make_user("desk@bimtek.test", "desk")
    client = app.test_client()
    start = datetime(2026, 12, 7, 7, 30, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(5):
            post(client, "/login", {"email": "desk@bimtek.test", "password": "salah"})
        for _ in range(14):  # one refused try a minute while blocked
            clock.shift(timedelta(minutes=1))
            assert post(client, "/login", {"email": "desk@bimtek.test",
                                           "password": "salah"}).status_code == 429
        clock.shift(timedelta(minutes=1, seconds=1))
        assert post(client, "/login", {"email": "desk@bimtek.test",
                                       "password": TEST_PASSWORD}).status_code == 302
