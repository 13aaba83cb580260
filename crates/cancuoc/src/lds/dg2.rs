//! DG2: the encoded face (ICAO 9303-10 §4.7.2), a biometric information template group
//! `75 { 7F61 { 02 n, 7F60 { A1 header, 5F2E data } } }` holding an ISO/IEC 19794-5 face
//! record. This module extracts the first face image and its size; it does not decode pixels.

use super::LdsError;
use crate::codec::{ByteReader, DecodeError};

const TAG_DG2: u32 = 0x75;
const TAG_BIT_GROUP: u32 = 0x7F61;
const TAG_BIT: u32 = 0x7F60;
const TAG_BDB: u32 = 0x5F2E;
const TAG_BDB_CONSTRUCTED: u32 = 0x7F2E;
/// ISO/IEC 19794-5 format identifier "FAC\0".
const FAC_MAGIC: &[u8; 4] = b"FAC\0";
const JPEG_MAGIC: &[u8] = &[0xFF, 0xD8, 0xFF];
const JP2_MAGIC: &[u8] = &[0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50];
const J2K_MAGIC: &[u8] = &[0xFF, 0x4F, 0xFF, 0x51];

/// The image encodings a DG2 may carry (ISO/IEC 19794-5 §5.7.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageFormat {
    /// JPEG / JFIF.
    Jpeg,
    /// JPEG 2000 (JP2 file or J2K codestream).
    Jpeg2000,
}

impl ImageFormat {
    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Jpeg2000 => "jp2",
        }
    }
}

/// The first face image of a DG2.
#[derive(Clone, PartialEq, Eq)]
pub struct FaceImage {
    /// The image encoding.
    pub format: ImageFormat,
    /// Width in pixels from the 19794-5 image information, if present.
    pub width: Option<u16>,
    /// Height in pixels from the 19794-5 image information, if present.
    pub height: Option<u16>,
    /// The encoded image.
    pub data: Vec<u8>,
}

impl std::fmt::Debug for FaceImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FaceImage({:?}, {:?}x{:?}, {} bytes)", self.format, self.width, self.height, self.data.len())
    }
}

impl FaceImage {
    /// Parses DG2 and returns its first face image.
    ///
    /// # Errors
    /// [`LdsError`] for a malformed template or a record holding no JPEG or JPEG 2000 image.
    pub fn parse_dg2(bytes: &[u8]) -> Result<Self, LdsError> {
        Self::parse_all_dg2(bytes)?.into_iter().next().ok_or(LdsError::Invalid { file: "DG2", what: "no face image" })
    }

    /// Parses DG2 and returns every face image: each biometric information template, and
    /// each face of a 19794-5 record that holds several.
    ///
    /// # Errors
    /// [`LdsError`] for a malformed template, or one whose data block holds no image.
    pub fn parse_all_dg2(bytes: &[u8]) -> Result<Vec<Self>, LdsError> {
        let d = || LdsError::decode("DG2");
        let mut file = ByteReader::new(bytes, "DG2");
        let outer = file.tlv().map_err(d())?;
        file.finish_file().map_err(d())?;
        let mut group = match outer.tag {
            // Some issuers put the templates (7F60) straight under 75, without the group (7F61):
            // EF.SOD's hash vouches for the bytes, so the face is taken from there too.
            TAG_DG2 => match outer.reader("DG2").find_tlv(TAG_BIT_GROUP).map_err(d())? {
                Some(group) => group.reader("DG2"),
                None => outer.reader("DG2"),
            },
            // Others start the file with the group itself, without the outer template (75).
            TAG_BIT_GROUP => outer.reader("DG2"),
            _ => {
                return Err(LdsError::Invalid {
                    file: "DG2",
                    what: "neither a DG2 template (75) nor a biometric group (7F61)",
                });
            }
        };
        let mut faces = Vec::new();
        while let Some(bit) = group.find_tlv(TAG_BIT).map_err(d())? {
            let mut inner = bit.reader("DG2");
            let mut block = None;
            while !inner.is_empty() {
                let tlv = inner.tlv().map_err(d())?;
                if tlv.tag == TAG_BDB || tlv.tag == TAG_BDB_CONSTRUCTED {
                    block = Some(tlv.value);
                    break;
                }
            }
            let block = block.ok_or(LdsError::Invalid { file: "DG2", what: "no biometric data block (5F2E)" })?;
            match block.starts_with(FAC_MAGIC).then(|| parse_19794_5(block).ok()).flatten() {
                Some(images) if !images.is_empty() => faces.extend(images),
                // ISO/IEC 39794-5 or an unusual header: the image's own magic bytes.
                _ => faces.push(
                    from_magic(block)
                        .ok_or(LdsError::Invalid { file: "DG2", what: "no JPEG or JPEG 2000 image found" })?,
                ),
            }
        }
        if faces.is_empty() {
            return Err(LdsError::Invalid {
                file: "DG2",
                what: "no biometric information template (7F61 group or 7F60 template)",
            });
        }
        Ok(faces)
    }
}

