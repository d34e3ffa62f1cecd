"""The organiser's certificate settings: numbering, wording, signatory, logos, preview."""
import io

import pytest
from PIL import Image

from bimtek.audit import AuditEvent
from bimtek.auth.models import Role
from bimtek.certificates import storage
from bimtek.certificates.logos import MAX_SVG_DEPTH, MAX_SVG_ELEMENTS, MAX_SVG_USES, logo_format
from bimtek.certificates.models import DEFAULT_NUMBER_PATTERN, DEFAULT_STATEMENT
from bimtek.certificates.settings import settings_for
from bimtek.courses import services as course_services
from bimtek.errors import ValidationError
from bimtek.extensions import db
from tests.certificates.factories import institution
from tests.certificates.people import (
    CODE,
    ORGANISER,
    OUTSIDERS,
    assign,
    course_and_people,
    outsiders,
)
from tests.factories import make_course
from tests.support import hostile_files
from tests.support.web import login, post

SETTINGS = f"/courses/{CODE}/certificates/settings"
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
       b'<rect width="40" height="40" fill="#c00"/></svg>')


def png(colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def setup(app, make_user):
    """A bare course and its organiser: settings need no agenda."""
    with app.app_context():
        make_course(CODE, host_institution_id=institution("Pemkab Kutim").id)
        assign(make_user(ORGANISER, "organiser"), CODE, Role.ORGANISER)


@pytest.fixture
def finished(app, make_user):
    with app.app_context():
        course_and_people(make_user)


def settings_form(**changes):
    return {"number_pattern": "{seq:03}/BIMTEK-PKS/{month_roman}/{year}", "izin_counts": "y",
            "heading": "PEMERINTAH KABUPATEN KUTAI TIMUR\nBADAN KESBANGPOL",
            "statement": "telah mengikuti {course} pada {dates} di {place} selama {jp} JP.",
            "signing_place": "Sangatta", "signing_date": "2024-11-02",
            "signatory_position": "Kepala Badan", "signatory_name": "Dr. H. Muhammad Yusuf",
            "signatory_nip": "19720601 200501 1 008", **changes}


def course_settings(app):
    with app.app_context():
        course = course_services.find_course(CODE)
        settings = settings_for(course)
        assert settings.course is course  # loaded with it: the course holds izin_counts
        db.session.expunge_all()
        return settings


def upload(client, data: bytes, filename: str, which: str = "logo"):
    return post(client, f"{SETTINGS}/{which}",
                {"file": (io.BytesIO(data), filename)}, follow_redirects=True)


def test_nobody_but_the_course_organiser_opens_or_changes_the_settings(app, client, setup,
                                                                       make_user):
    with app.app_context():
        outsiders(make_user)
    for url in (SETTINGS, f"{SETTINGS}/example?number_pattern={{seq}}", f"{SETTINGS}/logo",
                f"/courses/{CODE}/certificates/preview.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and response.location.startswith("/login"), url
    for email in OUTSIDERS:
        login(client, email)
        assert client.get(SETTINGS).status_code == 403, email
        assert client.get(f"/courses/{CODE}/certificates/preview.pdf").status_code == 403
        assert post(client, SETTINGS, settings_form(number_pattern="{seq}/X")).status_code \
            == 403
        assert post(client, f"{SETTINGS}/logo",
                    {"file": (io.BytesIO(png()), "logo.png")}).status_code == 403
        assert post(client, f"{SETTINGS}/logo/remove").status_code == 403
        post(client, "/logout")
    settings = course_settings(app)
    assert settings.number_pattern == DEFAULT_NUMBER_PATTERN and settings.logo == ""


def test_organiser_saves_the_settings_and_sees_the_first_number(app, client, setup):
    login(client, ORGANISER)
    page = client.get(SETTINGS).get_data(as_text=True)
    assert "001/BIMTEK-PKS-2024/XI/2024" in page  # the default pattern, signed on the last day
    response = post(client, SETTINGS, settings_form(), follow_redirects=True)
    assert "Sertifikat pertama bernomor 001/BIMTEK-PKS/XI/2024" in response.get_data(
        as_text=True)
    settings = course_settings(app)
    assert settings.course.izin_counts and settings.signing_place == "Sangatta"
    assert settings.heading.splitlines() == ["PEMERINTAH KABUPATEN KUTAI TIMUR",
                                             "BADAN KESBANGPOL"]
    with app.app_context():
        course = course_services.find_course(CODE)
        assert (course.signatory_name, course.signatory_nip) == ("Dr. H. Muhammad Yusuf",
                                                                 "197206012005011008")
        assert db.session.query(AuditEvent).filter_by(
            action="certificate.settings_saved", course_id=course.id).count() == 1
    unchecked = {key: value for key, value in settings_form(signing_date="").items()
                 if key != "izin_counts"}
    assert post(client, SETTINGS, unchecked).status_code == 302
    settings = course_settings(app)
    assert not settings.course.izin_counts and settings.signing_date is None


def test_the_example_number_follows_the_pattern_being_typed(client, setup):
    login(client, ORGANISER)
    good = client.get(f"{SETTINGS}/example", query_string={
        "number_pattern": "800/{seq:04}/{course}/{year}"}).get_data(as_text=True)
    assert "800/0001/BIMTEK-PKS-2024/2024" in good
    bad = client.get(f"{SETTINGS}/example", query_string={"number_pattern": "BIMTEK/{year}"})
    assert "Pola nomor harus memuat {seq}" in bad.get_data(as_text=True)


@pytest.mark.parametrize("pattern", ["{seq:050000000}", "{seq:0>13}", "{year:>99}/{seq}",
                                     "{seq}" + "/BIMTEK" * 30])
def test_the_example_number_refuses_a_pattern_too_wide(client, setup, pattern):
    login(client, ORGANISER)
    answer = client.get(f"{SETTINGS}/example", query_string={"number_pattern": pattern})
    assert answer.status_code == 200 and len(answer.data) < 5000
    text = answer.get_data(as_text=True)
    assert ("paling lebar 12 karakter" in text) or ("paling panjang 120 karakter" in text)


@pytest.mark.parametrize(("changes", "message"), [
    ({"number_pattern": "{seq:0100}"}, "Isian pola nomor paling lebar 12 karakter"),
    ({"number_pattern": "{nomor}/BIMTEK/{year}"}, "Isian tidak dikenal dalam pola nomor: {nomor}"),
    ({"number_pattern": "{seq/BIMTEK"}, "kurung kurawal yang tidak berpasangan"),
    ({"statement": "telah mengikuti {pelatihan} selama {jp} JP"},
     "Isian tidak dikenal dalam pernyataan: {pelatihan}. Gunakan {course}, {dates}, {place} "
     "dan {jp}."),
    ({"statement": "telah mengikuti {course.__class__}"},
     "Isian tidak dikenal dalam pernyataan: {course.__class__}"),
    ({"statement": "selama {jp JP"}, "Pernyataan memuat kurung kurawal yang tidak berpasangan"),
    ({"signatory_nip": "1972"}, "NIP terdiri atas 18 angka"),
])
def test_bad_settings_are_refused_with_a_message_and_change_nothing(app, client, setup,
                                                                    changes, message):
    login(client, ORGANISER)
    response = post(client, SETTINGS, settings_form(**changes))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    settings = course_settings(app)
    assert settings.number_pattern == DEFAULT_NUMBER_PATTERN
    assert settings.statement == DEFAULT_STATEMENT and not settings.course.izin_counts
    with app.app_context():
        assert course_services.find_course(CODE).signatory_name != "Dr. H. Muhammad Yusuf"


def test_logos_are_uploaded_replaced_and_removed(app, client, setup):
    login(client, ORGANISER)
    response = upload(client, png(), "logo kabupaten.PNG")
    assert "Logo disimpan." in response.get_data(as_text=True)
    first = course_settings(app).logo
    assert first.endswith(".png") and "kabupaten" not in first
    image = client.get(f"{SETTINGS}/logo")
    assert image.mimetype == "image/png" and image.data == png()
    upload(client, SVG, "mitra.svg", which="partner_logo")
    assert client.get(f"{SETTINGS}/partner_logo").mimetype == "image/svg+xml"
    # Opened on its own, the SVG draws its styles and embedded images, and runs nothing.
    assert client.get(f"{SETTINGS}/partner_logo").headers["Content-Security-Policy"] == \
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    upload(client, png("blue"), "baru.png")
    with app.app_context():
        folder = storage.logo_folder(course_services.find_course(CODE))
    second = course_settings(app).logo
    assert second != first and (folder / second).exists() and not (folder / first).exists()
    response = post(client, f"{SETTINGS}/logo/remove", follow_redirects=True)
    assert "Logo dihapus." in response.get_data(as_text=True)
    assert course_settings(app).logo == "" and not (folder / second).exists()
    assert client.get(f"{SETTINGS}/logo").status_code == 404
    with app.app_context():
        actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
    assert actions.count("certificate.logo_uploaded") == 3
    assert "certificate.logo_removed" in actions


SCRIPTED_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
                b'<rect width="4" height="4"/></svg>')


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b"just some text, not an image", "logo.png", "Logo harus berupa gambar PNG atau SVG."),
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "logo.gif", "Logo harus berupa gambar PNG atau SVG."),
    (SCRIPTED_SVG, "logo.svg", "Logo SVG tidak boleh memuat skrip."),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "logo.svg",
     "Logo SVG tidak boleh memuat skrip."),
    (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
     b'<image x:href="file:///etc/passwd"/></svg>', "logo.svg",
     "Logo SVG tidak boleh merujuk ke berkas atau alamat lain."),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url(https://x.test/a)"/>'
     b'</svg>', "logo.svg", "Logo SVG tidak boleh merujuk ke berkas atau alamat lain."),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(//x.test/a#b)"/></svg>',
     "logo.svg", "Logo SVG tidak boleh merujuk ke berkas atau alamat lain."),
    (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>', "logo.svg",
     "Logo harus berupa gambar PNG atau SVG."),
    (b'<html><body>not svg</body></html>', "logo.svg", "Logo harus berupa gambar PNG atau SVG."),
    (png()[:8] + bytes(2 * 1024 * 1024), "besar.png", "Ukuran logo lebih dari 1 MB."),
])
def test_a_bad_logo_is_refused_and_nothing_is_stored(app, client, setup, data, filename,
                                                     message):
    login(client, ORGANISER)
    with app.app_context():
        folder = storage.logo_folder(course_services.find_course(CODE))
    before = set(folder.iterdir()) if folder.exists() else set()
    response = upload(client, data, filename)
    assert message in response.get_data(as_text=True)
    assert course_settings(app).logo == ""
    assert (set(folder.iterdir()) if folder.exists() else set()) == before


