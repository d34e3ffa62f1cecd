from sqlalchemy import func, select

from bimtek.auth.models import Role, User
from bimtek.certificates import signatories
from bimtek.certificates.models import Signatory
from bimtek.courses.models import Course
from bimtek.courses.staff import CourseAssignment
from bimtek.demo.data.courses import DEMO_ACCOUNTS, DEMO_COURSE_CODE, REFERENCE_COURSE_CODE
from bimtek.demo.data.people import DEMO_PARTICIPANT
from bimtek.demo.people import demo_people
from bimtek.extensions import db
from bimtek.institutions.models import Institution
from bimtek.institutions.reference import REFERENCE_INSTITUTIONS
from bimtek.registration.identity import identity_warnings, parse_nik, parse_nip
from bimtek.registration.models import Registration, RegistrationStatus


def counts():
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (User, Institution, Course, CourseAssignment))


def test_seed_demo_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "admin@bimtek.test" in first.output and "bimtek-demo" in first.output
    with app.app_context():
        after_first = counts()
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    with app.app_context():
        # Two courses (the reference one and the live batch) × three course roles, and the
        # second evaluator of the reference course's exercise.
        assert counts() == after_first == (len(DEMO_ACCOUNTS) + 1, len(REFERENCE_INSTITUTIONS),
                                           2, 7)
        course = db.session.scalar(select(Course).where(Course.code == REFERENCE_COURSE_CODE))
        assert (course.starts_on.isoformat(), course.ends_on.isoformat()) == \
            ("2024-10-28", "2024-11-01")
        assert course.timezone == "Asia/Makassar" and course.capacity == 400
        assert course.host_institution.short_name == "Sekretariat Kabupaten Kutim"
        # One demo signatory, labelled as no official TTE, signs both courses; its key
        # opens with the demo passphrase setting.
        [signatory] = db.session.scalars(select(Signatory)).all()
        assert signatory.is_demo and "DEMO — bukan TTE resmi" in signatory.subject
        for code in (REFERENCE_COURSE_CODE, DEMO_COURSE_CODE):
            assert signatories.course_signatory(
                db.session.scalar(select(Course).where(Course.code == code))) == signatory
        assert signatories.signing_key(course).signer_name == course.signatory_name
        hr = db.session.scalar(select(User).where(User.email == "hr@bimtek.test"))
        assert [i.short_name for i in hr.institutions] == ["Kesbangpol Kutim", "Satpol PP Kutim"]
        # 400 participants in each demo course, added once; the demo participant's
        # account is one of them in both.
        registered = dict(db.session.execute(
            select(Course.code, func.count()).join(Registration.course)
            .where(Registration.status == RegistrationStatus.REGISTERED)
            .group_by(Course.code)).all())
        assert registered == {REFERENCE_COURSE_CODE: 400, DEMO_COURSE_CODE: 400}
        assert db.session.scalar(select(func.count()).select_from(Registration)) == 800
        peserta = db.session.scalar(select(User).where(User.email == "peserta@bimtek.test"))
        assert sorted(db.session.scalars(select(Course.code).join(Registration.course).where(
            Registration.user_id == peserta.id))) == [REFERENCE_COURSE_CODE, DEMO_COURSE_CODE]


def test_demo_participants_are_the_same_every_time_and_consistent():
    courses = demo_people()
    assert courses == demo_people()
    assert [len(people) for people in courses] == [400, 400]
    for people in courses:
        assert len({p["nik"] for p in people}) == 400
        assert len({p["kecamatan"] for p in people}) == 18
        for person in people:
            nik = parse_nik(person["nik"])
            nip = parse_nip(person["nip"])
            assert nik.region_code == f"64.08.{person['kecamatan']}"
            assert 1965 <= nik.birth_date.year <= 2000
            assert identity_warnings(nik, nip, person["gender"]) == []
            assert bool(person["rank"]) == (nip is not None and nip.kind == "pns")
        # Most PPK and Panwaslu members have no NIP; Kesbangpol and Satpol PP all have one.
        for unit, civil_servants in (("PPK", range(0, 20)), ("Panwaslu Kecamatan", range(0, 12)),
                                     ("Kesbangpol", [40]), ("Satpol PP", [50])):
            assert sum(bool(p["nip"]) for p in people if p["unit"] == unit) in civil_servants
        assert [p for p in people if p.get("own")][0]["email"] == "peserta@bimtek.test"
    # Different people in each batch, but for the demo participant.
    assert {p["nik"] for p in courses[0]} & {p["nik"] for p in courses[1]} == \
        {DEMO_PARTICIPANT["nik"]}


def test_demo_password_comes_from_the_environment(app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_PASSWORD", "coba-dulu-saja")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert "coba-dulu-saja" in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "peserta@bimtek.test"))
        assert user.check_password("coba-dulu-saja")


def test_seed_demo_if_empty_leaves_a_used_database_alone(app, make_user):
    make_user("real@kutimkab.go.id", "admin")
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0
    with app.app_context():
        assert counts()[0] == 1 and counts()[2] == 0


def test_create_user(app, make_user):
    make_user("x@bimtek.test", "hr", institutions=["Kesbangpol Kutim"])
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "Kepala@BKPSDM.test", "--role", "hr",
                                 "--institution", "kesbangpol kutim", "--name", "Kepala"])
    assert result.exit_code == 0, result.output
    assert "Password: " in result.output
    password = result.output.split("Password: ")[1].strip()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "kepala@bkpsdm.test"))
        assert user.roles == {Role.HR} and user.check_password(password)


def test_create_user_refuses_bad_input_and_writes_nothing(app):
    runner = app.test_cli_runner()
    cases = [
        (["create-user", "a@b.test", "--role", "hr", "--password", "rahasia-123"],
         "Akun HR harus dibatasi"),
        (["create-user", "a@b.test", "--role", "admin", "--password", "pendek"],
         "Kata sandi minimal 8 karakter."),
        (["create-user", "a@b.test", "--role", "boss"], "Invalid value for '--role'"),
        (["create-user", "a@b.test", "--role", "hr", "--institution", "Tidak Ada"],
         "Instansi tidak dikenal: Tidak Ada."),
    ]
    for args, message in cases:
        result = runner.invoke(args=args)
        assert result.exit_code != 0
        assert message in result.output
    with app.app_context():
        assert counts()[0] == 0
