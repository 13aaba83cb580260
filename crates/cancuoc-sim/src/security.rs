//! The chip's security files: EF.CardAccess (the PACE protocols it offers) and
//! EF.CardSecurity (the same plus its Chip Authentication key, signed), and that key
//! (ICAO 9303-11 §9.2; BSI TR-03110-3 App. A.1).

use cancuoc::internals::codec::tlv::tlv;
use cancuoc::internals::pace::Domain;
use cancuoc::lds::security_infos::{KeyAgreement, Mapping, PaceProtocol, SmCipherKind};

use crate::cms::{OID_SECURITY_OBJECT, signed_data};
use crate::der::{bit_string, oid, sequence, small_integer};
use crate::pki::TestPki;
use crate::rng::SeededRng;

/// A PACE protocol the chip offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaceOffer {
    /// ECDH or DH.
    pub agreement: KeyAgreement,
    /// Generic, Integrated or Chip Authentication Mapping.
    pub mapping: Mapping,
    /// The cipher.
    pub cipher: SmCipherKind,
    /// The standardized domain parameter ID.
    pub parameter_id: u8,
}

impl PaceOffer {
    /// Generic Mapping.
    pub fn generic(agreement: KeyAgreement, cipher: SmCipherKind, parameter_id: u8) -> Self {
        Self { agreement, mapping: Mapping::Generic, cipher, parameter_id }
    }
}

/// What Vietnamese CCCD chips offer: PACE-ECDH-GM-AES-128 on brainpoolP256r1 (parameter ID
/// 13; `docs/research/cccd.md` §1.2).
pub const CCCD_PACE: PaceOffer = PaceOffer {
    agreement: KeyAgreement::Ecdh,
    mapping: Mapping::Generic,
    cipher: SmCipherKind::Aes128,
    parameter_id: 13,
};

fn bsi(arcs: &[u64]) -> Vec<u8> {
    oid(&[&[0u64, 4, 0, 127, 0, 7, 2, 2][..], arcs].concat())
}

fn infos(offers: &[PaceOffer]) -> Vec<Vec<u8>> {
    let mut infos = vec![sequence(&[bsi(&[2]), small_integer(1)]), sequence(&[bsi(&[3, 2, 2]), small_integer(1)])];
    for offer in offers {
        let protocol = PaceProtocol::oid_for(offer.agreement, offer.mapping, offer.cipher);
        infos.push(sequence(&[tlv(0x06, &protocol.0), small_integer(2), small_integer(u64::from(offer.parameter_id))]));
    }
    infos
}

/// EF.CardAccess as CCCD chips write it: TerminalAuthenticationInfo v1,
/// ChipAuthenticationInfo (ECDH, AES-128) v1, then one PACEInfo v2 per offer, in the order
/// given (chips list their preference first).
pub fn card_access(offers: &[PaceOffer]) -> Vec<u8> {
    tlv(0x31, &infos(offers).concat())
}

/// The chip's Chip Authentication key pair on the curve of the first CAM offer, from `seed`:
/// (private scalar, `04 ‖ X ‖ Y`).
pub fn chip_authentication_key(offers: &[PaceOffer], seed: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let offer = offers.iter().find(|o| o.mapping == Mapping::ChipAuthentication)?;
    let info_bytes = card_access(&[*offer]);
    let parsed = cancuoc::lds::SecurityInfos::parse(&info_bytes).ok()?;
    let info = parsed.pace().next()?;
    let domain = Domain::for_info(info, &parsed).ok()?;
    let mut rng = SeededRng::new(&[seed, b"chip authentication key"].concat());
    let private = domain.random_private(&mut rng).ok()?.to_vec();
    let public = domain.multiply(&private, &domain.generator()).and_then(|k| domain.encode(&k)).ok()?;
    Some((private, public))
}

/// An EC key pair on the standardized curve `parameter_id`, from `seed` and `label`:
/// (private scalar, `04 ‖ X ‖ Y`).
pub fn ec_key_pair(parameter_id: u8, seed: &[u8], label: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let offer = PaceOffer::generic(KeyAgreement::Ecdh, SmCipherKind::Aes128, parameter_id);
    let parsed = cancuoc::lds::SecurityInfos::parse(&card_access(&[offer])).ok()?;
    let domain = Domain::for_info(parsed.pace().next()?, &parsed).ok()?;
    let mut rng = SeededRng::new(&[seed, label].concat());
    let private = domain.random_private(&mut rng).ok()?.to_vec();
    let public = domain.multiply(&private, &domain.generator()).and_then(|k| domain.encode(&k)).ok()?;
    Some((private, public))
}

/// DG14 as a chip offering Chip Authentication v1 writes it: `6E { SET { ChipAuthenticationInfo
/// (id-CA-ECDH-AES-CBC-CMAC-128, v1), ChipAuthenticationPublicKeyInfo (id-PK-ECDH, the key's
/// domain by standardized parameter ID) } }` (ICAO 9303-11 §9.2.5, §9.2.6).
pub fn dg14(public_key: &[u8], parameter_id: u8) -> Vec<u8> {
    let algorithm = sequence(&[oid(&[0, 4, 0, 127, 0, 7, 1, 2]), small_integer(u64::from(parameter_id))]);
    let infos = [
        sequence(&[bsi(&[3, 2, 2]), small_integer(1)]),
        sequence(&[bsi(&[1, 2]), sequence(&[algorithm, bit_string(public_key)])]),
    ];
    tlv(0x6E, &tlv(0x31, &infos.concat()))
}

/// EF.CardSecurity: the SecurityInfos of EF.CardAccess plus ChipAuthenticationPublicKeyInfo
/// (id-PK-ECDH; the key's domain named by standardized parameter ID, BSI TR-03110-3
/// §A.2.1.1), signed by the DS with eContentType id-SecurityObject.
pub fn card_security(pki: &TestPki, offers: &[PaceOffer], public_key: &[u8], parameter_id: u8) -> Vec<u8> {
    // id-ecPublicKey-style AlgorithmIdentifier with standardizedDomainParameters 0.4.0.127.0.7.1.2.
    let algorithm = sequence(&[oid(&[0, 4, 0, 127, 0, 7, 1, 2]), small_integer(u64::from(parameter_id))]);
    let spki = sequence(&[algorithm, bit_string(public_key)]);
    let mut all = infos(offers);
    all.push(sequence(&[bsi(&[1, 2]), spki]));
    signed_data(pki, OID_SECURITY_OBJECT, &tlv(0x31, &all.concat()))
}