/// Most faces taken from one 19794-5 record (real records hold one).
const MAX_FACES: usize = 16;

/// Parses an ISO/IEC 19794-5:2005 face record: general header (14 bytes: "FAC\0", version,
/// record length, number of faces), then per face: facial information (20 bytes), feature
/// points (8 bytes each), image information (12 bytes), image data.
fn parse_19794_5(block: &[u8]) -> Result<Vec<FaceImage>, DecodeError> {
    use crate::codec::DecodeErrorKind::{InvalidLength, InvalidValue};
    let mut r = ByteReader::new(block, "ISO 19794-5 face record");
    r.take(4)?; // "FAC\0"
    r.take(4)?; // version "010\0"
    r.u32_be()?; // record length
    let count = usize::from(r.u16_be()?).min(MAX_FACES);
    let mut faces = Vec::new();
    for _ in 0..count {
        let block_len = usize::try_from(r.u32_be()?).map_err(|_| r.error(InvalidLength))?;
        let feature_points = usize::from(r.u16_be()?);
        r.take(14)?; // gender, eyes, hair, feature mask, expression, pose, pose uncertainty
        r.take(feature_points * 8)?;
        r.u8()?; // face image type
        let data_type = r.u8()?;
        let width = r.u16_be()?;
        let height = r.u16_be()?;
        r.take(6)?; // colour space, source type, device type, quality
        let header = 20 + feature_points * 8 + 12;
        let image_len = block_len.checked_sub(header).ok_or_else(|| r.error(InvalidLength))?;
        let data = r.take(image_len.min(r.remaining()))?;
        let declared = match data_type {
            0 => ImageFormat::Jpeg,
            1 => ImageFormat::Jpeg2000,
            _ => return Err(r.error(InvalidValue)),
        };
        // The image's own magic bytes outrank the header's data type, which real records get
        // wrong (the ICAO 9303-10 worked example declares JPEG 2000 around a JPEG).
        let format = from_magic(data).map_or(declared, |found| found.format);
        faces.push(FaceImage { format, width: Some(width), height: Some(height), data: data.to_vec() });
    }
    Ok(faces)
}

fn from_magic(block: &[u8]) -> Option<FaceImage> {
    let find = |within: &[u8], magic: &[u8]| within.windows(magic.len()).position(|w| w == magic);
    let jpeg = find(block, JPEG_MAGIC);
    // A JPEG 2000 image counts only when it starts before the JPEG one: no need to scan past it.
    let before_jpeg = block.get(..jpeg.unwrap_or(block.len())).unwrap_or(block);
    let jpeg2000 = find(before_jpeg, JP2_MAGIC).or_else(|| find(before_jpeg, J2K_MAGIC));
    let (at, format) = match (jpeg, jpeg2000) {
        (Some(j), Some(k)) if k < j => (k, ImageFormat::Jpeg2000),
        (Some(j), _) => (j, ImageFormat::Jpeg),
        (None, Some(k)) => (k, ImageFormat::Jpeg2000),
        (None, None) => return None,
    };
    Some(FaceImage { format, width: None, height: None, data: block.get(at..)?.to_vec() })
}

