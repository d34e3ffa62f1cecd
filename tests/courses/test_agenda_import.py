from datetime import date, datetime, time

import pytest
from sqlalchemy import func, select

from bimtek.courses import services
from bimtek.courses.agenda import SessionInput, add_session
from bimtek.courses.agenda_import import apply_import, preview_import, read_agenda_file
from bimtek.courses.models import Course, Room, Session, SessionKind
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.institutions.models import Institution
from bimtek.speakers.models import Speaker
from bimtek.unit_of_work import refusal_shown
from tests.factories import make_course
from tests.support.spreadsheets import csv_file, xlsx

HEADER = ["Tanggal", "Mulai", "Selesai", "Materi", "Jenis", "Ruang", "Narasumber", "Instansi",
          "JP"]


def counts() -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Session, Speaker, Room, Institution))


@pytest.fixture
def course(english):
    return make_course("KSP-KUTIM-2024")


@pytest.fixture
def directory(course):
    """A speaker already in the directory, an institution and the plenary hall."""
    kpu = Institution(short_name="KPU Kutim",
                      name="Komisi Pemilihan Umum Kabupaten Kutai Timur")
    db.session.add_all([kpu, Speaker(front_titles="Dr. H.", name="Rizali Hadi",
                                     back_titles="M.Pd.")])
    course.rooms.append(Room(name="Ballroom", is_plenary=True))
    db.session.commit()


def test_xlsx_with_excel_cells_is_previewed_then_applied(course, directory):
    data = xlsx([
        ["Agenda Bimtek KSP 2024"],  # a title line above the header is common
        HEADER,
        [datetime(2024, 10, 28), time(7, 30), time(8, 0), "Registrasi peserta", "Registrasi",
         " ballroom ", None, None, None],
        [date(2024, 10, 28), 0.375, "10.30", "Kebijakan tahapan penyelenggaraan Pilkada",
         "", "Ballroom", "dr.  h. RIZALI   hadi , M.Pd.; Kombes Pol. Andi Rahman, S.I.K.",
         "Polres Kutim", 2],
        [],
        ["Selasa, 29 Oktober 2024", "8:00", datetime(1899, 12, 30, 10, 15),
         "Simulasi penanganan potensi gangguan keamanan", "simulation", "Ruang  B",
         "Budi Santoso", "komisi pemilihan umum kabupaten  kutai timur", 3.0],
    ])
    version = course.agenda_version
    preview = preview_import(course, "agenda.XLSX", data)

    assert preview.errors == []
    assert [(r.row, r.day, r.starts_at, r.ends_at, r.kind, r.jp) for r in preview.rows] == [
        (3, date(2024, 10, 28), time(7, 30), time(8, 0), SessionKind.REGISTRATION, None),
        (4, date(2024, 10, 28), time(9, 0), time(10, 30), SessionKind.MATERIAL, 2),
        (6, date(2024, 10, 29), time(8, 0), time(10, 15), SessionKind.SIMULATION, 3),
    ]
    assert preview.speakers_matched == ["Dr. H. Rizali Hadi, M.Pd."]
    assert preview.speakers_created == ["Kombes Pol. Andi Rahman, S.I.K.", "Budi Santoso"]
    assert (preview.rooms_matched, preview.rooms_created) == (["Ballroom"], ["Ruang B"])
    assert preview.institutions_matched == ["KPU Kutim"]
    assert preview.institutions_created == ["Polres Kutim"]
    assert counts() == (0, 1, 1, 1)

    apply_import(course, preview, preview.agenda_version)

    assert counts() == (3, 3, 2, 2)
    db.session.expire_all()
    registration, material, simulation = course.sessions
    assert (registration.jp, registration.room.name) == (0, "Ballroom")
    assert material.jp == 2
    speakers = {link.speaker.name: link.speaker for link in material.speaker_links}
    assert speakers["Rizali Hadi"].full_name == "Dr. H. Rizali Hadi, M.Pd."
    andi = speakers["Andi Rahman"]
    assert (andi.front_titles, andi.name, andi.back_titles) == \
        ("Kombes Pol.", "Andi Rahman", "S.I.K.")
    assert andi.institution.short_name == andi.institution.name == "Polres Kutim"
    assert (simulation.jp, simulation.room.name, simulation.room.is_plenary) == \
        (3, "Ruang B", False)
    assert simulation.speaker_links[0].speaker.institution.short_name == "KPU Kutim"
    assert course.agenda_version > version


def test_csv_in_windows_1252_with_semicolons_and_a_byte_order_mark(course):
    data = csv_file([
        HEADER,
        ["28/10/2024", "08.00", "09.30", "Resolusi konflik sosial – studi kasus", "Materi",
         "", "Drs. Sulaimán", "Kesbangpol Kutim", ""],
        ["28/10/2024", "09.30", "10.00", "Coffee break", "coffee  break", "", "", "", ""],
    ], encoding="cp1252")
    preview = preview_import(course, "agenda.csv", data)
    assert preview.errors == []
    assert [r.title for r in preview.rows] == ["Resolusi konflik sosial – studi kasus",
                                                "Coffee break"]
    assert [r.kind for r in preview.rows] == [SessionKind.MATERIAL, SessionKind.BREAK]
    assert preview.speakers_created == ["Drs. Sulaimán"]
    apply_import(course, preview, preview.agenda_version)
    db.session.expire_all()
    assert [s.jp for s in course.sessions] == [2, 0]  # JP left empty: 90 minutes, 0 for a break


