//! The timeline draws each node's states over time, as the model has
//! them: holding the thread, sleeping, ready but starved, waiting for a
//! permit, each with a glyph of its own (in Unicode and in ASCII), a
//! legend of the states drawn, and a row for the thread saying who held
//! it. Every run is on the virtual clock, where the run is the model's
//! exactly, so every cell is the same on every machine.

mod common;

use common::{stdout_of, virtual_run};

/// The Rust book's blocking race: `a` holds the thread 60 ms and parks on
/// its sleep; `b` then holds it 450 ms, so `a`'s sleep, due at 110 ms, is
/// ready but starved until 510 ms.
const RACE: &str = "race(serial(0:a0, block(0.03:a1), block(0.01:a2), block(0.02:a3), 0.05:afin), \
    serial(0:b0, block(0.075:b1), block(0.01:b2), block(0.015:b3), block(0.35:b4), 0.05:bfin))";

/// The timeline of `args`: from its first row (`first`) to the end.
fn timeline(args: &[&str], first: &str) -> String {
    let out = stdout_of(&mut virtual_run(args));
    let at = out
        .find(&format!("\n{first}"))
        .unwrap_or_else(|| panic!("no row {first:?} in\n{out}"));
    out[at + 1..].to_owned()
}

/// The row whose label (after indentation) is `label`.
fn row<'a>(timeline: &'a str, label: &str) -> &'a str {
    timeline
        .lines()
        .find(|line| line.split_whitespace().next() == Some(label))
        .unwrap_or_else(|| panic!("no row {label} in\n{timeline}"))
}

/// What follows the label column of `row` (the bar area, 9 columns in).
fn bar(row: &str, label: usize) -> String {
    row.chars().skip(label).collect()
}

fn fits_80_columns(text: &str) {
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "wider than 80: {line:?}");
    }
}

#[test]
fn the_blocking_race_shows_holding_sleeping_and_starved_apart() {
    let drawn = timeline(&["run", RACE], "race ");
    fits_80_columns(&drawn);
    assert!(!drawn.contains('\x1b'), "a pipe gets no colour");
    // a1 holds the thread from 0 to 30 ms: solid, at the left.
    assert!(bar(row(&drawn, "a1"), 9).starts_with("████"));
    // afin sleeps 50 ms from 60 ms, then is ready, unpolled, until 510.
    let afin = bar(row(&drawn, "afin"), 9);
    let afin = afin.trim();
    assert!(afin.starts_with("░░░░░░"), "{afin}");
    assert!(afin.ends_with("▒▒▒▒▒▒"), "{afin}");
    assert!(afin.chars().filter(|&c| c == '▒').count() > 50, "{afin}");
    // The second serial cannot start for 60 ms: a holds the thread.
    let mut serial = drawn
        .lines()
        .filter(|l| l.trim_start().starts_with("serial"));
    let second = serial.next_back().unwrap();
    assert!(bar(second, 9).starts_with("▒▒▒▒▒▒▒▒├"), "{second}");
    assert!(bar(row(&drawn, "b4"), 9).trim().chars().all(|c| c == '█'));
    // The thread's row, held all along, with the long holders named.
    let thread = drawn.lines().find(|l| l.starts_with("thread 0 ")).unwrap();
    assert!(thread.contains("b4") && thread.contains("b1"), "{thread}");
    assert!(drawn.contains(
        "thread 0 held by a1 30ms, a2 10ms, a3 20ms, b1 75ms, b2 10ms, b3 15ms, b4 350ms"
    ));
    // The legend names the states drawn, and only those.
    let legend = drawn.replace('\n', " ");
    for said in [
        "the model's states (the run agrees exactly)",
        "░ sleeping on a timer",
        "▒ ready, not polled: the thread is busy",
        "█ holding the thread",
    ] {
        assert!(legend.contains(said), "{said:?} not in\n{drawn}");
    }
    assert!(!legend.contains("permit") && !legend.contains("did not finish"));
}

#[test]
fn ascii_draws_the_same_states_in_ascii() {
    let drawn = timeline(&["--ascii", "run", RACE], "race ");
    fits_80_columns(&drawn);
    assert!(drawn.is_ascii(), "{drawn}");
    assert!(bar(row(&drawn, "a1"), 9).starts_with("####"));
    let afin = bar(row(&drawn, "afin"), 9);
    assert!(afin.trim().starts_with("------") && afin.ends_with("!!!!"));
    assert!(drawn.lines().any(|l| l.starts_with("thread 0 #")));
    let legend = drawn.replace('\n', " ");
    assert!(legend.contains("- sleeping on a timer; ! ready, not polled"));
    assert!(legend.contains("# holding the thread"));
}

