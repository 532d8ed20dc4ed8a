//! `--export checks.junit.xml`: the expectations of `--check` and
//! `--max-wall` as JUnit XML, parsed with roxmltree and held to what the
//! JUnit schema (the Ant XSD that Jenkins documents, the strictest of the
//! readers: GitLab, Jenkins, the GitHub test-report actions) requires, with
//! the values checked against the run's own JSON report. Everything runs on
//! the virtual clock, where walls are exact.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use roxmltree::{Document, Node};
use saywhen::engine::record::Timing;
use saywhen::measure::check::{Expectations, Tolerance};
use saywhen::render::junit;
use saywhen::{Clock, Measurement, Mode, Plan, RunSpec, Silent, StopReason};
use serde_json::Value;

use common::browser::scratch;
use common::{rejects, saywhen};

/// Runs saywhen on the virtual clock with a JUnit export and a JSON
/// report on stdout; returns the XML, the report and the exit code.
fn run_with_junit(args: &[&str]) -> (String, Value, i32) {
    let mut on_virtual = vec!["--virtual-time"];
    on_virtual.extend(args);
    run_with_junit_on(&on_virtual)
}

/// As [`run_with_junit`], on the clock `args` name (the real one unless
/// they say `--virtual-time`).
fn run_with_junit_on(args: &[&str]) -> (String, Value, i32) {
    let dir = scratch("junit");
    let file = dir.join("checks.junit.xml");
    let output = saywhen()
        .args(args)
        .args(["--format", "json", "--export"])
        .arg(&file)
        .output()
        .expect("saywhen runs");
    let json = serde_json::from_slice(&output.stdout).expect("one JSON document");
    let xml = std::fs::read_to_string(&file).expect("the JUnit file was written");
    (xml, json, output.status.code().expect("an exit code"))
}

fn attr<'a>(node: Node<'a, '_>, name: &str) -> &'a str {
    node.attribute(name)
        .unwrap_or_else(|| panic!("<{}> lacks the required {name}", node.tag_name().name()))
}

fn int(node: Node<'_, '_>, name: &str) -> usize {
    attr(node, name)
        .parse()
        .unwrap_or_else(|_| panic!("{name} is not a whole number"))
}

/// `3.000`: a decimal with exactly three places.
fn three_decimals(text: &str) -> f64 {
    let (whole, places) = text.split_once('.').expect("a decimal point");
    assert!(
        whole.bytes().all(|b| b.is_ascii_digit()) && !whole.is_empty(),
        "{text}"
    );
    assert!(
        places.len() == 3 && places.bytes().all(|b| b.is_ascii_digit()),
        "{text}"
    );
    text.parse().unwrap()
}

fn elements<'a, 'i>(node: Node<'a, 'i>) -> Vec<Node<'a, 'i>> {
    node.children().filter(Node::is_element).collect()
}

/// The structure and the required attributes of the JUnit schema; returns
/// the test cases.
fn schema_checked<'a, 'i>(doc: &'a Document<'i>) -> Vec<Node<'a, 'i>> {
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(
        root.attributes().len(),
        0,
        "the schema allows none on the root"
    );
    let suites = elements(root);
    assert_eq!(suites.len(), 1);
    let suite = suites[0];
    assert_eq!(suite.tag_name().name(), "testsuite");
    for name in ["name", "hostname", "package"] {
        assert!(!attr(suite, name).trim().is_empty(), "{name}");
    }
    assert_eq!(attr(suite, "id"), "0");
    let timestamp = attr(suite, "timestamp");
    let shape: String = timestamp
        .chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { c })
        .collect();
    assert_eq!(
        shape, "9999-99-99T99:99:99",
        "no time zone allowed: {timestamp}"
    );
    three_decimals(attr(suite, "time"));

    // properties first, then the test cases, then system-out and -err.
    let children = elements(suite);
    let tags: Vec<&str> = children.iter().map(|n| n.tag_name().name()).collect();
    assert_eq!(tags.first(), Some(&"properties"), "{tags:?}");
    assert_eq!(
        tags[tags.len() - 2..],
        ["system-out", "system-err"],
        "{tags:?}"
    );
    for property in elements(children[0]) {
        assert_eq!(property.tag_name().name(), "property");
        assert!(!attr(property, "name").is_empty());
        attr(property, "value");
    }
    let cases: Vec<Node> = children[1..children.len() - 2].to_vec();
    assert!(
        cases.iter().all(|n| n.tag_name().name() == "testcase"),
        "{tags:?}"
    );

    let mut failures = 0;
    let mut errors = 0;
    for case in &cases {
        assert!(!attr(*case, "name").is_empty());
        assert!(!attr(*case, "classname").is_empty());
        three_decimals(attr(*case, "time"));
        // At most one of skipped, error, failure; `type` is required.
        let inner = elements(*case);
        assert!(inner.len() <= 1, "{inner:?}");
        if let Some(result) = inner.first() {
            attr(*result, "type");
            attr(*result, "message");
            match result.tag_name().name() {
                "failure" => failures += 1,
                "error" => errors += 1,
                other => panic!("unexpected <{other}>"),
            }
        }
    }
    assert_eq!(int(suite, "tests"), cases.len());
    assert_eq!(int(suite, "failures"), failures);
    assert_eq!(int(suite, "errors"), errors);
    cases
}

