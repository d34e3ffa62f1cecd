"""Electronic signatures (PAdES) on certificates, with pyHanko.

A signatory's key and certificate come from a PKCS#12 file; its passphrase is never
stored. Before a batch numbers anything, `open_key` checks that the passphrase opens the
file, that the key belongs to the certificate and that the certificate is valid today.
The batch's render workers then sign each certificate's PDF (`sign_parts`): PAdES B-B,
or B-T with a timestamp from the configured timestamp server. Everything a worker gets is
a plain value (`SigningKey`), handed over in memory through the process pool's pipe."""
from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO

from asn1crypto import keys, pem, x509
from cryptography import x509 as pyca_x509
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    pkcs12,
)

with warnings.catch_warnings():
    # pyHanko imports cryptography's DSA classes, deprecated there; keys here are RSA or EC.
    warnings.simplefilter("ignore")
    from pyhanko import stamp
    from pyhanko.pdf_utils import text
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps import HTTPTimeStamper
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.registry import SimpleCertificateStore

from bimtek import pdf

FIELD_NAME = "TandaTanganElektronik"
# Where the stamp sits on the front page (A4 landscape, 842 × 595 pt, origin bottom
# left): the signature space of the signatory block, between the position and the name.
STAMP_BOX = (512, 84, 748, 146)
# Room for the signature container, so that pyHanko need not sign twice to measure it:
# the signature and certificates take about 2 KB, a timestamp token with its own
# certificates about as much again (in the file, hex-encoded, twice as many bytes).
RESERVED, RESERVED_WITH_TIMESTAMP = 8192, 16384
# The stamp's standard font (Courier) writes Latin-1 only: dashes and curly quotes become
# their plain forms rather than wrong glyphs.
STAMP_SAFE = str.maketrans({"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"'})
STAMP_TEXT = "Ditandatangani secara elektronik oleh\n%(signer)s\n%(details)s\n%(ts)s"


class KeyProblem(ValueError):
    """Why a PKCS#12 file cannot sign now. `reason`: passphrase (wrong, or the file is
    damaged), incomplete, mismatch (key and certificate), not_yet_valid or expired."""

    def __init__(self, reason: str, **details):
        super().__init__(reason)
        self.reason, self.details = reason, details


@dataclass(frozen=True)
class SigningKey:
    """What a render worker needs to sign: plain values that travel through a pipe."""

    pkcs12: bytes
    passphrase: bytes
    signer_name: str
    details: str  # lines under the name in the stamp: position, NIP
    tsa_url: str = ""

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.pkcs12).hexdigest()


@dataclass
class KeyInfo:
    """The public part of a PKCS#12 file: its certificate and the chain it carries, PEM."""

    certificate_pem: str
    chain_pem: str
    sha256: str
    subject: str
    not_before: datetime
    not_after: datetime


def _pem(certificate: pyca_x509.Certificate) -> str:
    return certificate.public_bytes(Encoding.PEM).decode()


def _asn1(certificate: pyca_x509.Certificate) -> x509.Certificate:
    return x509.Certificate.load(certificate.public_bytes(Encoding.DER))


def _public(key) -> bytes:
    return key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def _open(data: bytes, passphrase: bytes):
    """The key of a PKCS#12 file, its certificate and the others the file carries. A file
    may leave the key's certificate among the others: it is the one whose public key is
    the key's."""
    try:
        key, certificate, others = pkcs12.load_key_and_certificates(data, passphrase or None)
    except (ValueError, TypeError) as error:
        # cryptography says the same for a wrong passphrase and a damaged file.
        raise KeyProblem("passphrase") from error
    if key is None or certificate is None and not others:
        raise KeyProblem("incomplete")
    if certificate is None:
        certificate = next((other for other in others if _public(other.public_key())
                            == _public(key.public_key())), others[0])
        others = [other for other in others if other is not certificate]
    if _public(key.public_key()) != _public(certificate.public_key()):
        raise KeyProblem("mismatch")
    return key, certificate, others


def read_key(data: bytes, passphrase: bytes) -> KeyInfo:
    """The certificate of a PKCS#12 file, when the passphrase opens it, its key belongs
    to the certificate, and the certificate is valid now."""
    _key, certificate, others = _open(data, passphrase)
    now = datetime.now(UTC)
    if now < certificate.not_valid_before_utc:
        raise KeyProblem("not_yet_valid", since=certificate.not_valid_before_utc)
    if now > certificate.not_valid_after_utc:
        raise KeyProblem("expired", until=certificate.not_valid_after_utc)
    return KeyInfo(
        certificate_pem=_pem(certificate), chain_pem="".join(map(_pem, others)),
        sha256=certificate.fingerprint(SHA256()).hex(),
        subject=certificate.subject.rfc4514_string(),
        not_before=certificate.not_valid_before_utc.replace(tzinfo=None),
        not_after=certificate.not_valid_after_utc.replace(tzinfo=None))


# --- signing, in the render workers -----------------------------------------------------

_loaded: dict[str, signers.SimpleSigner] = {}


def _signer(key: SigningKey) -> signers.SimpleSigner:
    """The key opened once per process, not once per certificate."""
    signer = _loaded.get(key.fingerprint)
    if signer is None:
        private, certificate, others = _open(key.pkcs12, key.passphrase)
        signer = signers.SimpleSigner(
            signing_cert=_asn1(certificate), cert_registry=SimpleCertificateStore.from_certs(
                [_asn1(other) for other in others]),
            signing_key=keys.PrivateKeyInfo.load(private.private_bytes(
                Encoding.DER, PrivateFormat.PKCS8, NoEncryption())))
        _loaded.clear()
        _loaded[key.fingerprint] = signer
    return signer


def sign_pdf(document: bytes, key: SigningKey) -> bytes:
    """The PDF signed as PAdES B-B, or B-T when `key.tsa_url` names a timestamp server,
    with a visible stamp on the first page."""
    writer = IncrementalPdfFileWriter(BytesIO(document), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256", name=key.signer_name)
    style = stamp.TextStampStyle(
        stamp_text=STAMP_TEXT, border_width=1,
        text_box_style=text.TextBoxStyle(font_size=7))
    pdf_signer = signers.PdfSigner(
        meta, signer=_signer(key), stamp_style=style,
        timestamper=HTTPTimeStamper(key.tsa_url) if key.tsa_url else None,
        new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=0, box=STAMP_BOX))
    output = BytesIO()
    pdf_signer.sign_pdf(writer, output=output, bytes_reserved=(
        RESERVED_WITH_TIMESTAMP if key.tsa_url else RESERVED), appearance_text_params={
        "signer": key.signer_name.translate(STAMP_SAFE),
        "details": key.details.translate(STAMP_SAFE)})
    return output.getvalue()


def render_parts(html: str, anchors: list[str], key: SigningKey | None, **options
                 ) -> list[bytes]:
    """`bimtek.pdf.render_parts`, each part then signed with `key` (if any): what a
    batch's worker process does with a chunk."""
    parts = pdf.render_parts(html, anchors, **options)
    return parts if key is None else [sign_pdf(part, key) for part in parts]


# --- checking an uploaded file -----------------------------------------------------------

@dataclass
class SignatureCheck:
    """`intact`: the signature covers the whole file, unchanged, and its certificate
    leads to a chain registered here; `certificate_sha256` names the signer's
    certificate, to look the signatory up by."""

    intact: bool
    certificate_sha256: str


def check_signature(data: bytes, trust_roots: list[str], other_certs: list[str]
                    ) -> SignatureCheck | None:
    """The first signature of a PDF checked against the given PEM certificates, or None
    when the file carries no signature."""
    def load(pems: list[str]) -> list[x509.Certificate]:
        return [x509.Certificate.load(der) for block in pems
                for _type, _headers, der in pem.unarmor(block.encode(), multiple=True)]

    # An uploaded file is anyone's: whatever fails in reading or checking its signature
    # makes the signature broken (or absent), never an error page.
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
    except Exception:  # noqa: BLE001 - a damaged file fails in many ways; pypdf has said so
        return None
    try:
        if not reader.embedded_signatures:
            return None
        signature = reader.embedded_signatures[0]
        fingerprint = hashlib.sha256(signature.signer_cert.dump()).hexdigest()
    except Exception:  # noqa: BLE001 - a signature whose data cannot be read
        return SignatureCheck(False, "")
    context = ValidationContext(trust_roots=load(trust_roots), other_certs=load(other_certs),
                                allow_fetching=False, revocation_mode="soft-fail")
    try:
        status = validate_pdf_signature(signature, context)
    except Exception:  # noqa: BLE001 - a damaged or forged signature fails in many ways
        return SignatureCheck(False, fingerprint)
    return SignatureCheck(
        status.bottom_line and status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        fingerprint)
