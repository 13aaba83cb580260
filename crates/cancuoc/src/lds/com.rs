//! EF.COM: LDS version, Unicode version and the list of data groups present
//! (ICAO 9303-10 §4.6.1).

use super::{DgNumber, LdsError};
use crate::codec::ByteReader;

const TAG_COM: u32 = 0x60;
const TAG_LDS_VERSION: u32 = 0x5F01;
const TAG_UNICODE_VERSION: u32 = 0x5F36;
const TAG_TAG_LIST: u32 = 0x5C;

/// The parsed EF.COM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EfCom {
    /// LDS version `aabb` (e.g. `0107` for 1.7).
    pub lds_version: String,
    /// Unicode version `aabbcc`.
    pub unicode_version: String,
    /// Data groups the chip lists, in the chip's order; unknown tags are skipped.
    pub data_groups: Vec<DgNumber>,
}

impl EfCom {
    /// Parses EF.COM.
    ///
    /// # Errors
    /// [`LdsError`] for a malformed file or a missing tag list.
    pub fn parse(bytes: &[u8]) -> Result<Self, LdsError> {
        let err = LdsError::decode("EF.COM");
        let mut file = ByteReader::new(bytes, "EF.COM");
        let com = file.expect_tlv(TAG_COM).map_err(err)?;
        file.finish_file().map_err(LdsError::decode("EF.COM"))?;
        let mut inner = com.reader("EF.COM");
        let mut lds_version = String::new();
        let mut unicode_version = String::new();
        let mut data_groups = None;
        while !inner.is_empty() {
            let tlv = inner.tlv().map_err(LdsError::decode("EF.COM"))?;
            match tlv.tag {
                TAG_LDS_VERSION => lds_version = String::from_utf8_lossy(tlv.value).into_owned(),
                TAG_UNICODE_VERSION => unicode_version = String::from_utf8_lossy(tlv.value).into_owned(),
                TAG_TAG_LIST => {
                    let mut dgs: Vec<DgNumber> = tlv.value.iter().filter_map(|t| DgNumber::from_tag(*t)).collect();
                    dgs.dedup();
                    data_groups = Some(dgs);
                }
                _ => {}
            }
        }
        let data_groups =
            data_groups.ok_or(LdsError::Invalid { file: "EF.COM", what: "no data group list (tag 5C)" })?;
        Ok(Self { lds_version, unicode_version, data_groups })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hex_literal::hex;

    /// ICAO 9303-11 App. D.4: the EF.COM read there [V][X].
    const D4_EF_COM: [u8; 22] = hex!("60145F0104303130365F36063034303030305C026175");

    #[test]
    fn parses_the_9303_11_d4_ef_com() {
        let com = EfCom::parse(&D4_EF_COM).unwrap();
        assert_eq!(com.lds_version, "0106");
        assert_eq!(com.unicode_version, "040000");
        assert_eq!(com.data_groups, vec![DgNumber::DG1, DgNumber::DG2]);
    }

    #[test]
    fn rejects_truncation_trailing_bytes_and_a_missing_list() {
        for n in 0..D4_EF_COM.len() {
            assert!(EfCom::parse(&D4_EF_COM[..n]).is_err(), "{n}");
        }
        let mut trailing = D4_EF_COM.to_vec();
        trailing.push(1);
        assert!(EfCom::parse(&trailing).is_err());
        let mut padded = D4_EF_COM.to_vec();
        padded.extend_from_slice(&[0, 0, 0xFF]);
        assert!(EfCom::parse(&padded).is_ok());
        assert!(EfCom::parse(&hex!("60065F0102303130")).is_err());
    }
}
