//! The paved read that goes on after a torn card: a connection per placement of the card, one
//! [`PartialRead`] across them.

use rand_core::CryptoRng;

use super::{PartialRead, Progress, ReadOptions, Reader};
use crate::access::AccessKey;
use crate::document::Document;
use crate::error::Error;
use crate::transport::Transport;

/// Which connection [`read_resuming`] asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Connect {
    /// The first one: the card is to be placed, or is there.
    First,
    /// The card was taken away mid-read: it is to be put back, to go on.
    PutBack,
}

/// The paved read: access control, the document and the proofs of the chip
/// ([`super::Session::read_into`], [`super::Session::authenticate_chip`]), going on after a torn card.
/// `connect` gives a connection to the card — first, and again after each tear once the card
/// is back (it may wait; its error ends the read). What was read before a tear is kept, and
/// [`Reader::resume`] checks that the card put back is the same chip.
///
/// # Errors
/// The first error that is not a removed card, `connect`'s error, or a removed card after
/// [`MAX_TEARS`] tears.
pub fn read_resuming<T: Transport>(
    mut connect: impl FnMut(Connect) -> Result<T, Error>,
    key: &AccessKey,
    options: &ReadOptions,
    rng: &mut impl CryptoRng,
    progress: &mut dyn FnMut(Progress),
) -> Result<Document, Error> {
    let mut partial = PartialRead::new(options.limits);
    let mut tears = 0;
    loop {
        let attempt = if tears == 0 { Connect::First } else { Connect::PutBack };
        let transport = connect(attempt)?;
        let result = read_once(transport, key, options, rng, progress, &mut partial);
        match result {
            Err(e) if e.class() == crate::error::ErrorClass::CardRemoved && tears < MAX_TEARS => tears += 1,
            other => return other,
        }
    }
}

/// One connection's part of [`read_resuming`].
fn read_once<T: Transport>(
    transport: T,
    key: &AccessKey,
    options: &ReadOptions,
    rng: &mut impl CryptoRng,
    progress: &mut dyn FnMut(Progress),
    partial: &mut PartialRead,
) -> Result<Document, Error> {
    let mut session = Reader::open(transport).require_pace(options.require_pace).resume(key, rng, partial)?;
    session.read_into(partial, options, rng, progress)?;
    let mut doc = partial.document().clone();
    session.authenticate_chip_over(&mut doc, options.active_challenge, rng)?;
    Ok(doc)
}

/// Most tears one read goes on after: each one means the card was lifted and put back.
pub const MAX_TEARS: usize = 20;
