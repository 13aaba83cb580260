//! Issues a fictional Vietnamese citizen's card: EF.COM, DG1 (TD1 in the CCCD layout of
//! `research/cccd.md` §1.1), DG2 (a drawn face, JPEG), DG3 (placeholder fingerprints, read-
//! protected as on real cards), DG13 (the citizen record) and EF.SOD signed by the test DS.

use std::collections::BTreeMap;

use cancuoc::access::{AccessError, MrzKey};
use cancuoc::codec::tlv::tlv;
use cancuoc::lds::dg2::encode_dg2;
use cancuoc::lds::mrz::check_digit;
use cancuoc::lds::security_infos::{KeyAgreement, Mapping, PaceProtocol, SmCipherKind};
use cancuoc::lds::{DgNumber, FaceImage, ImageFormat};
use cancuoc::profile::cccd::{encode_dg13, field};
use sha2::{Digest, Sha256};

use crate::der::{context, octet_string, oid, sequence, set_of, small_integer};
use crate::pki::{OID_ECDSA_SHA256, TestPki, sign_der};

/// The face of the built-in card (`assets/face.jpg`, see its PROVENANCE.md).
pub const FACE_JPEG: &[u8] = include_bytes!("../assets/face.jpg");

/// id-sha256 2.16.840.1.101.3.4.2.1.
const OID_SHA256: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 2, 1];
/// id-signedData 1.2.840.113549.1.7.2.
const OID_SIGNED_DATA: &[u64] = &[1, 2, 840, 113549, 1, 7, 2];
/// id-icao-mrtd-security-ldsSecurityObject 2.23.136.1.1.1.
const OID_LDS_SECURITY_OBJECT: &[u64] = &[2, 23, 136, 1, 1, 1];
/// id-contentType 1.2.840.113549.1.9.3.
const OID_CONTENT_TYPE: &[u64] = &[1, 2, 840, 113549, 1, 9, 3];
/// id-messageDigest 1.2.840.113549.1.9.4.
const OID_MESSAGE_DIGEST: &[u64] = &[1, 2, 840, 113549, 1, 9, 4];

/// Who the card is for. Dates are ISO `YYYY-MM-DD`.
#[derive(Debug, Clone)]
pub struct CitizenProfile {
    /// The 12-digit ID.
    pub id_number: String,
    /// Full name with diacritics.
    pub full_name: String,
    /// Surname and given names as in the MRZ (ASCII, `<` fillers).
    pub mrz_name: String,
    /// Date of birth.
    pub date_of_birth: String,
    /// `M` or `F`.
    pub sex: char,
    /// Place of origin.
    pub place_of_origin: String,
    /// Place of residence.
    pub place_of_residence: String,
    /// Identifying marks.
    pub identifying_marks: String,
    /// Date of issue.
    pub date_of_issue: String,
    /// Date of expiry.
    pub date_of_expiry: String,
    /// Father's name.
    pub father_name: String,
    /// Mother's name.
    pub mother_name: String,
}

impl CitizenProfile {
    /// The built-in fictional citizen of `cancuoc demo`: "Nguyễn Văn Mẫu" (a specimen name),
    /// ID 001090012345 (Hà Nội, male, born 1990), card issued 2021, valid to his 40th
    /// birthday (`research/cccd.md` §4.3).
    pub fn specimen() -> Self {
        Self {
            id_number: "001090012345".to_owned(),
            full_name: "Nguyễn Văn Mẫu".to_owned(),
            mrz_name: "NGUYEN<<VAN<MAU".to_owned(),
            date_of_birth: "1990-01-15".to_owned(),
            sex: 'M',
            place_of_origin: "Xã Đông Hội, Huyện Đông Anh, Thành phố Hà Nội".to_owned(),
            place_of_residence: "Số 1 phố Tràng Tiền, Phường Tràng Tiền, Quận Hoàn Kiếm, Thành phố Hà Nội".to_owned(),
            identifying_marks: "Nốt ruồi cách 2 cm trên đuôi mắt trái".to_owned(),
            date_of_issue: "2021-04-10".to_owned(),
            date_of_expiry: "2030-01-15".to_owned(),
            father_name: "Nguyễn Văn Bình".to_owned(),
            mother_name: "Trần Thị Cúc".to_owned(),
        }
    }

    /// The BAC document number: the last 9 digits of the ID.
    pub fn document_number(&self) -> &str {
        self.id_number.get(3..).unwrap_or_default()
    }

