"""The in-process OpenSSL peer of scripts/bench-verify: one Python process that checks saved
dumps the way `cancuoc verify` does, with pyca/cryptography (OpenSSL) for every signature and
hash and asn1crypto for the ASN.1.

For each dump folder: EF.SOD's CMS SignedData (RFC 5652 §5.4: messageDigest over the content,
the signature over the signed attributes), the document signer's certificate under the CSCA
(signature and validity), and every data group's hash against the LDSSecurityObject (ICAO
9303-10 §4.6.2.3). Prints one line per folder, `DIR<TAB>genuine` or `DIR<TAB>failed: why`.

Usage: python bench-verify-peer.py [--cache-chain] CSCA.der DIR...
  --cache-chain  check each distinct DS certificate under the CSCA once (as cancuoc's trust
                 store does) instead of once per dump.
"""

import datetime
import os
import sys

from asn1crypto import cms, core
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

HASHES = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


class DataGroupHash(core.Sequence):
    _fields = [("number", core.Integer), ("hash", core.OctetString)]


class DataGroupHashes(core.SequenceOf):
    _child_spec = DataGroupHash


class LdsSecurityObject(core.Sequence):
    _fields = [
        ("version", core.Integer),
        ("hash_algorithm", cms.DigestAlgorithm),
        ("hashes", DataGroupHashes),
    ]


def digest(name, data):
    h = hashes.Hash(HASHES[name]())
    h.update(data)
    return h.finalize()


def verify_certificate(csca, certificate, now):
    """The DS certificate's signature under the CSCA key, and its validity now."""
    if certificate.issuer != csca.subject:
        raise ValueError("issuer is not the CSCA")
    csca.public_key().verify(
        certificate.signature,
        certificate.tbs_certificate_bytes,
        ec.ECDSA(certificate.signature_hash_algorithm),
    )
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        raise ValueError("certificate outside its validity")


def check(folder, csca, now, chain_cache):
    with open(os.path.join(folder, "SOD.bin"), "rb") as f:
        sod = f.read()
    # EF.SOD is tag 77 around the ContentInfo.
    outer = core.Asn1Value.load(sod)
    info = cms.ContentInfo.load(outer.contents)
    signed = info["content"]
    content = signed["encap_content_info"]["content"].native
    signer = signed["signer_infos"][0]
    hash_name = signer["digest_algorithm"]["algorithm"].native
    attributes = signer["signed_attrs"]
    message_digest = None
    for attribute in attributes:
        if attribute["type"].native == "message_digest":
            message_digest = attribute["values"][0].native
    if message_digest != digest(hash_name, content):
        raise ValueError("messageDigest does not match the content")
    certificate_der = signed["certificates"][0].chosen.dump()
    certificate = x509.load_der_x509_certificate(certificate_der)
    if chain_cache is None or certificate_der not in chain_cache:
        verify_certificate(csca, certificate, now)
        if chain_cache is not None:
            chain_cache.add(certificate_der)
    # The signed attributes are signed as a SET (tag 31), not as the [0] they travel in.
    signed_attributes = b"\x31" + attributes.dump()[1:]
    signature_hash = HASHES[signer["signature_algorithm"].hash_algo]()
    certificate.public_key().verify(
        signer["signature"].native, signed_attributes, ec.ECDSA(signature_hash)
    )
    lds = LdsSecurityObject.load(content)
    lds_hash = lds["hash_algorithm"]["algorithm"].native
    expected = {entry["number"].native: entry["hash"].native for entry in lds["hashes"]}
    for name in sorted(os.listdir(folder)):
        if name.startswith("DG") and name.endswith(".bin"):
            number = int(name[2:-4])
            with open(os.path.join(folder, name), "rb") as f:
                data = f.read()
            if expected.get(number) != digest(lds_hash, data):
                raise ValueError(f"DG{number} hash mismatch")


def main(argv):
    cache_chain = "--cache-chain" in argv
    argv = [a for a in argv if a != "--cache-chain"]
    if len(argv) < 2:
        sys.exit(__doc__)
    with open(argv[0], "rb") as f:
        csca = x509.load_der_x509_certificate(f.read())
    now = datetime.datetime.now(datetime.timezone.utc)
    chain_cache = set() if cache_chain else None
    lines = []
    for folder in argv[1:]:
        try:
            check(folder, csca, now, chain_cache)
            lines.append(f"{folder}\tgenuine")
        except (InvalidSignature, ValueError, KeyError, IndexError, TypeError, OSError) as e:
            lines.append(f"{folder}\tfailed: {type(e).__name__} {e}")
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
