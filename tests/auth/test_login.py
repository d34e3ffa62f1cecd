from tests.support.web import CSRF_INPUT, TEST_PASSWORD, csrf_token, login, post

WRONG = "E-mail atau kata sandi salah."
BLOCKED = "Terlalu banyak percobaan. Tunggu beberapa menit lalu coba lagi."


def test_login_page_is_in_indonesian(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'lang="id"' in html
    assert "Masuk ke Bimtek" in html and "Kata sandi" in html


def test_login_then_dashboard(client, make_user):
    make_user("Organiser@Bimtek.test", "organiser", name="Rina Organiser")
    response = login(client, "organiser@bimtek.test")
    assert response.location == "/"
    assert "Rina Organiser" in client.get("/").get_data(as_text=True)


def test_email_is_case_insensitive_at_login(client, make_user):
    make_user("desk@bimtek.test", "desk")
    login(client, "  DESK@Bimtek.TEST ")


def test_wrong_password_unknown_email_and_inactive_account_look_alike(client, make_user, app):
    make_user("desk@bimtek.test", "desk")
    make_user("gone@bimtek.test", "desk")
    with app.app_context():
        from bimtek.auth.services import find_user_by_email
        from bimtek.extensions import db

        find_user_by_email("gone@bimtek.test").active = False
        db.session.commit()
    answers = []
    for email, password in [("desk@bimtek.test", "salah-sekali"),
                            ("nobody@bimtek.test", TEST_PASSWORD),
                            ("gone@bimtek.test", TEST_PASSWORD)]:
        response = post(client, "/login", {"email": email, "password": password})
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert WRONG in html
        # The signed CSRF token carries a timestamp; everything else must match.
        answers.append(CSRF_INPUT.sub("", html.replace(email, "")))
    assert answers[0] == answers[1] == answers[2]


def test_next_parameter_stays_on_site(client, make_user):
    make_user("admin@bimtek.test", "admin")
    token = csrf_token(client)
    data = {"csrf_token": token, "email": "admin@bimtek.test", "password": TEST_PASSWORD}
    response = client.post("/login?next=//evil.example/x", data=data)
    assert response.location == "/"
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    response = client.post("/login?next=/admin/users",
                           data={**data, "csrf_token": csrf_token(client)})
    assert response.location == "/admin/users"


def test_pages_need_login(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


def test_logout_is_a_post_and_ends_the_session(client, make_user):
    make_user("hr@bimtek.test", "hr", institutions=["Kesbangpol Kutim"])
    login(client, "hr@bimtek.test")
    assert client.get("/logout").status_code == 405
    response = post(client, "/logout")
    assert response.location == "/login"
    assert client.get("/").status_code == 302


def test_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    make_user("hr@bimtek.test", "hr", institutions=["Kesbangpol Kutim"])
    response = login(client, "hr@bimtek.test")
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_failed_logins_are_limited_per_account(client, make_user):
    make_user("desk@bimtek.test", "desk")
    for _ in range(5):
        post(client, "/login", {"email": "desk@bimtek.test", "password": "salah"})
    # Even the right password is refused until the window passes.
    response = post(client, "/login", {"email": "DESK@bimtek.test", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert BLOCKED in response.get_data(as_text=True)
    # Another account from the same address is not affected.
    make_user("other@bimtek.test", "desk")
    login(client, "other@bimtek.test")


def test_failed_logins_are_limited_per_address(client, make_user, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_ADDRESS", "3 per 15 minutes")
    make_user("desk@bimtek.test", "desk")
    for number in range(3):
        post(client, "/login", {"email": f"guess{number}@bimtek.test", "password": "salah"})
    response = post(client, "/login", {"email": "desk@bimtek.test", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert BLOCKED in response.get_data(as_text=True)


def test_successful_logins_do_not_count_against_the_limit(app, make_user, monkeypatch):
    # A whole ballroom logs in from one hotel address.
    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_ADDRESS", "3 per 15 minutes")
    make_user("peserta@bimtek.test", "participant")
    for _ in range(6):
        client = app.test_client()
        login(client, "peserta@bimtek.test")
