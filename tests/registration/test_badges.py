"""Badge sheets read back: the text with pypdf, the QR codes rasterised with pypdfium2 and
decoded with zxing-cpp, as a phone at the check-in desk would."""
from io import BytesIO

import pypdfium2
import pytest
import sqlalchemy as sa
import zxingcpp
from pypdf import PdfReader

from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.registration import services
from bimtek.registration.badges import badge_selection, badges_pdf, slips_pdf
from tests.registration.factories import NAMES, add_people, badge_world
from tests.support.documents import decoded_qr_codes, pages_text
from tests.support.hostile_files import HOSTILE_NAME


@pytest.fixture
def setting(app_context):
    return badge_world()


def test_eight_badges_per_a4_sheet_with_everything_printed(setting):
    course, people = setting["course"], setting["people"]
    document = badges_pdf(course, badge_selection(course))
    reader = PdfReader(BytesIO(document))
    assert len(reader.pages) == 2  # 9 participants, 8 a sheet
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    first, second = pages_text(document)
    for registration in people[:8]:
        assert registration.full_name in first
    assert "Drs. H. Syahrani Noor, M.Si." in first and "Hj. Siti Rahmah, S.Sos." in first
    assert "Hairul Anwar" in second and "Hairul Anwar" not in first
    assert first.count("Bimbingan Teknis Mitigasi dan Penanganan Konflik Sosial") == 8
    assert first.count("28 Oktober s.d. 1 November 2024") == 8
    assert "Kesbangpol Kutim" in first and "PPK" in first
    # The unit is printed unless it only repeats the institution ("PPK", "PPK").
    assert "Kesbangpol · Kecamatan Muara Wahau" in first and "PPK · " not in first
    assert "Nomor peserta" in first
    # Participant numbers: 1–8 on the first sheet, 9 on the second.
    assert " 9 " not in f" {first} " and " 9 " in f" {second} "
    assert "Yang Batal" not in first + second and "Peserta Sintang" not in first + second


def test_eight_link_slips_per_a4_sheet(setting):
    course, people = setting["course"], setting["people"]
    links = [f"https://bimtek.test/saya/{registration.number}" for registration in people]
    document = slips_pdf(course, people, links)
    first, second = pages_text(document)  # 9 participants, 8 a sheet
    assert all(registration.full_name in first for registration in people[:8])
    assert "Hairul Anwar" in second and "Hairul Anwar" not in first
    assert decoded_qr_codes(document, 0) == sorted(links[:8])


def test_qr_codes_decode_to_the_badge_codes(setting):
    course, people = setting["course"], setting["people"]
    document = badges_pdf(course, badge_selection(course))
    assert decoded_qr_codes(document, 0) == sorted(r.badge_code for r in people[:8])
    assert decoded_qr_codes(document, 1) == [people[8].badge_code]


def test_a_reissued_badge_prints_the_new_code_only(setting):
    course, people = setting["course"], setting["people"]
    old = people[0].badge_code
    new = services.reissue_badge(people[0])
    codes = decoded_qr_codes(badges_pdf(course, badge_selection(
        course, registration_ids=[people[0].id, people[1].id])))
    assert new in codes and old not in codes
    assert codes == sorted([new, people[1].badge_code])


def test_person_supplied_text_is_printed_not_interpreted(setting, fetched):
    course = setting["course"]
    (hostile,) = add_people(course, setting["ppk"], [("", HOSTILE_NAME, "", False)],
                            first_serial=30)
    document = badges_pdf(course, badge_selection(course, registration_ids=[hostile.id]))
    # A line may break after a slash, so compare without the whitespace.
    assert "".join(HOSTILE_NAME.split()) in "".join("".join(pages_text(document)).split())
    assert not any("passwd" in url for url in fetched)


def test_selection_all_one_institution_or_chosen(setting):
    course, people = setting["course"], setting["people"]
    numbers = [r.number for r in badge_selection(course)]
    assert numbers == [r.number for r in people] == sorted(numbers)
    assert [r.name for r in badge_selection(course, institution_id=setting["kesbangpol"])] \
        == [name for _front, name, _back, _woman in NAMES[:5]]
    chosen = badge_selection(course, registration_ids=[
        people[3].id, people[1].id, setting["cancelled"].id, setting["stranger"].id])
    assert [r.id for r in chosen] == [people[1].id, people[3].id]
    assert badge_selection(course, registration_ids=[]) == []


def test_waitlisted_participants_get_badges_too(setting):
    course = setting["course"]
    course.capacity = len(setting["people"])
    db.session.commit()
    (waiting,) = add_people(course, setting["ppk"], [("", "Masih Menunggu", "", False)],
                            first_serial=40)
    assert waiting.status.value == "waitlisted"
    assert waiting in badge_selection(course)
    assert "Masih Menunggu" in pages_text(badges_pdf(course, [waiting]))[0]


def test_nobody_to_print_is_refused(setting):
    course = setting["course"]
    with pytest.raises(ValidationError):
        badges_pdf(course, [])
    with pytest.raises(ValidationError):  # another course's participant is not printed
        badges_pdf(course, [setting["stranger"]])


def test_selection_and_rendering_take_the_same_queries_for_more_participants(setting):
    course = setting["course"]

    def queries() -> int:
        statements = []

        def count(_connection, _cursor, statement, *_args):
            statements.append(statement)

        db.session.expire_all()
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            badges_pdf(course, badge_selection(course))
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    few = queries()
    add_people(course, setting["ppk"], [("", f"Peserta Tambahan {n}", "", False)
                                        for n in range(12)], first_serial=50)
    assert queries() == few <= 2


def test_badges_carry_full_qr_codes_never_micro_qr(setting):
    """A ten-character code fits a Micro QR, which phone cameras and the desk's reader
    cannot read."""
    document = badges_pdf(setting["course"], badge_selection(setting["course"]))
    image = pypdfium2.PdfDocument(document)[0].render(scale=200 / 72).to_pil()
    assert {barcode.format for barcode in zxingcpp.read_barcodes(image)} == \
        {zxingcpp.BarcodeFormat.QRCode}
