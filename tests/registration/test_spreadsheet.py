"""Participants import (all or nothing) and export, on SQLite and PostgreSQL."""
import csv
import io
import zipfile

import openpyxl
import pytest
from sqlalchemy import func, select

from bimtek.audit import AuditEvent
from bimtek.courses.models import Course
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.institutions.services import save_institution
from bimtek.registration import services
from bimtek.registration.models import Registration, RegistrationStatus
from bimtek.registration.participant_export import export_participants
from bimtek.registration.spreadsheet import IGNORE, apply_participants, preview_participants
from bimtek.unit_of_work import refusal_shown
from tests.factories import make_course, seed_regions
from tests.registration.factories import HEADER, nik, participant, row
from tests.support.spreadsheets import csv_file, xlsx

NIP = "198609262015051001"  # born 26-09-1986, PNS since May 2015, a man
NIK_OF_NIP = nik(1, day=26, month=9)  # the same birth date: no warning


def counts() -> tuple[int, int, int]:
    """Registrations, audit events and participant numbers handed out."""
    return (db.session.scalar(select(func.count()).select_from(Registration)),
            db.session.scalar(select(func.count()).select_from(AuditEvent)),
            db.session.scalar(select(func.sum(Course.last_participant_number))) or 0)


def errors_of(preview) -> list[str]:
    return [message for _row, message in preview.errors]


@pytest.fixture
def course(english):
    seed_regions()
    return make_course("KSP-KUTIM-2024", capacity=10,
                       regions=("64.08",))


@pytest.fixture
def institutions(course):
    return {short_name: save_institution(None, name=name, short_name=short_name).id
            for short_name, name in (
                ("PPK", "Panitia Pemilihan Kecamatan"),
                ("Kesbangpol Kutim", "Badan Kesatuan Bangsa dan Politik Kabupaten Kutai Timur"),
            )}


# --- good files ------------------------------------------------------------------------

def test_xlsx_with_excel_habits_is_previewed_then_applied(course, institutions):
    data = xlsx([
        ["Daftar Peserta Bimtek KSP 2024"],  # a title line above the header
        HEADER,
        ["Dr. H.", "Rizali\u00a0 Hadi ", "M.Pd.", "'" + NIK_OF_NIP, "19860926 201505 1 001",
         "Laki-laki", "Penata Muda Tk. I, III/b", "Kepala Bidang",
         "badan kesatuan bangsa dan politik  kabupaten kutai timur", "Kesbangpol",
         "kongbeng", 81234567890, "Rizali@Example.go.id"],
        [],
        ["", "Siti Nurhalizah", "", nik(2, woman=True), None, "Perempuan", None, None,
         " ppk ", "PPK", "Bengalon", "0812-3456-7891", None],
        # A man's NIP but a woman's NIK: registered, with warnings to look at.
        ["", "Andi", "", nik(3, woman=True), NIP, "P", "", "", "PPK", "PPK", "", "", ""],
    ])
    preview = preview_participants(course, "peserta.XLSX", data, waitlist=False)

    assert preview.errors == []
    assert [(r.row, r.nik, r.institution.short_name, r.kecamatan and r.kecamatan.name)
            for r in preview.rows] == [
        (3, NIK_OF_NIP, "Kesbangpol Kutim", "Kombeng"),
        (5, nik(2, woman=True), "PPK", "Bengalon"),
        (6, nik(3, woman=True), "PPK", None),
    ]
    assert [r.row for r in preview.to_register] == [3, 5, 6] and preview.to_waitlist == []
    assert preview.warnings == [
        (6, "Row 6: The date of birth in the NIK (28-10-1986) differs from the one in the "
            "NIP (26-09-1986)."),
        (6, "Row 6: The gender in the NIK differs from the gender in the NIP."),
    ]
    assert counts() == (0, 0, 0)

    registrations = apply_participants(course, preview)

    assert counts() == (3, 3, 3)
    rizali, siti, _andi = registrations
    assert (rizali.front_titles, rizali.name, rizali.back_titles, rizali.full_name) == (
        "Dr. H.", "Rizali Hadi", "M.Pd.", "Dr. H. Rizali Hadi, M.Pd.")
    assert (rizali.nik, rizali.nip, rizali.gender.value, rizali.phone, rizali.email) == (
        NIK_OF_NIP, NIP, "L", "+6281234567890", "rizali@example.go.id")
    assert (rizali.rank, rizali.position, rizali.unit) == (
        "Penata Muda Tk. I, III/b", "Kepala Bidang", "Kesbangpol")
    assert (siti.gender.value, siti.nip, siti.phone, siti.rank) == ("P", None,
                                                                    "+6281234567891", "")
    assert [r.status for r in registrations] == [RegistrationStatus.REGISTERED] * 3


