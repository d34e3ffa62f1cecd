"""The agenda outside the app: iCalendar files read back with icalendar, the printable
agenda read back with pypdf."""
from datetime import UTC, date, datetime, time
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from bimtek.courses import exports
from bimtek.courses.agenda import SessionInput, add_session, save_room
from bimtek.courses.models import CourseStatus, SessionKind
from bimtek.extensions import db
from bimtek.speakers.models import Speaker, SpeakerRole
from tests.factories import make_course

MONDAY, TUESDAY = date(2024, 10, 28), date(2024, 10, 29)
HOSTILE_TITLE = '<img src="file:///etc/passwd">'


def add(course, day, starts, ends, title, *, kind=SessionKind.MATERIAL, room=None,
        speakers=()):
    return add_session(course, SessionInput(
        day=day, starts_at=time(*starts), ends_at=time(*ends), title=title, kind=kind,
        room_id=room.id if room else None, speakers=list(speakers)))


@pytest.fixture
def agenda(app_context):
    """Two published courses sharing a speaker: Samarinda (WITA) and Sintang (WIB)."""
    kutim = make_course("KSP-KUTIM-2024", venue="Hotel Harris", city="Samarinda",
                        status=CourseStatus.PUBLISHED,
                        title="Bimtek Mitigasi dan Penanganan Konflik Sosial")
    sintang = make_course("KSP-SINTANG-2024", timezone="Asia/Pontianak", city="Sintang",
                          status=CourseStatus.PUBLISHED)
    rizali = Speaker(front_titles="Dr. H.", name="Rizali Hadi", back_titles="M.Pd.")
    agus = Speaker(front_titles="AKBP", name="Agus Salim", back_titles="S.I.K.")
    db.session.add_all([rizali, agus])
    db.session.commit()
    ballroom = save_room(kutim, None, name="Ballroom", capacity=400, is_plenary=True)
    add(kutim, MONDAY, (8, 0), (9, 30), "Pemetaan intelijen keamanan", room=ballroom,
        speakers=[(rizali.id, SpeakerRole.NARASUMBER), (agus.id, SpeakerRole.MODERATOR)])
    add(kutim, MONDAY, (9, 30), (10, 0), "Rehat kopi", kind=SessionKind.BREAK)
    add(kutim, TUESDAY, (13, 0), (15, 15), HOSTILE_TITLE, room=ballroom,
        speakers=[(agus.id, SpeakerRole.NARASUMBER)])
    add(sintang, MONDAY, (8, 0), (9, 30), "Kebijakan tahapan Pilkada",
        speakers=[(rizali.id, SpeakerRole.NARASUMBER)])
    return {"kutim": kutim, "sintang": sintang, "rizali": rizali}


# --- iCalendar -------------------------------------------------------------------------

def events(ics: bytes):
    return Calendar.from_ical(ics).events


def test_course_calendar_has_one_event_per_session_in_the_course_zone(agenda):
    course = agenda["kutim"]
    calendar = Calendar.from_ical(exports.course_calendar(course))
    assert str(calendar["VERSION"]) == "2.0" and "Bimtek" in str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"]) == course.title
    assert [timezone.tz_name for timezone in calendar.timezones] == ["Asia/Makassar"]
    first, coffee, hostile = calendar.events
    assert len(calendar.events) == len(course.sessions) == 3
    # 08.00 WITA is 00.00 UTC.
    assert first.start == datetime(2024, 10, 28, 8, 0, tzinfo=ZoneInfo("Asia/Makassar"))
    assert first.start.astimezone(UTC) == datetime(2024, 10, 28, 0, 0, tzinfo=UTC)
    assert first.end.astimezone(UTC) == datetime(2024, 10, 28, 1, 30, tzinfo=UTC)
    assert first["DTSTART"].params["TZID"] == "Asia/Makassar"
    assert first.summary == "Pemetaan intelijen keamanan"
    assert str(first["LOCATION"]) == "Ballroom, Hotel Harris, Samarinda"
    assert "Dr. H. Rizali Hadi, M.Pd." in first.description
    assert "AKBP Agus Salim, S.I.K." in first.description and "2 JP" in first.description
    assert first.stamp is not None
    assert str(coffee["LOCATION"]) == "Hotel Harris, Samarinda"
    assert hostile.summary == HOSTILE_TITLE


def test_event_uids_are_stable_across_exports(agenda):
    course = agenda["kutim"]
    first = [str(event.uid) for event in events(exports.course_calendar(course))]
    second = [str(event.uid) for event in events(exports.course_calendar(course))]
    assert first == second == [f"{session.uid}@bimtek" for session in course.sessions]


def test_speaker_calendar_spans_courses_and_zones(agenda):
    calendar = Calendar.from_ical(exports.speaker_calendar(agenda["rizali"]))
    assert str(calendar["X-WR-CALNAME"]) == "Dr. H. Rizali Hadi, M.Pd."
    assert sorted(timezone.tz_name for timezone in calendar.timezones) == \
        ["Asia/Makassar", "Asia/Pontianak"]
    starts = sorted((event.start.astimezone(UTC), event.summary)
                    for event in calendar.events)
    # Both start at 08.00 on the wall clock: 00.00 UTC in Samarinda, 01.00 UTC in Sintang.
    assert starts == [
        (datetime(2024, 10, 28, 0, 0, tzinfo=UTC), "Pemetaan intelijen keamanan"),
        (datetime(2024, 10, 28, 1, 0, tzinfo=UTC), "Kebijakan tahapan Pilkada"),
    ]


def test_speaker_calendar_leaves_out_draft_courses(agenda):
    agenda["sintang"].status = CourseStatus.DRAFT
    db.session.commit()
    summaries = [event.summary for event in events(exports.speaker_calendar(agenda["rizali"]))]
    assert summaries == ["Pemetaan intelijen keamanan"]


# --- printable agenda ------------------------------------------------------------------

def pdf_text(document: bytes) -> str:
    """The PDF's text with runs of whitespace (line breaks in table cells) made one space."""
    reader = PdfReader(BytesIO(document))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_agenda_pdf_is_an_indonesian_a4_agenda(agenda):
    document = exports.agenda_pdf(agenda["kutim"])
    page = PdfReader(BytesIO(document)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = pdf_text(document)
    assert "Bimtek Mitigasi dan Penanganan Konflik Sosial" in text
    assert "28 Oktober s.d. 1 November 2024" in text
    assert "Hotel Harris, Samarinda" in text
    assert "Senin, 28 Oktober 2024" in text and "Selasa, 29 Oktober 2024" in text
    assert "08.00–09.30 WITA" in text and "13.00–15.15 WITA" in text
    assert "Dr. H. Rizali Hadi, M.Pd." in text
    assert "AKBP Agus Salim, S.I.K. (Moderator)" in text
    total = text.rsplit("1 JP = 45", 1)[0]
    assert total.rstrip().endswith("JP 5")  # 2 + 0 + 3


def test_person_supplied_text_is_printed_not_interpreted(agenda, fetched):
    text = pdf_text(exports.agenda_pdf(agenda["kutim"]))
    assert HOSTILE_TITLE in text
    assert not any("passwd" in url for url in fetched)
