from tests.support.web import TEST_PASSWORD, login, post


def change(client, current, new, confirm=None):
    return post(client, "/account/password", {
        "current_password": current, "password": new, "confirm": confirm or new,
    })


def test_change_password(client, app, make_user):
    make_user("peserta@bimtek.test", "participant")
    login(client, "peserta@bimtek.test")
    response = change(client, TEST_PASSWORD, "kata-sandi-baru")
    assert response.status_code == 302
    post(client, "/logout")
    login(client, "peserta@bimtek.test", "kata-sandi-baru")


def test_bad_password_changes_are_explained_and_change_nothing(client, make_user):
    make_user("peserta@bimtek.test", "participant")
    login(client, "peserta@bimtek.test")
    cases = [
        (("bukan-ini", "kata-sandi-baru"), "Kata sandi saat ini tidak benar."),
        ((TEST_PASSWORD, "pendek"), "Kata sandi minimal 8 karakter."),
        ((TEST_PASSWORD, "kata-sandi-baru", "kata-sandi-lain"), "Kedua kata sandi berbeda."),
    ]
    for args, message in cases:
        response = change(client, *args)
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
    post(client, "/logout")
    login(client, "peserta@bimtek.test", TEST_PASSWORD)


def test_change_password_needs_login(client):
    assert client.get("/account/password").status_code == 302