def test_csv_in_windows_1252_with_semicolons_and_a_byte_order_mark(course, institutions):
    data = csv_file([HEADER, row(1, Nama="Zulkifli Hasan Al-Bugis"),
                     row(2, Nama="Hélène Ma'ruf", **{"Jenis Kelamin": "p", "NIK": nik(
                         2, woman=True)})], encoding="cp1252")
    preview = preview_participants(course, "peserta.csv", data, waitlist=False)
    assert preview.errors == []
    apply_participants(course, preview)
    assert db.session.scalars(select(Registration.name).order_by(Registration.number)).all() \
        == ["Zulkifli Hasan Al-Bugis", "Hélène Ma'ruf"]


def test_english_headers_in_any_case_and_spacing_and_unknown_columns(course, institutions):
    header = ["  NAME ", "front titles", "Back  Titles", "nik", "Nip", "gender", "RANK",
              "position", "Institution", "unit", "District", "no. hp", "E-mail", "Notes"]
    data = csv_file([header, ["Budi Santoso", "Ir.", "M.T.", nik(1), "", "male", "", "Staf",
                              "Kesbangpol Kutim", "Kesbangpol", "Sangata Utara",
                              "+62 812 3456 7890", "budi@example.id", "ignored"]],
                    delimiter=",", bom=False)
    preview = preview_participants(course, "participants.csv", data, waitlist=False)
    assert preview.unknown_headers == ["Notes"] and not preview.ok
    preview = preview_participants(course, "participants.csv", data, waitlist=False,
                                   headers={"notes": IGNORE})
    assert preview.errors == []
    (budi,) = apply_participants(course, preview)
    assert (budi.full_name, budi.kecamatan.name, budi.phone, budi.position) == (
        "Ir. Budi Santoso, M.T.", "Sangatta Utara", "+6281234567890", "Staf")
    # The course remembers: its next file with a Notes column needs no answer.
    again = preview_participants(course, "participants.csv", data, waitlist=False)
    assert again.unknown_headers == [] and "already registered" in again.errors[0][1]


@pytest.mark.parametrize("spelling", ["No. HP", "HP", "Telepon", "Phone", "NoHP"])
def test_phone_header_spellings(course, institutions, spelling):
    data = csv_file([["Nama", "NIK", "Jenis Kelamin", "Instansi", spelling],
                     ["Budi", nik(1), "L", "PPK", "0812 3456 7890"]])
    preview = preview_participants(course, "p.csv", data, waitlist=False)
    assert preview.errors == [] and preview.rows[0].participant.fields["phone"] == \
        "+6281234567890"


@pytest.mark.parametrize("spelling", ["Pangkat/Golongan", "pangkat / golongan", "Pangkat",
                                      "Golongan", "Rank"])
def test_rank_header_spellings(course, institutions, spelling):
    data = csv_file([["Nama", "NIK", "Jenis Kelamin", "Instansi", spelling],
                     ["Budi", nik(1), "L", "PPK", "Penata, III/c"]])
    preview = preview_participants(course, "p.csv", data, waitlist=False)
    assert preview.errors == [] and preview.rows[0].participant.fields["rank"] == \
        "Penata, III/c"


# --- bad files -------------------------------------------------------------------------

EXCEL_MESSAGE = "Excel turned this number into a float and lost digits"


