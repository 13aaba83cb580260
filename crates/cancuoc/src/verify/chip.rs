//! Chip Authentication v1 (ICAO 9303-11 §6.2; BSI TR-03110-1 §3.4): an ephemeral
//! Diffie-Hellman with the chip's static key of DG14 replaces the session keys; a clone
//! without the private key cannot compute them, so its next answer fails the MAC. Sans-IO:
//! `ChipAuthentication::start` gives the commands, `ChipAuthenticationStep::session` the new
//! secure messaging once the chip accepted them; the reader drives them and [`verdict`] judges.

use rand_core::CryptoRng;
use thiserror::Error;
use zeroize::Zeroizing;

use crate::access::pace::{Domain, Element, session};
use crate::apdu::Command;
use crate::codec::ByteReader;
use crate::codec::tlv::tlv;
use crate::document::Document;
use crate::lds::DgNumber;
use crate::lds::security_infos::{
    KeyAgreement, Mapping, Oid, PaceInfo, PaceProtocol, SecurityInfo, SecurityInfos, SmCipherKind,
};
use crate::sm::SecureMessaging;
use crate::verify::passive::PassiveResult;
use crate::verify::status::{CheckOutcome, CheckStatus, NOT_VOUCHED, Verified};

/// Why Chip Authentication could not run or failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ChipError {
    /// DG14 offers no Chip Authentication this reader implements.
    #[error("the chip offers no supported chip authentication: {0}")]
    NotSupported(&'static str),
    /// The chip refused a step.
    #[error("the chip refused chip authentication ({0})")]
    Refused(crate::apdu::StatusWord),
    /// The chip's answer under the new keys did not verify: it does not hold the DG14 key.
    #[error("the chip could not continue under the chip-authentication keys: possibly a cloned chip")]
    Failed,
}

/// The verdict of chip authentication for `doc` (ICAO 9303-11 §6.2): `valid` only when the
/// chip continued under the keys agreed with DG14's key and `passive` vouches for DG14. A
/// dump's recorded outcome is never re-used: chip authentication needs the chip, so a dump
/// says `not_checked` and shows the claim as recorded.
pub fn verdict(doc: &Document, passive: &PassiveResult) -> CheckOutcome {
    if let Some(outcome) = &doc.chip_authentication {
        let mut verdict = match &outcome.result {
            Ok(()) if passive.vouches_for(DgNumber::DG14) => {
                CheckOutcome::new(CheckStatus::Valid(Verified::new()), None)
            }
            Ok(()) => CheckOutcome::new(CheckStatus::Untrusted, Some(NOT_VOUCHED.to_owned())),
            Err(why) => CheckOutcome::new(CheckStatus::Invalid, Some(why.clone())),
        };
        verdict.name = Some(outcome.protocol.clone());
        return verdict;
    }
    if doc.access.cam_key_matched {
        // CAM proved the chip holds the key of EF.CardSecurity; counting it as valid waits for
        // passive authentication of that file.
        let mut verdict = CheckOutcome::new(
            CheckStatus::Untrusted,
            Some("EF.CardSecurity's signature is not checked yet".to_owned()),
        );
        verdict.name = Some("PACE-CAM".to_owned());
        return verdict;
    }
    if let Some(claim) = &doc.recorded_chip_authentication {
        let mut verdict = CheckOutcome::new(
            CheckStatus::NotChecked,
            Some(format!(
                "chip authentication needs the chip: a dump cannot re-check it (recorded at read time: {})",
                claim.status
            )),
        );
        verdict.name.clone_from(&claim.protocol);
        return verdict;
    }
    if doc.dg(DgNumber::DG14).is_none() {
        return super::status::absent_key_group(passive, DgNumber::DG14, "chip authentication");
    }
    CheckOutcome::new(CheckStatus::NotChecked, None)
}

/// bsi-de protocols 0.4.0.127.0.7.2.2.
const BSI_PROTOCOLS: &[u8] = &[0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02];

/// The Chip Authentication DG14 offers, ready to run.
#[derive(Debug, Clone)]
pub(crate) struct ChipAuthentication {
    /// id-CA-{DH,ECDH}-{3DES,AES-…}.
    pub protocol: Oid,
    agreement: KeyAgreement,
    cipher: SmCipherKind,
    domain: Domain,
    public_key: Element,
    key_id: Option<u32>,
}

