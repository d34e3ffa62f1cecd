"""Capacity, waitlist, quotas and cancelling, on SQLite and PostgreSQL."""
import threading

import pytest
from sqlalchemy import func, select

from bimtek.audit import AuditEvent
from bimtek.courses import services as course_services
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.institutions.services import save_institution
from bimtek.registration import services
from bimtek.registration.badge_codes import is_valid
from bimtek.registration.models import Registration, RegistrationStatus
from tests.factories import make_course, seed_regions
from tests.registration.factories import participant


@pytest.fixture
def setting(app_context):
    seed_regions()
    course = make_course("KSP-KUTIM-2024", capacity=3,
                         regions=("64.08",))
    ppk = save_institution(None, name="Panitia Pemilihan Kecamatan", short_name="PPK")
    return course, ppk.id


def statuses(course):
    return [r.status.value for r in db.session.scalars(
        select(Registration).where(Registration.course_id == course.id)
        .order_by(Registration.number))]


def test_seats_then_waitlist_then_promotion(setting):
    course, ppk = setting
    people = [services.register(course, participant(n, ppk)) for n in range(1, 6)]
    assert [p.number for p in people] == [1, 2, 3, 4, 5]
    assert statuses(course) == ["registered"] * 3 + ["waitlisted"] * 2
    promoted = services.cancel(people[1], reason="sakit")
    assert promoted.number == 4
    assert statuses(course) == ["registered", "cancelled", "registered", "registered",
                                "waitlisted"]
    # Waitlisted people leave without moving anyone.
    assert services.cancel(people[4]) is None
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions.count("registration.created") == 5
    assert "registration.promoted" in actions and actions.count("registration.cancelled") == 2


def test_refused_when_full_unless_waitlisting(setting):
    course, ppk = setting
    for n in range(1, 4):
        services.register(course, participant(n, ppk))
    with pytest.raises(ValidationError):
        services.register(course, participant(4, ppk), waitlist_when_full=False)
    assert len(statuses(course)) == 3


def test_unit_quota(setting):
    course, ppk = setting
    services.set_unit_quota(course, "ppk", 1)
    first = services.register(course, participant(1, ppk, unit="PPK"))
    second = services.register(course, participant(2, ppk, unit="PPK"))
    other = services.register(course, participant(3, ppk, unit="Kesbangpol"))
    assert (first.status, second.status, other.status) == (
        RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED,
        RegistrationStatus.REGISTERED)
    # The freed PPK seat goes to the waiting PPK member.
    assert services.cancel(first).id == second.id


def test_one_active_registration_per_nik(setting):
    course, ppk = setting
    first = services.register(course, participant(1, ppk))
    with pytest.raises(ValidationError) as error:
        services.register(course, participant(1, ppk, name="Orang Lain"))
    assert error.value.field == "nik" and "1" in error.value.message
    services.cancel(first)
    # Once cancelled, the same person may register again.
    again = services.register(course, participant(1, ppk))
    assert again.number == 2 and again.status == RegistrationStatus.REGISTERED


def test_the_database_refuses_a_second_active_registration(setting):
    course, ppk = setting
    services.register(course, participant(1, ppk))
    checked = services.check_participant(course, participant(1, ppk))
    db.session.add(Registration(course_id=course.id, number=99,
                                status=RegistrationStatus.REGISTERED, **checked.fields))
    with pytest.raises(Exception):  # noqa: B017  (IntegrityError, whichever driver)
        db.session.commit()
    db.session.rollback()


def test_lost_badge_gets_a_new_code(setting):
    course, ppk = setting
    registration = services.register(course, participant(1, ppk))
    old = registration.badge_code
    new = services.reissue_badge(registration)
    assert new != old and is_valid(new)
    assert db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.badge_code == old)) == 0


def test_kecamatan_spelling_variants(english, setting):
    course, _ppk = setting
    assert services.find_kecamatan(course, "Kongbeng").name == "Kombeng"
    assert services.find_kecamatan(course, "  kec. bangalon ").name == "Bengalon"
    assert services.find_kecamatan(course, "Sangatta Utara").code == "64.08.04"
    with pytest.raises(ValidationError, match="'Sintang' is not a kecamatan of "
                       "Kabupaten Kutai Timur."):
        services.find_kecamatan(course, "Sintang")


def test_fifty_requests_race_for_the_last_ten_seats(app):
    """Exactly the free seats are taken, the rest wait, never more: PostgreSQL's row lock
    (CI runs this file on both databases) and SQLite's single writer."""
    with app.app_context():
        course = make_course("KSP-RACE-2024", capacity=12)
        ppk = save_institution(None, name="Panitia Pemilihan Kecamatan", short_name="PPK").id
        for n in range(1, 3):
            services.register(course, participant(n, ppk))
        course_id = course.id
    barrier = threading.Barrier(50)
    errors = []

    def register(serial):
        with app.app_context():
            course = course_services.find_course("KSP-RACE-2024")
            # Hand the connection back while waiting: the pool is smaller than 50.
            db.session.commit()
            barrier.wait()
            try:
                services.register(course, participant(serial, ppk))
                db.session.commit()  # as the request does at its end
            except Exception as error:  # noqa: BLE001 — collected and asserted below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(100, 150)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        rows = db.session.execute(select(Registration.status, func.count()).where(
            Registration.course_id == course_id).group_by(Registration.status)).all()
        assert dict(rows) == {RegistrationStatus.REGISTERED: 12,
                              RegistrationStatus.WAITLISTED: 40}
        numbers = db.session.scalars(select(Registration.number).where(
            Registration.course_id == course_id)).all()
        assert sorted(numbers) == list(range(1, 53))