TOO_COMPLEX = "Logo SVG terlalu rumit untuk digambar dengan cepat"


@pytest.mark.parametrize("data", [
    hostile_files.nested_use_svg(levels=2, copies=2),  # a copy of a copy, however small
    hostile_files.nested_use_svg(levels=4, copies=10),
    hostile_files.svg_of_elements(MAX_SVG_ELEMENTS + 1),
    hostile_files.svg_of_uses(MAX_SVG_USES + 1),
    hostile_files.deep_svg(MAX_SVG_DEPTH + 1),
], ids=["use-of-use", "nested-4-levels", "too-many-elements", "too-many-uses", "too-deep"])
def test_an_svg_logo_that_would_stall_the_renderer_is_refused(app, client, setup, data):
    login(client, ORGANISER)
    response = upload(client, data, "logo.svg")
    assert TOO_COMPLEX in response.get_data(as_text=True)
    assert course_settings(app).logo == ""


@pytest.mark.parametrize("data", [
    hostile_files.svg_of_elements(MAX_SVG_ELEMENTS),
    hostile_files.svg_of_uses(MAX_SVG_USES),
    hostile_files.deep_svg(MAX_SVG_DEPTH),
], ids=["most-elements", "most-uses", "deepest"])
def test_a_detailed_svg_logo_within_the_bounds_is_accepted_and_previews(app, client, finished,
                                                                       data):
    login(client, ORGANISER)
    upload(client, data, "logo.svg")
    assert course_settings(app).logo.endswith(".svg")
    preview = client.get(f"/courses/{CODE}/certificates/preview.pdf")
    assert preview.status_code == 200 and preview.data.startswith(b"%PDF")


def test_an_upload_without_a_file_asks_for_one(client, setup):
    login(client, ORGANISER)
    response = post(client, f"{SETTINGS}/logo", follow_redirects=True)
    assert "Pilih berkas PNG atau SVG." in response.get_data(as_text=True)


def test_svg_with_an_embedded_picture_and_internal_references_is_accepted(app_context):
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
           b'<defs><linearGradient id="g"/></defs><rect style="fill: url(#g)"/>'
           b'<use xlink:href="#g"/><image href="data:image/png;base64,iVBORw0KGgo="/></svg>')
    assert logo_format(svg) == "svg"
    assert logo_format(png()) == "png"
    with pytest.raises(ValidationError):
        logo_format(b'<svg xmlns="http://www.w3.org/2000/svg">'
                    b'<image href="data:image/svg+xml;base64,PHN2Zz4="/></svg>')


def test_preview_shows_one_certificate_inline(app, client, finished):
    login(client, ORGANISER)
    upload(client, png(), "logo.png")
    response = client.get(f"/courses/{CODE}/certificates/preview.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert not response.headers["Content-Disposition"].startswith("attachment")