impl ChipAuthentication {
    /// The first ChipAuthenticationInfo of DG14 with a matching public key this reader can use.
    ///
    /// # Errors
    /// [`ChipError::NotSupported`].
    pub(crate) fn from_dg14(infos: &SecurityInfos) -> Result<Self, ChipError> {
        let keys: Vec<_> = infos
            .infos
            .iter()
            .filter_map(|i| match i {
                SecurityInfo::ChipAuthenticationPublicKey(k) => Some(k),
                _ => None,
            })
            .collect();
        if keys.is_empty() {
            return Err(ChipError::NotSupported("DG14 holds no chip authentication key"));
        }
        let mut candidates: Vec<(Oid, Option<u32>)> = infos
            .infos
            .iter()
            .filter_map(|i| match i {
                SecurityInfo::ChipAuthentication(ca) => Some((ca.protocol.clone(), ca.key_id)),
                _ => None,
            })
            .collect();
        if candidates.is_empty() {
            // ICAO: without ChipAuthenticationInfo, id-CA-…-3DES with the only key.
            candidates.push((Oid([BSI_PROTOCOLS, &[3, 0, 1]].concat()), None));
        }
        for (protocol, key_id) in candidates {
            let Some([3, family, cipher]) = protocol.0.strip_prefix(BSI_PROTOCOLS) else { continue };
            if !matches!(family, 0..=2) {
                continue;
            }
            let cipher = match cipher {
                1 => SmCipherKind::Tdes,
                2 => SmCipherKind::Aes128,
                3 => SmCipherKind::Aes192,
                4 => SmCipherKind::Aes256,
                _ => continue,
            };
            let key = keys.iter().find(|k| key_id.is_none() || k.key_id == key_id || keys.len() == 1);
            let Some(key) = key else { continue };
            let Some((domain, public_key)) = key_on_domain(&key.public_key_info) else { continue };
            let agreement = match domain {
                Domain::Ec(_) => KeyAgreement::Ecdh,
                Domain::Dh(_) => KeyAgreement::Dh,
            };
            let protocol = if protocol.0.strip_prefix(BSI_PROTOCOLS) == Some(&[3, 0, 1]) {
                Oid([BSI_PROTOCOLS, &[3, if agreement == KeyAgreement::Ecdh { 2 } else { 1 }, 1]].concat())
            } else {
                protocol
            };
            return Ok(Self { protocol, agreement, cipher, domain, public_key, key_id });
        }
        Err(ChipError::NotSupported("no usable chip authentication protocol in DG14"))
    }

    /// `CA-ECDH-AES-128` etc., for the report.
    pub(crate) fn name(&self) -> String {
        let agreement = if self.agreement == KeyAgreement::Ecdh { "ECDH" } else { "DH" };
        format!("CA-{agreement}-{} {}", self.cipher.name(), self.domain.name())
    }

    /// Draws the ephemeral key and gives the commands: MSE:Set AT (DO'80' protocol, DO'84' key
    /// ID) and GENERAL AUTHENTICATE with DO'80' the ephemeral public key (ICAO 9303-11
    /// §6.2.4.2), to be sent under the current secure messaging.
    ///
    /// # Errors
    /// [`ChipError::NotSupported`] if the key cannot be encoded.
    pub(crate) fn start(&self, rng: &mut impl CryptoRng) -> Result<ChipAuthenticationStep, ChipError> {
        let private = self.domain.random_private(rng).map_err(|_| ChipError::NotSupported("random source"))?;
        self.start_with(private)
    }