def test_english_headers_in_any_case_and_utf8_with_commas(course):
    data = csv_file([
        ["  DATE ", "start", "End", "Title", "Type", "Room", "Speakers", "institution", "jp",
         "Notes"],
        ["2024-10-28", "13:00", "14:30", "Komunikasi krisis", "discussion", "Aula", "", "", "1",
         "ignored"],
        ["1 November 2024", "8.00", "9.00", "Penutupan", "penutupan", "Aula", "", "", "", ""],
        ["28-10-2024", "14:30", "15:15", "Tanya jawab", "DISKUSI", "aula", "", "", "", ""],
    ], delimiter=",", bom=False)
    preview = preview_import(course, "agenda.csv", data)
    assert preview.errors == []
    assert [(r.day, r.kind, r.jp) for r in preview.rows] == [
        (date(2024, 10, 28), SessionKind.DISCUSSION, 1),
        (date(2024, 11, 1), SessionKind.CLOSING, None),
        (date(2024, 10, 28), SessionKind.DISCUSSION, None),
    ]
    assert preview.rooms_created == ["Aula"]


def test_every_row_error_is_reported_and_nothing_is_written(course, directory):
    before = counts()
    data = xlsx([
        HEADER,
        ["28/10/2024", "10.00", "09.00", "Terbalik", "materi", "Ruang Baru", "Orang Baru",
         "Instansi Baru", ""],
        ["5 November 2024", "08.00", "09.00", "Di luar jadwal", "", "", "", "", ""],
        ["28/10/2024", "08.00", "09.00", "Seminar", "seminar", "", "", "", ""],
        ["28/10/2024", "08.00", "09.00", "JP huruf", "", "", "", "", "abc"],
        ["28/10/2024", "08.00", "09.00", "JP pecahan", "", "", "", "", "1,5"],
        ["31/02/2024", "8.75", "09.00", "", "", "", "", "", ""],
        ["28/10/2024", "08.00", "09.00", "Baik", "", "Ruang Baru", "Orang Baru", "", ""],
    ])
    preview = preview_import(course, "agenda.xlsx", data)
    assert preview.errors == [
        (2, "Row 2: The session must end after it starts."),
        (3, "Row 3: 2024-11-05 is outside the course dates."),
        (4, "Row 4: Jenis (Kind) 'seminar' is unknown; use one of: registrasi, pembukaan, "
            "materi, diskusi, simulasi, istirahat, ishoma, coffee break, penutupan, "
            "registration, opening, material, discussion, simulation, break, closing."),
        (5, "Row 5: JP must be a whole number, not 'abc'."),
        (6, "Row 6: JP must be a whole number, not '1,5'."),
        (7, "Row 7: Tanggal (Date) '31/02/2024' is not a date; write it like 28/10/2024."),
        (7, "Row 7: Mulai (Start) '8.75' is not a time; write it like 08.00."),
        (7, "Row 7: Materi (Title) is empty."),
    ]
    with pytest.raises(ValidationError):
        apply_import(course, preview, preview.agenda_version)
    assert counts() == before


@pytest.mark.parametrize(("filename", "data", "message"), [
    ("agenda.xlsx", xlsx([["Tanggal", "Selesai", "Materi"], ["28/10/2024", "09.00", "X"]]),
     "Missing column: Mulai (Start)."),
    ("agenda.csv", csv_file([["Date", "Start", "Title"]], delimiter=","),
     "Missing column: Selesai (End)."),
    ("agenda.csv", csv_file([HEADER]), "The file has no agenda rows below its header."),
    ("agenda.csv", b"", "The file is empty."),
    ("agenda.xlsx", xlsx([[None], []]), "The file is empty."),
    ("agenda.xlsx", b"PK\x03\x04 not really a workbook",
     "The file could not be read as an Excel workbook (.xlsx)."),
    ("agenda.xls", b"\xd0\xcf\x11\xe0",
     "agenda.xls is neither an Excel workbook (.xlsx) nor a CSV file (.csv)."),
    ("agenda.csv", csv_file([["Tanggal", "Mulai", "Tanggal", "Selesai", "Materi"]]),
     "The column Tanggal (Date) appears twice."),
])
def test_file_level_errors(course, directory, filename, data, message):
    before = counts()
    preview = preview_import(course, filename, data)
    assert (preview.errors, preview.rows) == ([(None, message)], [])
    with pytest.raises(ValidationError, match="correct them"):
        apply_import(course, preview, preview.agenda_version)
    assert counts() == before


def test_read_agenda_file_keeps_the_spreadsheet_row_numbers(app_context):
    rows = read_agenda_file("a.csv", csv_file([[], HEADER[:4], [], ["28/10/2024", "8.00",
                                                                       "9.00", "Materi"]]))
    assert [(row.row, row.cells["title"]) for row in rows] == [(4, "Materi")]


