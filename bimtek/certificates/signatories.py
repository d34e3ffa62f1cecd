"""Signatories: who signs certificates electronically, with which key, and how a batch gets
the key's passphrase without it being stored anywhere.

The passphrase comes from the environment variable named after the signatory
(BIMTEK_SIGNATORY_PASSPHRASE_<id>) or is typed by the organiser when issuing. A typed one
travels to the task consumer inside the queued task, sealed with a key derived from the
app's SECRET_KEY, and is refused an hour later: the queue's storage never holds it in
clear, and the consumer deletes the task once it has run."""
from __future__ import annotations

import base64
import os
import re
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from bimtek import audit
from bimtek.auth.models import User
from bimtek.auth.services import may_issue_for
from bimtek.certificates import demo_keys, signing, storage
from bimtek.certificates.models import CertificateSettings, Signatory
from bimtek.courses.models import Course
from bimtek.errors import ValidationError, check_length
from bimtek.extensions import db
from bimtek.institutions.models import Institution
from bimtek.unit_of_work import flush_changes

MAX_KEY_FILE_BYTES = 64 * 1024  # a PKCS#12 file with its chain is a few kilobytes
SEALED_PASSPHRASE_SECONDS = 3600


def key_folder() -> Path:
    return storage.files_root() / "signatories"


def key_path(signatory: Signatory) -> Path:
    return key_folder() / signatory.key_file


def _problem_message(problem: signing.KeyProblem, name: str) -> str:
    if problem.reason == "passphrase":
        return _("The passphrase does not open the key file (PKCS#12) of %(name)s, or the "
                 "file is damaged.", name=name)
    if problem.reason == "incomplete":
        return _("The key file (PKCS#12) of %(name)s holds no key or no certificate.",
                 name=name)
    if problem.reason == "mismatch":
        return _("The key in the file of %(name)s does not belong to its certificate.",
                 name=name)
    if problem.reason == "not_yet_valid":
        return _("The signing certificate of %(name)s is valid only from %(date)s.",
                 name=name, date=format_date(problem.details["since"], "d MMMM y"))
    return _("The signing certificate of %(name)s expired on %(date)s.", name=name,
             date=format_date(problem.details["until"], "d MMMM y"))


def _write_key_file(data: bytes) -> str:
    """Stores the PKCS#12 file readable and writable by the app's user only."""
    folder = key_folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(12)}.p12"
    descriptor = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    return name


