//! The lesson page (`--export lesson.html`): one self-contained file that
//! plays a run back, checked as a file (nothing loaded from elsewhere,
//! hostile messages inert, its size) and, in headless Chromium, as a
//! reader sees it: it loads without a console error, at every step the
//! states it shows are the model's at that instant, stepping forward then
//! back gives the same page, the keys work, it fits a phone's width, and a
//! screenshot is taken (`SAYWHEN_BLESS=1` keeps it as docs/lesson.png).
//! Every run is on the virtual clock (tokio's paused clock), so the same
//! scenario always gives the same page.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use proptest::prelude::*;
use saywhen::scenario::parse::parse_argument;
use saywhen::simulate::{self, Change};
use serde_json::Value;

use common::{browser, saywhen};

/// The tour of a tree: a serial chain, a timeout that strikes
/// inside a gather, a race won by a failure.
const TOUR: &str =
    "gather(serial(1:a, 2:b), timeout(2.5s, gather(1:c, 3:d)), race(2:slow, fail(0.5:boom)))";

/// The Rust book's blocking race: the thread held, a sleep noticed late.
const BLOCKING: &str = "race(serial(0:a0, block(0.03:a1), block(0.01:a2), block(0.02:a3), 0.05:afin), \
    serial(0:b0, block(0.075:b1), block(0.01:b2), block(0.015:b3), block(0.35:b4), 0.05:bfin))";

/// Exports the lesson of `args` (run on the virtual clock) into `dir`.
fn export(dir: &Path, args: &[&str]) -> PathBuf {
    let page = dir.join("lesson.html");
    let output = saywhen()
        .arg("--virtual-time")
        .args(args)
        .arg("--export")
        .arg(&page)
        .output()
        .expect("saywhen runs");
    assert!(
        page.is_file(),
        "no page: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    page
}

fn lesson_of(dir: &Path, scenario: &str) -> PathBuf {
    export(dir, &["run", scenario])
}

/// The JSON the page plays, read back from the page.
fn data_of(html: &str) -> Value {
    let open = "<script type=\"application/json\" id=\"lesson-data\">";
    let start = html.find(open).expect("the data") + open.len();
    let end = start + html[start..].find("</script>").expect("the data's end");
    serde_json::from_str(&html[start..end]).expect("the data is JSON")
}

#[test]
fn the_page_is_one_file_that_loads_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let html = std::fs::read_to_string(lesson_of(dir.path(), TOUR)).unwrap();
    for outside in [
        "src=",
        "href=\"http",
        "<link",
        "@import",
        "url(http",
        "fetch(",
        "XMLHttpRequest",
    ] {
        assert!(!html.contains(outside), "the page names {outside}");
    }
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    // Two scripts: the data and the player.
    assert_eq!(html.matches("<script").count(), 2);
    let data = data_of(&html);
    let run = &data["runs"][0];
    let nodes = run["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 11);
    assert_eq!(nodes[0]["id"], "0");
    assert_eq!(nodes[1]["kind"], "serial");
    assert_eq!(nodes[2]["label"], "a");
    assert_eq!(nodes[2]["parent"], 1);
    assert_eq!(
        nodes[2]["expected"],
        serde_json::json!([0, 1_000_000_000u64, "done"])
    );
    assert!(
        run["code"]["python"]
            .as_str()
            .unwrap()
            .contains("asyncio.gather")
    );
    assert!(
        run["code"]["rust"]
            .as_str()
            .unwrap()
            .contains("#[tokio::main")
    );
    // A step is one of the model's changes; they group into the instants
    // at which something changes.
    let scenario = parse_argument(TOUR, 1, false).unwrap();
    let (_, trace) = simulate::trace(&scenario);
    let instants: Vec<u64> = trace
        .instants()
        .iter()
        .map(|t| t.as_nanos() as u64)
        .collect();
    let at: Vec<u64> = run["instants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["at"].as_u64().unwrap())
        .collect();
    assert_eq!(at, instants);
    let events = run["events"].as_array().unwrap();
    assert_eq!(events.len(), trace.changes.len());
    assert_eq!(events[0], serde_json::json!([0, "began", 0]));
    let last = run["instants"].as_array().unwrap().last().unwrap();
    assert_eq!(last["end"].as_u64(), Some(events.len() as u64));
    assert_eq!(
        run["arithmetic"]["summary"],
        "expected 3s = max(serial 1s + 2s = 3s, timeout(2.5s) 2.5s, race min(2s, 500ms); slow cancelled = 500ms)"
    );
}

#[test]
fn a_flat_mode_and_a_comparison_make_lessons_too() {
    let dir = tempfile::tempdir().unwrap();
    let html =
        std::fs::read_to_string(export(dir.path(), &["gather", "1:hello", "2:world"])).unwrap();
    let data = data_of(&html);
    assert_eq!(data["runs"].as_array().unwrap().len(), 1);
    assert_eq!(data["runs"][0]["nodes"][1]["label"], "hello");
    let html =
        std::fs::read_to_string(export(dir.path(), &["compare", "1:hello", "2:world"])).unwrap();
    let data = data_of(&html);
    assert!(data["runs"].as_array().unwrap().len() >= 3, "{data}");
}

/// Messages are data: a `</script>`, markup, a terminal escape, a bidi
/// override and a bell stay text, shown escaped as the terminal shows them.
#[test]
fn hostile_messages_are_inert() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = [
        "1:</script><script>alert(1)</script>",
        "2:<img src=x onerror=alert(2)>",
        "3:\u{1b}[31mred\u{7} \u{202e}evil",
        "4:&amp; <!-- \u{2028}",
    ];
    let mut args = vec!["gather"];
    args.extend(hostile);
    let html = std::fs::read_to_string(export(dir.path(), &args)).unwrap();
    assert_eq!(
        html.matches("</script>").count(),
        2,
        "a message closed a script"
    );
    assert!(!html.contains("<img") && !html.contains("alert(1)</script>"));
    assert!(!html.contains('\u{1b}') && !html.contains('\u{202e}') && !html.contains('\u{7}'));
    let data = data_of(&html);
    let labels: Vec<&str> = data["runs"][0]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels[1], "</script><script>alert(1)</script>");
    assert_eq!(labels[2], "<img src=x onerror=alert(2)>");
    assert!(
        labels[3].contains("\\e[31mred") && labels[3].contains("\\u{202e}evil"),
        "{}",
        labels[3]
    );
    assert_eq!(labels[4], "&amp; <!-- \u{2028}");
}

