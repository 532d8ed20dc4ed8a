//! The picture: the timeline at fixed widths, colour and ASCII, terminal
//! safety, the SVG export, shell integration. Everything runs on the
//! virtual clock (`--virtual-time`, tokio's paused clock), so every bar
//! lands on the same cell on every machine.

mod common;

use std::sync::Arc;

use predicates::prelude::*;
use saywhen::measure::check::Tolerance;
use saywhen::render::style::Style;
use saywhen::render::{svg, timeline};
use saywhen::{Clock, Mode, Plan, Report, RunSpec, Silent};

use common::{stdout_of, virtual_run};

/// The timeline part of the human view: everything after the totals table.
fn timeline_of(output: &str) -> String {
    let start = output
        .rfind("\n\n")
        .expect("the timeline follows a blank line");
    output[start + 2..].to_owned()
}

fn timeline_for(args: &[&str]) -> String {
    timeline_of(&stdout_of(virtual_run(args).args(["--width", "60"])))
}

/// `pairs` run in `mode` on the virtual clock, through the library.
fn report(mode: Mode, pairs: &[&str]) -> Report {
    let pairs = pairs
        .iter()
        .map(|p| p.parse().expect("a valid pair"))
        .collect();
    let plan = Plan::new(pairs).expect("a valid plan");
    saywhen::run(
        Arc::new(plan),
        &RunSpec::new(mode, Clock::Virtual),
        Arc::new(Silent),
    )
    .expect("the run succeeds")
}

fn render(reports: &[&Report], style: &Style) -> String {
    let mut out = Vec::new();
    timeline::render(reports, style, &mut out).expect("rendering to memory works");
    String::from_utf8(out).expect("UTF-8")
}

fn width(width: usize) -> Style {
    Style {
        width,
        ..Style::default()
    }
}

#[test]
fn serial_is_a_staircase() {
    insta::assert_snapshot!(timeline_for(&["serial", "1:hello", "2:world", "0.5:!"]));
}

#[test]
fn tasks_start_together() {
    insta::assert_snapshot!(timeline_for(&["tasks", "1:hello", "2:world", "0.5:!"]));
}

#[test]
fn gather_starts_together() {
    insta::assert_snapshot!(timeline_for(&["gather", "1:hello", "2:world", "0.5:!"]));
}

#[test]
fn ascii_timeline() {
    insta::assert_snapshot!(timeline_for(&[
        "--ascii", "tasks", "300ms:a", "1.2s:b", "2s:c"
    ]));
}

#[test]
fn wide_characters_and_long_messages_keep_rows_aligned() {
    let text = timeline_for(&[
        "tasks",
        "1:世界世界",
        "2:a message far too long to fit in the label column",
        "1.5:héllo",
    ]);
    insta::assert_snapshot!(text);
    // Every bar starts in the same column: the labels all have one width.
    let starts: Vec<usize> = text
        .lines()
        .take(3)
        .map(|line| {
            let label_end = line.find('░').expect("a bar");
            unicode_width::UnicodeWidthStr::width(&line[..label_end])
        })
        .collect();
    assert!(starts.windows(2).all(|w| w[0] == w[1]), "{starts:?}");
}

#[test]
fn compare_stacks_the_modes_on_one_axis() {
    let pairs = ["1:hello", "2:world"];
    let reports = [
        report(Mode::Serial, &pairs),
        report(Mode::Tasks, &pairs),
        report(Mode::Gather, &pairs),
    ];
    let refs: Vec<&Report> = reports.iter().collect();
    insta::assert_snapshot!(render(&refs, &width(64)));
}

#[test]
fn rows_fit_the_width_asked_for() {
    for columns in [30, 50, 80, 132] {
        let text = timeline_of(&stdout_of(&mut virtual_run(&[
            "--width",
            &columns.to_string(),
            "serial",
            "1:hello",
            "2:a rather long message indeed",
        ])));
        for line in text.lines() {
            let used = unicode_width::UnicodeWidthStr::width(line);
            assert!(used <= columns, "{used} > {columns}: {line:?}");
        }
    }
}

