//! Decoding the face to RGBA pixels (feature `photo`): JPEG with `zune-jpeg`, JPEG 2000 (JP2
//! box or raw codestream) with `hayro-jpeg2000`, both pure safe Rust (`docs/research/crates.md`
//! §4). Only the desk needs pixels.

use thiserror::Error;

use crate::lds::{FaceImage, ImageFormat};

/// Largest side accepted: chip portraits are a few hundred pixels; a huge header is hostile.
const MAX_SIDE: u32 = 8192;

/// Why a photo could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PhotoError {
    /// The decoder rejected the image.
    #[error("the {0} photo cannot be decoded")]
    Undecodable(&'static str),
    /// The image is larger than any chip portrait.
    #[error("the photo claims {width}x{height} pixels, more than any chip portrait")]
    TooLarge {
        /// Width.
        width: u32,
        /// Height.
        height: u32,
    },
}

/// An image as 8-bit RGBA, row by row.
#[derive(Clone, PartialEq, Eq)]
pub struct Rgba {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width × height × 4` bytes.
    pub pixels: Vec<u8>,
}

impl std::fmt::Debug for Rgba {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Rgba({}x{})", self.width, self.height)
    }
}

/// Decodes the face image to RGBA.
///
/// # Errors
/// [`PhotoError`] when the image is malformed or too large.
pub fn decode(face: &FaceImage) -> Result<Rgba, PhotoError> {
    match face.format {
        ImageFormat::Jpeg => decode_jpeg(&face.data),
        ImageFormat::Jpeg2000 => decode_jpeg2000(&face.data),
    }
}

fn check_size(width: u32, height: u32) -> Result<(), PhotoError> {
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(PhotoError::TooLarge { width, height });
    }
    Ok(())
}

fn decode_jpeg(data: &[u8]) -> Result<Rgba, PhotoError> {
    use zune_jpeg::zune_core::colorspace::ColorSpace;
    use zune_jpeg::zune_core::options::DecoderOptions;
    let max = usize::try_from(MAX_SIDE).unwrap_or(usize::MAX);
    let options =
        DecoderOptions::default().jpeg_set_out_colorspace(ColorSpace::RGBA).set_max_width(max).set_max_height(max);
    let mut decoder =
        zune_jpeg::JpegDecoder::new_with_options(zune_jpeg::zune_core::bytestream::ZCursor::new(data), options);
    decoder.decode_headers().map_err(|_| PhotoError::Undecodable("JPEG"))?;
    let info = decoder.info().ok_or(PhotoError::Undecodable("JPEG"))?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    check_size(width, height)?;
    let pixels = decoder.decode().map_err(|_| PhotoError::Undecodable("JPEG"))?;
    finish(width, height, pixels, "JPEG")
}

fn decode_jpeg2000(data: &[u8]) -> Result<Rgba, PhotoError> {
    use hayro_jpeg2000::{ColorSpace, DecodeSettings, DecoderContext, Image};
    let image = Image::new(data, &DecodeSettings::default()).map_err(|_| PhotoError::Undecodable("JPEG 2000"))?;
    let (width, height) = (image.width(), image.height());
    check_size(width, height)?;
    let channels = usize::from(image.color_space().num_channels()) + usize::from(image.has_alpha());
    let gray = matches!(image.color_space(), ColorSpace::Gray) || channels <= 2;
    let cmyk = matches!(image.color_space(), ColorSpace::CMYK);
    let mut context = DecoderContext::default();
    let decoded = image.decode(&mut context).map_err(|_| PhotoError::Undecodable("JPEG 2000"))?;
    let samples = decoded.data_u8();
    let pixel_count =
        usize::try_from(u64::from(width) * u64::from(height)).map_err(|_| PhotoError::TooLarge { width, height })?;
    if channels == 0 || samples.len() != pixel_count.saturating_mul(channels) {
        return Err(PhotoError::Undecodable("JPEG 2000"));
    }
    let mut pixels = Vec::with_capacity(pixel_count.saturating_mul(4));
    for px in samples.chunks_exact(channels) {
        let rgba = match (gray, cmyk, px) {
            (true, _, [v, rest @ ..]) => [*v, *v, *v, rest.first().copied().unwrap_or(0xFF)],
            (_, true, [c, m, y, k, ..]) => {
                let f = |x: u8| u8::try_from(u16::from(255 - x) * u16::from(255 - *k) / 255).unwrap_or(0);
                [f(*c), f(*m), f(*y), 0xFF]
            }
            (_, _, [r, g, b, rest @ ..]) => [*r, *g, *b, rest.first().copied().unwrap_or(0xFF)],
            _ => return Err(PhotoError::Undecodable("JPEG 2000")),
        };
        pixels.extend_from_slice(&rgba);
    }
    finish(width, height, pixels, "JPEG 2000")
}

fn finish(width: u32, height: u32, pixels: Vec<u8>, what: &'static str) -> Result<Rgba, PhotoError> {
    let expected = u64::from(width) * u64::from(height) * 4;
    if u64::try_from(pixels.len()).ok() != Some(expected) {
        return Err(PhotoError::Undecodable(what));
    }
    Ok(Rgba { width, height, pixels })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::photo::dimensions;

    #[test]
    fn decodes_a_real_jpeg2000_portrait() {
        let dg2 = include_bytes!("../../../../fixtures/dg2/bsi-tr03105-5-dg2-jpeg2000.bin");
        let face = FaceImage::parse_dg2(dg2).unwrap();
        assert_eq!(face.format, ImageFormat::Jpeg2000);
        let (w, h) = dimensions(&face).unwrap();
        let rgba = decode(&face).unwrap();
        assert_eq!((rgba.width, rgba.height), (w, h));
        assert_eq!(rgba.pixels.len(), (w * h * 4) as usize);
        // A portrait is not one flat colour.
        let first = &rgba.pixels[..4];
        assert!(rgba.pixels.chunks_exact(4).any(|p| p != first));
    }

    #[test]
    fn truncated_or_garbage_images_are_errors() {
        let dg2 = include_bytes!("../../../../fixtures/dg2/bsi-tr03105-5-dg2-jpeg2000.bin");
        let face = FaceImage::parse_dg2(dg2).unwrap();
        for n in [0usize, 10, 100] {
            let cut = FaceImage { data: face.data[..n].to_vec(), ..face.clone() };
            assert!(decode(&cut).is_err(), "{n}");
        }
        let garbage =
            FaceImage { format: ImageFormat::Jpeg, width: None, height: None, data: vec![0xFF, 0xD8, 0xFF, 0, 1, 2] };
        assert!(decode(&garbage).is_err());
    }
}