#[test]
fn a_limit_shows_who_waits_for_a_permit() {
    let drawn = timeline(&["run", "limit(1, 1:a, 1:b)"], "limit(1)");
    fits_80_columns(&drawn);
    let b = bar(row(&drawn, "b"), 9);
    let dots = b.chars().take_while(|&c| c == '·').count();
    assert!((30..=40).contains(&dots), "{b}");
    assert!(b[dots * '·'.len_utf8()..].trim().chars().all(|c| c == '░'));
    assert!(drawn.contains("· waiting for a permit"));
    assert!(!drawn.contains("thread 0"), "nothing blocks: no thread row");
}

#[test]
fn flat_modes_draw_states_and_the_thread_too() {
    let drawn = timeline(&["blocking", "1:a", "2:b"], "1 a ");
    fits_80_columns(&drawn);
    // b is spawned at once, and ready but unpolled while a holds the
    // thread; then it holds it.
    let b = bar(row(&drawn, "2"), 11);
    assert!(
        b.starts_with("▒▒▒▒▒") && b.trim_end().ends_with("█████"),
        "{b}"
    );
    assert!(drawn.contains("thread 0 held by a 1s, b 2s"));
    let tasks = timeline(&["tasks", "1:a", "2:b"], "1 a ");
    assert!(bar(row(&tasks, "2"), 10).trim().chars().all(|c| c == '░'));
    assert!(!tasks.contains("thread 0"));
}

/// Forced colour paints each state in its own colour, and the lines
/// still fit once the escape codes are taken out.
#[test]
fn forced_colour_paints_each_state() {
    let drawn = timeline(&["--color", "always", "run", RACE], "");
    let holding = "\x1b[35m█";
    let ready = "\x1b[33m▒";
    assert!(
        drawn.contains(holding) && drawn.contains(ready),
        "{drawn:?}"
    );
    let plain = strip(&drawn);
    fits_80_columns(&plain[plain.find("\nrace").unwrap()..]);
}

/// `text` without its ANSI escape codes.
fn strip(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            chars.by_ref().find(|&c| c == 'm');
        } else {
            out.push(c);
        }
    }
    out
}

/// The SVG draws the same states, each with a pattern of its own (not
/// colour alone), a legend of them, and the thread's row naming who held
/// it.
#[test]
fn the_svg_fills_each_state_with_its_own_pattern() {
    let dir = common::browser::scratch("timeline-states");
    let path = dir.join("race.svg");
    stdout_of(&mut virtual_run(&[
        "-q",
        "run",
        RACE,
        "--export",
        path.to_str().expect("UTF-8 path"),
    ]));
    let text = std::fs::read_to_string(&path).expect("the SVG was written");
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let filled = |state: &str| {
        doc.descendants()
            .filter(|n| n.attribute("fill") == Some(&format!("url(#p-{state})")))
            .count()
    };
    // a1..a3 and b1..b4 hold the thread; the 7 holds of its row; the
    // legend's swatch.
    assert_eq!(filled("holding"), 7 + 7 + 1, "{text}");
    assert!(filled("sleeping") >= 1 && filled("ready") >= 2);
    assert_eq!(filled("permit"), 0);
    // The patterns differ in shape, not only in colour.
    let pattern = |state: &str| {
        let node = doc
            .descendants()
            .find(|n| n.attribute("id") == Some(&format!("p-{state}")))
            .unwrap_or_else(|| panic!("no pattern for {state}"));
        node.children()
            .filter(|c| c.is_element())
            .map(|c| c.tag_name().name().to_owned())
            .collect::<Vec<_>>()
    };
    assert_ne!(pattern("ready"), pattern("holding"));
    assert_ne!(pattern("permit"), pattern("ready"));
    let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    for wanted in [
        "thread 0",
        "b4",
        "holding the thread",
        "ready, not polled: the thread is busy",
        "sleeping on a timer",
    ] {
        assert!(texts.contains(&wanted), "{wanted} not in {texts:?}");
    }
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("thread 0 held by a1 30ms, a2 10ms"))
    );
}
