"""Personal links for those without e-mail: WhatsApp click-to-chat links and printed slips;
and a leaked link replaced."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from bimtek.extensions import db
from bimtek.registration import messages
from bimtek.registration.models import Registration
from tests.mail.factories import published_course
from tests.support.documents import decoded_qr_codes, pages_text
from tests.support.web import login, post


@pytest.fixture
def course(app, make_user):
    with app.app_context():
        world = published_course(make_user)
        return {"code": world["course"].code,
                "people": {r.name: (r.id, messages.personal_link(r)) for r in world["people"]}}


def test_whatsapp_links_hold_each_personal_link(app, client, course):
    login(client, "organiser@bimtek.test")
    page = client.get(f"/courses/{course['code']}/participants/whatsapp").get_data(
        as_text=True)
    links = re.findall(r'href="(https://wa\.me/[^"]+)"', page)
    assert len(links) == 3  # Siti Rahmah has no phone number; she is listed without a link
    by_number = {urlsplit(link.replace("&amp;", "&")).path.strip("/"): link for link in links}
    assert sorted(by_number) == ["6281234567890", "6281311112222", "6282155556666"]
    text = parse_qs(urlsplit(by_number["6282155556666"].replace("&amp;", "&")).query)["text"][0]
    assert course["people"]["Awang Ferdian"][1] in unquote(text)
    assert "Awang Ferdian" in text
    assert "Siti Rahmah" in page


def test_the_slip_sheet_holds_a_qr_code_of_each_link(app, client, course):
    login(client, "organiser@bimtek.test")
    response = client.get(f"/courses/{course['code']}/participants/slips.pdf")
    assert response.mimetype == "application/pdf"
    # Only Awang Ferdian has no e-mail address.
    link = course["people"]["Awang Ferdian"][1]
    assert decoded_qr_codes(response.data) == [link]
    assert "Awang Ferdian" in pages_text(response.data)[0]
    everyone = client.get(f"/courses/{course['code']}/participants/slips.pdf?all=1").data
    assert decoded_qr_codes(everyone) == sorted(link for _id, link in
                                                course["people"].values())


def test_rotating_a_personal_link_kills_the_old_one(app, client, course):
    registration_id, old_link = course["people"]["Siti Rahmah"]
    old_path = urlsplit(old_link).path
    assert client.get(old_path).status_code == 200
    login(client, "organiser@bimtek.test")
    post(client, f"/courses/{course['code']}/participants/{registration_id}/personal-link")
    assert client.get(old_path).status_code == 404
    assert client.get(old_path + "/certificate.pdf").status_code == 404
    with app.app_context():
        new_link = messages.personal_link(db.session.get(Registration, registration_id))
    assert new_link != old_link and client.get(urlsplit(new_link).path).status_code == 200
    page = client.get(f"/courses/{course['code']}/participants/{registration_id}").get_data(
        as_text=True)
    assert new_link in page and "Tautan pribadi baru dibuat; tautan lama tidak berlaku lagi" in page