@pytest.mark.parametrize(("column", "value", "shown"), [
    # Whole-number cells come back from openpyxl as int: 16 digits can't be exact.
    ("NIK", int(nik(1)), "6408012810860001.0"),
    ("NIK", float(nik(1)), "6408012810860001.0"),
    ("NIP", int(NIP), "1.98609262015051e+17"),
    ("NIK", "6.40801E+15", "6.40801E+15"),  # how a CSV saved by Excel shows it
    ("NIK", "6,40801E+15", "6,40801E+15"),  # the same in Indonesian Excel
])
def test_identity_numbers_that_excel_rounded_are_refused(course, institutions, column,
                                                         value, shown):
    data = xlsx([HEADER, row(1, **{column: value})])
    preview = preview_participants(course, "p.xlsx", data, waitlist=False)
    assert preview.errors == [(2, f"Row 2: {column}: {EXCEL_MESSAGE} ({shown}). Format the "
                                  "column as Text, then type or paste the numbers again.")]
    assert preview.rows == []


def test_a_short_numeric_nik_is_exact_so_its_length_is_what_is_wrong(course, institutions):
    data = xlsx([HEADER, row(1, NIK=int(nik(1)[:15]))])
    assert errors_of(preview_participants(course, "p.xlsx", data, waitlist=False)) == [
        "Row 2: The NIK must have 16 digits, not 15."]


def test_every_problem_of_every_row_is_listed_and_nothing_is_written(course, institutions):
    before = counts()
    data = xlsx([
        HEADER,
        row(1, NIK="640801280186", **{"Jenis Kelamin": "X"}, **{"No HP": "12345"}),
        row(2, Nama="", Instansi="Dinas Tidak Ada", Kecamatan="Samarinda Seberang"),
        row(3, NIP="19860926 201505 3 001", Email="bukan-email"),
        row(4, Email="bukan-email"),
        row(5, Unsur="x" * 81),
        row(6),
    ])
    preview = preview_participants(course, "p.xlsx", data, waitlist=False)
    assert preview.errors == [
        (None, "Institutions not in the list yet: 'Dinas Tidak Ada' (rows 3). Say for each "
               "which known institution it is, or create it."),
        (2, "Row 2: The NIK must have 16 digits, not 12."),
        (2, "Row 2: Write the gender as L (laki-laki) or P (perempuan)."),
        (2, "Row 2: This is not an Indonesian phone number; write it like 0812-3456-7890 or "
            "+62 812 3456 7890."),
        (3, "Row 3: Nama (Name) is empty."),
        (3, "Row 3: 'Samarinda Seberang' is not a kecamatan of Kabupaten Kutai Timur."),
        (4, "Row 4: Digit 15 of the NIP must be 1 (man) or 2 (woman)."),
        (5, "Row 5: This is not a valid e-mail address."),
        (6, "Row 6: Unsur (Unit) is longer than 80 characters."),
    ]
    assert [r.row for r in preview.rows] == [7]
    with pytest.raises(ValidationError, match="correct them"):
        apply_participants(course, preview)
    assert counts() == before


@pytest.mark.parametrize(("filename", "data", "message"), [
    ("p.xlsx", xlsx([["Nama", "NIK", "Jenis Kelamin"], ["Budi", nik(1), "L"]]),
     "Missing column: Instansi (Institution)."),
    ("p.csv", csv_file([HEADER]), "The file has no participant rows below its header."),
    ("p.csv", csv_file([HEADER + ["Name"]]), "The column Nama (Name) appears twice."),
    ("p.ods", b"PK", "p.ods is neither an Excel workbook (.xlsx) nor a CSV file (.csv)."),
])
def test_file_level_errors(course, institutions, filename, data, message):
    preview = preview_participants(course, filename, data, waitlist=False)
    assert (preview.errors, preview.rows) == ([(None, message)], [])


def test_a_kecamatan_needs_the_course_region(english, institutions):
    course = make_course("TANPA-WILAYAH")
    data = csv_file([HEADER, row(1, Kecamatan="Bengalon")])
    assert errors_of(preview_participants(course, "p.csv", data, waitlist=False)) == [
        "Row 2: The course has no region to look up the kecamatan 'Bengalon' in; choose the "
        "course's regions on its form or leave the column empty."]


# --- duplicates ------------------------------------------------------------------------

