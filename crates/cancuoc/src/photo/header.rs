//! Image sizes read from headers: JPEG (ITU-T T.81 §B.2.2, the frame header of a SOFn marker)
//! and JPEG 2000 (ITU-T T.800 §A.5.1, the SIZ marker of a codestream; §I.5.3.1, the `ihdr` box
//! of a JP2 file).

use crate::codec::ByteReader;

/// A JPEG's width and height from its first SOFn segment.
pub(super) fn jpeg(data: &[u8]) -> Option<(u32, u32)> {
    let mut r = ByteReader::new(data, "JPEG header");
    if r.u8().ok()? != 0xFF || r.u8().ok()? != 0xD8 {
        return None;
    }
    loop {
        if r.u8().ok()? != 0xFF {
            return None;
        }
        // Fill bytes: any number of FF before a marker.
        let mut marker = r.u8().ok()?;
        while marker == 0xFF {
            marker = r.u8().ok()?;
        }
        match marker {
            // Markers without a segment: TEM, RSTn.
            0x01 | 0xD0..=0xD7 => continue,
            // EOI or SOS before any frame header: no size.
            0xD9 | 0xDA => return None,
            _ => {}
        }
        let length = usize::from(r.u16_be().ok()?);
        let segment = r.take(length.checked_sub(2)?).ok()?;
        // SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC).
        if matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            let mut frame = ByteReader::new(segment, "JPEG frame header");
            let _precision = frame.u8().ok()?;
            let height = u32::from(frame.u16_be().ok()?);
            let width = u32::from(frame.u16_be().ok()?);
            return (width > 0 && height > 0).then_some((width, height));
        }
    }
}

/// A JPEG 2000 image's width and height: from the SIZ marker of a raw codestream, or from the
/// `ihdr` box inside the `jp2h` box of a JP2 file.
pub(super) fn jpeg2000(data: &[u8]) -> Option<(u32, u32)> {
    if data.starts_with(&[0xFF, 0x4F, 0xFF, 0x51]) {
        let mut r = ByteReader::new(data.get(4..)?, "JPEG 2000 SIZ");
        let _length = r.u16_be().ok()?;
        let _capabilities = r.u16_be().ok()?;
        let (x, y, x_offset, y_offset) = (r.u32_be().ok()?, r.u32_be().ok()?, r.u32_be().ok()?, r.u32_be().ok()?);
        let (width, height) = (x.checked_sub(x_offset)?, y.checked_sub(y_offset)?);
        return (width > 0 && height > 0).then_some((width, height));
    }
    let header = find_box(data, *b"jp2h")?;
    let ihdr = find_box(header, *b"ihdr")?;
    let mut r = ByteReader::new(ihdr, "JP2 ihdr");
    let height = r.u32_be().ok()?;
    let width = r.u32_be().ok()?;
    (width > 0 && height > 0).then_some((width, height))
}

/// The contents of the first box of type `kind` among the boxes of `data` (ISO/IEC 15444-1
/// §I.4: LBox, TBox, XLBox when LBox is 1, to the end when LBox is 0).
fn find_box(data: &[u8], kind: [u8; 4]) -> Option<&[u8]> {
    let mut r = ByteReader::new(data, "JP2 box");
    while !r.is_empty() {
        let length = r.u32_be().ok()?;
        let found: [u8; 4] = r.take_array().ok()?;
        let contents = match length {
            0 => r.take(r.remaining()).ok()?,
            1 => {
                let long = (u64::from(r.u32_be().ok()?) << 32) | u64::from(r.u32_be().ok()?);
                r.take(usize::try_from(long).ok()?.checked_sub(16)?).ok()?
            }
            n => r.take(usize::try_from(n).ok()?.checked_sub(8)?).ok()?,
        };
        if found == kind {
            return Some(contents);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The virtual card's portrait (`cancuoc-sim/assets/face.jpg`, 240 × 320).
    const FACE_JPEG: &[u8] = include_bytes!("../../../cancuoc-sim/assets/face.jpg");

    #[test]
    fn a_jpeg_s_size_comes_from_its_frame_header() {
        assert_eq!(jpeg(FACE_JPEG), Some((240, 320)));
        // SOI, an APP0 segment, fill bytes, then SOF2 (progressive): 3 × 2.
        let small = [
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0xAA, 0xBB, 0xFF, 0xFF, 0xC2, 0x00, 0x0B, 0x08, 0x00, 0x02, 0x00, 0x03,
            0x01, 0x01, 0x11, 0x00,
        ];
        assert_eq!(jpeg(&small), Some((3, 2)));
    }

    #[test]
    fn a_jpeg_2000_s_size_comes_from_its_ihdr_box_or_siz_marker() {
        let dg2 = include_bytes!("../../../../fixtures/dg2/bsi-tr03105-5-dg2-jpeg2000.bin");
        let face = crate::lds::FaceImage::parse_dg2(dg2).unwrap();
        let (width, height) = jpeg2000(&face.data).unwrap();
        assert!(width > 100 && height > 100, "{width}x{height}");
        // A raw codestream: SOC, SIZ with 640 × 480 at offset (10, 20).
        let mut siz = vec![0xFF, 0x4F, 0xFF, 0x51, 0x00, 0x29, 0x00, 0x00];
        for value in [650u32, 500, 10, 20] {
            siz.extend_from_slice(&value.to_be_bytes());
        }
        assert_eq!(jpeg2000(&siz), Some((640, 480)));
    }

    #[test]
    fn malformed_headers_give_no_size_and_never_panic() {
        for data in [&[][..], &[0xFF], &[0xFF, 0xD8], &[0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x01], &[0xFF, 0xD8, 0xFF, 0xDA]]
        {
            assert_eq!(jpeg(data), None, "{data:02X?}");
        }
        let cut = &FACE_JPEG[..40];
        assert_eq!(jpeg(cut), None);
        for data in [
            &[][..],
            &[0xFF, 0x4F, 0xFF, 0x51, 0, 0],
            &[0, 0, 0, 0x0C, b'j', b'P'],
            &[0, 0, 0, 1, b'j', b'p', b'2', b'h'],
        ] {
            assert_eq!(jpeg2000(data), None, "{data:02X?}");
        }
        // An offset past the size: no size, no underflow.
        let mut siz = vec![0xFF, 0x4F, 0xFF, 0x51, 0x00, 0x29, 0x00, 0x00];
        for value in [10u32, 10, 20, 20] {
            siz.extend_from_slice(&value.to_be_bytes());
        }
        assert_eq!(jpeg2000(&siz), None);
    }
}