#[test]
fn many_pairs_are_summarised_not_drawn_one_by_one() {
    let pairs: Vec<String> = (1..=500).map(|i| format!("{}ms:m{i}", i * 2)).collect();
    let pairs: Vec<&str> = pairs.iter().map(String::as_str).collect();
    let tasks = report(Mode::Tasks, &pairs);
    let text = render(&[&tasks], &width(60));
    insta::assert_snapshot!(text);
    assert!(text.lines().count() < 10);
    assert!(text.contains("500 pairs"));
}

#[test]
fn no_timeline_hides_it() {
    let out = stdout_of(&mut virtual_run(&["--no-timeline", "serial", "1:a", "2:b"]));
    assert!(!out.contains('░') && !out.contains("├"), "{out}");
    let out = stdout_of(&mut virtual_run(&["serial", "1:a", "2:b"]));
    assert!(out.contains('░') && out.contains("├"), "{out}");
}

#[test]
fn ascii_makes_the_whole_human_view_ascii() {
    let out = stdout_of(&mut virtual_run(&[
        "--ascii",
        "gather",
        "300us:fast",
        "1ms:slow",
        "2s:later",
    ]));
    assert!(out.is_ascii(), "{out}");
    assert!(out.contains("300us"), "{out}");
    assert!(out.contains("+---"), "{out}");
    // Every mode and lesson option: rows they add (drift, timeout,
    // completion order) are in the view's alphabet too.
    for args in [
        &["serial", "300us:a", "1:b"][..],
        &["--timeout", "500ms", "tasks", "300us:a", "1:b"],
        &["--limit", "1", "gather", "300us:a", "1:b"],
        &["race", "300us:a", "1:b"],
        &["joinset", "300us:a", "1:b"],
    ] {
        let out = stdout_of(virtual_run(&["--ascii"]).args(args));
        assert!(out.is_ascii(), "{args:?}: {out}");
    }
    // compare, with repeated runs and their statistics, too.
    let out = stdout_of(&mut virtual_run(&[
        "--ascii",
        "compare",
        "--runs",
        "2",
        "300us:fast",
        "1:slow",
    ]));
    assert!(out.is_ascii(), "{out}");
    assert!(out.contains("serial - median wall"), "{out}");
}

#[test]
fn colour_follows_the_flag_and_the_conventions() {
    let args = ["tasks", "1:hello", "2:world"];
    // A pipe is plain by default...
    let plain = stdout_of(&mut virtual_run(&args));
    assert!(!plain.contains('\x1b'));
    // ... unless asked for, or forced by CLICOLOR_FORCE.
    let forced = stdout_of(virtual_run(&args).arg("--color=always"));
    assert!(forced.contains("\x1b[36mhello"), "{forced}");
    let env_forced = stdout_of(virtual_run(&args).env("CLICOLOR_FORCE", "1"));
    assert!(env_forced.contains('\x1b'));
    // NO_COLOR beats CLICOLOR_FORCE under auto; --color=never beats both.
    let no_color = stdout_of(
        virtual_run(&args)
            .env("CLICOLOR_FORCE", "1")
            .env("NO_COLOR", "1"),
    );
    assert!(!no_color.contains('\x1b'));
    let never = stdout_of(
        virtual_run(&args)
            .arg("--color=never")
            .env("CLICOLOR_FORCE", "1"),
    );
    assert!(!never.contains('\x1b'));
}

#[test]
fn each_pair_keeps_its_colour_in_lines_table_and_timeline() {
    let out = stdout_of(&mut virtual_run(&[
        "--color=always",
        "tasks",
        "1:hello",
        "2:world",
    ]));
    let cyan = "\x1b[36m";
    let magenta = "\x1b[35m";
    for line in out.lines().filter(|l| l.contains("hello")) {
        assert!(line.contains(&format!("{cyan}hello")), "{line:?}");
    }
    for line in out.lines().filter(|l| l.contains("world")) {
        assert!(line.contains(&format!("{magenta}world")), "{line:?}");
    }
    // Lines, table and timeline: three places each.
    assert_eq!(out.matches(&format!("{cyan}hello")).count(), 3, "{out}");
}

