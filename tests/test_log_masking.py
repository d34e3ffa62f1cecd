"""Personal and speaker tokens never reach a log: gunicorn's access log (request line and
referrer) and the app's own log show `[token]` instead."""
from __future__ import annotations

import http.client
import logging
from datetime import time

from flask_migrate import upgrade

from bimtek.courses.agenda import SessionInput, add_session
from bimtek.courses.models import CourseStatus, SessionKind
from bimtek.extensions import db
from bimtek.institutions import services as institution_services
from bimtek.logmask import mask_tokens
from bimtek.registration import services
from bimtek.speakers import services as speaker_services
from bimtek.speakers.models import SpeakerRole
from tests.factories import make_course
from tests.registration.factories import participant
from tests.support.apps import build_app
from tests.support.servers import served


def _seed(app) -> tuple[str, str]:
    with app.app_context():
        upgrade()
        course = make_course("KSP-KUTIM-2024", status=CourseStatus.PUBLISHED)
        speaker = speaker_services.save_speaker(None, name="Narasumber Polres")
        add_session(course, SessionInput(
            day=course.starts_on, starts_at=time(8, 0), ends_at=time(9, 0), title="Materi",
            kind=SessionKind.MATERIAL, speakers=[(speaker.id, SpeakerRole.NARASUMBER)]))
        institution = institution_services.save_institution(None, name="Kesbangpol Kutim",
                                                        short_name="Kesbangpol")
        registration = services.register(course, participant(1, institution.id))
        tokens = registration.personal_token, speaker.agenda_token
        db.session.commit()
        db.engine.dispose()
        return tokens


def test_tokens_are_masked_in_the_access_log(database_factory, tmp_path):
    database_url = database_factory.create()
    personal, speaker = _seed(build_app(database_url, tmp_path / "instance"))
    access_log = tmp_path / "access.log"
    environment = {"DATABASE_URL": database_url, "SECRET_KEY": "log-test",
                   "BIMTEK_FILES_DIR": str(tmp_path / "files")}
    paths = [f"/me/{personal}", f"/me/{personal}/certificate.pdf",
             f"/speakers/agenda/{speaker}", f"/speakers/agenda/{speaker}.ics"]
    with served("app:app", environment, "--access-logfile", str(access_log)) as port:
        answers = []
        for path in paths:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            # A page's own stylesheet is fetched with the page as referrer.
            connection.request("GET", path, headers={
                "Referer": f"http://127.0.0.1:{port}/me/{personal}"})
            answers.append(connection.getresponse().status)
            connection.close()
    assert answers == [200, 404, 200, 200]
    log = access_log.read_text()
    assert personal not in log and speaker not in log
    assert log.count('"GET /me/[token] HTTP/1.1" 200') == 1
    assert "/me/[token]/certificate.pdf" in log and "/speakers/agenda/[token].ics" in log
    assert log.count("http://127.0.0.1:") == 4 and log.count("/me/[token]\"") >= 4


def test_tokens_are_masked_in_the_app_log(app, caplog):
    with caplog.at_level(logging.INFO):
        app.logger.error("Exception on %s [%s]", "/me/Abc-123_xyz/check-in", "POST")
        logging.getLogger("werkzeug").info('"GET /speakers/agenda/Tok_en-9.ics HTTP/1.1" 200')
    assert "Abc-123_xyz" not in caplog.text and "Tok_en-9" not in caplog.text
    assert "/me/[token]/check-in" in caplog.text and "/speakers/agenda/[token].ics" in caplog.text
    assert mask_tokens("/register/confirm/abc?x=1") == "/register/confirm/[token]?x=1"
