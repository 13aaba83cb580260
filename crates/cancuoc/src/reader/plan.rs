//! The read's plan: which data groups to read, in which order, and which are skipped and why
//! (ICAO 9303-10 §4.7; EF.SOD's list is signed, EF.COM's is not).

use super::{ReadFile, ReadOptions};
use crate::document::{Document, Skipped};
use crate::lds::DgNumber;

/// A file to read and its place in the read, for progress.
#[derive(Debug, Clone, Copy)]
pub(super) struct FileSlot {
    pub(super) file: ReadFile,
    /// Index of this file among those to read.
    pub(super) index: usize,
    /// How many files are to be read.
    pub(super) count: usize,
}

pub(super) fn slot(file: ReadFile, index: usize, count: usize) -> FileSlot {
    FileSlot { file, index, count }
}

/// The data groups to read: EF.SOD's list, else EF.COM's, else the usual ones (`true`: then
/// absent ones are no finding). Data groups only EF.COM lists are named as not signed.
pub(super) fn plan(
    doc: &mut Document,
    signed_list: Option<Vec<DgNumber>>,
    com_list: Option<&[DgNumber]>,
    options: &ReadOptions,
) -> (Vec<DgNumber>, bool) {
    let (listed, guessed) = match (signed_list, com_list) {
        (Some(signed), com) => {
            for dg in com.into_iter().flatten().filter(|dg| !signed.contains(dg)) {
                doc.skipped.push(Skipped {
                    dg: *dg,
                    reason: UNSIGNED_IN_COM.to_owned(),
                    not_signed: true,
                    withheld: false,
                });
            }
            (signed, false)
        }
        (None, Some(com)) => (com.to_vec(), false),
        (None, None) => (USUAL_DATA_GROUPS.iter().filter_map(|n| DgNumber::new(*n)).collect(), true),
    };
    let asked = |dg: &DgNumber| options.only.as_ref().is_some_and(|only| only.contains(dg));
    let mut wanted = Vec::new();
    for dg in listed {
        if !options.photo && dg == DgNumber::DG2 {
            continue;
        }
        if options.only.as_ref().is_some_and(|only| !only.contains(&dg)) {
            continue;
        }
        // DG3 and DG4 answer only after terminal authentication (EAC), which needs the
        // issuing state's terminal certificates: asking costs an APDU for a sure refusal.
        if EAC_DATA_GROUPS.contains(&dg.get()) && !asked(&dg) {
            doc.skipped.push(Skipped { dg, reason: NEEDS_EAC.to_owned(), not_signed: false, withheld: false });
            continue;
        }
        wanted.push(dg);
    }
    (wanted, guessed)
}

/// Data groups behind terminal authentication: fingerprints and irises (ICAO 9303-11 §7.1).
const EAC_DATA_GROUPS: [u8; 2] = [3, 4];

/// Why DG3 and DG4 are not read unless asked for ([`ReadOptions::with_only`]).
const NEEDS_EAC: &str = "needs terminal authentication (EAC), which this read does not perform: not read";

/// Why a data group EF.COM lists but EF.SOD does not hash is not read.
const UNSIGNED_IN_COM: &str = "listed in EF.COM but not signed by EF.SOD: not read";

/// The data groups tried when neither EF.SOD nor EF.COM says which exist: the MRZ, the face,
/// the holder's details, the CCCD record and the chip's keys (ICAO 9303-10 §4.7).
const USUAL_DATA_GROUPS: [u8; 7] = [1, 2, 11, 12, 13, 14, 15];

/// Names for errors and progress, DG1..DG16.
pub(super) const DG_NAMES: [&str; 16] = [
    "DG1", "DG2", "DG3", "DG4", "DG5", "DG6", "DG7", "DG8", "DG9", "DG10", "DG11", "DG12", "DG13", "DG14", "DG15",
    "DG16",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn dgs(numbers: &[u8]) -> Vec<DgNumber> {
        numbers.iter().filter_map(|n| DgNumber::new(*n)).collect()
    }

    #[test]
    fn ef_sod_s_list_wins_and_what_only_ef_com_lists_is_named_not_signed() {
        let mut doc = Document::default();
        let com = dgs(&[1, 2, 11, 13]);
        let (wanted, guessed) = plan(&mut doc, Some(dgs(&[1, 2, 13])), Some(&com), &ReadOptions::default());
        assert_eq!((wanted, guessed), (dgs(&[1, 2, 13]), false));
        assert_eq!(doc.skipped.len(), 1);
        assert!(doc.skipped[0].not_signed && doc.skipped[0].dg == DgNumber::DG11);
    }

    #[test]
    fn dg3_and_dg4_are_skipped_unless_asked_and_the_photo_when_not_wanted() {
        let mut doc = Document::default();
        let options = ReadOptions::default().with_photo(false);
        let (wanted, _) = plan(&mut doc, Some(dgs(&[1, 2, 3, 4, 14])), None, &options);
        assert_eq!(wanted, dgs(&[1, 14]));
        assert_eq!(doc.skipped.iter().map(|s| s.dg.get()).collect::<Vec<_>>(), [3, 4]);
        let mut doc = Document::default();
        let options = ReadOptions::default().with_only(dgs(&[3]));
        let (wanted, _) = plan(&mut doc, Some(dgs(&[1, 3])), None, &options);
        assert_eq!(wanted, dgs(&[3]), "asked for: read");
    }

    #[test]
    fn without_any_list_the_usual_groups_are_guessed() {
        let mut doc = Document::default();
        let (wanted, guessed) = plan(&mut doc, None, None, &ReadOptions::default());
        assert!(guessed);
        assert_eq!(wanted, dgs(&USUAL_DATA_GROUPS));
        let com = dgs(&[1, 2]);
        assert_eq!(plan(&mut doc, None, Some(&com), &ReadOptions::default()), (com.clone(), false));
    }
}
