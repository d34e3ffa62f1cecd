"""Participant spreadsheets as people really write them: headers by meaning, titles in the
name or in a Gelar column, kecamatan and desa of the course's regions, NRP, and headers
nobody recognises."""
from __future__ import annotations

import html
import io
import re

import openpyxl
import pytest
from sqlalchemy import select

from bimtek.auth.models import Role, User
from bimtek.courses import staff as course_staff
from bimtek.courses.services import find_course
from bimtek.extensions import db
from bimtek.institutions import services as institution_services
from bimtek.institutions.services import save_institution
from bimtek.regions.services import find_area
from bimtek.registration.models import Registration
from bimtek.registration.spreadsheet import IGNORE, apply_participants, preview_participants
from tests.factories import make_course, seed_regions
from tests.registration.factories import nik
from tests.support.apps import OwnContextRunner
from tests.support.spreadsheets import csv_file
from tests.support.web import csrf_token, login

NIP = "198609262015051001"


@pytest.fixture
def kutim(english):
    seed_regions()
    save_institution(None, name="Panitia Pemilihan Kecamatan", short_name="PPK")
    return make_course("KSP-KUTIM-2024", capacity=50, regions=("64.08",))


@pytest.fixture
def kukar(kutim):
    return make_course("KSP-KUKAR-2025", capacity=50, regions=("64.02",))


@pytest.fixture
def sintang(kutim):
    return make_course("KSP-SINTANG-2024", capacity=50, regions=("61.05",))


def preview(course, header, *rows, **options):
    return preview_participants(course, "peserta.csv", csv_file([header, *rows]),
                                waitlist=False, **options)


def errors_of(result) -> list[str]:
    return [message for _row, message in result.errors]


BASE = {"Nama": "Budi Santoso", "NIK": nik(1, day=26, month=9), "Jenis Kelamin": "L",
        "Instansi": "PPK"}


@pytest.mark.parametrize(("header", "value", "field", "stored"), [
    ("Nama Lengkap", "Budi Hartono", "name", "Budi Hartono"),
    ("Nama Peserta", "Budi Hartono", "name", "Budi Hartono"),
    ("NAMA LENGKAP DAN GELAR", "Budi Hartono", "name", "Budi Hartono"),
    ("Gelar Depan", "Drs.", "front_titles", "Drs."),
    ("Gelar Belakang", "M.Si.", "back_titles", "M.Si."),
    ("Gelar", "Dr. H., S.Sos., M.Si.", "back_titles", "S.Sos., M.Si."),
    ("L/P", "P", "gender", "P"),
    ("JK", "Perempuan", "gender", "P"),
    ("jenis kelamin", "P", "gender", "P"),
    ("No. KTP", nik(7), "nik", nik(7)),
    ("NIP", NIP, "nip", NIP),
    ("NRP", "85061234", "nrp", "85061234"),
    ("No. HP", "0812-3456-7890", "phone", "+6281234567890"),
    ("No. HP/WA", "0812-3456-7890", "phone", "+6281234567890"),
    ("Telepon", "0812-3456-7890", "phone", "+6281234567890"),
    ("WhatsApp", "0812 3456 7890", "phone", "+6281234567890"),
    ("Asal Instansi", "PPK", "institution_id", "PPK"),
    ("OPD", "PPK", "institution_id", "PPK"),
    ("Unit Kerja", "ppk", "institution_id", "PPK"),
    ("Jabatan", "Anggota PPK", "position", "Anggota PPK"),
    ("Unsur", "PPK", "unit", "PPK"),
    ("Kecamatan", "Kec. Bangalon", "kecamatan_id", "Bengalon"),
    ("Desa", "Sepaso", "desa_id", "Sepaso"),
    ("Kelurahan", "Singa Gembara", "desa_id", "Singa Gembara"),
    ("Desa/Kelurahan", "Swarga Bara", "desa_id", "Swarga Bara"),
    ("Email", "Budi@Example.id", "email", "budi@example.id"),
    ("E-mail", "budi@example.id", "email", "budi@example.id"),
])
def test_each_header_people_write_is_read_by_meaning(kutim, header, value, field, stored):
    cells = {**BASE, header: value}
    if field == "desa_id":
        cells["Kecamatan"] = "Sangatta Utara" if value != "Sepaso" else "Bengalon"
    if header in ("JK", "L/P", "jenis kelamin"):
        cells.pop("Jenis Kelamin")
        cells["NIK"] = nik(1, day=26, month=9, woman=True)
    if header.casefold().startswith("nama"):
        cells.pop("Nama")
    if header == "No. KTP":
        cells.pop("NIK")
    if header in ("Asal Instansi", "OPD", "Unit Kerja"):
        cells.pop("Instansi")
    result = preview(kutim, list(cells), list(cells.values()))
    assert errors_of(result) == []
    (row,) = result.rows
    fields = row.participant.fields
    shown = {"institution_id": lambda: row.institution.short_name,
             "kecamatan_id": lambda: row.kecamatan.name,
             "desa_id": lambda: row.desa.name}
    assert (shown[field]() if field in shown else fields[field]) == stored


