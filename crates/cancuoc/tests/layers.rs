//! The core's layers point only down (`docs/DESIGN.md` §2): each top-level module may use
//! only the modules listed before it. Reads the sources and fails on any `crate::MODULE` path
//! (outside comments) that points up or sideways, so an import cycle cannot creep back.

#![allow(clippy::unwrap_used, clippy::panic)] // a test: a broken source tree should stop it loudly

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The layers, lowest first. `codec`, `apdu` and `transport` are leaves; `error` gathers the
/// errors of the layers below it.
const LAYERS: &[&str] = &[
    "codec",
    "apdu",
    "transport",
    "crypto",
    "sm",
    "channel",
    "files",
    "lds",
    "access",
    "profile",
    "error",
    "document",
    "pki",
    "trust",
    "verify",
    "reader",
    "photo",
    "report",
    "record",
    "inspect",
];

/// Modules outside the layering: the crate root and the fuzzing entry points use everything.
const OUTSIDE: &[&str] = &["lib", "fuzzing"];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a source file belongs to: `src/access/pace/keys.rs` → `access`.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_owned()
}

/// The `crate::NAME` references of a source, comments left out.
fn references(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            // `crate::{a::X, b}` names each first segment of the group.
            let heads: Vec<&str> = match rest.strip_prefix('{') {
                Some(group) => top_level_items(group),
                None => vec![rest],
            };
            for head in heads {
                let name: String =
                    head.trim_start().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    found.insert(name);
                }
            }
        }
    }
    found
}

/// The comma-separated items of a `{…}` group up to its closing brace, nested groups kept whole.
fn top_level_items(group: &str) -> Vec<&str> {
    let (mut depth, mut start, mut items) = (0usize, 0, Vec::new());
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(&group[start..i]);
                return items;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&group[start..]);
    items
}

#[test]
fn every_layer_uses_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let rank = |name: &str| LAYERS.iter().position(|l| *l == name);
    let mut wrong = Vec::new();
    for file in &files {
        let module = module_of(&src, file);
        if OUTSIDE.contains(&module.as_str()) {
            continue;
        }
        let own = rank(&module).unwrap_or_else(|| panic!("module `{module}` is missing from LAYERS"));
        for used in references(&fs::read_to_string(file).unwrap()) {
            // Items re-exported at the crate root (`crate::Error`) are named by their layer.
            let Some(used_rank) = rank(&used) else { continue };
            if used_rank > own {
                wrong.push(format!("{} uses crate::{used}", file.strip_prefix(&src).unwrap().display()));
            }
        }
    }
    assert!(wrong.is_empty(), "upward or sideways imports:\n{}", wrong.join("\n"));
}

#[test]
fn the_check_sees_an_upward_reference() {
    // The scanner itself: a reference in code counts, one in a comment does not.
    let found = references("use crate::verify::passive; // see crate::report\n");
    assert_eq!(found.into_iter().collect::<Vec<_>>(), ["verify"]);
    let grouped = references("use crate::{lds::{Dg1, Mrz}, trust::TrustStore};\n");
    assert_eq!(grouped.into_iter().collect::<Vec<_>>(), ["lds", "trust"]);
}
