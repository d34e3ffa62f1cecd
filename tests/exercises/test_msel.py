"""The MSEL: injects one by one, and as a spreadsheet exported and imported whole."""
import io

import openpyxl
import pytest
from sqlalchemy import func, select

from bimtek.errors import ValidationError
from bimtek.exercises import msel, running, setup
from bimtek.exercises.models import Delivery, Inject, Team
from bimtek.extensions import db
from tests.support.spreadsheets import xlsx

HEADER = ["No", "Waktu skenario", "Menit ke-", "Media", "Dari", "Kepada", "Pesan",
          "Tindakan yang diharapkan", "Sasaran"]


def injects_of(exercise):
    return [(i.number, i.message) for i in db.session.scalars(
        select(Inject).where(Inject.exercise_id == exercise.id).order_by(Inject.number))]


def inject(number, **fields):
    return msel.InjectInput(number=number, message=fields.pop("message", "Pesan uji"),
                            **fields)


def test_the_factory_msel_is_addressed_as_planned(setting):
    entries = msel.msel(setting.exercise)
    assert [(e.inject.number, [t.number for t in e.teams]) for e in entries] == \
        [(1, [1, 2, 3]), (2, [1]), (3, [2]), (4, [1, 2, 3])]


@pytest.mark.parametrize("data, field", [
    (inject(1), "number"),  # taken by the factory's first inject
    (inject(0), "number"),
    (inject(9, message="  "), "message"),
    (inject(9, planned_offset_minutes=-5), "planned_offset_minutes"),
    (inject(9, delivery="pigeon"), "delivery"),
    (inject(9, to_all_teams=False), "target_team_ids"),
    (inject(9, sender="x" * 201), "sender"),
])
def test_bad_injects_are_refused_naming_the_field(setting, data, field):
    before = injects_of(setting.exercise)
    with pytest.raises(ValidationError) as refused:
        msel.add_inject(setting.exercise, data)
    assert refused.value.field == field
    db.session.rollback()
    assert injects_of(setting.exercise) == before


def test_an_inject_for_a_team_or_objective_of_another_exercise_is_refused(setting):
    other = setup.create_exercise(setting.course, title="Latihan lain")
    stranger = Team(exercise=other, number=1, name="Tim 1")
    db.session.add(stranger)
    db.session.commit()
    objective = setup.add_objective(other, setup.ObjectiveInput(title="Lain"))
    with pytest.raises(ValidationError, match="not in this exercise") as refused:
        msel.add_inject(setting.exercise, inject(9, to_all_teams=False,
                                                 target_team_ids=[stranger.id]))
    assert refused.value.field == "target_team_ids"
    with pytest.raises(ValidationError) as refused:
        msel.add_inject(setting.exercise, inject(9, objective_id=objective.id))
    assert refused.value.field == "objective_id"


def test_an_inject_is_edited_and_deleted_until_it_is_released(setting):
    second = setting.injects[1]
    msel.update_inject(second, inject(2, message="Diubah", to_all_teams=False,
                                      target_team_ids=[setting.teams[2].id],
                                      delivery=Delivery.PHONE))
    assert (second.message, [t.number for t in second.targets], second.delivery) == \
        ("Diubah", [3], Delivery.PHONE)
    running.start(setting.exercise)
    running.release(second)
    with pytest.raises(ValidationError, match="has been released"):
        msel.update_inject(second, inject(2, message="Lagi"))
    with pytest.raises(ValidationError, match="has been released"):
        msel.delete_inject(second)
    msel.delete_inject(setting.injects[3])
    assert [n for n, _m in injects_of(setting.exercise)] == [1, 2, 3]


def test_the_export_imports_back_as_it_was(setting):
    exercise = setting.exercise
    before = [(e.inject.number, e.inject.scenario_time, e.inject.planned_offset_minutes,
               e.inject.delivery, e.inject.sender, [t.id for t in e.teams], e.inject.message,
               e.inject.objective_id) for e in msel.msel(exercise)]
    data = msel.msel_table(exercise)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [cell.value for cell in sheet[1]] == HEADER
    assert sheet["F3"].value == "Tim 1" and sheet["F2"].value == "Semua tim"
    preview = msel.preview_msel(exercise, "msel.xlsx", data)
    assert preview.ok, preview.errors
    msel.replace_msel(exercise, [row for _row, row in preview.rows])
    db.session.expire_all()
    assert [(e.inject.number, e.inject.scenario_time, e.inject.planned_offset_minutes,
             e.inject.delivery, e.inject.sender, [t.id for t in e.teams], e.inject.message,
             e.inject.objective_id) for e in msel.msel(exercise)] == before


def test_an_import_reads_words_names_and_numbers(setting):
    data = xlsx([
        ["MSEL Simulasi Pilkada"],
        HEADER,
        [1, "H-1 08.00", 0, "Telepon", "Polres Kutim", "Tim 1; 3", "Ada konvoi.", "Lapor",
         "2"],
        [2, "", 15.0, "social media", "", "semua", "Hoaks beredar.", "", "Mediasi provokasi "
         "di desa"],
        [3, None, None, None, None, None, "Tanpa keterangan lain.", None, None],
    ])
    preview = msel.preview_msel(setting.exercise, "msel.xlsx", data)
    assert preview.ok, preview.errors
    first, second, third = (row for _row, row in preview.rows)
    assert (first.delivery, first.to_all_teams, first.target_team_ids, first.objective_id) == \
        (Delivery.PHONE, False, [setting.teams[0].id, setting.teams[2].id],
         setting.objectives[1].id)
    assert (second.planned_offset_minutes, second.delivery, second.to_all_teams,
            second.objective_id) == (15, Delivery.SOCIAL, True, setting.objectives[2].id)
    assert (third.delivery, third.to_all_teams, third.planned_offset_minutes) == \
        (Delivery.MESSAGE, True, 0)


