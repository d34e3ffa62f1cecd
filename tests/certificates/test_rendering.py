"""Certificate PDFs read back: the texts with pypdf, the QR code rasterised and decoded as a
phone would, the PDF/A metadata, the embedded fonts, and person-supplied text printed
rather than interpreted."""
import re
from io import BytesIO

import pypdfium2
import pytest
from flask import current_app
from pypdf import PdfReader

from bimtek.certificates import rendering, services
from bimtek.certificates.eligibility import eligibility
from bimtek.certificates.settings import settings_for
from bimtek.certificates.storage import certificate_path, logo_root
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.registration.models import RegistrationStatus
from bimtek.urls import public_url
from tests.certificates.factories import MATERIAL_JP, SIGNATORY_NIP, finished_course
from tests.support.documents import decoded_qr_codes, pages_text
from tests.support.hostile_files import HOSTILE_NAME

PATTERN = "{seq:03}/BIMTEK-PKS/{month_roman}/{year}"


def squeezed(value: str) -> str:
    """Without any whitespace: lines break where the layout says."""
    return "".join(value.split())


@pytest.fixture
def issued(app_context):
    """A finished course whose two eligible participants have rendered certificates."""
    course = finished_course(3)
    settings_for(course).number_pattern = PATTERN
    certificates = services.assign_certificates(course)
    rendering.render_course(course)
    return course, certificates


def test_front_and_back_say_everything(issued):
    course, (first, second) = issued
    document = certificate_path(first).read_bytes()
    reader = PdfReader(BytesIO(document))
    assert len(reader.pages) == 2
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape
    front, back = pages_text(document)
    for expected in ("PEMERINTAH KABUPATEN KUTAI TIMUR", "Nomor: 001/BIMTEK-PKS/XI/2024",
                     "diberikan kepada", "Drs. H. Syahrani Noor, M.Si.",
                     "NIP. 198610282015051001", "Kepala Bidang Politik Dalam Negeri",
                     "Badan Kesatuan Bangsa dan Politik", "Samarinda, 1 November 2024",
                     "Kepala Badan Kesatuan Bangsa dan Politik", "Dr. H. Muhammad Yusuf, M.Si.",
                     f"NIP. {SIGNATORY_NIP}", first.verification_code):
        assert squeezed(expected) in squeezed(front), expected
    assert squeezed(
        "telah mengikuti Bimtek Mitigasi dan Penanganan Konflik Sosial pada Penyelenggaraan "
        "Pilkada 2024 yang diselenggarakan pada tanggal 28 Oktober s.d. 1 November 2024 di "
        f"Hotel Harris Samarinda dengan jumlah {MATERIAL_JP} Jam Pelajaran (JP).") \
        in squeezed(front)
    assert "SERTIFIKAT" in squeezed(front)  # letter-spaced
    # The back: materials in agenda order, who taught them (moderators are not listed).
    rows = [("1", "Kebijakan Nasional Penanganan Konflik Sosial", "Dr. Budi Hartono, M.Si. (Han)",
             "3"),
            ("2", "Deteksi Dini Potensi Konflik Pilkada", "Agus Salim, S.H., M.H.", "4"),
            ("3", "Pengamanan Tahapan Pilkada",
             "AKBP Chandra Wijaya, S.I.K. Siti Aminah, S.Pd.", "4"),
            ("4", "Simulasi Penanganan Konflik", "Rudi Hermawan, S.Sos.", "4")]
    assert "DAFTAR MATERI" in back and "No Materi Narasumber JP" in back
    for row in rows:
        assert squeezed(" ".join(row)) in squeezed(back), row
    assert f"Jumlah {MATERIAL_JP}" in back and "1 JP = 45 menit" in back
    assert back.count("Rudi Hermawan") == 1  # as the simulation's facilitator only
    # The back is the course's, the same on every certificate.
    assert pages_text(certificate_path(second).read_bytes())[1] == back


def test_nip_line_only_for_participants_with_one(issued):
    course, (first, second) = issued
    second.registration.nip = None
    db.session.commit()
    rendering.render_course(course)
    front = pages_text(certificate_path(second).read_bytes())[0]
    assert front.count("NIP.") == 1 and f"NIP. {SIGNATORY_NIP}" in front
    assert "Peserta 2, S.Sos." in front


def test_qr_code_decodes_to_the_public_verification_page(issued):
    _course, (first, _second) = issued
    url = f"{current_app.config['PUBLIC_BASE_URL']}/verify/{first.verification_code}"
    with current_app.test_request_context():
        assert url == public_url("certificates.verify", code=first.verification_code)
    assert decoded_qr_codes(certificate_path(first).read_bytes(), 0) == [url]