def test_the_same_nik_twice_in_the_file_names_the_first_row(course, institutions):
    data = csv_file([
        HEADER,
        row(1, **{"No HP": "123"}),  # another problem does not hide the duplicate
        row(2),
        row(3, NIK=f" {nik(1)[:6]} {nik(1)[6:]}", Nama="Orang Lain"),
        row(4, NIK=nik(2)),
    ])
    preview = preview_participants(course, "p.csv", data, waitlist=False)
    assert [e for e in preview.errors if "NIK" in e[1]] == [
        (4, f"Row 4: NIK {nik(1)} is already in row 2 of this file."),
        (5, f"Row 5: NIK {nik(2)} is already in row 3 of this file."),
    ]
    assert [r.row for r in preview.rows] == [3]


def test_a_nik_already_active_in_the_course_names_its_participant_number(course,
                                                                        institutions):
    services.register(course, participant(1, institutions["PPK"]))
    cancelled = services.register(course, participant(2, institutions["PPK"]))
    services.cancel(cancelled)
    data = csv_file([HEADER, row(1), row(2)])
    preview = preview_participants(course, "p.csv", data, waitlist=False)
    # A cancelled registration does not count: that person may register again.
    assert preview.errors == [
        (2, f"Row 2: NIK {nik(1)} is already registered in this course as participant 1.")]
    assert [r.row for r in preview.rows] == [3]


# --- capacity --------------------------------------------------------------------------

@pytest.fixture
def nearly_full(course, institutions):
    """Three seats, one taken."""
    course.capacity = 3
    db.session.commit()
    services.register(course, participant(90, institutions["PPK"]))
    return course


def test_rows_beyond_the_seats_left_are_errors_without_the_waitlist(nearly_full):
    before = counts()
    data = csv_file([HEADER, *(row(n) for n in range(1, 5))])
    preview = preview_participants(nearly_full, "p.csv", data, waitlist=False)
    assert preview.errors == [
        (row_number, f"Row {row_number}: The course is full (3 seats); allow the waitlist "
                     "to put this participant on it.") for row_number in (4, 5)]
    with pytest.raises(ValidationError):
        apply_participants(nearly_full, preview)
    assert counts() == before


def test_rows_beyond_the_seats_left_are_waitlisted_with_the_waitlist(nearly_full):
    data = csv_file([HEADER, *(row(n) for n in range(1, 5))])
    preview = preview_participants(nearly_full, "p.csv", data, waitlist=True)
    assert preview.errors == []
    assert ([r.row for r in preview.to_register], [r.row for r in preview.to_waitlist]) == \
        ([2, 3], [4, 5])
    registrations = apply_participants(nearly_full, preview)
    assert [(r.number, r.status.value) for r in registrations] == [
        (2, "registered"), (3, "registered"), (4, "waitlisted"), (5, "waitlisted")]


def test_unit_quotas_count_per_unit(course, institutions):
    services.set_unit_quota(course, "PPK", 1)
    data = csv_file([HEADER, row(1), row(2, Unsur="ppk"), row(3, Unsur="Kesbangpol")])
    preview = preview_participants(course, "p.csv", data, waitlist=False)
    assert errors_of(preview) == ["Row 3: The unit ppk has no seat left (quota 1); allow the "
                                  "waitlist to put this participant on it."]
    preview = preview_participants(course, "p.csv", data, waitlist=True)
    assert [r.row for r in preview.to_waitlist] == [3]


# --- all or nothing --------------------------------------------------------------------

def test_a_nik_registered_between_preview_and_apply_stops_the_whole_file(course,
                                                                        institutions):
    data = csv_file([HEADER, row(1), row(2), row(3)])
    preview = preview_participants(course, "p.csv", data, waitlist=False)
    assert preview.ok
    services.register(course, participant(3, institutions["PPK"]))
    before = counts()
    with pytest.raises(ValidationError, match="participant 1"):
        apply_participants(course, preview)
    assert counts() == before == (1, 1, 1)


def test_seats_taken_between_preview_and_apply_stop_the_whole_file(nearly_full,
                                                                  institutions):
    data = csv_file([HEADER, row(1), row(2)])
    preview = preview_participants(nearly_full, "p.csv", data, waitlist=False)
    assert preview.ok
    services.register(nearly_full, participant(91, institutions["PPK"]))
    db.session.commit()  # someone else's registration, kept
    before = counts()
    with refusal_shown() as outcome:  # as the confirming page ends its unit of work
        apply_participants(nearly_full, preview)
    assert "full" in outcome.refusal.message
    assert counts() == before == (2, 2, 2)