def test_a_semicolon_csv_from_excel_is_read_although_its_messages_hold_commas(setting):
    # Excel with Indonesian settings separates with ';' and leaves commas in text unquoted:
    # here the commas outnumber the semicolons.
    messages = ["Massa dari Sangatta, Bengalon, Rantau Pulung, Kaliorang, Kaubun, Sandaran, "
                "Muara Ancalong, Muara Wahau, Telen dan Busang berkumpul.",
                "Polisi, TNI, Satpol PP, Linmas, Bawaslu, KPU, camat, lurah, RT dan relawan siaga."]
    lines = ["MSEL Simulasi Pilkada", "No;Menit ke-;Media;Kepada;Pesan;Sasaran",
             f"1;0;Telepon;Tim 1;{messages[0]};2", f"2;15;Pesan;semua;{messages[1]};"]
    data = "\r\n".join(lines).encode("cp1252")
    assert data.count(b",") > data.count(b";")
    preview = msel.preview_msel(setting.exercise, "msel.csv", data)
    assert preview.ok, preview.errors
    assert [row.message for _row, row in preview.rows] == messages


def test_import_errors_name_row_and_column_and_nothing_is_written(setting):
    before = injects_of(setting.exercise)
    data = xlsx([
        HEADER,
        [1, "", 0, "Pesan", "", "Tim 7", "Untuk tim yang tidak ada.", "", ""],
        [2, "", "sepuluh", "Merpati", "", "", "Menit dan media salah.", "", ""],
        [3, "", 0, "", "", "", "", "", "9"],
        [1, "", 0, "", "", "", "Nomor dipakai lagi.", "", ""],
    ])
    preview = msel.preview_msel(setting.exercise, "msel.xlsx", data)
    messages = [message for _row, message in preview.errors]
    assert messages == [
        "Row 2: Kepada (To): this exercise has no team 'Tim 7'.",
        "Row 3: Menit ke- (Offset (minutes)) 'sepuluh' is not a whole number.",
        "Row 3: Media (Delivery) 'Merpati' is not a delivery; write one of Pesan, Telepon, "
        "Media sosial, Laporan lapangan, Berita.",
        "Row 4: Pesan (Message) is empty.",
        "Row 4: Sasaran (Objective): this exercise has no objective '9'.",
    ]
    with pytest.raises(ValidationError):
        msel.confirm_upload(_StashOf(data), setting.exercise, "x.xlsx")
    assert injects_of(setting.exercise) == before


def test_a_number_used_twice_in_the_file_names_both_rows(setting):
    data = xlsx([HEADER, [5, "", 0, "", "", "", "Pertama", "", ""],
                 [5, "", 0, "", "", "", "Kedua", "", ""]])
    preview = msel.preview_msel(setting.exercise, "msel.xlsx", data)
    assert [message for _row, message in preview.errors] == \
        ["Row 3: No (Number) 5 is already used in row 2."]


def test_an_inject_number_beyond_99999_is_refused_by_row(setting):
    data = xlsx([HEADER, [100_000, "", 0, "", "", "", "Terlalu jauh", "", ""]])
    preview = msel.preview_msel(setting.exercise, "msel.xlsx", data)
    assert [message for _row, message in preview.errors] == \
        ["Row 2: No (Number): The number must be between 1 and 99999."]


def test_a_file_without_rows_or_of_another_type_is_refused(setting):
    assert msel.preview_msel(setting.exercise, "msel.xlsx", xlsx([HEADER])).errors == \
        [(None, "The file has no injects below its header.")]
    assert not msel.preview_msel(setting.exercise, "msel.pdf", b"%PDF").ok


class _StashOf:
    """A stash holding one file, as the import's confirmation reads it."""

    def __init__(self, data: bytes):
        self.data = data
        self.dropped = False

    def load(self, _name):
        return self.data

    def drop(self, _name):
        self.dropped = True


def test_a_confirmed_upload_replaces_the_msel_and_drops_the_file(setting):
    stash = _StashOf(xlsx([HEADER, [1, "", 0, "", "", "Semua tim", "Satu-satunya.", "", ""]]))
    injects = msel.confirm_upload(stash, setting.exercise, "msel.xlsx")
    assert [i.number for i in injects] == [1]
    assert injects_of(setting.exercise) == [(1, "Satu-satunya.")]
    assert stash.dropped


def test_the_msel_is_not_replaced_once_an_inject_was_released(setting):
    running.start(setting.exercise)
    running.release(setting.injects[0])
    with pytest.raises(ValidationError, match="already been released"):
        msel.replace_msel(setting.exercise, [inject(1)])
    assert db.session.scalar(select(func.count()).select_from(Inject)) == 4
