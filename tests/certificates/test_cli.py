"""The operator's certificate commands: issue-certificates and revoke-certificate."""
import hashlib

import pytest

from bimtek.certificates import rendering, services
from bimtek.courses.services import find_course
from bimtek.extensions import db
from tests.certificates.factories import finished_course

CODE = "BIMTEK-PKS-2024"


@pytest.fixture
def course_code(app):
    with app.app_context():
        course = finished_course(4, code=CODE)
        services.settings_for(course).number_pattern = "{seq:03}/BIMTEK/{month_roman}/{year}"
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
            copied = (out / rendering.certificate_path(certificate).name).read_bytes()
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
        services.settings_for(find_course(CODE)).number_pattern = "{nomor}"
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
        assert rendering.zip_of(services.valid_certificates(course)) == \
            rendering.zip_path(course).read_bytes()

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