#[test]
fn one_testcase_per_mode_and_expectation_with_the_measured_walls() {
    // On the real clock every sleep ends a little late, so a 1ns tolerance
    // fails every mode; --max-wall 1s holds.
    let (xml, json, code) = run_with_junit_on(&[
        "compare",
        "1.5ms:a",
        "1ms:b",
        "--runs",
        "3",
        "--check",
        "--tolerance",
        "1ns",
        "--max-wall",
        "1s",
    ]);
    assert_eq!(code, 1, "the checks failed");
    let doc = Document::parse(&xml).expect("well-formed XML");
    let cases = schema_checked(&doc);
    let suite = doc.root_element().first_element_child().unwrap();
    assert_eq!(attr(suite, "name"), "saywhen compare");

    let modes = json["modes"].as_array().unwrap();
    assert_eq!(cases.len(), modes.len() * 2);
    for (mode, pair) in modes.iter().zip(cases.chunks(2)) {
        let name = mode["mode"].as_str().unwrap();
        let median = mode["wall_s"]["median"].as_f64().unwrap();
        let expected = mode["expected_s"].as_f64().unwrap();
        for case in pair {
            assert_eq!(attr(*case, "classname"), name);
            assert_eq!(
                three_decimals(attr(*case, "time")),
                (median * 1e3).round() / 1e3
            );
        }
        let human = |s: f64| saywhen::scenario::units::human(Duration::from_secs_f64(s));
        assert_eq!(
            attr(pair[0], "name"),
            format!("expected wall {} ± 1ns", human(expected))
        );
        let failure = pair[0]
            .first_element_child()
            .expect("the expected wall failed");
        assert_eq!(failure.tag_name().name(), "failure");
        assert_eq!(attr(failure, "type"), "expected wall");
        assert_eq!(
            attr(failure, "message"),
            format!(
                "expected {} ± 1ns, measured {} (median of 3 runs)",
                human(expected),
                human(median)
            )
        );
        assert!(
            failure
                .text()
                .unwrap()
                .starts_with(&format!("{name} took "))
        );
        assert_eq!(attr(pair[1], "name"), "max wall 1s");
        assert!(pair[1].first_element_child().is_none(), "max wall held");
    }
    // The suite's time is every run's wall added up: between three times
    // each mode's fastest and three times its slowest.
    let total = |which: &str| -> f64 {
        modes
            .iter()
            .map(|m| m["wall_s"][which].as_f64().unwrap() * 3.0)
            .sum()
    };
    let time = three_decimals(attr(suite, "time"));
    assert!(
        time >= (total("min") * 1e3).floor() / 1e3 && time <= (total("max") * 1e3).ceil() / 1e3,
        "{time}"
    );
}

