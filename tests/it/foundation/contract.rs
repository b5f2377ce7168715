//! `docs/CONTRACT.md` stays true: every route it names is mounted, every
//! error code it lists is in `openapi.json` with the status it gives, every
//! `BFF_*` variable of its configuration table is a setting the service
//! knows, and every cookie it names is one the service sets.

use std::collections::BTreeSet;

use cognito_bff::cookies::CookieNames;

use crate::helpers::sources;

fn contract() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/CONTRACT.md"))
        .expect("docs/CONTRACT.md")
}

/// The first cell of every table row, without backticks.
fn first_cells(text: &str) -> Vec<(String, Vec<String>)> {
    text.lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|---") && !l.starts_with("| ---"))
        .map(|l| {
            let cells: Vec<String> = l
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().trim_matches('`').to_owned())
                .collect();
            (cells[0].clone(), cells)
        })
        .collect()
}

fn openapi() -> serde_json::Value {
    serde_json::from_str(cognito_bff::http::openapi::DOCUMENT).expect("openapi.json")
}

#[test]
fn every_route_of_the_contract_is_mounted() {
    let mounted: BTreeSet<String> = cognito_bff::http::mounted_routes()
        .into_iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let named: Vec<String> = first_cells(&contract())
        .into_iter()
        .map(|(first, _)| first)
        .filter(|c| c.starts_with("GET /") || c.starts_with("POST /"))
        .collect();
    assert!(named.len() >= 16, "{named:?}");
    for route in &named {
        assert!(
            mounted.contains(route),
            "{route} is in the contract but not mounted"
        );
    }
}

#[test]
fn every_error_code_of_the_contract_is_documented_with_its_status() {
    let doc = openapi();
    let enum_codes: BTreeSet<&str> = doc["components"]["schemas"]["Problem"]["properties"]["code"]
        ["enum"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    // (code, the statuses the contract gives it: its column, and any other
    // status its "when" cell names, e.g. 415 and 431 for `invalid_request`).
    let rows: Vec<(String, BTreeSet<String>)> = first_cells(&contract())
        .into_iter()
        .filter(|(first, cells)| {
            cells.len() == 3
                && first.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                && cells[1].parse::<u16>().is_ok()
        })
        .map(|(code, cells)| {
            let mut statuses: BTreeSet<String> = cells[2]
                .split(|c: char| !c.is_ascii_digit())
                .filter(|w| w.len() == 3 && w.parse::<u16>().is_ok_and(|n| (400..600).contains(&n)))
                .map(str::to_owned)
                .collect();
            statuses.insert(cells[1].clone());
            (code, statuses)
        })
        .collect();
    assert!(rows.len() >= 20, "{rows:?}");
    // Every (status, code) pair openapi.json documents on a route.
    let mut documented: BTreeSet<(String, String)> = BTreeSet::new();
    for item in doc["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            for (status, response) in op["responses"].as_object().unwrap() {
                let text = response.to_string();
                for (code, _) in &rows {
                    if text.contains(&format!("\"{code}\"")) {
                        documented.insert((status.clone(), code.clone()));
                    }
                }
            }
        }
    }
    for code in &enum_codes {
        assert!(
            rows.iter().any(|(c, _)| c == code),
            "{code} is in openapi.json's Problem.code but not in the contract's table"
        );
    }
    for (code, statuses) in &rows {
        assert!(
            enum_codes.contains(code.as_str()),
            "{code} missing from Problem.code"
        );
        let elsewhere: Vec<&(String, String)> = documented
            .iter()
            .filter(|(s, c)| c == code && !statuses.contains(s))
            .collect();
        assert!(
            elsewhere.is_empty(),
            "{code} is {statuses:?} in the contract but {elsewhere:?} in openapi.json"
        );
    }
}

#[test]
fn every_variable_of_the_configuration_table_is_a_known_setting() {
    let vars: Vec<String> = first_cells(&contract())
        .into_iter()
        .map(|(first, _)| first)
        .filter(|c| c.starts_with("BFF_"))
        .collect();
    assert!(vars.len() >= 18, "{vars:?}");
    for var in &vars {
        let key = var.trim_start_matches("BFF_").to_ascii_lowercase();
        let problems = match cognito_bff::config::load(&sources(&[(var.as_str(), "x")])) {
            Ok(_) => Vec::new(),
            Err(e) => e.problems,
        };
        assert!(
            !problems
                .iter()
                .any(|p| p.contains("unknown field") && p.contains(&key)),
            "{var} is in the contract but the service does not know it: {problems:?}"
        );
    }
}

#[test]
fn every_cookie_of_the_contract_is_one_the_service_sets() {
    let names = CookieNames::new(true);
    let ours: BTreeSet<&str> = [names.access, names.refresh, names.session]
        .into_iter()
        .chain(names.access_chunks)
        .collect();
    let named: Vec<String> = first_cells(&contract())
        .into_iter()
        .map(|(first, _)| first)
        .filter(|c| c.starts_with("__Secure-"))
        .collect();
    assert!(named.len() >= 3, "{named:?}");
    for cell in &named {
        let name = cell
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .trim_matches('`');
        assert!(
            ours.contains(name),
            "{name} is in the contract but never set"
        );
    }
}
