"""Electronic signatures (PAdES) on certificates: signed in the batch, checked with
pyHanko's own validator against the test authority, B-T with a timestamp server on
loopback, and a batch that stops before numbering when the key cannot sign."""
from __future__ import annotations

import hashlib
import io
import re
import threading
import warnings
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from pypdf import PdfReader, PdfWriter
from sqlalchemy import func, select

from bimtek.certificates import demo_keys, signatories, tasks
from bimtek.certificates.models import Certificate, CertificateBatch
from bimtek.certificates.storage import certificate_path
from bimtek.courses import services as course_services
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.jobs import BatchStatus
from tests.certificates.people import CODE, ORGANISER, course_and_people
from tests.support.verification import result, upload
from tests.support.web import login, post

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # pyHanko imports cryptography's deprecated DSA
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.timestamps import DummyTimeStamper
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

PASSPHRASE = "rahasia-ttd-2024"
SIGNER = "Dr. H. Muhammad Yusuf, M.Si."


@pytest.fixture
def authority():
    return demo_keys.new_authority("CA Uji Bimtek")


def _asn1(certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))


def register(authority, data: bytes | None = None, **fields) -> int:
    """A signatory of the course's host, registered with a key of `authority`; the course
    signed by them. Call in an app context."""
    course = course_services.find_course(CODE)
    signatory = signatories.register(
        name=SIGNER, nip="197206012005011008", position="Kepala Badan Kesbangpol",
        institution_id=course.host_institution_id, passphrase=PASSPHRASE,
        key_data=data or demo_keys.signatory_pkcs12(SIGNER, PASSPHRASE, authority),
        **fields)
    from bimtek.certificates.settings import settings_for
    settings_for(course).signatory = signatory
    db.session.commit()
    return signatory.id


def first_pdf() -> tuple[Certificate, bytes]:
    certificate = db.session.scalar(select(Certificate).order_by(Certificate.seq))
    return certificate, certificate_path(certificate).read_bytes()


def pyhanko_status(data: bytes, authority):
    """pyHanko's own verdict on the file's signature, trusting only `authority`."""
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    context = ValidationContext(trust_roots=[_asn1(authority.certificate)],
                                allow_fetching=False, revocation_mode="soft-fail")
    return validate_pdf_signature(signature, context)


def nothing_numbered() -> bool:
    return (db.session.scalar(select(func.count()).select_from(Certificate)) == 0
            and db.session.scalar(select(func.count()).select_from(CertificateBatch)) == 0)


@pytest.fixture
def course(app, make_user, authority):
    with app.app_context():
        course_and_people(make_user)
        register(authority)


def issue(app, passphrase: str | None = PASSPHRASE) -> None:
    with app.app_context():
        batch = tasks.start_batch(course_services.find_course(CODE), passphrase=passphrase)
        assert batch.status == BatchStatus.DONE, batch.error


def test_each_certificate_is_signed_pades_by_the_signatory_and_intact(app, course, authority):
    issue(app)
    with app.app_context():
        certificate, data = first_pdf()
        status = pyhanko_status(data, authority)
        assert status.bottom_line and status.intact and status.valid and status.trusted
        assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        assert SIGNER in status.signing_cert.subject.native["common_name"]
        assert status.timestamp_validity is None  # B-B: no timestamp server configured
        # PAdES: the ETSI sub-filter, and the stamp is a visible widget on the front page.
        reader = PdfReader(io.BytesIO(data))
        field = reader.get_fields()["TandaTanganElektronik"]
        assert field["/V"]["/SubFilter"] == "/ETSI.CAdES.detached"
        widget = next(annotation.get_object() for annotation in reader.pages[0]["/Annots"]
                      if annotation.get_object().get("/FT") == "/Sig")
        left, bottom, right, top = map(float, widget["/Rect"])
        assert right - left > 100 and top - bottom > 30 and "/AP" in widget
        # The stamp's text as drawn: PDF strings escape punctuation as octal codes.
        appearance = re.sub(rb"\\(\d{3})", lambda code: bytes([int(code[1], 8)]),
                            widget["/AP"]["/N"].get_data())
        assert b"Ditandatangani secara elektronik oleh" in appearance
        assert SIGNER.encode() in appearance and b"197206012005011008" in appearance
        # What /verify compares uploads with is the signed file.
        assert certificate.pdf_sha256 == hashlib.sha256(data).hexdigest()