#[test]
fn lateness_beyond_the_tolerance_is_highlighted() {
    // On the virtual clock a 300 µs sleep ends on the timer's next 1 ms
    // tick: 700 µs late. A report built by hand stands in for a busy
    // machine: tolerance zero makes that lateness count.
    let report = report(Mode::Tasks, &["300us:x", "2:y"]);
    let style = Style {
        color: true,
        late_tolerance: Tolerance::absolute(std::time::Duration::ZERO),
        ..Style::default()
    };
    let text = render(&[&report], &style);
    assert!(text.contains("\x1b[1m\x1b[31mlate +700µs"), "{text:?}");
    let relaxed = render(&[&report], &Style::default());
    assert!(!relaxed.contains("late"), "{relaxed}");
}

#[test]
fn tolerance_sets_how_late_is_too_late() {
    // 300 µs on the virtual clock ends on the next 1 ms tick: 700 µs late,
    // under the default 5 ms, over an explicit 0.5 ms or 10% of 300 µs.
    let args = ["tasks", "300us:x", "2:y"];
    let quiet = timeline_of(&stdout_of(&mut virtual_run(&args)));
    assert!(!quiet.contains("late"), "{quiet}");
    for tolerance in ["0.5ms", "10%"] {
        let out = timeline_of(&stdout_of(virtual_run(&args).args([
            "--check",
            "--tolerance",
            tolerance,
        ])));
        assert!(out.contains("x       ░ late +700µs"), "{tolerance}: {out}");
    }
}

#[test]
fn notes_beside_bars_never_widen_a_row() {
    // A bar reaching the right edge leaves no room after it: the note goes
    // before the bar instead.
    let report = report(Mode::Serial, &["300us:x", "2:y", "300us:z"]);
    for columns in [30, 40, 80] {
        let style = Style {
            late_tolerance: Tolerance::absolute(std::time::Duration::ZERO),
            ..width(columns)
        };
        let text = render(&[&report], &style);
        assert_eq!(text.matches("late +").count(), 2, "{text}");
        for line in text.lines() {
            let used = unicode_width::UnicodeWidthStr::width(line);
            assert!(used <= columns, "{used} > {columns}: {line:?}");
        }
    }
}

/// Control characters a message might carry; none may reach stdout raw.
const NASTY: &str = "1:a\x1b[31mred\x07\x08\rover\u{9b}2J\u{202e}";

#[test]
fn control_characters_never_reach_stdout_raw() {
    for extra in [
        &["tasks"][..],
        &["--ascii", "tasks"],
        &["--color=always", "tasks"],
        &["--width", "40", "tasks"],
        &["--color=always", "compare"],
        &["--runs", "2", "race"],
        &["--timeout", "1500ms", "serial"],
    ] {
        let out = stdout_of(virtual_run(extra).args([NASTY, "2:ok"]));
        let user_controls: Vec<char> = out
            .chars()
            .filter(|&c| (c.is_control() && c != '\n' && c != '\x1b') || c == '\u{202e}')
            .collect();
        assert!(user_controls.is_empty(), "{user_controls:?} in {out}");
        // The only ESCs are our own colour codes (`ESC [ digits m`), and
        // the message's ESC is shown as `\e`.
        let without_ours = strip_sgr(&out);
        assert!(!without_ours.contains('\x1b'), "{without_ours}");
        assert!(out.contains("\\e[31mred\\a\\b\\rover"), "{out}");
        // Lines, table and timeline all show it escaped.
        assert!(out.matches("\\e[31m").count() >= 3, "{out}");
    }
}

#[test]
fn json_keeps_the_exact_text() {
    let out = stdout_of(&mut virtual_run(&["--format", "json", "tasks", NASTY]));
    let json: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert!(out.contains(r"\u001b[31mred"), "{out}");
    assert!(json.to_string().contains(r"\u001b"));
}