    /// The BAC key of this card.
    ///
    /// # Errors
    /// [`AccessError::BadInput`] when the profile's ID or dates are malformed.
    pub fn mrz_key(&self) -> Result<MrzKey, AccessError> {
        MrzKey::new(self.document_number(), &yymmdd(&self.date_of_birth), &yymmdd(&self.date_of_expiry))
    }

    /// The three TD1 lines (ICAO 9303-5 §4.2; CCCD layout of `research/cccd.md` §1.1).
    pub fn mrz_lines(&self) -> [String; 3] {
        let number = self.document_number();
        let line1 = format!("IDVNM{number}{}{}<<{}", cd(number), self.id_number, cd(&self.id_number));
        let dob = yymmdd(&self.date_of_birth);
        let doe = yymmdd(&self.date_of_expiry);
        let mut line2 = format!("{dob}{}{}{doe}{}VNM<<<<<<<<<<<", cd(&dob), self.sex, cd(&doe));
        let composite = format!(
            "{}{}{}{}",
            line1.get(5..30).unwrap_or_default(),
            line2.get(0..7).unwrap_or_default(),
            line2.get(8..15).unwrap_or_default(),
            line2.get(18..29).unwrap_or_default()
        );
        line2.push(check_digit(&composite).unwrap_or('0'));
        let line3 = format!("{:<<30}", self.mrz_name);
        [line1, line2, line3]
    }

    fn dg13_fields(&self) -> BTreeMap<u8, Vec<String>> {
        let mut f = BTreeMap::new();
        let mut put = |n: u8, v: &str| {
            f.insert(n, vec![v.to_owned()]);
        };
        put(field::ID_NUMBER, &self.id_number);
        put(field::FULL_NAME, &self.full_name);
        put(field::DATE_OF_BIRTH, &ddmmyyyy(&self.date_of_birth));
        put(field::SEX, if self.sex == 'F' { "Nữ" } else { "Nam" });
        put(field::NATIONALITY, "Việt Nam");
        put(field::ETHNICITY, "Kinh");
        put(field::RELIGION, "Không");
        put(field::PLACE_OF_ORIGIN, &self.place_of_origin);
        put(field::PLACE_OF_RESIDENCE, &self.place_of_residence);
        put(field::IDENTIFYING_MARKS, &self.identifying_marks);
        put(field::DATE_OF_ISSUE, &ddmmyyyy(&self.date_of_issue));
        put(field::DATE_OF_EXPIRY, &ddmmyyyy(&self.date_of_expiry));
        f.insert(field::PARENTS, vec![self.father_name.clone(), self.mother_name.clone()]);
        f
    }
}

fn cd(field: &str) -> char {
    check_digit(field).unwrap_or('0')
}

/// `YYYY-MM-DD` → `YYMMDD`.
pub fn yymmdd(iso: &str) -> String {
    format!("{}{}{}", iso.get(2..4).unwrap_or("00"), iso.get(5..7).unwrap_or("00"), iso.get(8..10).unwrap_or("00"))
}

fn ddmmyyyy(iso: &str) -> String {
    format!("{}/{}/{}", iso.get(8..10).unwrap_or("00"), iso.get(5..7).unwrap_or("00"), iso.get(0..4).unwrap_or("0000"))
}

/// An issued card's files, keyed by FID, plus what the chip needs to know.
#[derive(Debug, Clone)]
pub struct IssuedDocument {
    /// Files of the eMRTD application by FID.
    pub files: BTreeMap<u16, Vec<u8>>,
    /// FIDs whose reading needs more than BAC (EAC): the chip answers 6982.
    pub protected: Vec<u16>,
    /// The BAC key.
    pub mrz_key: MrzKey,
    /// The test CSCA certificate (the trust anchor for tests).
    pub csca_certificate: Vec<u8>,
    /// EF.CardAccess in the master file; `None` for a BAC-only chip.
    pub card_access: Option<Vec<u8>>,
    /// The card access number (a CCCD's is the last 6 digits of the ID).
    pub can: String,
}

impl IssuedDocument {
    /// Issues a card for `citizen`, signed under the test PKI generated from `seed`.
    ///
    /// # Errors
    /// [`AccessError::BadInput`] when the profile's ID or dates are malformed.
    pub fn issue(citizen: &CitizenProfile, seed: &[u8]) -> Result<Self, AccessError> {
        Self::issue_with_face(citizen, seed, FACE_JPEG, 240, 320)
    }

