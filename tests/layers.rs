//! The workspace's module structure, read from the sources (`docs/DESIGN.md` §2):
//!
//! - the core's layers point only down: each top-level module of `crates/cancuoc` may use only
//!   the modules listed before it, and never an item through the crate root (`crate::Error`
//!   where `crate::error::Error` is meant: the root re-exports for callers, not for its own
//!   layers);
//! - no crate of the workspace has an import circle among its top-level modules.
//!
//! Fails on any `crate::MODULE` path (outside comments) that breaks either rule.

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
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/cancuoc/src");
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
            let Some(used_rank) = rank(&used) else {
                wrong.push(format!(
                    "{} uses crate::{used} through the root",
                    file.strip_prefix(&src).unwrap().display()
                ));
                continue;
            };
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

/// The top-level modules of the crate whose sources are `src` and, for each, the other
/// top-level modules its files name as `crate::MODULE`.
fn module_graph(src: &Path) -> std::collections::BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    sources(src, &mut files);
    let modules: BTreeSet<String> =
        files.iter().map(|file| module_of(src, file)).filter(|m| m != "lib" && m != "main").collect();
    let mut graph = std::collections::BTreeMap::new();
    for file in &files {
        let module = module_of(src, file);
        if !modules.contains(&module) {
            continue;
        }
        let edges: &mut BTreeSet<String> = graph.entry(module.clone()).or_default();
        for used in references(&fs::read_to_string(file).unwrap()) {
            if used != module && modules.contains(&used) {
                edges.insert(used);
            }
        }
    }
    graph
}

/// A circle in `graph` (its modules in order, the first repeated at the end), if there is one.
fn find_circle(graph: &std::collections::BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &std::collections::BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut circle = path.get(at..).unwrap_or_default().to_vec();
            circle.push(node.to_owned());
            return Some(circle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(circle) = visit(next, graph, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_crate_of_the_workspace_has_an_import_circle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut crates = Vec::new();
    for parent in ["crates", "apps", "bindings"] {
        for entry in fs::read_dir(root.join(parent)).unwrap() {
            let src = entry.unwrap().path().join("src");
            if src.is_dir() {
                crates.push(src);
            }
        }
    }
    assert!(crates.len() >= 8, "the workspace's crates were not found: {crates:?}");
    let circles: Vec<String> = crates
        .iter()
        .filter_map(|src| find_circle(&module_graph(src)).map(|c| format!("{}: {}", src.display(), c.join(" → "))))
        .collect();
    assert!(circles.is_empty(), "import circles:\n{}", circles.join("\n"));
}

#[test]
fn the_circle_check_sees_a_circle() {
    let graph = |edges: &[(&str, &str)]| {
        let mut graph = std::collections::BTreeMap::<String, BTreeSet<String>>::new();
        for (from, to) in edges {
            graph.entry((*from).to_owned()).or_default().insert((*to).to_owned());
            graph.entry((*to).to_owned()).or_default();
        }
        graph
    };
    assert_eq!(find_circle(&graph(&[("a", "b"), ("b", "c"), ("a", "c")])), None);
    assert_eq!(find_circle(&graph(&[("cms", "pki"), ("pki", "x"), ("x", "cms")])).unwrap(), ["cms", "pki", "x", "cms"]);
}

#[test]
fn no_core_file_is_over_500_lines() {
    // A file that long holds several jobs (issue 25): split it by job before it grows further.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/cancuoc/src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let long: Vec<String> = files
        .iter()
        .map(|file| (file, fs::read_to_string(file).unwrap().lines().count()))
        .filter(|(_, lines)| *lines > 500)
        .map(|(file, lines)| format!("{} ({lines} lines)", file.strip_prefix(&src).unwrap().display()))
        .collect();
    assert!(long.is_empty(), "core files over 500 lines:\n{}", long.join("\n"));
}
