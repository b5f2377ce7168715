//! The module graph, read from the sources (`crate::` and `super::` paths):
//! layers point inward, and no two modules depend on each other, at the top
//! level or between siblings inside a module (e.g. the local Cognito's
//! `state` and `persist`). `cargo test architecture` shows it; a failure
//! names the edge or the cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What each top-level module may use, lowest layers first. The domain
/// (`auth`), the configuration, the metrics registry and the local Cognito
/// use nothing of the service; adapters use the domain and configuration;
/// `state` wires adapters; `http` serves them; `startup` and `cli` build
/// and run everything.
const ALLOWED: &[(&str, &[&str])] = &[
    ("auth", &[]),
    ("config", &[]),
    ("metrics", &[]),
    ("telemetry", &[]),
    ("local_cognito", &[]),
    ("cookies", &["auth", "config"]),
    ("jwks", &["metrics"]),
    ("verify", &["auth", "config", "jwks"]),
    ("cognito", &["auth", "config", "metrics"]),
    ("limits", &["auth", "config", "metrics"]),
    ("proxy", &["config", "cookies", "metrics"]),
    ("admin", &[]),
    (
        "state",
        &[
            "auth", "cognito", "config", "cookies", "jwks", "limits", "metrics", "proxy", "verify",
        ],
    ),
    (
        "http",
        &[
            "auth", "config", "cookies", "metrics", "proxy", "state", "verify",
        ],
    ),
    (
        "startup",
        &[
            "auth",
            "cognito",
            "config",
            "http",
            "jwks",
            "local_cognito",
            "metrics",
            "proxy",
            "state",
            "verify",
        ],
    ),
    ("banner", &["config", "startup"]),
    (
        "cli",
        &[
            "admin",
            "banner",
            "config",
            "local_cognito",
            "startup",
            "telemetry",
        ],
    ),
];

