"""The operator's certificate commands: issue-certificates and revoke-certificate."""
import hashlib
import io

import pytest
from pypdf import PdfReader

from bimtek.certificates import demo_keys, services, signatories
from bimtek.certificates.bundles import zip_of
from bimtek.certificates.settings import settings_for
from bimtek.certificates.storage import certificate_path, zip_path
from bimtek.courses.services import find_course
from bimtek.extensions import db
from tests.certificates.factories import finished_course

CODE = "BIMTEK-PKS-2024"
PASSPHRASE = "rahasia-ttd-2024"


@pytest.fixture
def course_code(app):
    with app.app_context():
        course = finished_course(4, code=CODE)
        settings_for(course).number_pattern = "{seq:03}/BIMTEK/{month_roman}/{year}"
        db.session.commit()
        return course.code


def test_issue_certificates_writes_one_pdf_per_certificate(app, course_code, tmp_path):
    out = tmp_path / "out"
    result = app.test_cli_runner().invoke(args=["issue-certificates", course_code.lower(),
                                                "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Membuat PDF sertifikat" in result.output  # the progress bar's label
    assert "3 sertifikat diterbitkan" in result.output and CODE in result.output
    assert str(out) in result.output
    assert sorted(path.name for path in out.iterdir()) == [
        "001-BIMTEK-XI-2024.pdf", "002-BIMTEK-XI-2024.pdf", "003-BIMTEK-XI-2024.pdf"]
    with app.app_context():
        for certificate in services.valid_certificates(find_course(CODE)):
            copied = (out / certificate_path(certificate).name).read_bytes()
            assert hashlib.sha256(copied).hexdigest() == certificate.pdf_sha256

    again = app.test_cli_runner().invoke(args=["issue-certificates", course_code])
    assert again.exit_code == 0, again.output
    assert "(0 " in again.output  # nothing changed, nothing rendered


def test_issue_certificates_for_an_unknown_course_fails(app):
    result = app.test_cli_runner().invoke(args=["issue-certificates", "NOPE-2024"])
    assert result.exit_code == 2 and "NOPE-2024" in result.output


def test_issue_certificates_with_a_broken_number_pattern_fails_and_issues_nothing(
        app, course_code):
    with app.app_context():
        settings_for(find_course(CODE)).number_pattern = "{nomor}"
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["issue-certificates", course_code])
    assert result.exit_code == 1 and "{nomor}" in result.output
    with app.app_context():
        assert services.valid_certificates(find_course(CODE)) == []


def test_revoke_certificate(app, course_code):
    runner = app.test_cli_runner()
    runner.invoke(args=["issue-certificates", course_code])
    result = runner.invoke(args=["revoke-certificate", "002/BIMTEK/XI/2024", "--reason",
                                 "Data peserta keliru"])
    assert result.exit_code == 0, result.output
    assert "002/BIMTEK/XI/2024" in result.output
    with app.app_context():
        certificate = services.find_by_number("002/BIMTEK/XI/2024")
        assert not certificate.is_valid and certificate.revoked_reason == "Data peserta keliru"
        course = find_course(CODE)
        # The printing PDF and the ZIP drop it at once.
        assert zip_of(services.valid_certificates(course)) == \
            zip_path(course).read_bytes()

    again = runner.invoke(args=["revoke-certificate", "002/BIMTEK/XI/2024", "--reason", "x"])
    assert again.exit_code == 2 and "NUMBER" in again.output


@pytest.mark.parametrize(("args", "named"), [
    (["revoke-certificate", "999/BIMTEK/XI/2024", "--reason", "x"], "999/BIMTEK/XI/2024"),
    (["revoke-certificate", "001/BIMTEK/XI/2024"], "--reason"),
    (["revoke-certificate", "001/BIMTEK/XI/2024", "--reason", "  "], "--reason"),
])
def test_revoke_certificate_refuses_bad_input(app, course_code, args, named):
    app.test_cli_runner().invoke(args=["issue-certificates", course_code])
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code != 0 and named in result.output
    with app.app_context():
        assert services.find_by_number("001/BIMTEK/XI/2024").is_valid


def _signed_by_a_registered_signatory(app) -> str:
    """The course signed by a signatory whose key opens with PASSPHRASE; returns the
    signatory's passphrase variable."""
    with app.app_context():
        course = find_course(CODE)
        signatory = signatories.register(
            name="Dr. H. Muhammad Yusuf, M.Si.", nip="", position="Kepala Kesbangpol",
            institution_id=course.host_institution_id, passphrase=PASSPHRASE,
            key_data=demo_keys.signatory_pkcs12("Muhammad Yusuf", PASSPHRASE))
        settings_for(course).signatory = signatory
        db.session.commit()
        return signatory.passphrase_variable


def test_issue_certificates_signs_with_the_passphrase_it_asks_for(app, course_code):
    _signed_by_a_registered_signatory(app)
    wrong = app.test_cli_runner().invoke(args=["issue-certificates", course_code],
                                         input="salah\n")
    assert wrong.exit_code != 0
    assert "Frasa sandi tidak membuka berkas kunci (PKCS#12)" in wrong.output
    with app.app_context():
        assert services.valid_certificates(find_course(CODE)) == []
    result = app.test_cli_runner().invoke(args=["issue-certificates", course_code],
                                          input=f"{PASSPHRASE}\n")
    assert result.exit_code == 0, result.output
    assert PASSPHRASE not in result.output  # typed unseen
    with app.app_context():
        certificate = services.valid_certificates(find_course(CODE))[0]
        data = certificate_path(certificate).read_bytes()
        assert PdfReader(io.BytesIO(data)).get_fields()["TandaTanganElektronik"]["/V"]


def test_issue_certificates_takes_the_passphrase_from_the_environment(app, course_code,
                                                                      monkeypatch):
    monkeypatch.setenv(_signed_by_a_registered_signatory(app), PASSPHRASE)
    result = app.test_cli_runner().invoke(args=["issue-certificates", course_code])
    assert result.exit_code == 0, result.output
    assert "Frasa sandi" not in result.output  # nothing asked
