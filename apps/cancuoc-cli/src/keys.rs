//! The access-key options shared by `read` and `replay` (DESIGN.md §3.1 KEY).

use cancuoc::AccessKey;
use cancuoc::access::{AccessError, MrzKey, mrz_date};
use cancuoc::profile::cccd::{CccdId, NO_EXPIRY_MRZ_DATE};
use clap::Args;

/// `--mrz DOCNO,YYMMDD,YYMMDD` or `--id ID --dob DATE --expiry DATE`.
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct KeyArgs {
    /// Document number, date of birth and date of expiry as in the MRZ (BAC).
    #[arg(long, value_name = "DOCNO,YYMMDD,YYMMDD", conflicts_with_all = ["id", "dob", "expiry"])]
    mrz: Option<String>,
    /// CCCD: the 12-digit ID number (BAC uses its last 9 digits).
    #[arg(long, value_name = "ID", requires_all = ["dob", "expiry"])]
    id: Option<String>,
    /// CCCD: date of birth, YYYY-MM-DD.
    #[arg(long, value_name = "YYYY-MM-DD", requires = "id")]
    dob: Option<String>,
    /// CCCD: date of expiry, YYYY-MM-DD, or `none` for a card valid for life.
    #[arg(long, value_name = "YYYY-MM-DD", requires = "id")]
    expiry: Option<String>,
}

/// Errors in the key options.
#[derive(Debug)]
pub(crate) enum KeyError {
    Access(AccessError),
    Cccd(cancuoc::profile::cccd::CccdError),
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

impl KeyArgs {
    /// The key, or `None` when no key option was given.
    pub(crate) fn to_access_key(&self) -> Result<Option<AccessKey>, KeyError> {
        if let Some(mrz) = &self.mrz {
            let parts: Vec<&str> = mrz.split(',').map(str::trim).collect();
            let [number, dob, expiry] = parts.as_slice() else { return Err(KeyError::Mrz) };
            let dob = mrz_date(dob, "date of birth (YYMMDD)").map_err(KeyError::Access)?;
            let expiry = mrz_date(expiry, "date of expiry (YYMMDD)").map_err(KeyError::Access)?;
            return Ok(Some(AccessKey::Mrz(MrzKey::new(number, &dob, &expiry).map_err(KeyError::Access)?)));
        }
        let (Some(id), Some(dob), Some(expiry)) = (&self.id, &self.dob, &self.expiry) else {
            return Ok(None);
        };
        let id = CccdId::parse(id).map_err(KeyError::Cccd)?;
        let dob = mrz_date(dob, "date of birth (YYYY-MM-DD)").map_err(KeyError::Access)?;
        let expiry = if expiry.eq_ignore_ascii_case("none") {
            NO_EXPIRY_MRZ_DATE.to_owned()
        } else {
            mrz_date(expiry, "date of expiry (YYYY-MM-DD, or none)").map_err(KeyError::Access)?
        };
        Ok(Some(AccessKey::Mrz(id.bac_key(&dob, &expiry).map_err(KeyError::Access)?)))
    }

    /// A key from the `--mrz` text form.
    pub(crate) fn from_mrz_text(text: &str) -> Result<Option<AccessKey>, KeyError> {
        Self { mrz: Some(text.to_owned()), ..Self::default() }.to_access_key()
    }
}