/// Removes well-formed SGR sequences (`ESC [ 0-9; m`), which saywhen emits
/// for colour.
fn strip_sgr(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('\x1b') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        let params = tail.strip_prefix('[').map(|t| {
            t.len()
                - t.trim_start_matches(|c: char| c.is_ascii_digit() || c == ';')
                    .len()
        });
        match params {
            Some(n) if tail[1 + n..].starts_with('m') => rest = &tail[n + 2..],
            _ => {
                out.push('\x1b');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn width_must_be_sensible() {
    common::saywhen()
        .args(["--width", "5", "serial", "1:a"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--width"));
}

#[test]
fn svg_export_is_well_formed_xml_with_labelled_axis_and_bars() {
    let dir = common::browser::scratch("picture");
    let path = dir.join("timeline.svg");
    stdout_of(&mut virtual_run(&[
        "serial",
        "1:hello",
        "2:<world & \"friends\">",
        "--export",
        path.to_str().expect("UTF-8 path"),
    ]));
    let text = std::fs::read_to_string(&path).expect("the SVG was written");
    let doc = roxmltree::Document::parse(&text).expect("the SVG is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| {
            n.descendants()
                .filter(|d| d.is_text())
                .filter_map(|d| d.text())
                .collect()
        })
        .collect();
    for wanted in ["1 hello", "2 <world & \"friends\">", "0s", "1s", "2s", "3s"] {
        assert!(texts.iter().any(|t| t == wanted), "{wanted} in {texts:?}");
    }
    assert!(
        texts
            .iter()
            .any(|t| t.contains("serial") && t.contains("wall 3s"))
    );
    let bars: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("rx").is_some())
        .collect();
    assert_eq!(bars.len(), 2);
    // Each pair's bar keeps its colour (its outline), and the model's
    // state fills it: both slept (and the legend shows the swatch).
    assert_ne!(bars[0].attribute("stroke"), bars[1].attribute("stroke"));
    let sleeping = doc
        .descendants()
        .filter(|n| n.attribute("fill") == Some("url(#p-sleeping)"))
        .count();
    assert_eq!(sleeping, 2 + 1);
    // Serial: the second bar starts where the first ends.
    let x = |n: &roxmltree::Node, a| n.attribute(a).and_then(|v: &str| v.parse::<f64>().ok());
    let first_end = x(&bars[0], "x").unwrap() + x(&bars[0], "width").unwrap();
    assert!((first_end - x(&bars[1], "x").unwrap()).abs() < 0.1);
    // Standalone: no scripts, no external resources, generic fonts only.
    assert!(!text.contains("<script") && !text.contains("href"));
    for family in doc.descendants().filter_map(|n| n.attribute("font-family")) {
        assert!(["sans-serif", "monospace"].contains(&family), "{family}");
    }
}

#[test]
fn svg_stacks_compared_modes_and_escapes_control_characters() {
    let pairs = ["1:hello", "2:a\x1bb"];
    let reports = [report(Mode::Serial, &pairs), report(Mode::Gather, &pairs)];
    let refs: Vec<&Report> = reports.iter().collect();
    let text = svg::render(&refs, &Style::default());
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let captions = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("caption"))
        .count();
    assert_eq!(captions, 2);
    assert!(text.contains(r"a\eb") && !text.contains('\x1b'));
}

#[test]
fn svg_export_refuses_other_extensions() {
    common::saywhen()
        .args(["serial", "1:a", "--export", "picture.png"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".svg"));
}

#[test]
#[ignore = "needs chromium: run by .ci/run"]
fn svg_renders_in_headless_chromium() {
    let chromium = common::browser::chromium()
        .expect("no chromium found (apt-get install chromium) to render the SVG");
    let dir = common::browser::scratch("picture");
    let svg_path = dir.join("timeline.svg");
    let png_path = dir.join("timeline.png");
    stdout_of(&mut virtual_run(&[
        "tasks",
        "1:hello",
        "2:world",
        "--export",
        svg_path.to_str().expect("UTF-8 path"),
    ]));
    common::browser::screenshot(
        chromium,
        &format!("file://{}", svg_path.display()),
        &dir,
        std::time::Duration::from_secs(1),
        &png_path,
    );
    let png = std::fs::read(&png_path).expect("chromium wrote a PNG");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    // A blank page compresses to almost nothing; bars and text do not.
    assert!(png.len() > 3_000, "PNG of {} bytes", png.len());
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = stdout_of(common::saywhen().args(["completions", shell]));
        assert!(out.contains("saywhen"), "{shell}");
        assert!(out.contains("virtual-time"), "{shell}");
    }
    common::saywhen()
        .args(["completions", "tcsh"])
        .assert()
        .code(2);
}

#[test]
fn man_page() {
    let out = stdout_of(common::saywhen().arg("man"));
    assert!(out.contains(".TH saywhen 1"));
    assert!(out.contains("virtual\\-time"));
}