/// Every module (by path, `a::b`) and the modules its file names.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&src, &mut files);
    let module_of = |file: &Path| -> Vec<String> {
        let rel = file.strip_prefix(&src).unwrap().with_extension("");
        let mut parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if matches!(
            parts.last().map(String::as_str),
            Some("mod" | "lib" | "main")
        ) {
            parts.pop();
        }
        parts
    };
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(f)).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let here = module_of(file);
        if here.is_empty() {
            continue; // lib.rs and main.rs declare the tree
        }
        let text = strip_comments(&std::fs::read_to_string(file).unwrap());
        let targets = edges.entry(here.join("::")).or_default();
        for path in referenced_paths(&text, &here) {
            // The longest known module the path names.
            let target = (1..=path.len())
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|p| modules.contains(p));
            if let Some(t) = target
                && t != here
            {
                targets.insert(t.join("::"));
            }
        }
    }
    edges
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The text without `//` comments (doc comments name modules in prose).
fn strip_comments(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Absolute module paths named by `crate::...` and `super::...` in `text`
/// (written in module `here`), groups `{a, b::c}` expanded one level.
fn referenced_paths(text: &str, here: &[String]) -> Vec<Vec<String>> {
    let b = text.as_bytes();
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let ident_at = |j: usize| -> String {
        let len = b[j..].iter().take_while(|c| is_ident(**c)).count();
        String::from_utf8_lossy(&b[j..j + len]).into_owned()
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if i > 0 && is_ident(b[i - 1]) {
            i += 1;
            continue;
        }
        let (mut base, mut j) = if b[i..].starts_with(b"crate::") {
            (Vec::new(), i + "crate::".len())
        } else if b[i..].starts_with(b"super::") {
            let mut base = here.to_vec();
            let mut j = i;
            while b[j..].starts_with(b"super::") {
                base.pop();
                j += "super::".len();
            }
            (base, j)
        } else {
            i += 1;
            continue;
        };
        loop {
            let ident = ident_at(j);
            if ident.is_empty() {
                break;
            }
            j += ident.len();
            base.push(ident);
            if !b[j..].starts_with(b"::") {
                break;
            }
            j += 2;
        }
        if b.get(j) == Some(&b'{') {
            let end = b[j..]
                .iter()
                .position(|c| *c == b'}')
                .map_or(b.len(), |e| j + e);
            for item in String::from_utf8_lossy(&b[j + 1..end]).split(',') {
                let first: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !first.is_empty() && first != "self" {
                    let mut p = base.clone();
                    p.push(first);
                    out.push(p);
                }
            }
        }
        out.push(base);
        i = j.max(i + 1);
    }
    out
}

/// A cycle among `nodes` along `edges`, if any.
fn cycle(
    nodes: &BTreeSet<String>,
    edges: &BTreeMap<String, BTreeSet<String>>,
) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        nodes: &BTreeSet<String>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(pos) = stack.iter().position(|s| s == n) {
            let mut c = stack[pos..].to_vec();
            c.push(n.to_owned());
            return Some(c);
        }
        if done.contains(n) {
            return None;
        }
        stack.push(n.to_owned());
        for m in edges
            .get(n)
            .into_iter()
            .flatten()
            .filter(|m| nodes.contains(*m))
        {
            if let Some(c) = visit(m, edges, nodes, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(n.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    nodes
        .iter()
        .find_map(|n| visit(n, edges, nodes, &mut Vec::new(), &mut done))
}

/// `a::b::c` seen from under `parent`: the child of `parent` it lies in.
fn child_of<'a>(module: &'a str, parent: &str) -> Option<&'a str> {
    let rest = if parent.is_empty() {
        module
    } else {
        module.strip_prefix(parent)?.strip_prefix("::")?
    };
    let len = rest.find("::").unwrap_or(rest.len());
    Some(&module[..module.len() - rest.len() + len])
}

#[test]
fn top_level_modules_use_only_the_layers_below_them() {
    let edges = graph();
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut wrong = Vec::new();
    for (from, targets) in &edges {
        let top = from.split("::").next().unwrap();
        let may = allowed
            .get(top)
            .unwrap_or_else(|| panic!("module {top} is missing from ALLOWED"));
        for to in targets {
            let to_top = to.split("::").next().unwrap();
            if to_top != top && !may.contains(&to_top) {
                wrong.push(format!("{from} -> {to}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "dependencies against the layering: {wrong:#?}"
    );
}

#[test]
fn no_two_sibling_modules_depend_on_each_other() {
    let edges = graph();
    let parents: BTreeSet<String> = edges
        .keys()
        .flat_map(|m| {
            let parts: Vec<&str> = m.split("::").collect();
            (0..parts.len()).map(move |n| parts[..n].join("::"))
        })
        .collect();
    for parent in &parents {
        // Edges between the children of `parent` (a child stands for
        // everything below it).
        let mut sibling_edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, targets) in &edges {
            let Some(a) = child_of(from, parent) else {
                continue;
            };
            for to in targets {
                if let Some(b) = child_of(to, parent)
                    && a != b
                {
                    sibling_edges
                        .entry(a.to_owned())
                        .or_default()
                        .insert(b.to_owned());
                }
            }
        }
        let nodes: BTreeSet<String> = sibling_edges.keys().cloned().collect();
        if let Some(c) = cycle(&nodes, &sibling_edges) {
            panic!(
                "modules under `{}` depend on each other: {}",
                if parent.is_empty() { "crate" } else { parent },
                c.join(" -> ")
            );
        }
    }
}

#[test]
fn the_reader_sees_crate_and_super_paths_and_groups() {
    let here = [
        "local_cognito".to_owned(),
        "ops".to_owned(),
        "auth".to_owned(),
    ];
    let found = referenced_paths(
        "use super::{Ctx, pools::x};\nuse super::super::state::State;\nlet k = crate::auth::AuthError::Internal;",
        &here,
    );
    let joined: Vec<String> = found.iter().map(|p| p.join("::")).collect();
    for expected in [
        "local_cognito::ops::Ctx",
        "local_cognito::ops::pools",
        "local_cognito::state::State",
        "auth::AuthError::Internal",
    ] {
        assert!(
            joined.iter().any(|j| j == expected),
            "{expected} in {joined:?}"
        );
    }
}

/// The top-level modules whose files name crate `krate` (as `krate::` or
/// `use krate`), comments aside.
fn users_of(krate: &str) -> BTreeSet<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&src, &mut files);
    let mut users = BTreeSet::new();
    for file in files {
        let text = strip_comments(&std::fs::read_to_string(&file).unwrap());
        let names_it = text.match_indices(krate).any(|(i, _)| {
            let before = text[..i].chars().next_back();
            let after = &text[i + krate.len()..];
            !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
                && (after.starts_with("::") || after.starts_with(';'))
        });
        if names_it {
            let rel = file.strip_prefix(&src).unwrap();
            let top = rel
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy();
            users.insert(top.trim_end_matches(".rs").to_owned());
        }
    }
    users
}

#[test]
fn the_web_framework_stays_in_the_web_layer_and_the_sdk_in_the_adapters() {
    // `http` serves, `startup` binds, and the local Cognito is its own server.
    let axum: BTreeSet<String> = ["http", "local_cognito", "startup"]
        .map(String::from)
        .into();
    assert_eq!(users_of("axum"), axum, "modules naming axum");
    // The Cognito adapter and the administrator's CLI; never the domain.
    for sdk in [
        "aws_sdk_cognitoidentityprovider",
        "aws_config",
        "aws_smithy_types",
    ] {
        let users = users_of(sdk);
        assert!(
            users.iter().all(|m| m == "cognito" || m == "admin"),
            "{sdk} named outside the adapters: {users:?}"
        );
    }
}