    /// As [`IssuedDocument::issue`] with another face image (tests use large ones to reach
    /// offsets past 32 KiB).
    ///
    /// # Errors
    /// As [`IssuedDocument::issue`].
    pub fn issue_with_face(
        citizen: &CitizenProfile,
        seed: &[u8],
        jpeg: &[u8],
        width: u16,
        height: u16,
    ) -> Result<Self, AccessError> {
        let mrz_key = citizen.mrz_key()?;
        let pki = TestPki::generate(seed);
        let mrz = citizen.mrz_lines().concat();
        let dg1 = tlv(0x61, &tlv(0x5F1F, mrz.as_bytes()));
        let face =
            FaceImage { format: ImageFormat::Jpeg, width: Some(width), height: Some(height), data: jpeg.to_vec() };
        let dg2 = encode_dg2(&face);
        // DG3 stands in for the EAC-protected fingerprints: its content is never served.
        let dg3 = tlv(0x63, &tlv(0x7F61, &tlv(0x02, &[0])));
        let dg13 = encode_dg13(&citizen.dg13_fields());
        let groups = [(DgNumber::DG1, dg1), (DgNumber::DG2, dg2), (dg_number(3), dg3), (DgNumber::DG13, dg13)];
        let tag_list: Vec<u8> = groups.iter().map(|(n, _)| n.tag()).collect();
        let com = tlv(0x60, &[tlv(0x5F01, b"0107"), tlv(0x5F36, b"040000"), tlv(0x5C, &tag_list)].concat());
        let sod = sign_sod(&pki, &groups);
        let mut files = BTreeMap::new();
        files.insert(0x011E, com);
        files.insert(0x011D, sod);
        for (n, bytes) in groups {
            files.insert(n.fid(), bytes);
        }
        Ok(Self {
            files,
            protected: vec![dg_number(3).fid()],
            mrz_key,
            csca_certificate: pki.csca.certificate,
            card_access: Some(card_access(&[(KeyAgreement::Ecdh, SmCipherKind::Aes128, CCCD_PACE_PARAMETER_ID)])),
            can: citizen.id_number.get(6..).unwrap_or_default().to_owned(),
        })
    }
}

impl IssuedDocument {
    /// An ICAO 9303-4 specimen passport (TD3, Utopia, ERIKSSON ANNA MARIA, L898902C3): DG1 and
    /// DG2 only, no DG13, so tests show that nothing is CCCD-specific in the read.
    ///
    /// # Errors
    /// Never in practice: the specimen's fields are well-formed.
    pub fn icao_specimen_passport(seed: &[u8]) -> Result<Self, AccessError> {
        let pki = TestPki::generate(seed);
        let mrz = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C36UTO7408122F1204159ZE184226B<<<<<10";
        let dg1 = tlv(0x61, &tlv(0x5F1F, mrz.as_bytes()));
        let face =
            FaceImage { format: ImageFormat::Jpeg, width: Some(240), height: Some(320), data: FACE_JPEG.to_vec() };
        let groups = [(DgNumber::DG1, dg1), (DgNumber::DG2, encode_dg2(&face))];
        let tag_list: Vec<u8> = groups.iter().map(|(n, _)| n.tag()).collect();
        let com = tlv(0x60, &[tlv(0x5F01, b"0107"), tlv(0x5F36, b"040000"), tlv(0x5C, &tag_list)].concat());
        let mut files = BTreeMap::new();
        files.insert(0x011E, com);
        files.insert(0x011D, sign_sod(&pki, &groups));
        for (n, bytes) in groups {
            files.insert(n.fid(), bytes);
        }
        Ok(Self {
            files,
            protected: Vec::new(),
            mrz_key: MrzKey::new("L898902C3", "740812", "120415")?,
            csca_certificate: pki.csca.certificate,
            card_access: None,
            can: String::new(),
        })
    }

    /// The same card advertising other PACE protocols (agreement, cipher, standardized
    /// parameter ID), in this order.
    pub fn with_pace(mut self, protocols: &[(KeyAgreement, SmCipherKind, u8)]) -> Self {
        self.card_access = Some(card_access(protocols));
        self
    }
}

/// The PACE parameters Vietnamese CCCD chips advertise: brainpoolP256r1 (`research/cccd.md`
/// §1.2).
pub const CCCD_PACE_PARAMETER_ID: u8 = 13;

