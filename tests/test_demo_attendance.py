"""The demo's finished reference course carries a realistic week of attendance."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from bimtek.attendance.marking import REASON_NEEDED
from bimtek.attendance.models import Attendance, AttendanceMethod, AttendanceStatus
from bimtek.attendance.rule import jp_summary
from bimtek.audit import AuditEvent
from bimtek.courses.models import Course, Session, SessionKind
from bimtek.demo.data.courses import DEMO_COURSE_CODE, REFERENCE_COURSE_CODE
from bimtek.extensions import db
from bimtek.registration.models import Registration
from bimtek.timeutil import wall_clock


def course(code: str) -> Course:
    return db.session.scalar(select(Course).where(Course.code == code))


def attendance_count(code: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Attendance).join(
        Attendance.session).join(Session.course).where(Course.code == code))


def test_the_reference_course_has_a_week_of_attendance(app, demo):
    with app.app_context():
        reference = course(REFERENCE_COURSE_CODE)
        records = db.session.scalars(select(Attendance).join(Attendance.session).where(
            Session.course_id == reference.id)).all()
        registrations = db.session.scalars(select(Registration).where(
            Registration.course_id == reference.id)).all()
        # Everyone came at least once, most people to most sessions; nobody to a break.
        attended = {r.registration_id for r in records}
        assert attended == {r.id for r in registrations}
        assert {r.session.kind for r in records}.isdisjoint({SessionKind.BREAK})
        sessions = [s for s in reference.sessions if s.kind != SessionKind.BREAK]
        assert len(records) > 0.9 * len(sessions) * len(registrations)
        by_status = {status: [r for r in records if r.status == status]
                     for status in AttendanceStatus}
        assert 0 < len(by_status[AttendanceStatus.TERLAMBAT]) < 0.1 * len(records)
        # Late means scanned after the start plus the course's grace period, by the clock
        # of the course's zone; on time means not.
        for record in records:
            if record.status in (AttendanceStatus.HADIR, AttendanceStatus.TERLAMBAT):
                late_from = datetime.combine(record.session.day, record.session.starts_at) \
                    + timedelta(minutes=reference.late_after_minutes)
                assert (wall_clock(reference, record.happened_at) > late_from) == \
                    (record.status == AttendanceStatus.TERLAMBAT)
        for status in REASON_NEEDED:
            assert by_status[status] and all(r.reason and r.method == AttendanceMethod.MANUAL
                                             for r in by_status[status])
        marks = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "attendance.marked"))
        assert marks == sum(len(by_status[status]) for status in REASON_NEEDED)
        assert {r.device for r in records if r.method == AttendanceMethod.DESK} >= {
            "Meja 1", "Meja 2"}
        assert any(r.method == AttendanceMethod.SELF for r in records)
        # Instants are stored in UTC: in the course's zone they fall in its week.
        days = {wall_clock(reference, r.happened_at).date() for r in records}
        assert days == set(reference.days)
        assert all(r.received_at >= r.happened_at for r in records)
        below = [r for r in registrations
                 if jp_summary(r).percent < reference.min_attendance_percent]
        assert 5 <= len(below) <= 30
        assert all(not r.user_id for r in below), "the demo participant can get a certificate"
        assert attendance_count(DEMO_COURSE_CODE) == 0


@pytest.mark.changes_demo  # seeding runs on the shared demo
def test_seeding_again_adds_no_attendance(app, demo):
    runner = app.test_cli_runner()
    with app.app_context():
        first = attendance_count(REFERENCE_COURSE_CODE)
    for args in (["seed-demo", "--if-empty"], ["seed-demo"]):
        assert runner.invoke(args=args).exit_code == 0
        with app.app_context():
            assert attendance_count(REFERENCE_COURSE_CODE) == first > 0