/// 1,000 nodes: every node's data, the two programs, and a picture of at
/// most 60 rows, which says it summarises.
fn thousand_nodes() -> String {
    let serials: Vec<String> = (0..9)
        .map(|s| {
            let pairs: Vec<String> = (0..110)
                .map(|i| format!("{}ms:m{s}_{i}", 1 + (i * 7 + s) % 50))
                .collect();
            format!("serial({})", pairs.join(", "))
        })
        .collect();
    format!("gather({})", serials.join(", "))
}

#[test]
fn a_thousand_nodes_stay_under_a_megabyte_and_are_summarised() {
    let dir = tempfile::tempdir().unwrap();
    let text = thousand_nodes();
    let html = std::fs::read_to_string(lesson_of(dir.path(), &text)).unwrap();
    let data = data_of(&html);
    let run = &data["runs"][0];
    assert_eq!(run["nodes"].as_array().unwrap().len(), 1000);
    assert!(html.len() < 1_000_000, "{} bytes", html.len());
    let rows = run["rows"].as_array().unwrap();
    assert!(rows.len() <= 60, "{} rows", rows.len());
    assert!(rows.iter().any(|r| r.get("more").is_some()));
    let note = run["note"].as_str().unwrap();
    assert!(note.contains("more than 60 nodes"), "{note}");
}

/// Past 10,000 pairs a page would be too large to play: refused before
/// anything runs, with exit 2, and no file.
#[test]
fn too_many_pairs_for_a_page_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("big.html");
    let pairs: Vec<String> = (0..10_001).map(|_| "1ms:m".to_owned()).collect();
    let output = saywhen()
        .args(["--virtual-time", "gather"])
        .args(&pairs)
        .arg("--export")
        .arg(&page)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("a lesson page plays at most 10000 pairs, and this run has 10001"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty() && !page.exists());
}