def test_a_gelar_column_splits_into_front_and_back_titles(kutim):
    header = ["No", "Nama Lengkap", "Gelar", "NIK", "L/P", "Asal Instansi"]
    rows = [["1", "Ahmad Fauzi", "Dr. H., S.Sos., M.Si.", nik(1), "L", "PPK"],
            ["2", "Siti Aminah", "S.E.", nik(2, woman=True), "P", "PPK"],
            ["3", "Hj. Rahmawati, S.Pd.", "M.Pd.", nik(3, woman=True), "P", "PPK"],
            ["4", "Rudi Hartono", "", nik(4), "L", "PPK"]]
    result = preview(kutim, header, *rows)
    assert errors_of(result) == []
    assert [(r.participant.fields["front_titles"], r.participant.fields["name"],
             r.participant.fields["back_titles"]) for r in result.rows] == [
        ("Dr. H.", "Ahmad Fauzi", "S.Sos., M.Si."), ("", "Siti Aminah", "S.E."),
        ("Hj.", "Rahmawati", "M.Pd., S.Pd."), ("", "Rudi Hartono", "")]
    registrations = apply_participants(kutim, result)
    assert registrations[0].full_name == "Dr. H. Ahmad Fauzi, S.Sos., M.Si."


def test_a_gelar_cell_that_holds_no_title_is_refused_by_row_and_column(kutim):
    result = preview(kutim, ["Nama", "Gelar", "NIK", "L/P", "Instansi"],
                     ["Ahmad Fauzi", "Dr., Camat", nik(1), "L", "PPK"])
    assert errors_of(result) == [
        "Row 2: Gelar (Titles) 'Dr., Camat': 'Camat' is neither a front title (Dr., H., "
        "Drs. …) nor a back title (S.Sos., M.Si. …); write the titles in Gelar Depan and "
        "Gelar Belakang instead."]


@pytest.mark.parametrize(("course_name", "written", "found"), [
    ("kutim", "Kongbeng", "Kombeng"), ("kutim", "Sangata Utara", "Sangatta Utara"),
    ("kutim", "KEC. BANGALON", "Bengalon"), ("kukar", "tenggarong seberang",
                                             "Tenggarong Seberang"),
    ("kukar", "Kota Bangun Darat", "Kota Bangun Darat"), ("kukar", "64.02.13", "Samboja"),
    ("sintang", "Kec. Sintang", "Sintang"), ("sintang", "Kelam Permai", "Kelam Permai"),
])
def test_kecamatan_are_found_in_the_course_regions_with_aliases(request, course_name,
                                                                 written, found):
    course = request.getfixturevalue(course_name)
    result = preview(course, ["Nama", "NIK", "L/P", "Instansi", "Kecamatan"],
                     ["Budi", nik(1), "L", "PPK", written])
    assert errors_of(result) == [] and result.rows[0].kecamatan.name == found