class _TimestampServer(BaseHTTPRequestHandler):
    stamper: DummyTimeStamper

    def do_POST(self):  # noqa: N802 - the name http.server calls
        request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
        answer = self.stamper.request_tsa_response(request).dump()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *_args):
        pass


@pytest.fixture
def timestamp_server(authority):
    """An RFC 3161 timestamp server on loopback, its certificate from `authority`."""
    # pyHanko's test timestamper signs with RSA only.
    key, certificate = authority.issue("TSA Uji Bimtek", rsa.generate_private_key(65537, 2048),
                                       usage="timestamping")
    handler = type("Handler", (_TimestampServer,), {"stamper": DummyTimeStamper(
        tsa_cert=_asn1(certificate), tsa_key=keys.PrivateKeyInfo.load(key.private_bytes(
            Encoding.DER, PrivateFormat.PKCS8, NoEncryption())),
        certs_to_embed=[_asn1(authority.certificate)])})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


def test_with_a_timestamp_server_the_signature_is_pades_b_t(app, course, authority,
                                                             timestamp_server, monkeypatch):
    monkeypatch.setitem(app.config, "TSA_URL", timestamp_server)
    before = datetime.now(UTC)
    issue(app)
    with app.app_context():
        _certificate, data = first_pdf()
        status = pyhanko_status(data, authority)
        assert status.bottom_line
        stamp = status.timestamp_validity
        assert stamp is not None and stamp.intact and stamp.valid and stamp.trusted
        assert before - timedelta(minutes=1) <= stamp.timestamp <= datetime.now(UTC)
        assert "TSA Uji Bimtek" in stamp.signing_cert.subject.native["common_name"]


def test_a_wrong_passphrase_stops_the_batch_before_anything_is_numbered(app, course):
    with pytest.raises(ValidationError) as refused:
        issue(app, passphrase="salah")
    assert "Frasa sandi tidak membuka berkas kunci (PKCS#12)" in refused.value.message
    assert SIGNER in refused.value.message
    with app.app_context():
        assert nothing_numbered()


def test_without_a_passphrase_the_batch_asks_for_it(app, course):
    with pytest.raises(ValidationError) as refused:
        issue(app, passphrase=None)
    assert refused.value.field == "passphrase"
    with app.app_context():
        assert nothing_numbered()


def test_the_passphrase_may_come_from_the_signatory_s_environment_variable(
        app, course, authority, monkeypatch):
    with app.app_context():
        variable = db.session.scalar(select(signatories.Signatory)).passphrase_variable
    monkeypatch.setenv(variable, PASSPHRASE)
    issue(app, passphrase=None)
    with app.app_context():
        assert pyhanko_status(first_pdf()[1], authority).bottom_line


def _replace_key(app, data: bytes) -> None:
    """The registered file now holds `data`: what a key whose certificate has since
    expired (or a file swapped on the server) looks like to the next batch."""
    with app.app_context():
        signatory = db.session.scalar(select(signatories.Signatory))
        signatories.key_path(signatory).write_bytes(data)


@pytest.mark.parametrize(("validity", "reason"), [
    ({"not_before": datetime.now(UTC) - timedelta(days=400), "days": 30},
     "Sertifikat penanda tangan %s kedaluwarsa pada"),
    ({"not_before": datetime.now(UTC) + timedelta(days=30)},
     "Sertifikat penanda tangan %s baru berlaku mulai"),
])
def test_a_signing_certificate_out_of_its_validity_stops_the_batch(app, course, authority,
                                                                   validity, reason):
    _replace_key(app, demo_keys.signatory_pkcs12(SIGNER, PASSPHRASE, authority, **validity))
    with pytest.raises(ValidationError) as refused:
        issue(app)
    assert reason % SIGNER in refused.value.message
    with app.app_context():
        assert nothing_numbered()


def mismatched_pkcs12(authority) -> bytes:
    """A certificate with a key that is not the one it was issued for."""
    _key, certificate = authority.issue(SIGNER)
    other_key, _other = authority.issue("Orang Lain")
    return demo_keys.pkcs12_file(authority, other_key, certificate, PASSPHRASE,
                                 cert_apart=True)


