"""Check-in rules: result codes, session windows in the course's zone, late by scan time,
nonces, and one record per participant and session even under concurrent scans."""
import threading
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from bimtek.attendance.models import Attendance, AttendanceStatus
from bimtek.attendance.scanning import CheckInResult, check_in, current_session
from bimtek.courses import services as course_services
from bimtek.courses.agenda import SessionInput, add_session, delete_session
from bimtek.courses.models import Session, SessionKind
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.institutions.services import save_institution
from bimtek.registration import services
from tests.factories import make_course
from tests.registration.factories import participant

MONDAY = date(2024, 10, 28)


def utc(hour, minute, day=MONDAY):
    """WITA is UTC+8: 08.00 WITA on Monday is 00.00 UTC."""
    return datetime.combine(day, time(hour, minute)) - timedelta(hours=8)


@pytest.fixture
def setting(app_context):
    course = make_course("KSP-KUTIM-2024", capacity=2)
    for start, end, title in [((8, 0), (9, 30), "Kebijakan tahapan Pilkada"),
                              ((9, 45), (12, 0), "Mitigasi konflik sosial")]:
        add_session(course, SessionInput(
            day=MONDAY, starts_at=time(*start), ends_at=time(*end), title=title,
            kind=SessionKind.MATERIAL))
    ppk = save_institution(None, name="Panitia Pemilihan Kecamatan", short_name="PPK").id
    people = [services.register(course, participant(n, ppk)) for n in (1, 2, 3)]
    return course, people


def test_the_session_follows_the_clock_in_the_course_zone(setting):
    course, _people = setting
    assert current_session(course, utc(7, 29)) is None
    assert current_session(course, utc(7, 30)).title == "Kebijakan tahapan Pilkada"
    assert current_session(course, utc(9, 20)).title == "Kebijakan tahapan Pilkada"
    # In the break, the next session is already open at the desk.
    assert current_session(course, utc(9, 35)).title == "Mitigasi konflik sosial"
    assert current_session(course, utc(12, 0)) is None


def test_breaks_and_sessions_without_jp_are_never_chosen_by_the_clock(setting):
    """The lunch break (ISHOMA) from 12.00 and the afternoon session at 13.00: a scan at
    12.46 WITA belongs to the 13.00 session, one at 12.10 to none; a 0-JP closing
    ceremony is never chosen either."""
    course, _people = setting
    for start, end, title, kind in [((12, 0), (13, 0), "ISHOMA", SessionKind.BREAK),
                                    ((13, 0), (15, 15), "Pemetaan intelijen keamanan",
                                     SessionKind.MATERIAL),
                                    ((15, 15), (16, 0), "Penutupan", SessionKind.CLOSING)]:
        add_session(course, SessionInput(
            day=MONDAY, starts_at=time(*start), ends_at=time(*end), title=title, kind=kind))
    assert current_session(course, utc(12, 10)) is None
    assert current_session(course, utc(12, 29)) is None
    assert current_session(course, utc(12, 46)).title == "Pemetaan intelijen keamanan"
    assert current_session(course, utc(15, 20)) is None
    # Between two sessions (09.30–09.45): the next one, within its 30 minutes.
    assert current_session(course, utc(9, 31)).title == "Mitigasi konflik sosial"
    # By the course's clock: the same instant in a WIB course is an hour earlier there.
    course.timezone = "Asia/Jakarta"
    db.session.commit()
    assert current_session(course, utc(13, 46)).title == "Pemetaan intelijen keamanan"


def test_result_codes(setting):
    course, (first, _second, waiting) = setting
    other = make_course("KSP-SINTANG-2024")
    ok = check_in(course, first.badge_code, scanned_at=utc(7, 55))
    assert ok.result == CheckInResult.OK and ok.attendance.status == AttendanceStatus.HADIR
    again = check_in(course, first.badge_code, scanned_at=utc(8, 5))
    assert again.result == CheckInResult.ALREADY_CHECKED_IN
    assert again.attendance.happened_at == utc(7, 55)
    assert check_in(course, "tidak-ada", scanned_at=utc(8, 0)).result == \
        CheckInResult.UNKNOWN_BADGE
    assert check_in(other, first.badge_code, scanned_at=utc(8, 0)).result == \
        CheckInResult.WRONG_COURSE
    assert check_in(course, waiting.badge_code, scanned_at=utc(8, 0)).result == \
        CheckInResult.WAITLISTED, "waitlisted people have no seat to check in to"
    assert check_in(course, first.badge_code, scanned_at=utc(13, 0)).result == \
        CheckInResult.NO_SESSION
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 1


