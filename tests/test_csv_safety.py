"""CSV exports safe in Indonesian Excel, which splits a line on ";" (others on "," or tab):
no piece of any cell opens as a formula."""
import csv
import io

import pytest

from bimtek.spreadsheet_writing import write_table
from bimtek.spreadsheets import CSV
from tests.support.csv_safety import assert_no_formula_opens

HOSTILE = ["Budi;=1+1;x", "Budi,=HYPERLINK(\"http://x\")", "Budi\t@SUM(A1)", "a;-2+3",
           "x,+62812", "=1+1", "a;\t=1", "a;\r=1", "A, S.H.;@x", ";;=1"]


@pytest.mark.parametrize("value", HOSTILE)
def test_no_piece_of_a_csv_cell_starts_a_formula(value):
    data = write_table(CSV, ["Nama", "Unit"], [[value, "PPK"], ["Siti", value]])
    assert_no_formula_opens(data)
    # The text itself survives: only apostrophes were added.
    (row,) = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:2]
    assert row[0].replace("'", "") == value.replace("'", "")


def test_harmless_text_is_written_unchanged():
    data = write_table(CSV, ["Nama"], [["Drs. H. Syahrani Noor, M.Si."], ["Siti; PPK"]])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1:] == [["Drs. H. Syahrani Noor, M.Si."], ["Siti; PPK"]]