def test_a_key_not_matching_its_certificate_stops_the_batch(app, course, authority):
    _replace_key(app, mismatched_pkcs12(authority))
    with pytest.raises(ValidationError) as refused:
        issue(app)
    assert f"Kunci dalam berkas {SIGNER} bukan pasangan sertifikatnya" in \
        refused.value.message
    with app.app_context():
        assert nothing_numbered()


def test_the_issue_button_shows_the_reason_and_numbers_nothing(app, client, course):
    login(client, ORGANISER)
    page = client.get(f"/courses/{CODE}/certificates").get_data(as_text=True)
    assert 'name="passphrase"' in page and 'type="password"' in page
    response = post(client, f"/courses/{CODE}/certificates/issue",
                    {"passphrase": "salah"}, follow_redirects=True)
    assert "Frasa sandi tidak membuka berkas kunci (PKCS#12)" in response.get_data(
        as_text=True)
    with app.app_context():
        assert nothing_numbered()
    response = post(client, f"/courses/{CODE}/certificates/issue",
                    {"passphrase": PASSPHRASE}, follow_redirects=True)
    with app.app_context():
        assert db.session.scalar(select(CertificateBatch)).status == BatchStatus.DONE


def test_a_typed_passphrase_travels_to_the_task_consumer_sealed(app, course, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks, "run_batch", lambda batch_id, sealed: queued.append(sealed))
    with app.app_context():
        tasks.start_batch(course_services.find_course(CODE), passphrase=PASSPHRASE)
        [sealed] = queued
        assert PASSPHRASE not in sealed and PASSPHRASE.encode() not in sealed.encode()
        assert signatories.unseal(sealed) == PASSPHRASE
        monkeypatch.setitem(app.config, "SECRET_KEY", "another server's key")
        with pytest.raises(ValidationError):
            signatories.unseal(sealed)


# --- checking the signed file by upload -------------------------------------------------

def test_the_signed_original_uploaded_is_exact_and_its_signature_intact(app, client, course):
    issue(app)
    with app.app_context():
        _certificate, data = first_pdf()
    response = upload(client, data)
    html = response.get_data(as_text=True)
    assert result(response) == "exact"
    assert 'data-signature="intact"' in html
    assert f"Tanda tangan elektroniknya utuh: ditandatangani oleh {SIGNER}" in html


@pytest.mark.parametrize("change", ["rewritten", "appended"])
def test_an_altered_signed_copy_is_altered_with_its_signature_broken(app, client, course,
                                                                     change):
    issue(app)
    with app.app_context():
        _certificate, data = first_pdf()
    if change == "rewritten":
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        writer.add_metadata({"/Title": "Sertifikat (disunting)"})
        output = io.BytesIO()
        writer.write(output)
        altered = output.getvalue()
    else:  # an incremental update after the signature, as editors save
        writer = IncrementalPdfFileWriter(io.BytesIO(data))
        writer.root["/Lang"] = generic.TextStringObject("en")
        writer.update_root()
        output = io.BytesIO()
        writer.write(output)
        altered = output.getvalue()
    response = upload(client, altered)
    html = response.get_data(as_text=True)
    assert result(response) == "altered"
    assert 'data-signature="broken"' in html


def test_a_damaged_signature_is_called_broken_never_an_error(app, client, course):
    issue(app)
    with app.app_context():
        _certificate, data = first_pdf()
    start = data.index(b"/Contents <") + len(b"/Contents <")
    damaged = data[:start] + b"00" * 64 + data[start + 128:]  # the CMS's first bytes
    response = upload(client, damaged)
    assert response.status_code == 200 and result(response) == "altered"
    assert 'data-signature="broken"' in response.get_data(as_text=True)


def test_a_signature_by_an_unregistered_authority_is_not_vouched_for(app, client, course):
    issue(app)
    with app.app_context():
        _certificate, data = first_pdf()
        db.session.execute(db.update(signatories.Signatory).values(
            certificate_pem=demo_keys.new_authority("CA Lain").pem, chain_pem=""))
        db.session.commit()
    response = upload(client, data)
    assert 'data-signature="broken"' in response.get_data(as_text=True)
