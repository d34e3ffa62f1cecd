import pytest

from bimtek.speakers.names import join_titles, split_title_cell, split_titles


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


# Names as they come in participant lists and official letters, with their parts; the
# person's spelling and order are kept (docs/domain.md, "Names, titles and other numbers").
REAL_NAMES = [
    ("Dr. H. Ahmad Fauzi, S.Sos., M.Si.", ("Dr. H.", "Ahmad Fauzi", "S.Sos., M.Si.")),
    ("Drs. H. Abdul Rahman, M.AP", ("Drs. H.", "Abdul Rahman", "M.AP")),
    ("Dra. Hj. Nurul Hidayah, M.Pd.", ("Dra. Hj.", "Nurul Hidayah", "M.Pd.")),
    ("dr. Maya Sari, Sp.OG", ("dr.", "Maya Sari", "Sp.OG")),
    ("drg. Rina Wulandari", ("drg.", "Rina Wulandari", "")),
    ("Ir. Budi Santoso, S.T., M.T., IPM", ("Ir.", "Budi Santoso", "S.T., M.T., IPM")),
    ("Prof. Dr. Ir. H. Mahmud Yunus, M.Sc.", ("Prof. Dr. Ir. H.", "Mahmud Yunus", "M.Sc.")),
    ("K.H. Abdullah Syukri", ("K.H.", "Abdullah Syukri", "")),
    ("Ns. Dewi Lestari, S.Kep.", ("Ns.", "Dewi Lestari", "S.Kep.")),
    ("apt. Yusuf Maulana, S.Farm.", ("apt.", "Yusuf Maulana", "S.Farm.")),
    ("Hj. Rahmawati, S.E.", ("Hj.", "Rahmawati", "S.E.")),
    ("H. Syahrani, S.H., M.H.", ("H.", "Syahrani", "S.H., M.H.")),
    ("Muhammad Ridwan, S.IP", ("", "Muhammad Ridwan", "S.IP")),
    ("M. Yusuf, SH, MH", ("", "M. Yusuf", "SH, MH")),
    ("Moh. Ali Akbar S.Pd", ("", "Moh. Ali Akbar", "S.Pd")),
    ("Muh. Arsyad, S.Kom., M.Kom.", ("", "Muh. Arsyad", "S.Kom., M.Kom.")),
    ("Andi Muhammad Yusuf", ("", "Andi Muhammad Yusuf", "")),
    ("Siti Nurhaliza, A.Md.Kep.", ("", "Siti Nurhaliza", "A.Md.Kep.")),
    ("Rudi Hartono, A.Md.", ("", "Rudi Hartono", "A.Md.")),
    ("Yohanes Dau, S.Ag.", ("", "Yohanes Dau", "S.Ag.")),
    ("Lubis, Ahmad", ("", "Lubis, Ahmad", "")),
    ("Nababan, Maria Theresia", ("", "Nababan, Maria Theresia", "")),
    ("Siregar, Dr. Poltak", ("", "Siregar, Dr. Poltak", "")),
    ("Sutrisno", ("", "Sutrisno", "")),
    ("Ayu Ting Ting", ("", "Ayu Ting Ting", "")),
    ("Kombes Pol. Andi Rahman, S.I.K., M.H.", ("Kombes Pol.", "Andi Rahman", "S.I.K., M.H.")),
    ("AKBP Ronni Bonic, S.H., S.I.K.", ("AKBP", "Ronni Bonic", "S.H., S.I.K.")),
    ("Letkol Inf. Budi Hartono", ("Letkol Inf.", "Budi Hartono", "")),
    ("Aipda Muhammad Saleh", ("Aipda", "Muhammad Saleh", "")),
    ("Hj. Siti Aisyah, S.Pd.I", ("Hj.", "Siti Aisyah", "S.Pd.I")),
    ("Dr. Ir. Hadi Prasetyo, M.M., Ph.D.", ("Dr. Ir.", "Hadi Prasetyo", "M.M., Ph.D.")),
    ("H. Ardiansyah Sulaiman, S.Sos., M.Si.", ("H.", "Ardiansyah Sulaiman", "S.Sos., M.Si.")),
    ("Kasmidi Bulang, S.T., M.M.", ("", "Kasmidi Bulang", "S.T., M.M.")),
    ("Lc. Abdul Somad", ("", "Lc. Abdul Somad", "")),
    ("Nur Aini, SE, MM", ("", "Nur Aini", "SE, MM")),
]


@pytest.mark.parametrize(("full", "parts"), REAL_NAMES)
def test_real_names_keep_their_titles_apart_in_their_own_spelling(full, parts):
    assert split_titles(full) == parts
    # Printed as written; a degree typed without its comma gets one.
    assert join_titles(*parts) == (full if "," in full or not parts[2]
                                   else f"{parts[1]}, {parts[2]}")


@pytest.mark.parametrize(("cell", "titles"), [
    ("Dr. H., S.Sos., M.Si.", ("Dr. H.", "S.Sos., M.Si.")),
    ("S.E.", ("", "S.E.")),
    ("Drs.", ("Drs.", "")),
    ("Drs. M.Si", ("Drs.", "M.Si")),
    ("Hj. , S.Pd.", ("Hj.", "S.Pd.")),
    ("", ("", "")),
])
def test_one_gelar_cell_holds_front_and_back_titles(cell, titles):
    assert split_title_cell(cell) == titles


def test_a_gelar_cell_word_that_is_no_title_is_named():
    with pytest.raises(ValueError, match="Camat"):
        split_title_cell("Dr., Camat")