/// EF.CardAccess as CCCD chips write it: TerminalAuthenticationInfo v1,
/// ChipAuthenticationInfo (ECDH, AES-128) v1, then one PACEInfo v2 per protocol (Generic
/// Mapping) (ICAO 9303-11 §9.2; `research/cccd.md` §1.2).
pub fn card_access(protocols: &[(KeyAgreement, SmCipherKind, u8)]) -> Vec<u8> {
    let bsi = |arcs: &[u64]| oid(&[&[0u64, 4, 0, 127, 0, 7, 2, 2][..], arcs].concat());
    let mut infos = vec![sequence(&[bsi(&[2]), small_integer(1)]), sequence(&[bsi(&[3, 2, 2]), small_integer(1)])];
    for (agreement, cipher, parameter_id) in protocols {
        let protocol = PaceProtocol::oid_for(*agreement, Mapping::Generic, *cipher);
        infos.push(sequence(&[tlv(0x06, &protocol.0), small_integer(2), small_integer(u64::from(*parameter_id))]));
    }
    // SET OF, but in the order given: chips list their preference first.
    tlv(0x31, &infos.concat())
}

fn dg_number(n: u8) -> DgNumber {
    DgNumber::new(n).unwrap_or(DgNumber::DG1)
}

/// EF.SOD: `77 { ContentInfo { signedData, SignedData { v3, {sha256}, {ldsSecurityObject,
/// LDSSecurityObject}, [0] {DS}, {SignerInfo} } } }` (ICAO 9303-10 §4.6.2, RFC 5652 §5).
fn sign_sod(pki: &TestPki, groups: &[(DgNumber, Vec<u8>)]) -> Vec<u8> {
    let sha256 = sequence(&[oid(OID_SHA256)]);
    let hashes: Vec<Vec<u8>> = groups
        .iter()
        .map(|(n, bytes)| sequence(&[small_integer(u64::from(n.get())), octet_string(&Sha256::digest(bytes))]))
        .collect();
    let lds_security_object = sequence(&[small_integer(0), sha256.clone(), sequence(&hashes)]);
    let signed_attributes = set_of(&[
        sequence(&[oid(OID_CONTENT_TYPE), set_of(&[oid(OID_LDS_SECURITY_OBJECT)])]),
        sequence(&[oid(OID_MESSAGE_DIGEST), set_of(&[octet_string(&Sha256::digest(&lds_security_object))])]),
    ]);
    let signature = sign_der(&pki.ds.key, &signed_attributes);
    // [0] IMPLICIT: the SET tag 31 becomes A0 (RFC 5652 §5.3).
    let mut implicit_attributes = signed_attributes.clone();
    if let Some(first) = implicit_attributes.first_mut() {
        *first = 0xA0;
    }
    let signer_info = sequence(&[
        small_integer(1),
        sequence(&[pki.ds.issuer.clone(), pki.ds.serial.clone()]),
        sha256.clone(),
        implicit_attributes,
        sequence(&[oid(OID_ECDSA_SHA256)]),
        octet_string(&signature),
    ]);
    let signed_data = sequence(&[
        small_integer(3),
        set_of(&[sha256]),
        sequence(&[oid(OID_LDS_SECURITY_OBJECT), context(0, &octet_string(&lds_security_object))]),
        context(0, &pki.ds.certificate),
        set_of(&[signer_info]),
    ]);
    let content_info = sequence(&[oid(OID_SIGNED_DATA), context(0, &signed_data)]);
    tlv(0x77, &content_info)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cancuoc::lds::{Dg1, EfCom};

    #[test]
    fn specimen_mrz_has_valid_check_digits_and_the_cccd_layout() {
        let c = CitizenProfile::specimen();
        let lines = c.mrz_lines();
        assert!(lines.iter().all(|l| l.len() == 30));
        let mrz = cancuoc::lds::Mrz::parse(&lines.concat()).unwrap();
        assert_eq!(mrz.document_number, "090012345");
        assert!(mrz.optional_data.starts_with("001090012345<<"));
        assert_eq!(mrz.date_of_expiry, "300115");
    }

    #[test]
    fn issued_files_parse_and_are_deterministic() {
        let a = IssuedDocument::issue(&CitizenProfile::specimen(), b"test").unwrap();
        let b = IssuedDocument::issue(&CitizenProfile::specimen(), b"test").unwrap();
        assert_eq!(a.files, b.files);
        let com = EfCom::parse(&a.files[&0x011E]).unwrap();
        assert_eq!(com.data_groups.len(), 4);
        Dg1::parse(&a.files[&0x0101]).unwrap();
        FaceImage::parse_dg2(&a.files[&0x0102]).unwrap();
        let citizen = cancuoc::profile::cccd::Citizen::parse_dg13(&a.files[&0x010D]).unwrap();
        assert_eq!(citizen.full_name(), Some("Nguyễn Văn Mẫu"));
    }
}
