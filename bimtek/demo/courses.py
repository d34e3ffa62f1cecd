"""The demo's courses: the reference course with its rooms, speakers and agenda, its live
batch starting today, the demo accounts, and the demo signatory."""
from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from bimtek.auth import services as auth_services
from bimtek.auth.models import Role, User
from bimtek.certificates import demo_keys, signatories
from bimtek.certificates.models import Signatory
from bimtek.certificates.settings import settings_for
from bimtek.courses import services as course_services
from bimtek.courses.agenda import (
    SessionInput,
    add_sessions,
    copy_agenda,
    find_room_by_name,
    save_room,
)
from bimtek.courses.models import Course, CourseRegion, CourseStatus
from bimtek.demo.data.courses import (
    DEMO_AGENDA,
    DEMO_COURSE_CODE,
    DEMO_REGION_CODE,
    DEMO_ROOMS,
    DEMO_SPEAKERS,
    REFERENCE_COURSE,
    REFERENCE_COURSE_CODE,
    REFERENCE_FACILITATOR,
    REFERENCE_HOST,
)
from bimtek.extensions import db
from bimtek.institutions import services as institution_services
from bimtek.regions import services as region_services
from bimtek.speakers import services as speaker_services
from bimtek.speakers.models import Speaker
from bimtek.unit_of_work import flush_changes


def reference_course() -> Course:
    course = db.session.scalar(select(Course).where(Course.code == REFERENCE_COURSE_CODE))
    if course is not None:
        return course
    host, facilitator = institution_services.find_by_short_names(
        [REFERENCE_HOST, REFERENCE_FACILITATOR])
    course = Course(**REFERENCE_COURSE, host_institution=host,
                    facilitator_institution=facilitator,
                    areas=[CourseRegion.of(region_services.find_area(DEMO_REGION_CODE))],
                    status=CourseStatus.FINISHED)
    db.session.add(course)
    flush_changes()
    return course


def _clock(text: str) -> time:
    hour, minute = text.split(".")
    return time(int(hour), int(minute))


def _demo_speakers() -> dict[str, int]:
    ids = {}
    for key, (front, name, back, rank, position, institution) in DEMO_SPEAKERS.items():
        speaker = db.session.scalar(select(Speaker).where(Speaker.name == name))
        if speaker is None:
            (owner,) = institution_services.find_by_short_names([institution])
            speaker = speaker_services.save_speaker(
                None, front_titles=front, name=name, back_titles=back, rank=rank,
                position=position, institution_id=owner.id)
        ids[key] = speaker.id
    return ids


def reference_agenda(course: Course) -> None:
    if course.sessions:
        return
    for name, capacity, plenary in DEMO_ROOMS:
        save_room(course, None, name=name, capacity=capacity, is_plenary=plenary)
    speakers = _demo_speakers()
    add_sessions(course, [
        SessionInput(
            day=day, starts_at=_clock(start), ends_at=_clock(end), title=title, kind=kind,
            room_id=find_room_by_name(course, room).id, jp=jp,
            speakers=[(speakers[key], role) for key, role in roles])
        for day, items in zip(course.days, DEMO_AGENDA, strict=True)
        for start, end, title, kind, room, roles, jp in items
    ])


def live_course(reference: Course) -> Course:
    """A later batch whose five days start today, so check-in can be tried live."""
    course = course_services.find_course(DEMO_COURSE_CODE)
    if course is not None:
        return course
    today = datetime.now(ZoneInfo(reference.timezone)).date()
    course = course_services.save_course(
        None, code=DEMO_COURSE_CODE, title=reference.title, programme=reference.programme,
        batch=reference.batch + 1, host_institution_id=reference.host_institution_id,
        facilitator_institution_id=reference.facilitator_institution_id,
        venue=reference.venue, city=reference.city, starts_on=today,
        ends_on=course_services.course_end(today, len(reference.days)),
        timezone=reference.timezone, capacity=reference.capacity,
        min_attendance_percent=reference.min_attendance_percent,
        declared_jp=reference.declared_jp, signatory_position=reference.signatory_position,
        signatory_name=reference.signatory_name, signatory_nip=reference.signatory_nip,
        areas=[CourseRegion.of(area.area) for area in reference.areas],
        registration_open=True)
    copy_agenda(reference, course)
    course.status = CourseStatus.PUBLISHED
    flush_changes()
    return course


def account(email: str, name: str, role: Role, institutions: tuple[str, ...],
                  password: str) -> User:
    user = auth_services.find_user_by_email(email)
    if user is not None:
        return user
    ids = [i.id for i in institution_services.find_by_short_names(institutions)]
    return auth_services.save_user(None, email=email, name=name, roles=[role],
                                   password=password, institution_ids=ids,
                                   issuing_institution_ids=ids)


def signatory(courses: list[Course]) -> None:
    """The reference course's signatory with a key of the demo's own authority, labelled
    "DEMO — bukan TTE resmi", so that the demo's certificates come out signed. The key's
    passphrase is the DEMO_SIGNATORY_PASSPHRASE setting."""
    signatory = db.session.scalar(select(Signatory).where(Signatory.is_demo))
    if signatory is None:
        reference = courses[0]
        passphrase = current_app.config["DEMO_SIGNATORY_PASSPHRASE"]
        signatory = signatories.register(
            name=reference.signatory_name, nip=reference.signatory_nip,
            position=reference.signatory_position,
            institution_id=reference.host_institution_id, passphrase=passphrase,
            key_data=demo_keys.signatory_pkcs12(reference.signatory_name, passphrase),
            is_demo=True)
    for course in courses:
        settings = settings_for(course)
        if settings.signatory_id is None:
            settings.signatory = signatory
    flush_changes()
