"""The agenda outside the app: iCalendar files and the printable A4 agenda."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import groupby
from operator import attrgetter
from zoneinfo import ZoneInfo

from flask import render_template
from icalendar import Calendar, Event

from bimtek.courses.agenda import published_sessions_of_speaker
from bimtek.courses.models import Course, Session
from bimtek.i18n import zone_label
from bimtek.pdf import render_pdf
from bimtek.speakers.models import Speaker
from bimtek.timeutil import utcnow

PRODID = "-//Bimtek//Agenda//ID"


# --- iCalendar -------------------------------------------------------------------------

def course_calendar(course: Course) -> bytes:
    return _calendar(course.title, course.sessions)


def speaker_calendar(speaker: Speaker) -> bytes:
    """What the speaker's private link shows: their sessions in published courses."""
    return _calendar(speaker.full_name, published_sessions_of_speaker(speaker.id))


def _calendar(name: str, sessions: Iterable[Session]) -> bytes:
    calendar = Calendar()
    calendar.prodid = PRODID
    calendar.version = "2.0"
    calendar.calendar_name = name  # NAME and X-WR-CALNAME
    stamp = utcnow().replace(tzinfo=UTC)
    for session in sessions:
        calendar.add_component(_event(session, stamp))
    # Every zone used by DTSTART/DTEND gets its VTIMEZONE, so clients need no zone database.
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _event(session: Session, stamp: datetime) -> Event:
    course = session.course
    zone = ZoneInfo(course.timezone)
    return Event.new(
        uid=f"{session.uid}@bimtek",  # stable across edits, so clients update, not duplicate
        stamp=stamp,
        summary=session.title,
        start=datetime.combine(session.day, session.starts_at, zone),
        end=datetime.combine(session.day, session.ends_at, zone),
        location=", ".join(part for part in (session.room.name if session.room else "",
                                             course.venue, course.city) if part),
        description="\n".join([
            course.title,
            *(f"{link.role.label}: {link.speaker.full_name}" for link in session.speaker_links),
            f"{session.jp} JP",
            *([session.description] if session.description else []),
        ]),
    )


# --- printable agenda ------------------------------------------------------------------

def agenda_pdf(course: Course) -> bytes:
    """The A4 agenda, day by day. Days come from the sessions themselves, so a session
    left outside the course dates is still printed (and warned about elsewhere)."""
    sessions = course.sessions
    html = render_template(
        "courses/agenda_pdf.html", course=course, zone=zone_label(course.timezone),
        days=[(day, list(day_sessions))
              for day, day_sessions in groupby(sessions, key=attrgetter("day"))],
        total_jp=sum(session.jp for session in sessions))
    return render_pdf(html)
