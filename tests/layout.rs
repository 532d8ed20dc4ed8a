//! The layout is tested, not only described: arrows between the top-level
//! modules of `src/` point down. A lower module never names the one that
//! uses it (STYLE.md), so the graph of `crate::X` references between
//! top-level modules has no cycle, and nothing names `app`, the command
//! line at the top.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Which top-level module names which, and where: `graph[a][b]` lists the
/// files of `a` that reference `crate::b`.
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

#[test]
fn top_level_modules_form_no_cycle() {
    let graph = graph(&sources(Path::new(env!("CARGO_MANIFEST_DIR")).join("src")));
    assert!(
        graph
            .get("app")
            .is_some_and(|to| to.contains_key("scenario")),
        "the scan found no `crate::` references (app must name scenario): {graph:?}"
    );
    if let Some(cycle) = cycle(&graph) {
        panic!(
            "the top-level modules of src/ import each other in a circle: {}\n{}",
            cycle.join(" -> "),
            explain(&graph, &cycle)
        );
    }
}

#[test]
fn nothing_names_the_command_line() {
    let graph = graph(&sources(Path::new(env!("CARGO_MANIFEST_DIR")).join("src")));
    let callers: Vec<String> = graph
        .iter()
        .filter(|(_, to)| to.contains_key("app"))
        .map(|(from, to)| format!("{from} ({})", join(&to["app"])))
        .collect();
    assert!(
        callers.is_empty(),
        "app is the top, yet named by: {}",
        callers.join(", ")
    );
}

/// The check itself can fail: a circle hidden in a grouped `use` and a
/// path in an expression is found and named.
#[test]
fn a_cycle_is_found_and_named() {
    let files = vec![
        file("lib.rs", "pub mod a;\npub mod b;\npub mod c;"),
        file("a/mod.rs", "use crate::{b::{self, X}, c};"),
        file("b/x.rs", "fn f() { crate::c::g() }"),
        file("c.rs", "/// See [`crate::a::Y`].\npub fn g() {}"),
    ];
    let circle = graph(&files);
    assert_eq!(cycle(&circle), Some(names(&["a", "b", "c", "a"])));
    assert!(explain(&circle, &names(&["a", "b", "c", "a"])).contains("b -> c in b/x.rs"));

    let acyclic = vec![
        file("lib.rs", "pub mod a;\npub mod b;"),
        file("a.rs", "use crate::b::Thing;\nuse crate::lib_only;"),
        file("b/mod.rs", "pub(crate) struct Thing; use crate::b::inner;"),
    ];
    assert_eq!(cycle(&graph(&acyclic)), None);
}

fn file(path: &str, text: &str) -> (PathBuf, String) {
    (PathBuf::from(path), text.to_owned())
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Every `.rs` file under `root`, as (path relative to `root`, text).
fn sources(root: PathBuf) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).expect("src/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = fs::read_to_string(&path).expect("a source file is UTF-8");
                files.push((path.strip_prefix(&root).unwrap().to_path_buf(), text));
            }
        }
    }
    files
}

/// The top-level module a file belongs to: `engine/run.rs` and `error.rs`
/// give `engine` and `error`; `lib.rs` and `main.rs` are the crate itself.
fn top_of(path: &Path) -> Option<String> {
    let first = path.components().next()?.as_os_str().to_str()?;
    match first.strip_suffix(".rs") {
        Some("lib" | "main") => None,
        Some(name) => Some(name.to_owned()),
        None => Some(first.to_owned()),
    }
}

fn graph(files: &[(PathBuf, String)]) -> Graph {
    let tops: BTreeSet<String> = files.iter().filter_map(|(p, _)| top_of(p)).collect();
    let mut graph = Graph::new();
    for (path, text) in files {
        let Some(from) = top_of(path) else { continue };
        for to in referenced(text) {
            if to != from && tops.contains(&to) {
                graph
                    .entry(from.clone())
                    .or_default()
                    .entry(to)
                    .or_default()
                    .insert(path.display().to_string());
            }
        }
    }
    graph
}

/// The first segment of every `crate::...` path in `text`, including each
/// item of a grouped `use crate::{a::X, b}`. Doc links count too: a lower
/// module that links to a higher one points the reader up the pipeline.
fn referenced(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            found.extend(group_items(group));
        } else {
            found.push(ident(rest));
        }
    }
    found.retain(|name| !name.is_empty() && name != "self");
    found
}

/// The leading names of the items of a `{...}` group (`rest` starts after
/// the `{`): `b::{self, X}, c}` gives `b` and `c`.
fn group_items(rest: &str) -> Vec<String> {
    let mut items = vec![ident(rest.trim_start())];
    let mut depth = 0;
    for (i, c) in rest.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => items.push(ident(rest[i + 1..].trim_start())),
            _ => {}
        }
    }
    items
}

fn ident(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// A cycle, as the modules along it with the first repeated at the end, or
/// `None`. Depth-first, in name order, so the answer is the same each run.
fn cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &Graph,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flat_map(|to| to.keys()) {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|start| visit(start, graph, &mut Vec::new(), &mut done))
}

/// Each arrow of `cycle` with the files that make it.
fn explain(graph: &Graph, cycle: &[String]) -> String {
    cycle
        .windows(2)
        .map(|step| {
            let files = &graph[&step[0]][&step[1]];
            format!("  {} -> {} in {}", step[0], step[1], join(files))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn join(files: &BTreeSet<String>) -> String {
    files.iter().cloned().collect::<Vec<_>>().join(", ")
}
