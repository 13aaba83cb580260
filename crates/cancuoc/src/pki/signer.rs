//! A CMS SignedData's signer (RFC 5652 §5.3–5.4): finding its certificate and checking its
//! signature. Shared by EF.SOD (passive authentication) and CSCA master lists (the trust store).

use super::certificate::Certificate;
use super::cms::{SignedData, SignerId, SignerInfo};
use super::signature::{PublicKey, SignatureError, verify};
use crate::crypto::ct_eq;
use crate::lds::sod::HashAlgorithm;

/// The certificate of `certificates` that `sid` names: by issuer and serial (or key
/// identifier); then by serial alone, as some issuers encode the issuer's RDNs in another
/// order in the SignerInfo (Malaysia: `real-samples/gmrtd/documents/MY`); then the only
/// certificate there is. The signature check decides in any case.
pub fn find_signer_certificate(certificates: &[Vec<u8>], sid: &SignerId) -> Option<Certificate> {
    find_signer_certificate_with(certificates, sid, Certificate::parse)
}

/// [`find_signer_certificate`] with the certificates parsed by `parse` (a cache).
pub fn find_signer_certificate_with(
    certificates: &[Vec<u8>],
    sid: &SignerId,
    parse: impl Fn(&[u8]) -> Option<Certificate>,
) -> Option<Certificate> {
    let certs: Vec<Certificate> = certificates.iter().filter_map(|der| parse(der)).collect();
    let exact = certs.iter().find(|cert| match sid {
        SignerId::IssuerAndSerial { issuer, serial } => {
            cert.serial == *serial && super::name::same_name(&cert.issuer, issuer)
        }
        SignerId::SubjectKeyIdentifier(ski) => cert.subject_key_id.as_deref() == Some(ski.as_slice()),
    });
    let by_serial = || match sid {
        SignerId::IssuerAndSerial { serial, .. } => certs.iter().find(|cert| cert.serial == *serial),
        SignerId::SubjectKeyIdentifier(_) => None,
    };
    let only = || if certs.len() == 1 { certs.first() } else { None };
    exact.or_else(by_serial).or_else(only).cloned()
}

/// Why a SignerInfo did not verify ([`check_signer`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignerProblem {
    /// The signature or the signed digest is wrong: the signed object was altered.
    Invalid(&'static str),
    /// The signature cannot be checked here (algorithm, key type).
    Unsupported(&'static str),
}

impl SignerProblem {
    /// What failed, in words for the report.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invalid(why) | Self::Unsupported(why) => why,
        }
    }
}

/// Checks a SignerInfo (RFC 5652 §5.4, §11): signed attributes present, contentType matching,
/// messageDigest = hash(content), and the signature over the DER SET of signed attributes.
/// Returns the signature algorithm's name.
///
/// # Errors
/// [`SignerProblem`] saying what failed, and whether it was shown wrong or could not be checked.
pub fn check_signer(signed: &SignedData, signer: &SignerInfo, key: &PublicKey) -> Result<String, SignerProblem> {
    use SignerProblem::{Invalid, Unsupported};
    let attributes = signer.signed_attributes.as_deref().ok_or(Invalid("the signer has no signed attributes"))?;
    if signer.content_type.as_deref().is_some_and(|ct| ct != signed.content_type.as_slice()) {
        return Err(Invalid("the signed content type differs from the content's"));
    }
    let digest_algorithm =
        HashAlgorithm::from_oid(&signer.digest_algorithm.oid).ok_or(Unsupported("unknown digest algorithm"))?;
    let message_digest = signer.message_digest.as_deref().ok_or(Invalid("no message digest attribute"))?;
    if !ct_eq(&digest_algorithm.digest(&signed.content), message_digest) {
        return Err(Invalid("the signed message digest does not match the content: the security object was altered"));
    }
    verify(key, &signer.signature_algorithm, Some(&signer.digest_algorithm), attributes, &signer.signature).map_err(
        |e| match e {
            SignatureError::Invalid => Invalid("the signature does not verify"),
            SignatureError::BadKey => Invalid("the signer's key is malformed"),
            SignatureError::KeyMismatch => Invalid("the signature's algorithm does not fit the signer's key"),
            SignatureError::Unsupported(what) => Unsupported(what),
        },
    )
}
