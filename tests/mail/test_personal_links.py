"""Personal links by e-mail through a real SMTP server on loopback, the outbox folder when
none is configured, and what the organiser sees of each delivery."""
from __future__ import annotations

import pytest

from bimtek.extensions import db
from bimtek.mail import services as mail
from bimtek.mail.models import JobStatus, MailJob, MessageStatus, OutgoingMessage
from bimtek.mail.transport import ServerUnavailable, SmtpConnection, parse_smtp_url
from bimtek.registration import messages
from bimtek.registration.models import Registration
from tests.mail.factories import WITH_EMAIL, published_course
from tests.support.web import login, post


@pytest.fixture
def course(app, make_user):
    with app.app_context():
        world = published_course(make_user)
        return {"code": world["course"].code, "ids": [r.id for r in world["people"]],
                "links": {r.email: messages.personal_link(r) for r in world["people"]}}


def test_each_participant_with_an_address_gets_their_link(app, client, smtp, course):
    login(client, "organiser@bimtek.test")
    response = post(client, f"/courses/{course['code']}/participants/send-links",
                    {"only_new": "y"})
    assert response.status_code == 302 and "/mail/jobs/" in response.location
    job_page = client.get(response.location).get_data(as_text=True)
    assert 'data-status="done"' in job_page and "3 dari 3 pesan" in job_page
    # Three messages, one to each address; none to the cancelled participant or the one
    # without e-mail.
    assert smtp.recipients == WITH_EMAIL and len(smtp.received) == 3
    for address in WITH_EMAIL:
        body = smtp.body_to(address)
        assert course["links"][address] in body
        assert "Kode lencana" in body and "Senin, 28 Oktober 2024" in body
    _tos, message = smtp.received[0]
    assert message.get_content_type() == "text/plain"
    assert message["Subject"].startswith("Tautan pribadi Anda")
    listing = client.get(f"/courses/{course['code']}/participants").get_data(as_text=True)
    assert listing.count('data-testid="delivery" data-status="sent"') == 3
    # --only-new: nobody is waiting any more.
    again = post(client, f"/courses/{course['code']}/participants/send-links",
                 {"only_new": "y"}, follow_redirects=True)
    assert "Tidak ada peserta" in again.get_data(as_text=True) and len(smtp.received) == 3


def test_resend_to_one_person_is_one_click(app, client, smtp, course):
    login(client, "organiser@bimtek.test")
    participant_id = course["ids"][1]
    post(client, f"/courses/{course['code']}/participants/{participant_id}/send-link")
    assert smtp.recipients == ["siti@kesbangpol.example.go.id"]


def test_a_refused_address_is_recorded_and_the_batch_goes_on(app, client, smtp, course):
    smtp.refuse["siti@kesbangpol.example.go.id"] = "550 5.1.1 Mailbox unknown"
    with app.app_context():
        broken = db.session.get(Registration, course["ids"][0])
        broken.email = "syahrani@@kesbangpol"  # never reaches the server
        db.session.commit()
    login(client, "organiser@bimtek.test")
    post(client, f"/courses/{course['code']}/participants/send-links")
    assert smtp.recipients == ["andi@ppk.example.go.id"]
    listing = client.get(f"/courses/{course['code']}/participants").get_data(as_text=True)
    assert "550 5.1.1 Mailbox unknown" in listing
    assert listing.count('data-status="failed"') == 2
    with app.app_context():
        (job,) = db.session.query(MailJob).all()
        assert job.status == JobStatus.DONE and job.done == 3


def test_a_server_that_is_down_stops_the_job_and_a_retry_sends_each_once(
        app, client, stopped_smtp, course):
    login(client, "organiser@bimtek.test")
    response = post(client, f"/courses/{course['code']}/participants/send-links")
    page = client.get(response.location).get_data(as_text=True)
    assert 'data-status="failed"' in page and "Pengiriman berhenti" in page
    assert "Connection refused" in page and "/retry" in page
    stopped_smtp.start()
    retry_url = response.location + "/retry"
    post(client, retry_url)
    assert stopped_smtp.recorder.recipients == WITH_EMAIL
    post(client, retry_url)  # a done job is not sent again
    assert len(stopped_smtp.recorder.received) == 3
    with app.app_context():
        assert {m.status for m in db.session.query(OutgoingMessage)} == {MessageStatus.SENT}


def test_without_a_server_messages_go_to_the_outbox_folder(app, client, outbox, course):
    login(client, "organiser@bimtek.test")
    post(client, f"/courses/{course['code']}/participants/send-links")
    files = sorted(outbox.glob("*.eml"))
    assert len(files) == 3
    assert any(course["links"]["andi@ppk.example.go.id"] in f.read_text() for f in files)
    listing = client.get(f"/courses/{course['code']}/mail").get_data(as_text=True)
    assert listing.count('data-status="outbox"') == 3 and "andi@ppk.example.go.id" in listing
    with app.app_context():
        message_id = db.session.query(OutgoingMessage).first().id
    shown = client.get(f"/courses/{course['code']}/mail/{message_id}").get_data(as_text=True)
    assert "/me/" in shown and ".eml" in shown


def test_the_command_sends_and_reports(app, smtp, course):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["send-personal-links", course["code"], "--only-new"])
    assert result.exit_code == 0, result.output
    assert "3 of 3 personal links sent, 0 failed" in result.output
    assert smtp.recipients == WITH_EMAIL
    again = runner.invoke(args=["send-personal-links", course["code"], "--only-new"])
    assert again.exit_code == 1 and len(smtp.received) == 3


def test_the_command_fails_visibly_when_the_server_is_down(app, stopped_smtp, course):
    result = app.test_cli_runner().invoke(args=["send-personal-links", course["code"]])
    assert result.exit_code == 1 and "sending stopped" in result.output


def test_starttls_is_required_when_the_url_asks_for_it(smtp, app):
    port = int(app.config["SMTP_URL"].rsplit(":", 1)[1])
    with pytest.raises(ServerUnavailable, match="STARTTLS"):
        with SmtpConnection(parse_smtp_url(f"smtp+starttls://user:pw@127.0.0.1:{port}")):
            pass


def test_invalid_addresses_are_named(app_context):
    assert mail.invalid_address("budi@kesbangpol.example.go.id") is None
    assert mail.invalid_address("budi@@kesbangpol")