def test_pdf_a_3b_with_the_vendored_fonts_embedded(issued):
    _course, (first, _second) = issued
    reader = PdfReader(certificate_path(first))
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfaid:part="?3', metadata) and \
        re.search(r'pdfaid:conformance="?B', metadata)
    assert "/OutputIntents" in reader.trailer["/Root"]
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        names = {fonts[name].get_object()["/BaseFont"] for name in fonts}
        assert names and all("Noto-Serif" in name for name in names), names
        for name in fonts:
            descendant = fonts[name].get_object()["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_statement_and_heading_come_from_the_settings_with_text_escaped(issued, fetched):
    course, (first, _second) = issued
    settings = settings_for(course)
    settings.heading = "PEMERINTAH KABUPATEN KUTAI TIMUR\nBADAN KESBANGPOL <b>"
    settings.statement = ('Atas partisipasi <img src="file:///etc/passwd"> dalam {course} '
                          "({dates}, {place}, {jp} JP) {unknown}")
    course.venue = 'Aula <script>"Kantor"</script>'
    db.session.commit()
    front = pages_text(rendering.preview_pdf(course))[0]
    assert squeezed("BADAN KESBANGPOL <b>") in squeezed(front)
    assert squeezed(f'Atas partisipasi <img src="file:///etc/passwd"> dalam {course.title} '
                    '(28 Oktober s.d. 1 November 2024, Aula <script>"Kantor"</script>, '
                    f"Samarinda, {MATERIAL_JP} JP) {{unknown}}") in squeezed(front)
    assert not any("passwd" in url for url in fetched)


def test_a_hostile_name_is_printed_not_fetched(issued, fetched):
    course, (first, _second) = issued
    first.registration.name = HOSTILE_NAME
    first.registration.position = "<style>*{display:none}</style>"
    db.session.commit()
    assert rendering.render_course(course).rendered == 1  # one chunk: in this process
    document = certificate_path(first).read_bytes()
    text = squeezed("".join(pages_text(document)))
    assert squeezed(f"Drs. H. {HOSTILE_NAME}, M.Si.") in text
    assert squeezed("<style>*{display:none}</style>") in text
    assert fetched and all(url.startswith(("https://bimtek.invalid/static/css/pdf/",
                                           "https://bimtek.invalid/static/fonts/"))
                           for url in fetched)


def test_uploaded_logos_are_drawn_and_a_missing_one_skipped(issued, fetched):
    course, _certificates = issued
    folder = logo_root(course) / str(course.id)
    folder.mkdir(parents=True)
    (folder / "kutim.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
        '<rect width="10" height="10" fill="#1f3b63"/></svg>')
    settings = settings_for(course)
    settings.logo, settings.partner_logo = "kutim.svg", "gone.png"
    db.session.commit()
    document = rendering.preview_pdf(course)
    assert {f"https://bimtek.invalid/logos/{course.id}/kutim.svg",
            f"https://bimtek.invalid/logos/{course.id}/gone.png"} <= set(fetched)
    image = pypdfium2.PdfDocument(document)[0].render(scale=1).to_pil().convert("RGB")
    assert (0x1F, 0x3B, 0x63) in {colour for _count, colour in image.getcolors(1 << 16)}


def test_preview_uses_the_first_eligible_participant(issued):
    course, _certificates = issued
    sample = rendering.sample_certificate(course)
    assert sample.id is None and sample not in db.session
    assert (sample.number, sample.verification_code) == ("001/BIMTEK-PKS/XI/2024",
                                                         rendering.SAMPLE_CODE)
    assert sample.registration.full_name == "Drs. H. Syahrani Noor, M.Si."
    front, back = pages_text(rendering.preview_pdf(course))
    assert "Drs. H. Syahrani Noor, M.Si." in front and rendering.SAMPLE_CODE in front
    assert f"Jumlah {MATERIAL_JP}" in back


def test_preview_without_participants_uses_a_made_up_one(app_context):
    course = finished_course(1)
    eligibility(course)[0].registration.status = RegistrationStatus.CANCELLED
    db.session.commit()
    front = pages_text(rendering.preview_pdf(course))[0]
    assert "Nama Peserta, S.Sos." in front and "Instansi Peserta" in front
    assert not db.session.new


def test_preview_refuses_an_unusable_number_pattern(app_context):
    course = finished_course(2)
    settings_for(course).number_pattern = "{nomor}/BIMTEK"
    with pytest.raises(ValidationError) as error:
        rendering.preview_pdf(course)
    assert error.value.field == "number_pattern"


def test_certificate_html_is_one_document_of_all_pages(issued):
    _course, certificates = issued
    html = rendering.certificate_html(certificates)
    assert html.count("<html") == 1 and html.count('class="front"') == 2
    assert html.count('class="back"') == 2
    with pytest.raises(ValidationError):
        rendering.certificate_html([])


@pytest.mark.parametrize(("number", "name"), [
    ("001/BIMTEK-PKS/XI/2024", "001-BIMTEK-PKS-XI-2024.pdf"),
    ("800/123/BKPSDM/2024", "800-123-BKPSDM-2024.pdf"),
    ("../../etc/passwd", "etc-passwd.pdf"),
    ("KSP 7 : ÷ 2024", "KSP-7-2024.pdf"),
])
def test_file_names_are_safe(issued, number, name):
    _course, (first, second) = issued
    first.number = number
    path = certificate_path(first)
    assert path.name == name and path.parent == certificate_path(second).parent
