"""Indonesia's regions from the vendored idn-area-data 4.0.1 files."""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.regions import services
from bimtek.regions.models import Desa, Kecamatan, Province, Region
from tests.factories import seed_regions

# docs/domain.md: the counts of idn-area-data 4.0.1.
NATIONWIDE = {Province: 38, Region: 514, Kecamatan: 7285, Desa: 83762}


def table_counts() -> dict:
    return {model: db.session.scalar(select(func.count()).select_from(model))
            for model in NATIONWIDE}


def kecamatan(code: str) -> Kecamatan:
    return db.session.scalar(select(Kecamatan).where(Kecamatan.code == code))


def test_seed_reference_loads_the_whole_country_then_adds_only_what_is_missing(app):
    # How long the load takes is measured by benchmarks/regions.py, not here.
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-reference"])
    assert first.exit_code == 0, first.output
    assert "kecamatan: 7285 added" in first.output
    assert "desa/kelurahan: 83762 added" in first.output
    with app.app_context():
        assert table_counts() == NATIONWIDE
        sintang = services.find_area("61.05")
        assert (sintang.name, sintang.level, sintang.province.name) == (
            "Kabupaten Sintang", "kabupaten", "Kalimantan Barat")
        assert services.find_area("64.72").level == "kota"
        assert len(services.find_area("64.08").kecamatan) == 18
        assert db.session.scalar(select(func.count()).select_from(Desa).join(Desa.kecamatan)
                                 .where(Kecamatan.code.like("64.08.%"))) == 141
        # The spellings people write are aliases beside the official names.
        assert kecamatan("64.08.08").spellings == ["Kombeng", "Kongbeng"]
        assert kecamatan("64.08.09").spellings == ["Bengalon", "Bangalon"]
        assert kecamatan("64.08.04").spellings == ["Sangatta Utara", "Sangata Utara"]
        # An organiser's own spelling survives the next load.
        kecamatan("64.02.06").variants = "Tenggarong Kota"
        db.session.commit()
    second = runner.invoke(args=["seed-reference"])
    assert second.exit_code == 0, second.output
    assert "kecamatan: 0 added, 0 renamed" in second.output
    assert "desa/kelurahan: 0 added, 0 renamed" in second.output
    assert "0 alias(es) added" in second.output
    with app.app_context():
        assert table_counts() == NATIONWIDE
        assert kecamatan("64.02.06").spellings == ["Tenggarong", "Tenggarong Kota"]


def copy_of_the_data(tmp_path):
    folder = tmp_path / "idn-area-data"
    shutil.copytree(services.DATA_DIR, folder)
    return folder


def test_a_renamed_region_is_corrected_and_a_new_one_added(app_context, tmp_path):
    seed_regions()
    folder = copy_of_the_data(tmp_path)
    districts = folder / "districts.csv"
    text = districts.read_text(encoding="utf-8")
    text = text.replace("64.08.08,64.08,Kombeng", "64.08.08,64.08,Kongbeng")
    districts.write_text(text + "64.08.19,64.08,Sangatta Timur\n", encoding="utf-8")
    report = services.load_regions(folder, within=["64.08"])
    assert (report.added["kecamatan"], report.renamed["kecamatan"]) == (1, 1)
    assert kecamatan("64.08.08").name == "Kongbeng"
    assert kecamatan("64.08.19").region.code == "64.08"


@pytest.mark.parametrize(("file", "damage", "message"), [
    ("districts.csv", "64.08.09,64.99,Bengalon\n", "64.08.09 .* 64.99"),
    ("villages.csv", "64.08.09.2001,64.08.09\n", "villages.csv .*64.08.09.2001"),
    ("regencies.csv", "6408,64,Kabupaten Kutai Timur\n", "regencies.csv .*6408,64"),
])
def test_region_data_that_fails_to_load_leaves_the_previous_data(app_context, tmp_path, file,
                                                                 damage, message):
    seed_regions()
    before = table_counts()
    folder = copy_of_the_data(tmp_path)
    # A region that would be new, so that a half-done load would show.
    with (folder / "districts.csv").open("a", encoding="utf-8") as handle:
        handle.write("64.08.19,64.08,Sangatta Timur\n")
    with (folder / file).open("a", encoding="utf-8") as handle:
        handle.write(damage)
    with pytest.raises(ValidationError, match=message):
        services.load_regions(folder)
    assert table_counts() == before
    assert kecamatan("64.08.19") is None


def test_a_missing_file_is_refused_by_name(app, tmp_path):
    folder = copy_of_the_data(tmp_path)
    (folder / "villages.csv").unlink()
    with app.app_context():
        with pytest.raises(ValidationError, match="villages.csv"):
            services.load_regions(folder)
        assert table_counts() == dict.fromkeys(NATIONWIDE, 0)


@pytest.mark.parametrize(("text", "lines"), [
    ("sintang", ["61.05\tKabupaten Sintang\tkabupaten", "61.05.01\tSintang\tkecamatan"]),
    ("Kab. Kutai", ["64.02\tKabupaten Kutai Kartanegara\tkabupaten",
                    "64.08\tKabupaten Kutai Timur\tkabupaten"]),
    ("KALIMANTAN timur", ["64\tKalimantan Timur\tprovinsi"]),
    ("Kongbeng", ["64.08.08\tKombeng\tkecamatan"]),
    ("Kec. Bangalon", ["64.08.09\tBengalon\tkecamatan"]),
    ("sangata", ["64.08.04\tSangatta Utara\tkecamatan", "64.08.12\tSangatta Selatan\tkecamatan"]),
    ("tenggarong", ["64.02.06\tTenggarong\tkecamatan", "64.02.16\tTenggarong Seberang\tkecamatan"]),
])
def test_regions_search_prints_code_name_and_level(app, text, lines):
    with app.app_context():
        seed_regions()
    result = app.test_cli_runner().invoke(args=["regions", "--search", text])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == lines


def test_regions_search_without_a_match_says_so(app):
    with app.app_context():
        seed_regions()
    result = app.test_cli_runner().invoke(args=["regions", "--search", "Atlantis"])
    assert result.exit_code == 1
    assert "No province, kabupaten/kota or kecamatan is named like 'Atlantis'" in result.output


def test_a_region_entered_before_the_nationwide_data_gets_its_province(app_context):
    db.session.add(Region(code="64.08", name="Kabupaten Kutai Timur"))
    db.session.commit()
    seed_regions()
    region = services.find_area("64.08")
    assert region.province.code == "64" and len(region.kecamatan) == 18