/// Builds a DG2 around one image with a 19794-5 record (the inverse of
/// [`FaceImage::parse_dg2`]; used by the virtual card and tests).
pub fn encode_dg2(image: &FaceImage) -> Vec<u8> {
    use crate::codec::tlv::tlv;
    let mut record = Vec::new();
    let block_len = 20 + 12 + image.data.len();
    let record_len = 14 + block_len;
    record.extend_from_slice(FAC_MAGIC);
    record.extend_from_slice(b"010\0");
    record.extend_from_slice(&u32::try_from(record_len).unwrap_or(u32::MAX).to_be_bytes());
    record.extend_from_slice(&1u16.to_be_bytes());
    record.extend_from_slice(&u32::try_from(block_len).unwrap_or(u32::MAX).to_be_bytes());
    record.extend_from_slice(&0u16.to_be_bytes()); // no feature points
    record.extend_from_slice(&[0; 14]);
    record.push(1); // full frontal
    record.push(match image.format {
        ImageFormat::Jpeg => 0,
        ImageFormat::Jpeg2000 => 1,
    });
    record.extend_from_slice(&image.width.unwrap_or(0).to_be_bytes());
    record.extend_from_slice(&image.height.unwrap_or(0).to_be_bytes());
    record.extend_from_slice(&[1, 2, 0, 0, 0, 0]); // sRGB, digital camera
    record.extend_from_slice(&image.data);
    // Biometric header template: ICAO header version, biometric type "face", format owner/type.
    let header = tlv(0xA1, &[tlv(0x80, &[1, 1]), tlv(0x81, &[2]), tlv(0x87, &[1, 1]), tlv(0x88, &[0, 8])].concat());
    let bit = tlv(0x7F60, &[header, tlv(TAG_BDB, &record)].concat());
    let group = tlv(TAG_BIT_GROUP, &[tlv(0x02, &[1]), bit].concat());
    tlv(TAG_DG2, &group)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> FaceImage {
        let mut data = vec![0xFF, 0xD8, 0xFF, 0xE0];
        data.extend_from_slice(&[7; 300]);
        FaceImage { format: ImageFormat::Jpeg, width: Some(240), height: Some(320), data }
    }

    #[test]
    fn round_trips_through_19794_5_and_rejects_truncation() {
        let dg2 = encode_dg2(&sample());
        assert_eq!(FaceImage::parse_dg2(&dg2).unwrap(), sample());
        for n in 0..dg2.len() - 300 {
            assert!(FaceImage::parse_dg2(&dg2[..n]).is_err(), "{n}");
        }
    }

    #[test]
    fn falls_back_on_magic_bytes_when_the_header_is_odd() {
        let mut dg2 = encode_dg2(&sample());
        // Corrupt the image data type (byte 33 of the record) to an unknown value.
        let at = dg2.windows(4).position(|w| w == FAC_MAGIC).unwrap() + 14 + 20 + 1;
        dg2[at] = 9;
        let face = FaceImage::parse_dg2(&dg2).unwrap();
        assert_eq!(face.format, ImageFormat::Jpeg);
        assert_eq!(face.width, None);
    }

    /// The one biometric information template (7F60) of the sample's DG2.
    fn sample_template() -> Vec<u8> {
        let one = encode_dg2(&sample());
        let mut r = ByteReader::new(&one, "t");
        let group = r.expect_tlv(0x75).unwrap().reader("t").expect_tlv(0x7F61).unwrap();
        let mut g = group.reader("t");
        g.expect_tlv(0x02).unwrap();
        g.expect_tlv(0x7F60).unwrap().raw.to_vec()
    }

    #[test]
    fn a_template_without_its_group_wrapper_still_gives_the_face() {
        use crate::codec::tlv::tlv;
        let bit = sample_template();
        // 75 { 7F60 … }: no 7F61 group, no count.
        assert_eq!(FaceImage::parse_dg2(&tlv(0x75, &bit)).unwrap(), sample());
        // 75 { } names what is missing.
        let err = FaceImage::parse_dg2(&tlv(0x75, &[])).unwrap_err();
        assert!(err.to_string().contains("7F61"), "{err}");
    }

    #[test]
    fn a_group_without_the_outer_template_still_gives_the_face() {
        // 7F61 { 02 01, 7F60 … } as the whole file, without 75 around it.
        let dg2 = encode_dg2(&sample());
        let group = ByteReader::new(&dg2, "t").expect_tlv(0x75).unwrap().value.to_vec();
        assert_eq!(FaceImage::parse_dg2(&group).unwrap(), sample());
        // Any other outer tag is no DG2, said in words.
        let err = FaceImage::parse_dg2(&crate::codec::tlv::tlv(0x76, &group)).unwrap_err();
        assert!(err.to_string().contains("7F61"), "{err}");
    }

    #[test]
    fn every_template_and_face_is_returned() {
        use crate::codec::tlv::tlv;
        // Take the 7F60 out of a single-face DG2 and put two in one group.
        let bit = sample_template();
        let two = tlv(0x75, &tlv(0x7F61, &[tlv(0x02, &[2]), bit.clone(), bit].concat()));
        assert_eq!(FaceImage::parse_all_dg2(&two).unwrap().len(), 2);
    }
}