def register(*, name: str, nip: str, position: str, institution_id: int | None,
             key_data: bytes, passphrase: str, by=None, is_demo: bool = False) -> Signatory:
    """A new signatory, when the passphrase opens the PKCS#12 file, its key matches its
    certificate and the certificate is valid today. The passphrase is used for that
    check only."""
    name, position = " ".join(name.split()), " ".join(position.split())
    if not name:
        raise ValidationError(_("Write the signatory's name with titles."), field="name")
    check_length(name, Signatory.name, "name")
    nip = "".join(nip.split())
    if nip and not re.fullmatch(r"\d{18}", nip):
        raise ValidationError(_("A NIP has 18 digits."), field="nip")
    if not position:
        raise ValidationError(_("Write the signatory's position."), field="position")
    check_length(position, Signatory.position, "position")
    if institution_id is None or db.session.get(Institution, institution_id) is None:
        raise ValidationError(_("Choose the signatory's institution."), field="institution_id")
    if not key_data:
        raise ValidationError(_("Choose the signatory's PKCS#12 file (.p12 or .pfx)."),
                              field="key_file")
    if len(key_data) > MAX_KEY_FILE_BYTES:
        raise ValidationError(_("The key file is larger than %(size)d KB; a PKCS#12 file is "
                                "a few kilobytes.", size=MAX_KEY_FILE_BYTES // 1024),
                              field="key_file")
    try:
        info = signing.read_key(key_data, passphrase.encode())
    except signing.KeyProblem as problem:
        raise ValidationError(_problem_message(problem, name),
                              field="passphrase" if problem.reason == "passphrase"
                              else "key_file") from problem
    signatory = Signatory(
        name=name, nip=nip, position=position, institution_id=institution_id,
        key_file=_write_key_file(key_data), certificate_pem=info.certificate_pem,
        chain_pem=info.chain_pem, certificate_sha256=info.sha256,
        subject=check_length(info.subject[:500], Signatory.subject, "key_file"),
        not_before=info.not_before, not_after=info.not_after, is_demo=is_demo,
        created_by_id=getattr(by, "id", None))
    db.session.add(signatory)
    db.session.flush()
    audit.record("signatory.registered", signatory, actor=by, name=name,
                 certificate=info.sha256)
    flush_changes()
    return signatory


def deactivate(signatory: Signatory, *, by=None) -> None:
    """No longer offered for courses nor used to sign; what it signed still verifies."""
    signatory.active = False
    audit.record("signatory.deactivated", signatory, actor=by, name=signatory.name)
    flush_changes()


def all_signatories() -> list[Signatory]:
    return list(db.session.scalars(select(Signatory).order_by(
        Signatory.active.desc(), Signatory.name)))


def choosable(user: User | None) -> list[Signatory]:
    """The active signatories of the institutions `user` may issue certificates for."""
    return [signatory for signatory in db.session.scalars(
        select(Signatory).where(Signatory.active).order_by(Signatory.name))
        if user is None or may_issue_for(user, signatory.institution_id)]


def check_choice(signatory_id: int | None, user: User | None,
                 current: Signatory | None) -> Signatory | None:
    """The signatory chosen for a course: one of `choosable(user)`, or the one it had."""
    if signatory_id is None:
        return None
    if current is not None and current.id == signatory_id:
        return current
    chosen = next((s for s in choosable(user) if s.id == signatory_id), None)
    if chosen is None:
        raise ValidationError(_("Choose a signatory of an institution you issue "
                                "certificates for."), field="signatory_id")
    return chosen


# --- the passphrase at issue time --------------------------------------------------------

def stored_passphrase(signatory: Signatory) -> str | None:
    """The passphrase the server holds for the signatory, if any: its environment
    variable, or for the demo's signatory the demo setting."""
    value = os.environ.get(signatory.passphrase_variable)
    if value is None and signatory.is_demo:
        value = current_app.config["DEMO_SIGNATORY_PASSPHRASE"]
    return value


def course_signatory(course: Course) -> Signatory | None:
    """Who signs the course's certificates (read only: settings are not created here)."""
    settings = db.session.get(CertificateSettings, course.id)
    return settings.signatory if settings is not None else None


def needs_typed_passphrase(course: Course) -> bool:
    signatory = course_signatory(course)
    return signatory is not None and stored_passphrase(signatory) is None


def signing_key(course: Course, *, by: User | None = None, passphrase: str | None = None
                ) -> signing.SigningKey | None:
    """The key the course's certificates are signed with, checked: the passphrase opens
    it, the key matches its certificate and the certificate is valid now. None when the
    course has no signatory."""
    signatory = course_signatory(course)
    if signatory is None:
        return None
    if not signatory.active:
        raise ValidationError(_("The signatory %(name)s has been deactivated: choose "
                                "another in the certificate settings.", name=signatory.name),
                              field="signatory_id")
    if by is not None and not may_issue_for(by, signatory.institution_id):
        raise ValidationError(_("You may not issue certificates signed by %(name)s of "
                                "%(institution)s.", name=signatory.name,
                                institution=signatory.institution.name),
                              field="signatory_id")
    passphrase = passphrase or stored_passphrase(signatory)
    if not passphrase:
        raise ValidationError(_("Type the passphrase of the key of %(name)s to sign the "
                                "certificates.", name=signatory.name), field="passphrase")
    path = key_path(signatory)
    if not path.is_file():
        raise ValidationError(_("The key file of %(name)s is missing from the server: "
                                "register the signatory again.", name=signatory.name),
                              field="signatory_id")
    data = path.read_bytes()
    try:
        signing.read_key(data, passphrase.encode())
    except signing.KeyProblem as problem:
        raise ValidationError(_problem_message(problem, signatory.name),
                              field="passphrase") from problem
    identity = " · ".join(filter(None, (f"NIP. {signatory.nip}" if signatory.nip else "",
                                        demo_keys.DEMO_LABEL if signatory.is_demo else "")))
    details = "\n".join(filter(None, (signatory.position, identity)))
    return signing.SigningKey(pkcs12=data, passphrase=passphrase.encode(),
                              signer_name=signatory.name, details=details,
                              tsa_url=current_app.config["TSA_URL"])


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"bimtek signatory passphrase").derive(
        current_app.config["SECRET_KEY"].encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(passphrase: str | None) -> str | None:
    """A typed passphrase as it may sit in the task queue: encrypted, for an hour."""
    return _fernet().encrypt(passphrase.encode()).decode() if passphrase else None


def unseal(sealed: str | None) -> str | None:
    if not sealed:
        return None
    try:
        return _fernet().decrypt(sealed.encode(), ttl=SEALED_PASSPHRASE_SECONDS).decode()
    except InvalidToken as error:
        raise ValidationError(_("The typed passphrase has expired before the batch ran: "
                                "issue again.")) from error


# --- verification ------------------------------------------------------------------------

def trust() -> tuple[list[str], list[str]]:
    """The certificates signatures are checked against: each registered chain's top (the
    authority the app trusts for it) and the certificates between it and the signer."""
    from asn1crypto import pem, x509

    roots, others = [], []
    for signatory in db.session.scalars(select(Signatory)):
        chain = [x509.Certificate.load(der) for _type, _headers, der in pem.unarmor(
            (signatory.certificate_pem + signatory.chain_pem).encode(), multiple=True)]
        for certificate in chain:
            issued_within = any(other is not certificate and
                                other.subject.dump() == certificate.issuer.dump()
                                for other in chain)
            (others if issued_within else roots).append(
                pem.armor("CERTIFICATE", certificate.dump()).decode())
    return roots, others


def by_certificate(sha256: str) -> Signatory | None:
    return db.session.scalar(select(Signatory).where(Signatory.certificate_sha256 == sha256))
