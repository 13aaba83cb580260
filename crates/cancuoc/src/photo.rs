//! The DG2 face's size from its own header (JPEG's SOF segment, JPEG 2000's SIZ marker or
//! JP2 `ihdr` box), for the report; and, with the feature `photo`, the face decoded to RGBA
//! pixels for the apps (`decode`). Neither is proof of anything: EF.SOD's hash decides
//! whether the image is the issuer's.
//!
//! The header readers are this crate's own (no decoder needed to learn two numbers): they
//! walk hostile bytes through the checked [`crate::codec::ByteReader`] and give `None` for
//! anything malformed.

use crate::lds::{FaceImage, ImageFormat};

#[cfg(feature = "photo")]
mod decode;
mod header;

#[cfg(feature = "photo")]
pub use decode::{PhotoError, Rgba, decode};

/// Width and height from the image's own header, without decoding the pixels; `None` when the
/// header is malformed.
pub fn dimensions(face: &FaceImage) -> Option<(u32, u32)> {
    match face.format {
        ImageFormat::Jpeg => header::jpeg(&face.data),
        ImageFormat::Jpeg2000 => header::jpeg2000(&face.data),
    }
}