    fn start_with(&self, private: Zeroizing<Vec<u8>>) -> Result<ChipAuthenticationStep, ChipError> {
        let public = self
            .domain
            .multiply(&private, &self.domain.generator())
            .map_err(|_| ChipError::NotSupported("ephemeral key"))?;
        let public = self.domain.encode(&public).map_err(|_| ChipError::NotSupported("ephemeral key"))?;
        let mut mse = tlv(0x80, &self.protocol.0);
        if let Some(id) = self.key_id {
            let bytes = id.to_be_bytes();
            let skip = bytes.iter().take_while(|b| **b == 0).count().min(3);
            mse.extend(tlv(0x84, bytes.get(skip..).unwrap_or_default()));
        }
        let set_at = Command::new(0x00, 0x22, 0x41, 0xA4).with_data(mse);
        let general_authenticate =
            Command::new(0x00, 0x86, 0x00, 0x00).with_data(tlv(0x7C, &tlv(0x80, &public))).with_le(256);
        let agreed =
            self.domain.multiply(&private, &self.public_key).map_err(|_| ChipError::NotSupported("shared secret"))?;
        let shared = self.domain.shared_secret(&agreed).map_err(|_| ChipError::NotSupported("shared secret"))?;
        Ok(ChipAuthenticationStep { set_at, general_authenticate, shared, cipher: self.cipher })
    }
}

/// The commands of one run and the keys they lead to.
pub(crate) struct ChipAuthenticationStep {
    /// MSE:Set AT.
    pub set_at: Command,
    /// GENERAL AUTHENTICATE.
    pub general_authenticate: Command,
    shared: Zeroizing<Vec<u8>>,
    cipher: SmCipherKind,
}

impl ChipAuthenticationStep {
    /// The new secure messaging: KS = KDF(K, 1|2), SSC 0 (ICAO 9303-11 §6.2.3).
    pub(crate) fn session(&self) -> SecureMessaging {
        session(self.cipher, &self.shared).0
    }
}

/// The domain and point of a Chip Authentication SubjectPublicKeyInfo: named or explicit
/// parameters, or BSI's standardized domain parameter ID (0.4.0.127.0.7.1.2 + INTEGER).
fn key_on_domain(spki: &[u8]) -> Option<(Domain, Element)> {
    let mut r = ByteReader::new(spki, "SubjectPublicKeyInfo");
    let mut s = r.expect_tlv(0x30).ok()?.reader("SubjectPublicKeyInfo");
    let algorithm = s.expect_tlv(0x30).ok()?;
    let bits = s.expect_tlv(0x03).ok()?;
    let key = bits.value.get(1..)?;
    let mut a = algorithm.reader("AlgorithmIdentifier");
    let oid = a.expect_tlv(0x06).ok()?;
    if oid.value == [0x04, 0x00, 0x7F, 0x00, 0x07, 0x01, 0x02] {
        let id = a.expect_tlv(0x02).ok()?.value.last().copied()?;
        let protocol = if id <= 2 { (KeyAgreement::Dh, 1) } else { (KeyAgreement::Ecdh, 2) };
        let info = PaceInfo {
            protocol: PaceProtocol::from_oid(&PaceProtocol::oid_for(
                protocol.0,
                Mapping::Generic,
                SmCipherKind::Aes128,
            ))?,
            version: 2,
            parameter_id: Some(u32::from(id)),
        };
        let domain = Domain::for_info(&info, &SecurityInfos::default()).ok()?;
        let public = decode_public(&domain, key)?;
        return Some((domain, public));
    }
    match crate::pki::signature::PublicKey::from_spki(spki, None).ok()? {
        crate::pki::signature::PublicKey::Ec { curve, point } => {
            let domain = Domain::Ec(curve);
            Some((domain, Element::Point(Zeroizing::new(point))))
        }
        crate::pki::signature::PublicKey::Rsa(_) => None,
    }
}