#[test]
fn a_passing_single_mode_has_empty_testcases() {
    let (xml, json, code) = run_with_junit(&["serial", "1:a", "2:b", "--check"]);
    assert_eq!(code, 0);
    let doc = Document::parse(&xml).unwrap();
    let cases = schema_checked(&doc);
    let suite = doc.root_element().first_element_child().unwrap();
    assert_eq!(attr(suite, "name"), "saywhen serial");
    assert_eq!(cases.len(), 1);
    assert_eq!(attr(cases[0], "classname"), "serial");
    assert_eq!(attr(cases[0], "name"), "expected wall 3s ± 300ms");
    assert_eq!(attr(cases[0], "time"), "3.000");
    assert_eq!(json["wall_s"], 3.0);
    // The suite's timestamp is the run's start, without its offset.
    let started = json["started_at"].as_str().unwrap();
    assert!(started.starts_with(attr(suite, "timestamp")), "{started}");
    let property = |name: &str| {
        doc.descendants()
            .find(|n| n.attribute("name") == Some(name) && n.has_tag_name("property"))
            .and_then(|n| n.attribute("value"))
    };
    assert_eq!(property("clock"), Some("virtual"));
    assert_eq!(property("pairs"), Some("2"));
}

#[test]
fn an_interrupted_mode_is_an_error_not_a_failure() {
    let plan = Arc::new(Plan::new(vec!["1:a".parse().unwrap()]).unwrap());
    let spec = RunSpec::new(Mode::Tasks, Clock::Virtual);
    let mut report = saywhen::run(plan, &spec, Arc::new(Silent)).unwrap();
    report.interrupted = Some(StopReason::Interrupt);
    report.timings[0] = Timing::new(Some(Duration::ZERO), None, Default::default());
    report.wall = Duration::from_millis(400);
    let measured = Measurement::new(report, Vec::new(), 0);
    let expectations = Expectations {
        expected_wall: Some(Tolerance::default()),
        max_wall: None,
    };
    let verdicts = expectations.verdicts([&measured]);
    let mut out = Vec::new();
    let suite = junit::Suite {
        name: "saywhen tasks",
        hostname: "ci-runner-7",
    };
    junit::write(suite, std::slice::from_ref(&measured), &verdicts, &mut out).unwrap();
    let xml = String::from_utf8(out).unwrap();
    let doc = Document::parse(&xml).unwrap();
    let cases = schema_checked(&doc);
    let error = cases[0].first_element_child().unwrap();
    assert_eq!(error.tag_name().name(), "error");
    assert_eq!(attr(error, "type"), "interrupted");
    assert!(attr(error, "message").contains("SIGINT"), "{xml}");
    let suite = doc.root_element().first_element_child().unwrap();
    assert_eq!(attr(suite, "hostname"), "ci-runner-7");
    assert_eq!(attr(suite, "failures"), "0");
    assert_eq!(attr(suite, "errors"), "1");
}

#[test]
fn a_junit_report_needs_something_to_judge() {
    rejects(
        &[
            "--virtual-time",
            "serial",
            "1:a",
            "--export",
            "checks.junit.xml",
        ],
        "--export checks.junit.xml: a JUnit report lists the checks, and none were asked for (add --check or --max-wall)",
    );
    assert!(
        !Path::new("checks.junit.xml").exists(),
        "nothing was created"
    );
}

#[test]
fn the_example_in_the_docs_meets_the_schema() {
    let docs = include_str!("../docs/FORMATS.md");
    let section = &docs[docs.find("## JUnit XML").expect("a JUnit section")..];
    let example = section
        .split("```xml\n")
        .nth(1)
        .and_then(|block| block.split("```").next())
        .expect("an XML example");
    let doc = Document::parse(example).expect("well-formed XML");
    assert_eq!(schema_checked(&doc).len(), 6);
    // The same document saywhen writes, but for the host and the clock.
    let (xml, _, code) = run_with_junit(&[
        "compare",
        "1:hello",
        "2:world",
        "--check",
        "--max-wall",
        "2.5s",
    ]);
    assert_eq!(code, 1);
    let masked = |text: &str| -> Vec<String> {
        text.lines()
            .map(|line| match line.find(" timestamp=") {
                Some(at) => line[..at].to_owned(),
                None => line.to_owned(),
            })
            .collect()
    };
    assert_eq!(masked(&xml), masked(example));
}