#[test]
fn an_unknown_extension_names_html_among_the_formats() {
    let output = saywhen()
        .args(["--virtual-time", "serial", "1:a", "--export", "out.htmx"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(".junit.xml or .html)"), "{stderr}");
}

// ---- in the browser ----

fn url(page: &Path, fragment: &str) -> String {
    format!("file://{}{fragment}", page.display())
}

/// The page with a script after it, run once the player has started: a
/// reader's clicks and keys, written down into the DOM.
fn with_script(page: &Path, script: &str) -> PathBuf {
    let html = std::fs::read_to_string(page).unwrap();
    let driven = page.with_file_name("driven.html");
    std::fs::write(&driven, format!("{html}<script>\n{script}\n</script>\n")).unwrap();
    driven
}

const BUDGET: Duration = Duration::from_secs(3);

/// What the page says of each node, in the DOM it leaves: `id=state`.
const STATES_JS: &str = "const states = () => Array.from(document.querySelectorAll('#tree li[data-node-id]'))
  .map(li => li.dataset.nodeId + '=' + li.dataset.state).join(' ');
const put = (id, text) => { const pre = document.createElement('pre'); pre.id = id; pre.textContent = text; document.body.append(pre); };
const click = id => document.getElementById(id).click();";

/// The text of the `<pre id="...">` the script left.
fn pre(dom: &str, id: &str) -> String {
    let open = format!("<pre id=\"{id}\">");
    let start = dom
        .find(&open)
        .unwrap_or_else(|| panic!("no #{id} in the DOM"))
        + open.len();
    let end = start + dom[start..].find("</pre>").unwrap();
    dom[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// What the page should show after each number of steps: every node's
/// last change so far (as `saywhen play` counts them, the model's changes
/// in time order), in the page's `id=state` words. Where a cursor ends an
/// instant, that is what `--at` says: the model's phases at that instant.
fn expected_trail(text: &str) -> Vec<String> {
    let scenario = parse_argument(text, 1, false).unwrap();
    let (_, trace) = simulate::trace(&scenario);
    let nodes: Vec<_> = scenario.walk().map(|(node, _)| node).collect();
    let ids: Vec<String> = nodes.iter().map(|&node| scenario.id(node)).collect();
    let mut changes = trace.changes.clone();
    changes.sort_by_key(|c| c.2);
    let line = |k: usize, phases: &[&str]| {
        let states: Vec<String> = ids
            .iter()
            .zip(phases)
            .map(|(id, p)| format!("{id}={p}"))
            .collect();
        format!("{k} {}", states.join(" "))
    };
    let mut phases = vec!["not started"; ids.len()];
    let mut trail = vec![line(0, &phases)];
    for (k, &(node, change, at)) in changes.iter().enumerate() {
        let place = nodes.iter().position(|&n| n == node).unwrap();
        match change {
            Change::Began => {}
            Change::In(state) => phases[place] = state.name(),
            Change::Ended(end) => phases[place] = end.name(),
        }
        trail.push(line(k + 1, &phases));
        if changes.get(k + 1).is_none_or(|next| next.2 != at) {
            let at_instant: Vec<&str> = trace
                .phases_at(&scenario, at)
                .into_iter()
                .map(|(_, phase)| phase.name())
                .collect();
            assert_eq!(trail[k + 1], line(k + 1, &at_instant), "{text} at {at:?}");
        }
    }
    trail
}

/// Steps through the whole page with its Step button, writing down the
/// states at each step.
fn trail_in_browser(chromium: &str, text: &str) -> (Vec<String>, Vec<String>) {
    let scratch = browser::scratch("lesson-trail");
    let page = lesson_of(&scratch, text);
    let driven = with_script(
        &page,
        &format!(
            "{STATES_JS}
const lines = [];
click('start');
const steps = Number(document.getElementById('scrub').max) + 1;
for (let k = 0; k < steps; k++) {{ lines.push(document.body.dataset.step + ' ' + states()); click('step'); }}
put('trail', lines.join('\\n'));"
        ),
    );
    let loaded = browser::load_logged(chromium, &url(&driven, ""), &scratch, BUDGET, (1200, 800));
    let trail = pre(&loaded.dom, "trail")
        .lines()
        .map(str::to_owned)
        .collect();
    (trail, loaded.console)
}

#[test]
#[ignore = "needs chromium"]
fn the_page_loads_without_a_console_error() {
    let chromium = browser::chromium().expect("chromium on the PATH");
    for scenario in [TOUR, BLOCKING, "1:alone", &thousand_nodes()] {
        let scratch = browser::scratch("lesson-load");
        let page = lesson_of(&scratch, scenario);
        let loaded = browser::load_logged(chromium, &url(&page, ""), &scratch, BUDGET, (1200, 800));
        assert!(loaded.console.is_empty(), "{:#?}", loaded.console);
        assert!(
            loaded.dom.contains("data-step=\"0\""),
            "the player did not start"
        );
        assert!(
            loaded.dom.contains("Step 0 of"),
            "{}",
            &loaded.dom[..2000.min(loaded.dom.len())]
        );
    }
}

#[test]
#[ignore = "needs chromium"]
fn each_step_shows_what_the_model_says_at_that_instant() {
    let chromium = browser::chromium().expect("chromium on the PATH");
    for text in [
        TOUR,
        BLOCKING,
        "limit(1, 1:a, 2:b, spawn_blocking(1:c))",
        "threads(1:a, 2:b)",
    ] {
        let (trail, console) = trail_in_browser(chromium, text);
        assert!(console.is_empty(), "{console:#?}");
        assert_eq!(trail, expected_trail(text), "{text}");
    }
}

/// Scenario texts of random shape: every kind of group, blocking leaves
/// among the pairs, small enough to draw every node.
fn random_tree() -> BoxedStrategy<String> {
    let pair = (
        1u32..3000,
        prop::sample::select(vec!["", "", "fail", "block", "spawn_blocking"]),
    )
        .prop_map(|(ms, wrap)| match wrap {
            "" => format!("{ms}ms:m"),
            wrap => format!("{wrap}({ms}ms:m)"),
        });
    common::trees::tree(3, pair.boxed(), 1..4)
}

proptest! {
    // Each case opens Chromium: a few cases, every step of each.
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    #[ignore = "needs chromium"]
    fn random_scenarios_step_as_the_model_says(text in random_tree()) {
        let chromium = browser::chromium().expect("chromium on the PATH");
        let (trail, console) = trail_in_browser(chromium, &text);
        prop_assert!(console.is_empty(), "{:#?}", console);
        prop_assert_eq!(trail, expected_trail(&text), "{}", text);
    }
}

#[test]
#[ignore = "needs chromium"]
fn a_link_to_a_step_opens_there() {
    let chromium = browser::chromium().expect("chromium on the PATH");
    let scratch = browser::scratch("lesson-link");
    let page = lesson_of(&scratch, TOUR);
    let expected = expected_trail(TOUR);
    for k in [0, 3, 17, expected.len() - 1] {
        let driven = with_script(&page, &format!("{STATES_JS}\nput('states', states());"));
        let loaded = browser::load_logged(
            chromium,
            &url(&driven, &format!("#step={k}")),
            &scratch,
            BUDGET,
            (1200, 800),
        );
        assert_eq!(format!("{k} {}", pre(&loaded.dom, "states")), expected[k]);
    }
}

/// Forward then back, by buttons and by keys, gives the very same page.
#[test]
#[ignore = "needs chromium"]
fn forward_then_back_gives_the_same_dom() {
    let chromium = browser::chromium().expect("chromium on the PATH");
    let scratch = browser::scratch("lesson-back");
    let page = lesson_of(&scratch, BLOCKING);
    let driven = with_script(
        &page,
        &format!(
            "{STATES_JS}
const main = () => document.querySelector('main').innerHTML;
const key = k => document.dispatchEvent(new KeyboardEvent('keydown', {{ key: k, bubbles: true }}));
click('step'); click('step'); click('next');
const before = main();
const at = document.body.dataset.step;
for (let i = 0; i < 4; i++) click('step');
for (let i = 0; i < 2; i++) key('ArrowRight');
const far = main();
const ahead = document.body.dataset.step;
for (let i = 0; i < 2; i++) key('ArrowLeft');
for (let i = 0; i < 4; i++) click('back');
const back = document.body.dataset.step;
const same = before === main();
key(']'); key(']'); const instants = document.body.dataset.step; key('['); key('[');
put('result', [at, ahead, back, same, far !== before, instants, before === main()].join(' '));
key('End');
const end = document.body.dataset.step;
key('Home');
put('ends', end + ' ' + document.body.dataset.step);
key(' ');
put('playing', document.getElementById('play').getAttribute('aria-pressed'));
key(' ');
key('?');
put('help', String(!document.getElementById('help').hidden));"
        ),
    );
    let loaded = browser::load_logged(chromium, &url(&driven, ""), &scratch, BUDGET, (1200, 800));
    assert!(loaded.console.is_empty(), "{:#?}", loaded.console);
    // The first instant (0 s) ends after 14 changes; two instants on is
    // the end of the third (40 ms), 20 changes in.
    assert_eq!(pre(&loaded.dom, "result"), "14 20 14 true true 20 true");
    let last = expected_trail(BLOCKING).len() - 1;
    assert_eq!(pre(&loaded.dom, "ends"), format!("{last} 0"));
    assert_eq!(pre(&loaded.dom, "playing"), "true");
    assert_eq!(pre(&loaded.dom, "help"), "true");
}

/// Played at 16×, the run reaches its last step by itself.
#[test]
#[ignore = "needs chromium"]
fn playing_reaches_the_end() {
    let chromium = browser::chromium().expect("chromium on the PATH");
    let scratch = browser::scratch("lesson-play");
    let page = lesson_of(&scratch, TOUR);
    let driven = with_script(
        &page,
        "const speed = document.getElementById('speed');
speed.value = '6'; speed.dispatchEvent(new Event('change'));
document.getElementById('play').click();",
    );
    let loaded = browser::load_logged(
        chromium,
        &url(&driven, ""),
        &scratch,
        Duration::from_secs(20),
        (1200, 800),
    );
    let last = expected_trail(TOUR).len() - 1;
    assert!(
        loaded.dom.contains(&format!("data-step=\"{last}\"")),
        "did not reach step {last}"
    );
    // ...and stops there, its button back to Play.
    assert!(
        loaded
            .dom
            .contains("aria-pressed=\"false\"><span aria-hidden=\"true\">▶</span> Play"),
        "still playing"
    );
}

/// At a phone's width nothing sticks out sideways: the page scrolls down,
/// never across.
#[test]
#[ignore = "needs chromium"]
fn the_page_fits_a_phone() {
    let chromium = browser::chromium().expect("chromium on the PATH");
    let scratch = browser::scratch("lesson-phone");
    let page = lesson_of(&scratch, TOUR);
    let driven = with_script(
        &page,
        "const put = (id, text) => { const pre = document.createElement('pre'); pre.id = id; pre.textContent = text; document.body.append(pre); };
put('fits', document.documentElement.scrollWidth + ' <= ' + window.innerWidth);",
    );
    let loaded = browser::load_logged(chromium, &url(&driven, ""), &scratch, BUDGET, (390, 844));
    let fits = pre(&loaded.dom, "fits");
    let (wide, window) = fits.split_once(" <= ").unwrap();
    assert!(
        wide.parse::<u32>().unwrap() <= window.parse::<u32>().unwrap(),
        "{fits}"
    );
}

/// A hostile message is text in the DOM: no element it names exists, and
/// its characters show escaped.
#[test]
#[ignore = "needs chromium"]
fn hostile_messages_stay_text_in_the_browser() {
    let chromium = browser::chromium().expect("chromium on the PATH");
    let scratch = browser::scratch("lesson-hostile");
    let page = export(
        &scratch,
        &[
            "gather",
            "1:</script><script>window.hacked=1</script>",
            "2:<img src=x onerror=window.hacked=2>",
            "3:\u{202e}evil\u{1b}",
        ],
    );
    let driven = with_script(
        &page,
        "const put = (id, text) => { const pre = document.createElement('pre'); pre.id = id; pre.textContent = text; document.body.append(pre); };
put('hostile', [String(window.hacked), document.querySelectorAll('img').length, document.querySelectorAll('script').length].join(' '));",
    );
    let loaded = browser::load_logged(chromium, &url(&driven, ""), &scratch, BUDGET, (1200, 800));
    assert!(loaded.console.is_empty(), "{:#?}", loaded.console);
    assert_eq!(pre(&loaded.dom, "hostile"), "undefined 0 3");
    assert!(
        loaded.dom.contains("\\u{202e}evil\\e"),
        "the bidi override is not shown escaped"
    );
}

/// The screenshot the README shows: the blocking race 46 steps in (160
/// ms), b4 holding the thread while afin, due at 110 ms, is ready and not
/// polled.
/// `SAYWHEN_BLESS=1` writes it to docs/lesson.png.
#[test]
#[ignore = "needs chromium"]
fn a_screenshot_is_taken() {
    let chromium = browser::chromium().expect("chromium on the PATH");
    let scratch = browser::scratch("lesson-shot");
    let page = lesson_of(&scratch, BLOCKING);
    let png = match std::env::var_os("SAYWHEN_BLESS") {
        Some(_) => Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/lesson.png"),
        None => scratch.join("lesson.png"),
    };
    let at = url(&page, "#step=46");
    browser::screenshot_sized(chromium, &at, &scratch, BUDGET, &png, (1200, 1740));
    let bytes = std::fs::read(&png).expect("a screenshot");
    assert!(
        bytes.starts_with(b"\x89PNG") && bytes.len() > 20_000,
        "{} bytes",
        bytes.len()
    );
}