def test_late_is_decided_by_the_scan_time_not_the_upload_time(setting):
    course, (first, second, _waiting) = setting
    # Scanned offline at 08.10, uploaded at 08.40: on time (grace is 15 minutes).
    on_time = check_in(course, first.badge_code, scanned_at=utc(8, 10), nonce="a1")
    late = check_in(course, second.badge_code, scanned_at=utc(8, 16), nonce="a2")
    assert on_time.attendance.status == AttendanceStatus.HADIR
    assert late.attendance.status == AttendanceStatus.TERLAMBAT


def test_a_nonce_sent_again_changes_nothing(setting):
    course, (first, _second, _waiting) = setting
    scan = {"scanned_at": utc(8, 0), "nonce": "scan-1", "scanner": "token:1"}
    original = check_in(course, first.badge_code, **scan)
    replay = check_in(course, first.badge_code, **scan)
    assert replay.result == CheckInResult.OK
    assert replay.attendance.id == original.attendance.id
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 1


def test_a_session_with_attendance_cannot_be_deleted(setting):
    course, (first, _second, _waiting) = setting
    result = check_in(course, first.badge_code, scanned_at=utc(8, 0))
    with pytest.raises(ValidationError) as error:
        delete_session(result.session)
    assert error.value.field == "session"
    db.session.rollback()
    assert len(course.sessions) == 2


def test_the_same_badge_at_two_desks_at_once_gives_one_record(app):
    with app.app_context():
        course = make_course("KSP-KUTIM-2024")
        add_session(course, SessionInput(
            day=MONDAY, starts_at=time(8, 0), ends_at=time(9, 30),
            title="Kebijakan tahapan Pilkada", kind=SessionKind.MATERIAL))
        ppk = save_institution(None, name="Panitia Pemilihan Kecamatan", short_name="PPK").id
        badge = services.register(course, participant(1, ppk)).badge_code
    barrier = threading.Barrier(2)
    results = []

    def scan(desk):
        with app.app_context():
            course = course_services.find_course("KSP-KUTIM-2024")
            db.session.commit()  # hand the connection back while waiting
            barrier.wait()
            results.append(check_in(course, badge, scanned_at=utc(8, 0),
                                    nonce=f"desk-{desk}", scanner=f"web:{desk}").result)
            db.session.remove()

    threads = [threading.Thread(target=scan, args=(desk,)) for desk in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [CheckInResult.ALREADY_CHECKED_IN, CheckInResult.OK]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attendance)) == 1


def test_jp_percent_counts_every_scheduled_session_not_only_those_held(setting):
    from bimtek.attendance.rule import jp_summary

    course, (first, _second, _waiting) = setting
    # Monday's two sessions carry 2 + 3 JP; a Friday session adds 2 more to the course.
    add_session(course, SessionInput(
        day=date(2024, 11, 1), starts_at=time(8, 0), ends_at=time(9, 30),
        title="Evaluasi", kind=SessionKind.MATERIAL))
    check_in(course, first.badge_code, scanned_at=utc(8, 20))  # late still counts
    summary = jp_summary(first)
    assert (summary.attended_jp, summary.total_jp) == (2, 7)
    assert round(summary.percent, 1) == 28.6


def test_a_finished_course_refuses_scans_but_takes_corrections_with_a_reason(setting):
    from bimtek.attendance.marking import mark
    from bimtek.audit import AuditEvent
    from bimtek.courses.models import CourseStatus

    course, (first, second, _waiting) = setting
    recorded = check_in(course, first.badge_code, scanned_at=utc(7, 55), nonce="before",
                        scanner="token:1")
    course.status = CourseStatus.FINISHED
    db.session.commit()
    outcome = check_in(course, second.badge_code, scanned_at=utc(8, 0), nonce="after",
                       scanner="token:1")
    assert (outcome.result, outcome.registration) == (CheckInResult.COURSE_CLOSED, None)
    assert check_in(course, first.badge_code, scanned_at=utc(7, 55), nonce="before",
                    scanner="token:1").attendance.id == recorded.attendance.id, \
        "a queue sent again is answered"
    session = db.session.get(Session, recorded.session.id)
    with pytest.raises(ValidationError) as error:
        mark(second, session, AttendanceStatus.HADIR)
    assert error.value.field == "reason"
    db.session.rollback()
    mark(second, session, AttendanceStatus.HADIR, reason="Daftar hadir kertas")
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 2
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "attendance.marked")) == 1