@pytest.mark.parametrize(("course_name", "written", "message"), [
    ("kukar", "Tenggarong Sebrang", "'Tenggarong Sebrang' is not a kecamatan of Kabupaten "
     "Kutai Kartanegara; did you mean 'Tenggarong Seberang'?"),
    ("kutim", "Sangata Utra", "'Sangata Utra' is not a kecamatan of Kabupaten Kutai Timur; "
     "did you mean 'Sangatta Utara'?"),
    ("sintang", "Ketungau Hilr", "'Ketungau Hilr' is not a kecamatan of Kabupaten Sintang; "
     "did you mean 'Ketungau Hilir'?"),
    ("kutim", "Tenggarong", "'Tenggarong' is not a kecamatan of Kabupaten Kutai Timur."),
])
def test_a_misspelt_kecamatan_is_refused_with_a_suggestion_never_taken(request, course_name,
                                                                        written, message):
    course = request.getfixturevalue(course_name)
    result = preview(course, ["Nama", "NIK", "L/P", "Instansi", "Kecamatan"],
                     ["Budi", nik(1), "L", "PPK", written])
    assert errors_of(result) == [f"Row 2: {message}"] and result.rows == []


def test_desa_are_resolved_within_the_row_kecamatan(kukar, sintang):
    header = ["Nama", "NIK", "L/P", "Instansi", "Unsur", "Kecamatan", "Desa/Kelurahan"]
    result = preview(kukar, header,
                     ["Budi", nik(1), "L", "PPK", "PPS", "Tenggarong Seberang", "Desa Separi"],
                     ["Ani", nik(2), "L", "PPK", "PPS", "Tenggarong Seberang", "Bukit Raye"],
                     ["Eko", nik(3), "L", "PPK", "PPS", "", "Separi"])
    assert errors_of(result) == [
        "Row 3: 'Bukit Raye' is not a desa/kelurahan of Kecamatan Tenggarong Seberang; did "
        "you mean 'Bukit Raya'?",
        "Row 4: Desa/Kelurahan (Village) 'Separi' needs the row's kecamatan."]
    result = preview(sintang, header, ["Budi", nik(1), "L", "PPK", "Panwaslu Kelurahan/Desa",
                                       "Sintang", "Kel. Kapuas Kanan Hulu"])
    assert errors_of(result) == []
    (registration,) = apply_participants(sintang, result)
    assert (registration.desa.name, registration.desa.level, registration.kecamatan.name) == (
        "Kapuas Kanan Hulu", "kelurahan", "Sintang")


def test_a_nik_of_no_known_kecamatan_is_a_warning_not_an_error(kutim):
    moved = "999901" + nik(2)[6:]
    result = preview(kutim, ["Nama", "NIK", "L/P", "Instansi"],
                     ["Budi", nik(1), "L", "PPK"], ["Ani", moved, "L", "PPK"])
    assert errors_of(result) == [] and len(result.rows) == 2
    assert [message for _row, message in result.warnings] == [
        f"Row 3: NIK {moved}: its first six digits (99.99.01) name no kecamatan in the "
        "region data; check the NIK."]


@pytest.mark.parametrize(("nrp", "problem"), [
    ("8506123", ""), ("85061234", ""), ("11010034350779", ""),
    ("8506-1234", ""), ("NRP 8506", "The NRP may contain only digits."),
    ("1234", "An NRP has 8 digits (Polri) or 5 to 14 (TNI), not 4."),
    ("123456789012345", "An NRP has 8 digits (Polri) or 5 to 14 (TNI), not 15."),
])
def test_polri_and_tni_participants_carry_an_nrp(kutim, nrp, problem):
    result = preview(kutim, ["Nama", "NIK", "L/P", "Instansi", "NRP"],
                     ["Aipda Budi", nik(1), "L", "PPK", nrp])
    assert errors_of(result) == ([f"Row 2: {problem}"] if problem else [])


