"""A database made at the first revision and holding data upgrades to the head with every
row and value intact, and the app reads and extends it (SQLite, and PostgreSQL when
TEST_DATABASE_URL is set)."""
from datetime import date, datetime, time

import sqlalchemy as sa
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from werkzeug.security import generate_password_hash

from bimtek.auth import services as auth_services
from bimtek.auth.models import Role
from bimtek.courses import services as course_services
from bimtek.courses.agenda import SessionInput, add_session
from bimtek.courses.models import CourseStatus, SessionKind
from bimtek.extensions import db
from tests.factories import make_course
from tests.support.apps import build_app

PASSWORD = "rahasia-lama-123"
# Written as revision 0001's tables stood: plain SQL, no model involved, ids left to the
# database so its sequences are where a real instance's would be.
ROWS_AT_0001 = (
    """INSERT INTO institution (name, short_name) VALUES
       ('Badan Kesatuan Bangsa dan Politik Kabupaten Kutai Timur', 'Kesbangpol Kutim'),
       ('Smart Academy', 'Smart Academy')""",
    f"""INSERT INTO "user" (email, name, password_hash, active, locale, created_at,
                            last_login_at) VALUES
       ('panitia@bimtek.test', 'Rina Panitia', '{generate_password_hash(PASSWORD)}', TRUE,
        'en', '2024-10-01 08:00:00', NULL),
       ('hr@bimtek.test', 'Sari Kepegawaian', '{generate_password_hash(PASSWORD)}', FALSE,
        NULL, '2024-10-02 09:30:00', '2024-10-03 01:15:00')""",
    """INSERT INTO user_role (user_id, role)
       SELECT id, 'organiser' FROM "user" WHERE email = 'panitia@bimtek.test'
       UNION ALL SELECT id, 'hr' FROM "user" WHERE email = 'hr@bimtek.test'""",
    """INSERT INTO user_institution (user_id, institution_id)
       SELECT "user".id, institution.id FROM "user", institution
       WHERE email = 'hr@bimtek.test' AND short_name = 'Kesbangpol Kutim'""",
    """INSERT INTO course (code, title, programme, batch, host_institution_id,
                          facilitator_institution_id, venue, city, starts_on, ends_on,
                          timezone, capacity, min_attendance_percent, signatory_position,
                          signatory_name, signatory_nip, status)
       SELECT 'KSP-KUTIM-2024', 'Mitigasi dan Penanganan Konflik Sosial pada Penyelenggaraan
              Pilkada 2024', 'Bimtek Kesbangpol', 1, host.id, facilitator.id,
              'Hotel Harris Samarinda', 'Samarinda', '2024-10-28', '2024-11-01',
              'Asia/Makassar', 400, 80, 'Kepala Badan', 'Drs. Budi Santoso',
              '196805121990031004', 'published'
       FROM institution AS host, institution AS facilitator
       WHERE host.short_name = 'Kesbangpol Kutim' AND facilitator.short_name = 'Smart Academy'""",
    """INSERT INTO course_assignment (user_id, course_id, role)
       SELECT "user".id, course.id, 'organiser' FROM "user", course
       WHERE email = 'panitia@bimtek.test' AND code = 'KSP-KUTIM-2024'""",
)
TABLES_AT_0001 = {"institution": 2, "user": 2, "user_role": 2, "user_institution": 1,
                  "course": 1, "course_assignment": 1}


def test_data_written_at_the_first_revision_survives_every_migration(database_factory,
                                                                     tmp_path):
    app = build_app(database_factory.create(), tmp_path)
    with app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as connection:
            for statement in ROWS_AT_0001:
                connection.execute(sa.text(statement))
        course_row = sa.text("SELECT code, title, starts_on, ends_on, capacity, status, "
                             "host_institution_id FROM course")
        user_rows = sa.text('SELECT email, name, password_hash, active, locale, created_at, '
                            'last_login_at FROM "user" ORDER BY email')
        with db.engine.connect() as connection:
            before = (connection.execute(course_row).all(), connection.execute(user_rows).all())

        upgrade()

        with db.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() != "0001"
            assert {table: connection.scalar(sa.text(f'SELECT count(*) FROM "{table}"'))
                    for table in TABLES_AT_0001} == TABLES_AT_0001
            assert (connection.execute(course_row).all(),
                    connection.execute(user_rows).all()) == before
            # Columns added since 0001 take their defaults on the rows already there.
            assert connection.execute(sa.text(
                "SELECT declared_jp, agenda_version, registration_open, "
                "last_participant_number, late_after_minutes FROM course")).one() == \
                (None, 0, False, 0, 15)

        course = course_services.find_course("KSP-KUTIM-2024")
        assert (course.title.split()[0], course.starts_on, course.ends_on, course.status) == \
            ("Mitigasi", date(2024, 10, 28), date(2024, 11, 1), CourseStatus.PUBLISHED)
        assert (course.host_institution.short_name, course.facilitator_institution.name) == \
            ("Kesbangpol Kutim", "Smart Academy")
        organiser = auth_services.authenticate("panitia@bimtek.test", PASSWORD)
        assert organiser is not None and organiser.roles == {Role.ORGANISER}
        assert organiser.locale == "en" and organiser.created_at == datetime(2024, 10, 1, 8)
        assert [(a.course.code, a.role) for a in organiser.course_assignments] == \
            [("KSP-KUTIM-2024", Role.ORGANISER)]
        hr = auth_services.find_user_by_email("hr@bimtek.test")
        assert (hr.active, hr.roles, [i.short_name for i in hr.institutions]) == \
            (False, {Role.HR}, ["Kesbangpol Kutim"])
        assert hr.last_login_at == datetime(2024, 10, 3, 1, 15)

        # The upgraded data takes new rows: an agenda item, and a course whose id the
        # database's sequence hands out after the old rows'.
        add_session(course, SessionInput(
            day=date(2024, 10, 28), starts_at=time(8, 0), ends_at=time(9, 30),
            title="Pembukaan", kind=SessionKind.OPENING))
        assert [s.title for s in course.sessions] == ["Pembukaan"]
        assert make_course("KSP-KUTIM-2025").id > course.id
        db.session.remove()
        db.engine.dispose()


def test_a_course_with_one_region_keeps_it_as_its_first_area(database_factory, tmp_path):
    app = build_app(database_factory.create(), tmp_path / "instance")
    with app.app_context():
        upgrade(revision="0010")
        with db.engine.begin() as connection:
            for statement in ROWS_AT_0001[:1] + ROWS_AT_0001[4:5] + (
                    "INSERT INTO region (code, name) VALUES ('64.08', 'Kabupaten Kutai Timur')",
                    "UPDATE course SET region_id = (SELECT id FROM region)"):
                connection.execute(sa.text(statement))
        upgrade()
        course = course_services.find_course("KSP-KUTIM-2024")
        assert course.region_names == "Kabupaten Kutai Timur"
        db.session.remove()
        db.engine.dispose()
