import pytest

from bimtek.speakers.names import split_titles


@pytest.mark.parametrize(("full", "parts"), [
    ("Dr. H. Rizali Hadi, M.Pd.", ("Dr. H.", "Rizali Hadi", "M.Pd.")),
    ("Prof. Dr. Ir. Budi Santoso, S.H., M.H.", ("Prof. Dr. Ir.", "Budi Santoso", "S.H., M.H.")),
    ("  Hj.   Siti  Aminah ,S.Sos ,  M.Si. ", ("Hj.", "Siti Aminah", "S.Sos, M.Si.")),
    ("Kombes Pol. Andi Rahman, S.I.K.", ("Kombes Pol.", "Andi Rahman", "S.I.K.")),
    ("dr. Maya", ("dr.", "Maya", "")),
    ("Rudi Hartono", ("", "Rudi Hartono", "")),
    ("Sutrisno, ", ("", "Sutrisno", "")),
])
def test_titles_are_split_from_the_name(full, parts):
    assert split_titles(full) == parts


def test_the_last_word_always_stays_the_name():
    assert split_titles("Dr. Sp.") == ("Dr.", "Sp.", "")
    assert split_titles("") == ("", "", "")