def test_an_unrecognised_header_is_never_dropped_silently(app, kutim):
    header = ["Nama", "NIK", "L/P", "Instansi", "Keterangan", "No. Identitas Lain"]
    cells = ["Budi", nik(1), "L", "PPK", "hadir", NIP]
    result = preview(kutim, header, cells)
    assert result.unknown_headers == ["Keterangan", "No. Identitas Lain"]
    assert errors_of(result)[0] == (
        "Unrecognised column(s): 'Keterangan', 'No. Identitas Lain'. Say for each which "
        "field it holds, or that it is to be ignored.")
    result = preview(kutim, header, cells,
                     headers={"keterangan": IGNORE, "noidentitaslain": "nip"})
    assert errors_of(result) == [] and result.rows[0].participant.fields["nip"] == NIP


UNKNOWN = (["Nama", "NIK", "L/P", "Instansi", "Keterangan", "No. Identitas Lain"],
           ["Budi", nik(1), "L", "PPK", "hadir", NIP])


def test_the_command_lists_unrecognised_headers_and_refuses_until_told(app, kutim, tmp_path):
    path = tmp_path / "peserta.csv"
    path.write_bytes(csv_file(list(UNKNOWN)))
    runner = OwnContextRunner(app)

    def run(*extra):
        return runner.invoke(args=["import-participants", "KSP-KUTIM-2024", str(path), *extra])

    result = run()
    assert result.exit_code == 1 and "'Keterangan', 'No. Identitas Lain'" in result.stderr
    assert '--ignore-column HEADER or --map "HEADER=field"' in result.stderr
    result = run("--map", "No. Identitas Lain=golongan darah")
    assert result.exit_code == 2 and "HEADER=field" in result.output
    result = run("--ignore-column", "keterangan", "--map", "No. Identitas Lain=NIP")
    assert result.exit_code == 0, result.output
    with app.app_context():
        course = find_course("KSP-KUTIM-2024")
        assert course.participant_columns == {"keterangan": IGNORE, "noidentitaslain": "nip"}
        (registration,) = course_registrations(course)
        assert registration.nip == NIP


def course_registrations(course):
    return db.session.scalars(select(Registration).where(
        Registration.course_id == course.id)).all()


