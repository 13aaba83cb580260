//! The access-key options shared by `read` and `replay` (DESIGN.md §3.1 KEY).

use cancuoc::AccessKey;
use cancuoc::access::{AccessError, MrzKey, mrz_date};
use cancuoc::profile::cccd::{CccdError, CccdId, CccdQr, NO_EXPIRY_MRZ_DATE, expiry_candidates};
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
    /// CCCD: date of birth, YYYY-MM-DD (with --id).
    #[arg(long, value_name = "YYYY-MM-DD", requires = "id")]
    dob: Option<String>,
    /// CCCD: date of expiry, YYYY-MM-DD, or `none` for a card valid for life (with --id
    /// --dob). Without it, the likely expiry dates are tried from the renewal ages.
    #[arg(long, value_name = "YYYY-MM-DD", requires = "dob")]
    expiry: Option<String>,
    /// CCCD: the text of the card's QR code (`ID|old ID|name|DDMMYYYY|sex|address|DDMMYYYY`).
    #[arg(long, value_name = "TEXT", conflicts_with = "mrz")]
    qr: Option<String>,
    /// Document number, date of birth and date of expiry as in the MRZ (PACE-MRZ or BAC).
    #[arg(long, value_name = "DOCNO,YYMMDD,YYMMDD")]
    mrz: Option<String>,
}

/// Errors in the key options.
#[derive(Debug)]
pub(crate) enum KeyError {
    Access(AccessError),
    Cccd(CccdError),
    Mrz,
}

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Access(e) => write!(f, "{e}"),
            Self::Cccd(e) => write!(f, "{e}"),
            Self::Mrz => {
                f.write_str("--mrz takes DOCNO,YYMMDD,YYMMDD (document number, date of birth, date of expiry)")
            }
        }
    }
}

impl From<AccessError> for KeyError {
    fn from(e: AccessError) -> Self {
        Self::Access(e)
    }
}

impl From<CccdError> for KeyError {
    fn from(e: CccdError) -> Self {
        Self::Cccd(e)
    }
}

impl KeyArgs {
    /// The key, or `None` when no key option was given.
    pub(crate) fn to_access_key(&self) -> Result<Option<AccessKey>, KeyError> {
        if let Some(mrz) = &self.mrz {
            let parts: Vec<&str> = mrz.split(',').map(str::trim).collect();
            let [number, dob, expiry] = parts.as_slice() else { return Err(KeyError::Mrz) };
            let dob = mrz_date(dob, "date of birth (YYMMDD)")?;
            let expiry = mrz_date(expiry, "date of expiry (YYMMDD)")?;
            return Ok(Some(AccessKey::Mrz(MrzKey::new(number, &dob, &expiry)?)));
        }
        if let Some(can) = &self.can {
            return Ok(Some(AccessKey::can(can)?));
        }
        if let Some(qr) = &self.qr {
            return Ok(Some(CccdQr::parse(qr)?.access_key()?));
        }
        let Some(id) = &self.id else { return Ok(None) };
        let id = CccdId::parse(id)?;
        let Some(dob) = &self.dob else { return Ok(Some(id.can_key()?)) };
        let dob_mrz = mrz_date(dob, "date of birth (YYYY-MM-DD)")?;
        let expiries = match &self.expiry {
            Some(e) if e.eq_ignore_ascii_case("none") => vec![NO_EXPIRY_MRZ_DATE.to_owned()],
            Some(e) => vec![mrz_date(e, "date of expiry (YYYY-MM-DD, or none)")?],
            None => {
                let birth = cancuoc::profile::cccd::Date::parse_iso(dob)
                    .ok_or(AccessError::BadInput("date of birth (YYYY-MM-DD)"))?;
                expiry_candidates(&birth, None)
            }
        };
        Ok(Some(id.key_with_dates(&dob_mrz, &expiries)?))
    }

    /// A key from a trace's `cancuoc-key:` comment (`mrz DOCNO,YYMMDD,YYMMDD` or `can NNNNNN`).
    pub(crate) fn from_trace_comment(text: &str) -> Result<Option<AccessKey>, KeyError> {
        let args = match text.split_once(' ') {
            Some(("mrz", v)) => Self { mrz: Some(v.to_owned()), ..Self::default() },
            Some(("can", v)) => Self { can: Some(v.to_owned()), ..Self::default() },
            _ => return Ok(None),
        };
        args.to_access_key()
    }
}