# --- export ----------------------------------------------------------------------------

FIELDS = ("front_titles", "name", "back_titles", "nik", "nip", "gender", "rank", "position",
          "institution_id", "unit", "kecamatan_id", "phone", "email")


def register_a_varied_group(course, institutions):
    kesbangpol, ppk = institutions["Kesbangpol Kutim"], institutions["PPK"]
    bengalon = services.find_kecamatan(course, "Bangalon")
    people = [
        participant(1, kesbangpol, unit="Kesbangpol", front_titles="Dr. H.",
                    name="Rizali Hadi", back_titles="M.Pd.", nik=NIK_OF_NIP, nip=NIP,
                    rank="Pembina, IV/a", position="Kepala Badan", phone="0812-3456-7890",
                    email="rizali@kutimkab.go.id"),
        participant(2, ppk, woman=True, name="Siti Nurhalizah", kecamatan_id=bengalon.id,
                    phone="+62 811 555 0001"),
        participant(3, ppk, name='=HYPERLINK("http://evil.example","klik")',
                    position="@SUM(1+1)", rank="-2+3"),
        participant(4, ppk, name="Hélène Ma'ruf", unit="Panwaslu Kecamatan"),
    ]
    registrations = [services.register(course, person) for person in people]
    services.cancel(services.register(course, participant(5, ppk)))
    return registrations


def as_fields(registration) -> tuple:
    return tuple(getattr(registration, name) for name in FIELDS)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_exported_file_imports_back_unchanged(course, institutions, fmt):
    exported = register_a_varied_group(course, institutions)
    data = export_participants(course, fmt)
    other = make_course("KSP-KUTIM-2024-B", regions=("64.08",))
    preview = preview_participants(other, f"peserta.{fmt}", data, waitlist=False)
    assert preview.errors == []
    imported = apply_participants(other, preview)
    assert [as_fields(r) for r in imported] == [as_fields(r) for r in exported]