def test_a_speaker_listed_twice_in_a_cell_is_an_error(course, directory):
    data = csv_file([HEADER, ["28/10/2024", "8.00", "9.00", "Materi", "", "",
                              "Dr. Rizali Hadi; rizali hadi, M.Pd.", "", ""]])
    assert preview_import(course, "a.csv", data).errors == [
        (2, "Row 2: rizali hadi, M.Pd. is listed twice.")]


def test_replace_deletes_the_existing_sessions_in_the_same_transaction(course):
    old_uid = add_session(course, SessionInput(
        day=date(2024, 10, 28), starts_at=time(8), ends_at=time(9), title="Lama",
        kind=SessionKind.MATERIAL)).uid
    data = csv_file([HEADER, ["28/10/2024", "8.00", "9.00", "Baru", "", "", "", "", ""]])
    preview = preview_import(course, "a.csv", data)
    apply_import(course, preview, preview.agenda_version, replace=True)
    db.session.expire_all()
    assert [s.title for s in course.sessions] == ["Baru"]
    assert db.session.scalar(select(Session).where(Session.uid == old_uid)) is None


def test_a_stale_preview_is_refused_and_writes_nothing(course):
    data = csv_file([HEADER, ["28/10/2024", "8.00", "9.00", "Baru", "", "Ruang Baru",
                              "Orang Baru", "Instansi Baru", ""]])
    preview = preview_import(course, "a.csv", data)
    # Someone else changes the agenda between the preview and the apply.
    add_session(course, SessionInput(
        day=date(2024, 10, 29), starts_at=time(8), ends_at=time(9), title="Sela",
        kind=SessionKind.MATERIAL))
    before = counts()
    with pytest.raises(ValidationError, match="changed after this file was checked"):
        apply_import(course, preview, preview.agenda_version, replace=True)
    assert counts() == before == (1, 0, 0, 0)


def test_a_failure_while_writing_rolls_everything_back(course):
    data = csv_file([HEADER, ["1/11/2024", "8.00", "9.00", "Hari terakhir", "", "Ruang Baru",
                              "Orang Baru", "Instansi Baru", ""]])
    preview = preview_import(course, "a.csv", data)
    # Shortening the course does not touch the agenda version, so apply gets as far as
    # creating the speaker and the room before the session check fails.
    services.save_course(course, code=course.code, ends_on=date(2024, 10, 31))
    db.session.commit()
    with refusal_shown() as outcome:  # as the confirming page ends its unit of work
        apply_import(course, preview, preview.agenda_version)
    assert "outside the course dates" in outcome.refusal.message
    assert counts() == (0, 0, 0, 0)


# --- the command -----------------------------------------------------------------------

def cli_counts(app):
    with app.app_context():
        return counts()


@pytest.fixture
def cli_course(app):
    with app.app_context():
        make_course("KSP-KUTIM-2024")
        db.session.add(Speaker(front_titles="Dr. H.", name="Rizali Hadi", back_titles="M.Pd."))
        db.session.commit()


def test_command_imports_and_prints_the_summary(app, cli_course, tmp_path):
    path = tmp_path / "agenda.csv"
    path.write_bytes(csv_file([HEADER, ["28/10/2024", "8.00", "9.30", "Materi", "", "Aula",
                                       "rizali hadi; Ir. Baru, M.T.", "Unhan", ""]]))
    result = app.test_cli_runner().invoke(args=["import-agenda", "ksp-kutim-2024", str(path)])
    assert result.exit_code == 0, result.output
    assert "KSP-KUTIM-2024: 1 sessions." in result.output
    assert "Speakers: 1 matched, 1 new (Ir. Baru, M.T.)." in result.output
    assert "Rooms: 0 matched, 1 new (Aula)." in result.output
    assert "Institutions: 0 matched, 1 new (Unhan)." in result.output
    assert cli_counts(app) == (1, 2, 1, 1)
    with app.app_context():
        assert db.session.scalar(select(Course.agenda_version)) == 1


def test_command_prints_every_error_and_writes_nothing(app, cli_course, tmp_path):
    path = tmp_path / "agenda.csv"
    path.write_bytes(csv_file([
        HEADER,
        ["28/10/2024", "8.00", "9.30", "Materi", "", "Aula", "Baru", "Unhan", "abc"],
        ["28/10/2024", "9.30", "9.00", "Materi", "", "", "", "", ""],
    ]))
    before = cli_counts(app)
    result = app.test_cli_runner().invoke(args=["import-agenda", "KSP-KUTIM-2024", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 2 and "2" in lines[0] and "'abc'" in lines[0] and "3" in lines[1]
    assert cli_counts(app) == before


def test_command_refuses_an_unknown_course(app, tmp_path):
    path = tmp_path / "agenda.csv"
    path.write_bytes(csv_file([HEADER]))
    result = app.test_cli_runner().invoke(args=["import-agenda", "TIDAK-ADA", str(path)])
    assert result.exit_code != 0 and "TIDAK-ADA" in result.output
