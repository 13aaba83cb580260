//! The access-key options shared by `read` and `replay` (DESIGN.md §3.1 KEY).

use cancuoc::AccessKey;
use cancuoc::profile::key_input::{KeyInput, KeyInputError};
use clap::Args;

/// `--can`, `--id [--dob --expiry]`, `--qr` or `--mrz`.
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct KeyArgs {
    /// The 6-digit card access number (PACE-CAN).
    #[arg(long, value_name = "CAN", conflicts_with_all = ["mrz", "id", "qr"])]
    can: Option<String>,
    /// CCCD: the 12-digit ID number. Alone: PACE with its last 6 digits as CAN. With --dob
    /// (and --expiry): PACE-CAN, else BAC with its last 9 digits.
    #[arg(long, value_name = "ID", conflicts_with_all = ["mrz", "qr"])]
    id: Option<String>,
    /// CCCD: date of birth, YYYY-MM-DD or dd/mm/yyyy (with --id).
    #[arg(long, value_name = "YYYY-MM-DD", requires = "id")]
    dob: Option<String>,
    /// CCCD: date of expiry, YYYY-MM-DD or dd/mm/yyyy, or `none` for a card valid for life
    /// (with --id --dob). Without it, the likely expiry dates are tried from the renewal ages.
    #[arg(long, value_name = "YYYY-MM-DD", requires = "dob")]
    expiry: Option<String>,
    /// CCCD: the text of the card's QR code (`ID|old ID|name|DDMMYYYY|sex|address|DDMMYYYY`).
    #[arg(long, value_name = "TEXT", conflicts_with = "mrz")]
    qr: Option<String>,
    /// Document number, date of birth and date of expiry as in the MRZ (PACE-MRZ or BAC).
    #[arg(long, value_name = "DOCNO,YYMMDD,YYMMDD")]
    mrz: Option<String>,
}

impl KeyArgs {
    /// The key, or `None` when no key option was given (read as every front end reads them:
    /// [`KeyInput`]).
    pub(crate) fn to_access_key(&self) -> Result<Option<AccessKey>, KeyInputError> {
        KeyInput {
            mrz: self.mrz.clone(),
            can: self.can.clone(),
            qr: self.qr.clone(),
            id: self.id.clone(),
            date_of_birth: self.dob.clone(),
            date_of_expiry: self.expiry.clone(),
        }
        .access_key()
    }

    /// A key from a trace's `cancuoc-key:` comment (`mrz DOCNO,YYMMDD,YYMMDD` or `can NNNNNN`).
    pub(crate) fn from_trace_comment(text: &str) -> Result<Option<AccessKey>, KeyInputError> {
        let args = match text.split_once(' ') {
            Some(("mrz", v)) => Self { mrz: Some(v.to_owned()), ..Self::default() },
            Some(("can", v)) => Self { can: Some(v.to_owned()), ..Self::default() },
            _ => return Ok(None),
        };
        args.to_access_key()
    }
}