fn decode_public(domain: &Domain, key: &[u8]) -> Option<Element> {
    match domain {
        Domain::Ec(_) => domain.decode(key, "chip authentication key").ok(),
        // A DH key is an INTEGER inside the BIT STRING (RFC 3279 §2.3.3).
        Domain::Dh(_) => {
            let mut r = ByteReader::new(key, "DHPublicKey");
            let value = r.expect_tlv(0x02).ok()?.value;
            domain.decode(crate::codec::der_unsigned(value)?, "chip authentication key").ok()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::aes::AesKey;
    use crate::sm::AesSm;
    use hex_literal::hex;

    /// `docs/vectors/icao9303-part11.md` §8.2, TestChipAuthAT (a real card's trace,
    /// [V][S: gmrtd]): id-CA-ECDH-AES-CBC-CMAC-128 on brainpoolP256r1.
    #[test]
    fn chip_authentication_matches_the_at_trace() {
        let pk_picc = hex!(
            "041983917269AC877C0B61544C2C022000D2A5ABA723E2D80141E648B40911DC3459761F27480E4B57181A53D8FE1190EA86C939AC14363178CAFFC621F0F905C3"
        );
        let domain = Domain::Ec(crate::crypto::group::standard(&crate::crypto::curves::BRAINPOOL_P256R1).unwrap());
        let public_key = domain.decode(&pk_picc, "t").unwrap();
        let ca = ChipAuthentication {
            protocol: Oid(hex!("04007F00070202030202").to_vec()),
            agreement: KeyAgreement::Ecdh,
            cipher: SmCipherKind::Aes128,
            domain,
            public_key,
            key_id: None,
        };
        assert_eq!(ca.name(), "CA-ECDH-AES-128 brainpoolP256r1");
        let step = ca
            .start_with(Zeroizing::new(
                hex!("80EBAFC8A51BECD4D90BB640EE38C9FD5C12748D28AAA37096B98C4533C4F5F5").to_vec(),
            ))
            .unwrap();
        assert_eq!(step.set_at.data, hex!("800A04007F00070202030202"));
        let old = AesSm::new(
            AesKey::new(&hex!("524170DE3419B7AF2F23E45AD6EF9595")).unwrap(),
            AesKey::new(&hex!("97893F5FDC29A5C13A924FE7D8ED44FD")).unwrap(),
        );
        let mut ssc = vec![0u8; 16];
        ssc[15] = 0xF0;
        let mut sm = SecureMessaging::new(Box::new(old), ssc);
        assert_eq!(
            sm.protect(&step.set_at).unwrap().to_bytes().unwrap(),
            hex!("0C2241A41D8711015D8F69B1EA365CCE4304970DB12421F38E085340D338128085E700")
        );
        // The chip's answers, as recorded: each MAC checks under the keys and counter of its
        // place in the session (MSE:Set AT at …F2, GENERAL AUTHENTICATE at …F4, then SELECT
        // under chip authentication's new keys at 2).
        let ok = |sm: &mut SecureMessaging, answer: &[u8]| {
            let response = crate::apdu::Response::from_bytes(answer).unwrap();
            sm.unprotect(&response).unwrap()
        };
        assert_eq!(ok(&mut sm, &hex!("990290008E083F5136E82A6C34779000")).sw, crate::apdu::StatusWord::OK);
        assert_eq!(
            sm.protect(&step.general_authenticate).unwrap().to_bytes().unwrap(),
            hex!(
                "0C860000608751019E18F1BA79D805379752BB560EB70AAC3CE3BC5AFE2FDD4AEB325CA8B578B4A93B9F66A5DF40005F8E878535251D33DD974AAF77FB858773E5799FA9DC1034E89B1150EC7F0BB3DB4BF37A1B9EA4458A9701008E089D204D950C0B95DB00"
            )
        );
        let answer = ok(&mut sm, &hex!("8711010B0A5DFFC7432DE4DEB604291377A05B990290008E08B3384A1F5D1579739000"));
        assert_eq!((answer.data.as_slice(), answer.sw), (&hex!("7C00")[..], crate::apdu::StatusWord::OK));
        let mut new = step.session();
        let select = Command::new(0x00, 0xA4, 0x02, 0x0C).with_data(hex!("010E").to_vec());
        assert_eq!(
            new.protect(&select).unwrap().to_bytes().unwrap(),
            hex!("0CA4020C1D8711011B2EE500E84960DF7F37AFE7ADFF53838E084500F3B43E192A5700")
        );
        assert_eq!(ok(&mut new, &hex!("990290008E0803C4B125B4218CEF9000")).sw, crate::apdu::StatusWord::OK);
        // A byte changed in an answer's MAC is refused.
        let mut again = step.session();
        again.protect(&select).unwrap();
        let forged = crate::apdu::Response::from_bytes(&hex!("990290008E0803C4B125B4218CEE9000")).unwrap();
        assert!(again.unprotect(&forged).is_err());
    }
}
