//! The fault switches: every way the virtual chip can be made as difficult as a real card
//! (ISO/IEC 7816-4 and ICAO 9303 allow each), and their command-line words.

use std::time::Duration;

use cancuoc::internals::apdu::StatusWord;

/// Ways to make the chip difficult, as real cards are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    /// Wait this long before each answer (applied by the vpcd bridge).
    pub delay: Duration,
    /// Vanish after this many APDUs, as a card pulled from the reader.
    pub tear_after: Option<usize>,
    /// How the chip treats extended-length APDUs (it takes them by default).
    pub no_extended: NoExtended,
    /// What the ATR's historical bytes say of extended length: `None` proprietary bytes that
    /// say nothing (the default), else the card capabilities with "extended Lc and Le" set or
    /// not (ISO/IEC 7816-4, third software function table).
    pub atr_says_extended: Option<bool>,
    /// EF.ATR/INFO (FID 2F01, SFI 01) in the master file with extended length information
    /// allowing extended responses or not; `None`: no such file (6A82).
    pub atr_info_says_extended: Option<bool>,
    /// Refuse READ BINARY with a larger Le with `6700`.
    pub max_le: Option<usize>,
    /// Hide EF.CardAccess and refuse PACE, as BAC-only chips do.
    pub no_pace: bool,
    /// Answer PACE's mutual authentication with a wrong token (one byte changed), as a man in
    /// the middle or a chip without the right keys would: the reader must stop, not fall back.
    pub pace_bad_token: bool,
    /// Refuse INTERNAL AUTHENTICATE (6D00) although DG15 holds a key: what a copy of the data
    /// without the private key can do.
    pub refuse_active_authentication: bool,
    /// How a chip without short EF identifiers answers READ BINARY by one (ISO/IEC 7816-4 lets
    /// a card do without them; it takes them by default): the reader must select each file.
    pub no_short_ef_ids: NoShortEfIds,
    /// Refuse (`6700`) an extended READ BINARY asking for more than the file holds from its
    /// offset, instead of answering what there is with `6282` as ISO/IEC 7816-4 has it.
    pub extended_within_file_only: bool,
    /// Refuse PACE's MSE:Set AT with this status word (6A80, 6982, 6D00, …) although
    /// EF.CardAccess offers it: what a chip stripped of PACE, or a relay that wants BAC, does.
    pub refuse_pace: Option<StatusWord>,
    /// Serve only the first N bytes of EF.CardAccess (its PACEInfo cut short).
    pub truncate_card_access: Option<usize>,
    /// Answer "file not found" to EF.CardAccess while still taking PACE: what an app sees on
    /// iOS, whose NFC stack reads the file itself and keeps it from the app (the app then hands
    /// the bytes over: `Transport::card_access`).
    pub hide_card_access: bool,
}

/// How a chip without short EF identifiers answers a READ BINARY that names one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NoShortEfIds {
    /// It takes them.
    #[default]
    Supported,
    /// `6A86` (incorrect P1-P2), under secure messaging when the command came under it.
    Refused,
    /// A plain `6A86` that ends secure messaging (ICAO 9303-11 lets a chip end the session on
    /// any error).
    EndSm,
}

impl NoShortEfIds {
    /// `refused` or `end-sm`, as `cancuoc-vcard --no-short-ef-ids` takes them.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "refused" => Some(Self::Refused),
            "end-sm" => Some(Self::EndSm),
            _ => None,
        }
    }
}

/// How a chip that cannot take extended-length APDUs answers one. ICAO 9303-11 allows each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NoExtended {
    /// It takes them.
    #[default]
    Supported,
    /// Its applet answers `6700` under secure messaging, as a well-behaved one does.
    Refused,
    /// It answers a plain `6700` and ends secure messaging (ICAO 9303-11 lets a chip end the
    /// session on any error).
    EndSm,
    /// Its runtime answers a plain `6700` without the applet seeing the command: the send
    /// sequence counter does not move and the session stays as it was.
    Ignore,
}

impl NoExtended {
    /// From the command-line word: `refused`, `end-sm` or `ignore`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "refused" => Some(Self::Refused),
            "end-sm" => Some(Self::EndSm),
            "ignore" => Some(Self::Ignore),
            _ => None,
        }
    }
}