def test_the_web_preview_asks_about_unrecognised_headers_and_remembers(app, client,
                                                                       make_user, tmp_path):
    with app.app_context():
        seed_regions()
        save_institution(None, name="Panitia Pemilihan Kecamatan", short_name="PPK")
        course = make_course("KSP-KUTIM-2024", capacity=50, regions=("64.08",))
        user_id = make_user("organiser@bimtek.test", "organiser")
        course_staff.assign_course(db.session.get(User, user_id), course, Role.ORGANISER)
    login(client, "organiser@bimtek.test")
    token = csrf_token(client)
    page = client.post("/courses/KSP-KUTIM-2024/participants/import", data={
        "csrf_token": token, "file": (io.BytesIO(csv_file(list(UNKNOWN))), "peserta.csv")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert "Kolom yang tidak dikenali Bimtek" in page
    assert 'name="header:keterangan"' in page and 'name="header:noidentitaslain"' in page
    upload = re.search(r'name="upload" type="hidden" value="([^"]+)"', page).group(1)
    page = client.post("/courses/KSP-KUTIM-2024/participants/import/review", data={
        "csrf_token": token, "upload": upload, "waitlist": "", "headers": "{}",
        "header:keterangan": IGNORE, "header:noidentitaslain": "nip"}).get_data(as_text=True)
    assert "1 peserta akan didaftarkan." in page
    headers = html.unescape(re.search(r'name="headers" type="hidden" value="([^"]+)"',
                                      page).group(1))
    response = client.post("/courses/KSP-KUTIM-2024/participants/import/confirm", data={
        "csrf_token": token, "upload": upload, "waitlist": "", "headers": headers})
    assert response.status_code == 302
    with app.app_context():
        course = find_course("KSP-KUTIM-2024")
        assert [r.nip for r in course_registrations(course)] == [NIP]
        assert course.participant_columns == {"keterangan": IGNORE, "noidentitaslain": "nip"}
    bad = client.post("/courses/KSP-KUTIM-2024/participants/import/review", data={
        "csrf_token": token, "upload": upload, "headers": '{"x": "password"}'})
    assert bad.status_code == 302


# --- institutions the file names that are not known yet ----------------------------------

KUKAR_FILE = (["No", "Nama Lengkap", "Gelar", "NIK", "L/P", "Asal Instansi", "Kecamatan"],
              ["1", "Ahmad Fauzi", "Dr. H., S.Sos., M.Si.", nik(1), "L",
               "Kesbangpol Kab. Kukar", "Tenggarong"],
              ["2", "Siti Aminah", "S.E.", nik(2, woman=True), "P", "Satpol PP Kukar",
               "Loa Kulu"],
              ["3", "Rudi Hartono", "", nik(3), "L", "kesbangpol kab kukar", "Samboja"])


def test_unknown_institutions_are_listed_once_with_suggestions(kukar):
    kesbangpol = save_institution(
        None, name="Badan Kesatuan Bangsa dan Politik Kabupaten Kutai Kartanegara",
        short_name="Kesbangpol Kukar")
    result = preview(kukar, *KUKAR_FILE)
    assert [(u.written, u.rows) for u in result.unknown_institutions] == [
        ("Kesbangpol Kab. Kukar", [2, 4]), ("Satpol PP Kukar", [3])]
    first, satpol = result.unknown_institutions
    assert first.suggestions[0].id == kesbangpol.id
    assert (satpol.proposed.name, satpol.proposed.short_name, satpol.proposed.kind.value,
            satpol.proposed.region_id is not None) == (
        "Satuan Polisi Pamong Praja Kutai Kartanegara", "Satpol PP Kukar",
        "perangkat_daerah", True)
    assert errors_of(result) == [
        "Institutions not in the list yet: 'Kesbangpol Kab. Kukar' (rows 2, 4); "
        "'Satpol PP Kukar' (rows 3). Say for each which known institution it is, or "
        "create it."]
    result = preview(kukar, *KUKAR_FILE, institutions={
        first.key: kesbangpol.id, satpol.key: satpol.proposed})
    assert errors_of(result) == [] and len(result.rows) == 3
    apply_participants(kukar, result)
    # The spelling is an alias now; the new institution exists with its kind and region.
    again = preview(kukar, ["Nama", "NIK", "L/P", "Instansi"],
                    ["Budi", nik(9), "L", "KESBANGPOL KAB. KUKAR"],
                    ["Eko", nik(8), "L", "Satpol PP Kukar"])
    assert errors_of(again) == []
    assert [r.institution.short_name for r in again.rows] == ["Kesbangpol Kukar",
                                                              "Satpol PP Kukar"]
    assert again.rows[1].institution.region.code == "64.02"


def test_the_command_creates_unknown_institutions_when_asked(app, kukar, tmp_path):
    path = tmp_path / "peserta.csv"
    path.write_bytes(csv_file(list(KUKAR_FILE)))
    runner = OwnContextRunner(app)
    args = ["import-participants", "KSP-KUKAR-2025", str(path)]
    result = runner.invoke(args=args)
    assert result.exit_code == 1 and "'Satpol PP Kukar' (rows 3)" in result.stderr
    assert "--create-institutions" in result.stderr
    result = runner.invoke(args=[*args, "--create-institutions", "--dry-run"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert institution_services.institution_directory().get("satpol pp kukar") is None
    # A file still refused once its institutions are created keeps none of them.
    broken = tmp_path / "rusak.csv"
    broken.write_bytes(csv_file([*KUKAR_FILE, ["Budi", "123", "L", "Satpol PP Kukar"]]))
    result = runner.invoke(args=[*args[:2], str(broken), "--create-institutions"])
    assert result.exit_code == 1 and "New institution: Satpol PP Kukar" in result.output
    with app.app_context():
        assert institution_services.institution_directory().get("satpol pp kukar") is None
    result = runner.invoke(args=[*args, "--create-institutions"])
    assert result.exit_code == 0, result.output
    assert "New institution: Satpol PP Kukar (Satuan Polisi Pamong Praja Kutai " \
        "Kartanegara, Local government unit (OPD))." in result.output
    with app.app_context():
        registrations = course_registrations(find_course("KSP-KUKAR-2025"))
        assert [r.full_name for r in registrations] == [
            "Dr. H. Ahmad Fauzi, S.Sos., M.Si.", "Siti Aminah, S.E.", "Rudi Hartono"]
        assert registrations[0].institution_id == registrations[2].institution_id


def test_admins_merge_duplicate_institutions_without_losing_history(app_context, kutim):
    ppk = institution_services.find_by_short_names(["PPK"])[0]
    twin = save_institution(None, name="Panitia Pemilihan Kecamatan Kutim", short_name="PPK Kutim")
    result = preview(kutim, ["Nama", "NIK", "L/P", "Instansi"],
                     ["Budi", nik(1), "L", "PPK Kutim"], ["Ani", nik(2), "L", "PPK"])
    apply_participants(kutim, result)
    institution_services.merge_institutions(twin, ppk)
    assert {r.institution.short_name for r in course_registrations(kutim)} == {"PPK"}
    assert institution_services.institution_directory()["ppk kutim"].id == ppk.id
    assert {a.name for a in ppk.aliases} == {"Panitia Pemilihan Kecamatan Kutim", "PPK Kutim"}


def test_the_web_preview_maps_and_creates_unknown_institutions(app, client, make_user):
    with app.app_context():
        seed_regions()
        course = make_course("KSP-KUKAR-2025", capacity=50, regions=("64.02",))
        kesbangpol = save_institution(
            None, name="Badan Kesatuan Bangsa dan Politik Kabupaten Kutai Kartanegara",
            short_name="Kesbangpol Kukar").id
        user_id = make_user("organiser@bimtek.test", "organiser")
        course_staff.assign_course(db.session.get(User, user_id), course, Role.ORGANISER)
    login(client, "organiser@bimtek.test")
    token = csrf_token(client)
    page = client.post("/courses/KSP-KUKAR-2025/participants/import", data={
        "csrf_token": token, "file": (io.BytesIO(csv_file(list(KUKAR_FILE))), "peserta.csv")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert "Instansi yang belum ada dalam daftar" in page
    assert len(re.findall(r'name="inst:[^":]+"', page)) == 2  # once per name, not per row
    upload = re.search(r'name="upload" type="hidden" value="([^"]+)"', page).group(1)
    page = client.post("/courses/KSP-KUKAR-2025/participants/import/review", data={
        "csrf_token": token, "upload": upload, "headers": "{}", "institutions": "{}",
        "inst:kesbangpol kab kukar": str(kesbangpol), "inst:satpol pp kukar": "new",
        "inst:satpol pp kukar:name": "Satuan Polisi Pamong Praja Kabupaten Kutai Kartanegara",
        "inst:satpol pp kukar:short_name": "Satpol PP Kukar",
        "inst:satpol pp kukar:kind": "perangkat_daerah", "inst:satpol pp kukar:region_id": ""}
    ).get_data(as_text=True)
    assert "3 peserta akan didaftarkan." in page
    with app.app_context():  # the preview created nothing
        assert "satpol pp kukar" not in institution_services.institution_directory()
    hidden = {name: html.unescape(re.search(
        rf'name="{name}" type="hidden" value="([^"]*)"', page).group(1))
        for name in ("headers", "institutions")}
    response = client.post("/courses/KSP-KUKAR-2025/participants/import/confirm", data={
        "csrf_token": token, "upload": upload, **hidden})
    assert response.status_code == 302
    with app.app_context():
        directory = institution_services.institution_directory()
        assert directory["kesbangpol kab kukar"].id == kesbangpol
        assert directory["satpol pp kukar"].name == \
            "Satuan Polisi Pamong Praja Kabupaten Kutai Kartanegara"
        assert len(course_registrations(find_course("KSP-KUKAR-2025"))) == 3


def test_the_template_round_trip_download_fill_import(app, client, make_user):
    with app.app_context():
        seed_regions()
        save_institution(None, name="Panitia Pemilihan Kecamatan", short_name="PPK")
        course = make_course("KSP-KUKAR-2025", capacity=50, regions=("64.02",))
        user_id = make_user("organiser@bimtek.test", "organiser")
        course_staff.assign_course(db.session.get(User, user_id), course, Role.ORGANISER)
    login(client, "organiser@bimtek.test")
    response = client.get("/courses/KSP-KUKAR-2025/participants/template.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("sheet")
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    sheet = workbook["Peserta"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:6] == ["Nama", "Gelar", "NIK", "NIP", "NRP", "Jenis Kelamin"]
    assert all(cell.comment for cell in sheet[1])
    nik_column = headers.index("NIK") + 1
    assert sheet.cell(row=2, column=nik_column).number_format == "@"
    lists = {str(validation.sqref): validation.formula1
             for validation in sheet.data_validations.dataValidation}
    assert len(lists) == 4  # gender, unit, kecamatan, institution
    hidden = workbook["Daftar"]
    assert hidden.sheet_state == "hidden"
    listed = [cell.value for column in hidden.iter_cols() for cell in column]
    assert {"L", "P", "PPK", "Tenggarong Seberang", "Samboja Barat"} <= set(listed)
    assert "Bengalon" not in listed  # another course's region
    filled = {"Nama": "Ahmad Fauzi", "Gelar": "Dr. H., S.Sos., M.Si.", "NIK": nik(1),
              "Jenis Kelamin": "L", "Instansi": "PPK", "Unsur": "PPK",
              "Kecamatan": "Tenggarong Seberang", "Desa/Kelurahan": "Separi",
              "No HP": "081234567001"}
    for column, header in enumerate(headers, start=1):
        sheet.cell(row=2, column=column, value=filled.get(header))
    buffer = io.BytesIO()
    workbook.save(buffer)
    with app.app_context():
        course = find_course("KSP-KUKAR-2025")
        result = preview_participants(course, "templat.xlsx", buffer.getvalue(),
                                      waitlist=False)
        assert errors_of(result) == []
        (registration,) = apply_participants(course, result)
        assert (registration.full_name, registration.desa.name, registration.phone) == (
            "Dr. H. Ahmad Fauzi, S.Sos., M.Si.", "Separi", "+6281234567001")


def test_the_public_form_offers_the_institutions_of_the_course_regions(app, client):
    with app.app_context():
        seed_regions()
        make_course("KSP-KUKAR-2025", capacity=50, regions=("64.02",), registration_open=True)
        for short_name, code in (("Kesbangpol Kukar", "64.02"), ("Kesbangpol Kutim", "64.08")):
            save_institution(None, name=f"Badan Kesbangpol {short_name}", short_name=short_name,
                             kind="perangkat_daerah",
                             region_id=find_area(code).id)
        save_institution(None, name="Panitia Pemilihan Kecamatan", short_name="PPK")
    page = client.get("/register/KSP-KUKAR-2025").get_data(as_text=True)
    assert ">Kesbangpol Kukar<" in page and ">PPK<" in page
    assert "Kesbangpol Kutim" not in page
    assert 'data-filter-options="#institution_id"' in page
    assert ">Tenggarong Seberang<" in page and ">Bengalon<" not in page
