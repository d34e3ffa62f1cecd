import subprocess
import sys
from datetime import date
from pathlib import Path

from babel.messages.pofile import read_po

from bimtek import PROJECT_ROOT
from bimtek.i18n import date_range, long_date
from tests.support.web import login, post


def test_every_message_has_an_indonesian_translation(tmp_path):
    """Indonesian is the default language: no English may leak into it."""
    template = tmp_path / "messages.pot"
    subprocess.run(
        [Path(sys.executable).parent / "pybabel", "extract", "--ignore-dirs=.*",
         "-F", "babel.cfg", "-k", "_l", "-k", "_ln:1,2", "-o", str(template), "."],
        cwd=PROJECT_ROOT, check=True, capture_output=True,
    )
    with open(template, "rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    with open(Path(PROJECT_ROOT, "translations/id/LC_MESSAGES/messages.po"), "rb") as handle:
        catalog = read_po(handle)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    assert sorted(wanted - translated) == []


def test_dates_are_written_the_indonesian_way(app):
    with app.test_request_context():
        assert long_date(date(2024, 10, 28)) == "Senin, 28 Oktober 2024"
        assert long_date(date(2024, 11, 1)) == "Jumat, 1 November 2024"
        assert date_range(date(2024, 10, 28), date(2024, 11, 1)) == \
            "28 Oktober s.d. 1 November 2024"
        assert date_range(date(2024, 10, 20), date(2024, 10, 24)) == "20 s.d. 24 Oktober 2024"
        assert date_range(date(2024, 12, 30), date(2025, 1, 3)) == \
            "30 Desember 2024 s.d. 3 Januari 2025"


def test_language_choice_before_login_applies_to_the_page(client):
    post(client, "/language", {"locale": "en", "next": "/login"})
    html = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in html and "Log in to Bimtek" in html


def test_language_choice_is_remembered_per_account(app, make_user):
    make_user("peserta@bimtek.test", "participant")
    first = app.test_client()
    login(first, "peserta@bimtek.test")
    response = post(first, "/language", {"locale": "en", "next": "/"})
    assert response.location == "/"
    # A new browser, a new session: the account still speaks English.
    second = app.test_client()
    login(second, "peserta@bimtek.test")
    html = second.get("/").get_data(as_text=True)
    assert "Welcome, Peserta" in html and "Dashboard" in html
    assert long_date_in_english(app)


def long_date_in_english(app):
    with app.test_request_context():
        from flask import session

        session["locale"] = "en"
        return long_date(date(2024, 10, 28)) == "Monday, 28 October 2024"


def test_unknown_language_is_ignored(client):
    post(client, "/language", {"locale": "xx"})
    assert 'lang="id"' in client.get("/login").get_data(as_text=True)


def test_error_pages_are_in_indonesian(client, make_user):
    assert "Halaman tidak ditemukan" in client.get("/tidak-ada").get_data(as_text=True)
    make_user("peserta@bimtek.test", "participant")
    login(client, "peserta@bimtek.test")
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "Akses ditolak" in response.get_data(as_text=True)
