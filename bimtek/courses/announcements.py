"""What participants and speakers were told of the agenda, and what changed since."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bimtek.courses.models import AgendaAnnouncement, Course
from bimtek.extensions import db
from bimtek.timeutil import utcnow


def agenda_snapshot(course: Course) -> dict:
    """The agenda as people read it, keyed by session uid, in JSON-ready form."""
    return {session.uid: {
        "title": session.title, "day": session.day.isoformat(),
        "starts_at": session.starts_at.strftime("%H:%M"),
        "ends_at": session.ends_at.strftime("%H:%M"),
        "room": session.room.name if session.room else "",
        "speakers": sorted(link.speaker_id for link in session.speaker_links)}
        for session in course.sessions}


def announce_agenda(course: Course, *, now: datetime | None = None) -> AgendaAnnouncement:
    """Record the agenda as announced now (when published, and after each digest)."""
    announcement = db.session.get(AgendaAnnouncement, course.id) or AgendaAnnouncement(
        course_id=course.id)
    version = db.session.scalar(select(Course.agenda_version).where(Course.id == course.id))
    announcement.announced_version, announcement.snapshot = version, agenda_snapshot(course)
    announcement.announced_at = now or utcnow()
    announcement.seen_version = announcement.seen_at = None
    db.session.add(announcement)
    return announcement


@dataclass
class AgendaChange:
    """One session as announced (`before`) and as it is now (`after`); either is None for
    a cancelled or an added session."""

    before: dict | None
    after: dict | None

    @property
    def speakers(self) -> set[int]:
        return {*(self.before or {}).get("speakers", []), *(self.after or {}).get("speakers", [])}


WHAT_PEOPLE_NOTICE = ("title", "day", "starts_at", "ends_at", "room")


def agenda_changes(before: dict, after: dict) -> list[AgendaChange]:
    """Sessions moved, re-timed, re-roomed, renamed, cancelled or added, in time order."""
    changes = [AgendaChange(before.get(uid), after.get(uid)) for uid in before | after
               if uid not in before or uid not in after or any(
                   before[uid][key] != after[uid][key] for key in WHAT_PEOPLE_NOTICE)]
    return sorted(changes, key=lambda change: _when(change.after or change.before))


def _when(session: dict) -> tuple[str, str, str]:
    return session["day"], session["starts_at"], session["title"]