def test_xlsx_export_keeps_numbers_as_text_and_writes_no_formula(course, institutions):
    register_a_varied_group(course, institutions)
    data = export_participants(course, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    header = [cell.value for cell in sheet[1]]
    assert header == ["No", *HEADER, "Status", "Kode Badge"]
    rizali, siti, evil, _helene = (dict(zip(header, cells, strict=True))
                                   for cells in sheet.iter_rows(min_row=2))
    for cell in (rizali["NIK"], rizali["NIP"], rizali["No HP"], rizali["Kode Badge"]):
        assert (cell.data_type, cell.number_format) == ("s", "@")
    assert (rizali["NIK"].value, rizali["NIP"].value, siti["No HP"].value) == (
        NIK_OF_NIP, NIP, "+628115550001")
    assert (rizali["No"].value, rizali["Status"].value, siti["Kecamatan"].value) == (
        1, "Registered", "Bengalon")
    assert evil["Nama"].value == '=HYPERLINK("http://evil.example","klik")'
    for cell in (evil["Nama"], evil["Jabatan"], evil["Pangkat/Golongan"]):
        assert cell.data_type == "s" and cell.quotePrefix
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"HYPERLINK" in sheet_xml
    # The cancelled participant is not exported.
    assert sheet.max_row == 5


def test_csv_export_is_utf8_with_a_mark_and_neutralises_formulas(course, institutions):
    register_a_varied_group(course, institutions)
    data = export_participants(course, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    header, rizali, _siti, evil, helene = csv.reader(io.StringIO(data[3:].decode("utf-8")))
    assert header == ["No", *HEADER, "Status", "Kode Badge"]
    cells = dict(zip(header, evil, strict=True))
    assert (cells["Nama"], cells["Jabatan"], cells["Pangkat/Golongan"], cells["No HP"]) == (
        "'=HYPERLINK(\"http://evil.example\",\"klik\")", "'@SUM(1+1)", "'-2+3", "")
    assert dict(zip(header, rizali, strict=True))["No HP"] == "'+6281234567890"
    assert dict(zip(header, helene, strict=True))["Nama"] == "Hélène Ma'ruf"


def test_control_characters_pasted_into_a_name_do_not_break_the_xlsx_export(course,
                                                                          institutions):
    services.register(course, participant(1, institutions["PPK"],
                                          name="Budi\x1b[0m Santoso\x07", position="Staf\x0b"))
    data = export_participants(course, "xlsx")
    row = dict(zip(*(list(cells) for cells in openpyxl.load_workbook(
        io.BytesIO(data)).active.iter_rows(values_only=True)), strict=True))
    assert (row["Nama"], row["Jabatan"]) == ("Budi[0m Santoso", "Staf")


# --- the commands ----------------------------------------------------------------------

@pytest.fixture
def cli_course(app):
    with app.app_context():
        seed_regions()
        course = make_course("KSP-KUTIM-2024", capacity=2,
                             regions=("64.08",))
        ppk = save_institution(None, name="Panitia Pemilihan Kecamatan", short_name="PPK")
        services.register(course, participant(90, ppk.id))


def cli_counts(app):
    with app.app_context():
        return counts()


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_import_command_prints_the_summary_and_registers(app, cli_course, tmp_path):
    path = tmp_path / "peserta.csv"
    path.write_bytes(csv_file([HEADER, row(1), row(2, NIK=nik(2, woman=True))]))
    result = invoke(app, "import-participants", "ksp-kutim-2024", str(path), "--waitlist")
    assert result.exit_code == 0, result.output
    assert "KSP-KUTIM-2024: 2 rows, 1 to register, 1 to waitlist, 1 warnings." in result.stdout
    assert "3" in result.stdout.splitlines()[0]  # the warning names row 3
    assert "Registered 1 and waitlisted 1 participants in KSP-KUTIM-2024." in result.stdout
    assert cli_counts(app) == (3, 3, 3)


def test_import_command_dry_run_writes_nothing(app, cli_course, tmp_path):
    path = tmp_path / "peserta.xlsx"
    path.write_bytes(xlsx([HEADER, row(1)]))
    before = cli_counts(app)
    result = invoke(app, "import-participants", "KSP-KUTIM-2024", str(path), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "1 rows, 1 to register, 0 to waitlist, 0 warnings." in result.stdout
    assert cli_counts(app) == before


def test_import_command_prints_every_error_and_writes_nothing(app, cli_course, tmp_path):
    path = tmp_path / "peserta.csv"
    path.write_bytes(csv_file([HEADER, row(1, NIK="123"), row(2), row(3), row(4)]))
    before = cli_counts(app)
    for extra in ((), ("--dry-run",)):
        result = invoke(app, "import-participants", "KSP-KUTIM-2024", str(path), *extra)
        assert result.exit_code == 1
        lines = result.stderr.splitlines()
        assert len(lines) == 3 and "2" in lines[0] and "4" in lines[1] and "5" in lines[2]
        assert result.stdout == ""
    assert cli_counts(app) == before


def test_import_command_refuses_an_unknown_course(app, tmp_path):
    path = tmp_path / "peserta.csv"
    path.write_bytes(csv_file([HEADER, row(1)]))
    result = invoke(app, "import-participants", "TIDAK-ADA", str(path))
    assert result.exit_code == 2 and "TIDAK-ADA" in result.output


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_command_writes_the_format_of_the_extension(app, cli_course, tmp_path, fmt):
    path = tmp_path / f"peserta.{fmt.upper()}"
    result = invoke(app, "export-participants", "KSP-KUTIM-2024", str(path))
    assert result.exit_code == 0, result.output
    with app.app_context():
        preview = preview_participants(make_course("KOSONG"), path.name, path.read_bytes(),
                                       waitlist=False)
    assert preview.ok and [r.nik for r in preview.rows] == [nik(90)]


def test_export_command_refuses_another_extension(app, cli_course, tmp_path):
    result = invoke(app, "export-participants", "KSP-KUTIM-2024", str(tmp_path / "p.ods"))
    assert result.exit_code == 2 and ".xlsx or .csv" in result.output
    assert not (tmp_path / "p.ods").exists()
