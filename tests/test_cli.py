from sqlalchemy import func, select

from bimtek.auth.models import CourseAssignment, Role, User
from bimtek.courses.models import Course
from bimtek.demo import DEMO_ACCOUNTS, REFERENCE_COURSE_CODE
from bimtek.extensions import db
from bimtek.speakers.models import Institution
from bimtek.speakers.reference import REFERENCE_INSTITUTIONS


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
        # Two courses (the reference one and the live batch) × three course roles.
        assert counts() == after_first == (len(DEMO_ACCOUNTS), len(REFERENCE_INSTITUTIONS), 2, 6)
        course = db.session.scalar(select(Course).where(Course.code == REFERENCE_COURSE_CODE))
        assert (course.starts_on.isoformat(), course.ends_on.isoformat()) == \
            ("2024-10-28", "2024-11-01")
        assert course.timezone == "Asia/Makassar" and course.capacity == 400
        assert course.host_institution.short_name == "Sekretariat Kabupaten Kutim"
        hr = db.session.scalar(select(User).where(User.email == "hr@bimtek.test"))
        assert [i.short_name for i in hr.institutions] == ["Kesbangpol Kutim", "Satpol PP Kutim"]


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
