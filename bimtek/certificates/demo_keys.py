"""A demo certificate authority and signatory keys, for the demo and the tests. Every
name they carry says "DEMO — bukan TTE resmi": a certificate signed with them shows that
it is no official electronic signature (TTE)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    pkcs12,
)
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEMO_LABEL = "DEMO — bukan TTE resmi"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"Bimtek {DEMO_LABEL}"),
                      x509.NameAttribute(NameOID.COUNTRY_NAME, "ID")])


def _new_key() -> ec.EllipticCurvePrivateKey:
    # P-256: as strong as RSA-3072 and far quicker to sign 400 certificates with.
    return ec.generate_private_key(ec.SECP256R1())


@dataclass
class DemoAuthority:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def pem(self) -> str:
        return self.certificate.public_bytes(Encoding.PEM).decode()

    def issue(self, common_name: str, key=None, *, not_before: datetime | None = None,
              days: int = 3650, usage: str = "signing") -> tuple[object, x509.Certificate]:
        """A certificate for `key` (a new one by default), for signing documents or, with
        usage="timestamping", for a timestamp server."""
        key = key or _new_key()
        not_before = not_before or datetime.now(UTC) - timedelta(days=1)
        builder = (x509.CertificateBuilder().subject_name(_name(common_name))
                   .issuer_name(self.certificate.subject).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(not_before)
                   .not_valid_after(not_before + timedelta(days=days))
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None),
                                  critical=True))
        if usage == "timestamping":
            builder = builder.add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        else:
            builder = builder.add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False,
                crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        return key, builder.sign(self.key, hashes.SHA256())


def new_authority(common_name: str = f"CA {DEMO_LABEL}") -> DemoAuthority:
    key = _new_key()
    now = datetime.now(UTC) - timedelta(days=1)
    certificate = (x509.CertificateBuilder().subject_name(_name(common_name))
                   .issuer_name(_name(common_name)).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now)
                   .not_valid_after(now + timedelta(days=7300))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None),
                                  critical=True)
                   .add_extension(x509.KeyUsage(
                       digital_signature=True, content_commitment=False,
                       key_encipherment=False, data_encipherment=False,
                       key_agreement=False, key_cert_sign=True, crl_sign=True,
                       encipher_only=False, decipher_only=False), critical=True)
                   .sign(key, hashes.SHA256()))
    return DemoAuthority(key, certificate)


def pkcs12_file(authority: DemoAuthority, key, certificate: x509.Certificate,
                passphrase: str, *, cert_apart: bool = False) -> bytes:
    """The key, its certificate and the authority's certificate in one PKCS#12 file
    (`cert_apart`: the certificate among the others, not bound to the key)."""
    return pkcs12.serialize_key_and_certificates(
        name=certificate.subject.rfc4514_string().encode(), key=key,
        cert=None if cert_apart else certificate,
        cas=[certificate, authority.certificate] if cert_apart else [authority.certificate],
        encryption_algorithm=BestAvailableEncryption(passphrase.encode()))


def signatory_pkcs12(name: str, passphrase: str, authority: DemoAuthority | None = None,
                     **validity) -> bytes:
    """A signatory's PKCS#12 file under the demo authority (a new one by default)."""
    authority = authority or new_authority()
    key, certificate = authority.issue(f"{name} ({DEMO_LABEL})", **validity)
    return pkcs12_file(authority, key, certificate, passphrase)
