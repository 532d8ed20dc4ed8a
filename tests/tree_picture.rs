//! The picture of a scenario: the timeline draws the tree (group spans,
//! indentation, cut marks, each group's wall), in the terminal and as SVG,
//! at any width and at any size. Every run here is on the virtual clock
//! (tokio's paused clock), so every bar lands on the same cell on every
//! machine and the pictures can be compared character for character.

mod common;

use std::sync::Arc;

use proptest::prelude::*;
use saywhen::measure::report::{Report, scenario_label};
use saywhen::render::style::Style;
use saywhen::render::{fit, svg, timeline};
use saywhen::scenario::parse::parse_argument;
use saywhen::scenario::tree::Node;
use saywhen::{Clock, Mode, RunSpec, Silent, Stop, StopReason};
use saywhen::{run_scenario, run_scenario_async};

use common::{browser, stdout_of, virtual_run};

/// The issue's tour of a tree: a serial chain, a timeout that strikes
/// inside a gather, a race won by a failure.
const TOUR: &str =
    "gather(serial(1:a, 2:b), timeout(2.5s, gather(1:c, 3:d)), race(2:slow, fail(0.5:boom)))";

/// Runs `text` on the virtual clock.
fn run(text: &str) -> Report {
    let scenario = parse_argument(text, 1, false).unwrap_or_else(|e| panic!("{text}: {e}"));
    let spec = RunSpec::new(Mode::Gather, Clock::Virtual);
    run_scenario(Arc::new(scenario), &spec, Arc::new(Silent)).expect("the run succeeds")
}

fn style(width: usize, unicode: bool) -> Style {
    Style {
        width,
        unicode,
        ..Style::default()
    }
}

fn picture(reports: &[&Report], style: &Style) -> String {
    let mut out = Vec::new();
    timeline::render(reports, style, &mut out).expect("rendering to memory works");
    String::from_utf8(out).expect("UTF-8")
}

fn draw(text: &str, width: usize, unicode: bool) -> String {
    picture(&[&run(text)], &style(width, unicode))
}

/// No line wider than `width` columns, as a terminal counts them.
fn assert_fits(picture: &str, width: usize) {
    for line in picture.lines() {
        assert!(
            fit::width(line) <= width,
            "{} columns > {width}: {line:?}\n{picture}",
            fit::width(line)
        );
    }
}

/// The timeline part of the human view: everything after the last blank
/// line.
fn timeline_of(output: &str) -> &str {
    let start = output
        .rfind("\n\n")
        .expect("the timeline follows a blank line");
    &output[start + 2..]
}

#[test]
fn the_tree_at_80_columns() {
    // Each group a span with its wall after it (inside it when there is no
    // room after); the timeout cuts its gather and d at 2.5s (✂); the race
    // is won by boom's failure at 500ms (✗), slow is cancelled, and the
    // failure reaches the root.
    assert_eq!(
        draw(TOUR, 80, true),
        "\
gather         ◆├────────────────────────────────────────────────── 3s failed ✗
  serial       ◆├───────────────────────────────────────────────────────── 3s ┤
    a          ◆░░░░░░░░░░░░░░░░░░░░░
    b          ◆                     ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░
  timeout(2.5s) ├─────────────────────────────────── 2.5s timed out ✂
    gather      ├─────────────────────────────────── 2.5s cancelled ✂
      c         ░░░░░░░░░░░░░░░░░░░░░
      d         ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░✂ cancelled
  race          ├─────────✗ 500ms failed
    slow        ░░░░░░░░░░✂ cancelled
    boom        ░░░░░░░░░░✗ failed
                ├──────────┬─────────┬──────────┬─────────┬──────────┬─────────┤
                0s         500ms     1s         1.5s      2s         2.5s     3s
the model's states (the run agrees exactly): ░ sleeping on a timer
├─┤ group, its wall · ✂ cancelled or timed out · ✗ failed
◆ on the critical path
"
    );
}

#[test]
fn the_readme_shows_the_tree_as_drawn() {
    let readme = include_str!("../README.md");
    assert!(readme.contains(&draw(TOUR, 80, true)));
}

#[test]
fn the_tree_at_40_columns_in_ascii() {
    // A label too long for a third of the width is cut with `...`.
    assert_eq!(
        draw(TOUR, 40, false),
        "\
gather       *[============ 3s failed x
  serial     *[=================== 3s ]
    a        *--------
    b        *        -----------------
  timeout(... [=== 2.5s timed out /
    gather    [=== 2.5s cancelled /
      c       --------
      d       --------- cancelled /
  race        [==x 500ms failed
    slow      ---/ cancelled
    boom      ---x failed
              +-------+--------+-------+
              0s      1s       2s     3s
the model's states (the run agrees
exactly): - sleeping on a timer
[=] group, its wall; / cancelled or
timed out; x failed
* on the critical path
"
    );
}

#[test]
fn a_failure_in_a_task_group_cancels_its_siblings() {
    assert_eq!(
        draw("group(1:a, fail(0.5:boom), 2:c)", 80, false),
        "\
group  *[======================================================= 500ms failed x
  a     ----------------------------------------------------------- cancelled /
  boom *----------------------------------------------------------------------x
  c     ----------------------------------------------------------- cancelled /
        +------+------+------+------+-------+------+------+------+------+------+
        0s     50ms   100ms  150ms  200ms   250ms  300ms  350ms  400ms  450ms
the model's states (the run agrees exactly): - sleeping on a timer
[=] group, its wall; / cancelled or timed out; x failed
* on the critical path
"
    );
}

#[test]
fn skipped_and_never_started_nodes_are_named_where_they_would_have_begun() {
    // In a serial group a failure skips what follows: no bar, the word.
    // Under a timeout, b waits for limit's permit and is cancelled before
    // it starts: the mark alone, at the deadline. Stacked on one axis,
    // each under its heading, which cuts the scenario, never the wall.
    let skipped = run("serial(1:a, fail(0.5:boom), 2:c, gather(1:d))");
    let waiting = run("timeout(1s, limit(1, 2:a, 2:b))");
    assert_eq!(
        picture(&[&skipped, &waiting], &style(40, true)),
        "\
serial(1:a, fail(0.5:boom),… · wall 1.5s
serial     ◆├──────────── 1.5s failed ✗
  a        ◆░░░░░░░░░░░░░░░░░░
  boom     ◆           failed ░░░░░░░░✗
  c                             skipped
  gather                        skipped
    d                           skipped
timeout(1s, limit(1, 2:a, 2:b… · wall 1s
timeout(1s)◆├── 1s timed out ✂
  limit(1)  ├── 1s cancelled ✂
    a       ░░░░░░ cancelled ✂
    b              cancelled ✂
            ├────────┬────────┬────────┤
            0s       500ms    1s    1.5s
the model's states (the run agrees
exactly): ░ sleeping on a timer
├─┤ group, its wall · ✂ cancelled or
timed out · ✗ failed
◆ on the critical path
"
    );
}

#[test]
fn colour_paints_without_moving_anything() {
    let plain = draw(TOUR, 80, true);
    let coloured = picture(
        &[&run(TOUR)],
        &Style {
            color: true,
            ..style(80, true)
        },
    );
    assert_eq!(strip_sgr(&coloured), plain);
    // The failure mark is red, the rest of its bar in the pair's colour.
    assert!(coloured.contains("31m✗"), "{coloured:?}");
}

/// Removes SGR sequences (`ESC [ digits ; m`).
fn strip_sgr(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn run_draws_the_tree_after_the_arithmetic() {
    let out = stdout_of(&mut virtual_run(&["run", TOUR, "--width", "80"]));
    assert_eq!(timeline_of(&out), draw(TOUR, 80, true));
}

#[test]
fn run_with_several_scenarios_stacks_their_trees_on_one_axis() {
    // "Waterfall vs parallel": the same pairs, awaited one after another
    // and gathered.
    let out = stdout_of(&mut virtual_run(&[
        "run",
        "serial(1:user, gather(0.5:post1, 0.5:post2))",
        "gather(1:user, 0.5:post1, 0.5:post2)",
        "--width",
        "60",
    ]));
    assert_eq!(
        timeline_of(&out),
        "\
serial(1:user, gather(0.5:post1, 0.5:post2)) · wall 1.5s
serial   ◆├───────────────────────────────────────── 1.5s ┤
  user   ◆░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░
  gather ◆                                 ├─────── 500ms ┤
    post1◆                                 ░░░░░░░░░░░░░░░░
    post2                                  ░░░░░░░░░░░░░░░░
gather(1:user, 0.5:post1, 0.5:post2) · wall 1s
gather   ◆├───────────────────────────────┤ 1s
  user   ◆░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░
  post1   ░░░░░░░░░░░░░░░░
  post2   ░░░░░░░░░░░░░░░░
          ├───────────────┬────────────────┬───────────────┤
          0s              500ms            1s           1.5s
the model's states (the run agrees exactly): ░ sleeping on a
timer
├─┤ group, its wall · ✂ cancelled or timed out · ✗ failed
◆ on the critical path
"
    );
}

#[test]
fn flat_modes_keep_their_picture() {
    let out = stdout_of(&mut virtual_run(&["gather", "1:a", "2:b"]));
    let timeline = timeline_of(&out);
    assert!(timeline.starts_with("1 a"), "{timeline}");
    assert!(!timeline.contains("group, its wall"), "{timeline}");
}

/// `kind(` + `count` pairs + `)`, as one line.
fn many(kind: &str, count: usize) -> String {
    let pairs: Vec<String> = (0..count).map(|i| format!("1:m{i}")).collect();
    format!("{kind}({})", pairs.join(", "))
}

/// Rows a summarised tree may take: the rows, the note above them, the
/// axis and its labels, the legend.
const MOST_LINES: usize = 60 + 6 + 2 + 4;

#[test]
fn a_skipped_folded_group_keeps_its_note_within_the_width() {
    // Found by `any_tree_fits_any_width`: a note that does not fit is cut.
    let picture = draw(
        "serial(serial(limit(1, fail(1ms:m)), serial(1ms:m)))",
        30,
        false,
    );
    assert_fits(&picture, 30);
}

#[test]
fn a_thousand_leaves_fit_in_a_few_rows() {
    let report = run(&many("gather", 1000));
    for (width, unicode) in [(40, true), (80, true), (80, false), (200, true)] {
        let picture = picture(&[&report], &style(width, unicode));
        assert_fits(&picture, width);
        assert!(picture.lines().count() <= 18, "{picture}");
        let more = if unicode {
            "… 994 more"
        } else {
            "... 994 more"
        };
        for wanted in [
            "1000 pairs in 1 group",
            "m0 ",
            "m2 ",
            more,
            "m997 ",
            "m999 ",
        ] {
            assert!(picture.contains(wanted), "{wanted} in\n{picture}");
        }
        assert!(!picture.contains("m3 "), "{picture}");
    }
    assert_eq!(
        picture(&[&report], &style(80, true)),
        "\
1000 pairs in 1 group, more than 60 nodes: each group draws its first and last 3
children, and the rest in one row (… N more) shaded by how many of their pairs
were waiting.
gather      ◆├──────────────────────────────────────────────────────────── 1s ┤
  m0        ◆██████████████████████████████████████████████████████████████████
  m1         ██████████████████████████████████████████████████████████████████
  m2         ██████████████████████████████████████████████████████████████████
  … 994 more ██████████████████████████████████████████████████████████████████
  m997       ██████████████████████████████████████████████████████████████████
  m998       ██████████████████████████████████████████████████████████████████
  m999       ██████████████████████████████████████████████████████████████████
             ├────────────┬────────────┬─────────────┬────────────┬────────────┤
             0s           200ms        400ms         600ms        800ms       1s
├─┤ group, its wall · ░ did not finish · ✂ cancelled or timed out · ✗ failed
◆ on the critical path
"
    );
}

#[test]
fn groups_of_groups_keep_their_shape_when_summarised() {
    // 100 serial chains of 10: the first and last three chains drawn,
    // each with its first and last three pairs.
    let chains: Vec<String> = (0..100)
        .map(|c| {
            let pairs: Vec<String> = (0..10).map(|p| format!("0.1:c{c}p{p}")).collect();
            format!("serial({})", pairs.join(", "))
        })
        .collect();
    let report = run(&format!("gather({})", chains.join(", ")));
    for (width, unicode) in [(40, true), (80, false)] {
        let picture = picture(&[&report], &style(width, unicode));
        assert_fits(&picture, width);
        assert!(picture.lines().count() <= MOST_LINES, "{picture}");
        for wanted in ["c0p0", "c0p9", "c99p9", "94 more", "4 more"] {
            assert!(picture.contains(wanted), "{wanted} in\n{picture}");
        }
    }
}

#[test]
fn a_deep_tree_is_folded_where_indentation_would_stop() {
    let deep = format!("{}1:bottom{}", "serial(".repeat(80), ")".repeat(80));
    let report = run(&deep);
    for width in [30, 80, 200] {
        let picture = picture(&[&report], &style(width, true));
        assert_fits(&picture, width);
        assert!(picture.lines().count() <= MOST_LINES, "{picture}");
        let prose = picture.replace('\n', " ");
        assert!(
            prose.contains("2 levels down are folded") || prose.contains("levels down are folded"),
            "{picture}"
        );
        // Where there is room, the folded group says what it holds.
        if width >= 80 {
            assert!(picture.contains("1 pair inside"), "{picture}");
        }
    }
}

/// A random tree of pairs and groups, as the scenario language writes it.
fn tree(depth: u32) -> BoxedStrategy<String> {
    let message = prop::sample::select(vec![
        "m",
        "a long message, cut to fit",
        "漢字漢字漢字漢字",
        "e\u{301}",
    ]);
    let pair = (
        1u32..5000,
        message,
        prop::sample::select(vec!["", "", "fail"]),
    )
        .prop_map(|(ms, message, wrap)| match wrap {
            "" => format!("{ms}ms:'{message}'"),
            wrap => format!("{wrap}({ms}ms:'{message}')"),
        });
    common::trees::tree(depth, pair.boxed(), 1..30)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Whatever the tree and the width, every line fits and the picture
    /// stays a screenful.
    #[test]
    fn any_tree_fits_any_width(text in tree(3), width in 30usize..200, unicode: bool) {
        let report = run(&text);
        let picture = picture(&[&report], &style(width, unicode));
        assert_fits(&picture, width);
        prop_assert!(picture.lines().count() <= MOST_LINES + 3, "{}", picture);
    }
}

/// The SVG of `reports`, parsed.
fn svg_of(reports: &[&Report]) -> String {
    svg::render(reports, &Style::default())
}

fn class_has(node: &roxmltree::Node, class: &str) -> bool {
    node.attribute("class")
        .is_some_and(|c| c.split(' ').any(|c| c == class))
}

#[test]
fn the_svg_draws_one_element_per_node_with_its_cut() {
    let report = run(TOUR);
    let text = svg_of(&[&report]);
    let doc = roxmltree::Document::parse(&text).expect("the SVG is well-formed XML");
    let nodes: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name("g") && class_has(n, "node"))
        .collect();
    // One element per node, in pre-order, with its path id and status.
    let scenario = &report.scenario;
    let ids: Vec<String> = scenario.walk().map(|(node, _)| scenario.id(node)).collect();
    let drawn: Vec<&str> = nodes
        .iter()
        .filter_map(|n| n.attribute("data-id"))
        .collect();
    assert_eq!(drawn, ids);
    let status = |id: &str| {
        nodes
            .iter()
            .find(|n| n.attribute("data-id") == Some(id))
            .and_then(|n| n.attribute("data-status"))
    };
    assert_eq!(status("0"), Some("failed"));
    assert_eq!(status("0.1"), Some("timed out"));
    assert_eq!(status("0.1.0.1"), Some("cancelled"));
    // Groups are spans; pairs are bars.
    for (n, (node, _)) in nodes.iter().zip(scenario.walk()) {
        let span = n.descendants().any(|d| class_has(&d, "span"));
        assert_eq!(
            span,
            matches!(node, Node::Group(_)),
            "{:?}",
            n.attribute("data-id")
        );
    }
    // Cut marks: a zigzag on each cancelled or timed out node, a cross on
    // each failed one; the done serial's wall is marked by a tick.
    let marks = |id: &str, class: &str| {
        nodes
            .iter()
            .find(|n| n.attribute("data-id") == Some(id))
            .map_or(0, |n| {
                n.descendants().filter(|d| class_has(d, class)).count()
            })
    };
    for id in ["0.1", "0.1.0", "0.1.0.1", "0.2.0"] {
        assert_eq!(marks(id, "cancelled"), 1, "{id}");
    }
    for id in ["0", "0.2", "0.2.1"] {
        assert_eq!(marks(id, "failed"), 1, "{id}");
    }
    assert_eq!(marks("0.0", "wall"), 1);
    assert_eq!(marks("0.0", "cut"), 0);
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(str::to_owned))
        .collect();
    for wanted in [
        "timeout(2.5s)",
        "3s failed",
        "2.5s timed out",
        "500ms failed",
    ] {
        assert!(texts.iter().any(|t| t == wanted), "{wanted} in {texts:?}");
    }
    // The arithmetic gets a line of its own under the caption.
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("expected 3s = max(serial")),
        "{texts:?}"
    );
    // A legend says what the marks mean.
    assert!(doc.descendants().any(|n| class_has(&n, "legend")));
}

#[test]
fn the_svg_of_a_large_tree_is_summarised_like_the_terminal() {
    let report = run(&many("gather", 1000));
    let text = svg_of(&[&report]);
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let ids: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("g") && class_has(n, "node"))
        .filter_map(|n| n.attribute("data-id"))
        .collect();
    assert_eq!(
        ids,
        ["0", "0.0", "0.1", "0.2", "0.997", "0.998", "0.999"],
        "the group, and its first and last three pairs"
    );
    let more: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name("g") && class_has(n, "more"))
        .collect();
    assert_eq!(more.len(), 1);
    assert!(
        more[0]
            .descendants()
            .any(|d| d.text() == Some("… 994 more"))
    );
}

#[test]
fn the_svg_export_of_a_run_skips_and_cuts() {
    let dir = browser::scratch("tree-svg");
    let path = dir.join("run.svg");
    stdout_of(&mut virtual_run(&[
        "run",
        "serial(1:a, fail(0.5:<boom & co>), 2:c)",
        "--export",
        path.to_str().expect("UTF-8 path"),
    ]));
    let text = std::fs::read_to_string(&path).expect("the SVG was written");
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let skipped: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.attribute("data-status") == Some("skipped"))
        .collect();
    assert_eq!(skipped.len(), 1);
    assert!(
        skipped[0]
            .descendants()
            .any(|d| d.text() == Some("skipped"))
    );
    assert!(doc.descendants().any(|n| n.text() == Some("<boom & co>")));
    assert!(!text.contains("<script") && !text.contains("href"));
}

/// Headless Chromium lays the tree out: every node's element has a size
/// and stays inside the picture, notes included.
#[test]
#[ignore = "needs chromium: run by .ci/run"]
fn the_svg_tree_renders_inside_the_picture_in_chromium() {
    let chromium = browser::chromium().expect("no chromium found (apt-get install chromium)");
    let dir = browser::scratch("tree-svg-browser");
    let reports = [
        run(TOUR),
        run("serial(1:a, fail(0.5:boom), 2:c, gather(1:d))"),
    ];
    let svg = svg_of(&reports.iter().collect::<Vec<_>>());
    let page = dir.join("tree.html");
    std::fs::write(
        &page,
        format!(
            r#"<!doctype html><html><head><meta charset="utf-8"><title>loading</title></head><body style="margin:0">
{svg}
<pre id="out"></pre>
<script>
const boxes = [...document.querySelectorAll('g.node')].map(g => {{
  const b = g.getBBox();
  return [g.dataset.id, b.x, b.y, b.width, b.height];
}});
document.getElementById('out').textContent = JSON.stringify(boxes);
document.title = 'measured';
</script></body></html>"#
        ),
    )
    .expect("the page is written");
    let url = format!("file://{}", page.display());
    let dom = browser::dump_dom(chromium, &url, &dir, std::time::Duration::from_secs(5));
    assert!(dom.contains("<title>measured</title>"), "{dom}");
    let json = dom
        .split("<pre id=\"out\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .expect("the boxes");
    let boxes: Vec<(String, f64, f64, f64, f64)> =
        serde_json::from_str(json).expect("the boxes are JSON");
    let nodes: usize = reports.iter().map(|r| r.scenario.node_count()).sum();
    assert_eq!(boxes.len(), nodes);
    for (id, x, _, width, height) in boxes {
        assert!(width > 0.0 && height > 0.0, "{id} is drawn");
        assert!(
            x >= 0.0 && x + width <= 960.0,
            "{id} stays inside: {x} + {width}"
        );
    }
}

/// Runs `text` on the virtual clock and stops it at `at`, as Ctrl-C would.
fn run_stopped_at(text: &str, at: std::time::Duration) -> Report {
    let scenario = parse_argument(text, 1, false).expect("a valid scenario");
    let stop = Stop::new();
    let spec = RunSpec::new(Mode::Gather, Clock::Virtual).with_stop(stop.clone());
    let runtime = Clock::Virtual.runtime().expect("a runtime");
    runtime.block_on(async {
        tokio::spawn(async move {
            tokio::time::sleep(at).await;
            stop.request(StopReason::Interrupt)
        });
        run_scenario_async(Arc::new(scenario), &spec, Arc::new(Silent))
            .await
            .expect("the run succeeds")
    })
}

#[test]
fn an_interrupted_tree_runs_its_bars_to_the_stop() {
    // Ctrl-C at 1.5s: what was still waiting is drawn up to the stop and
    // said to be interrupted, with no cut mark (nothing cut it); the race
    // had already ended.
    let report = run_stopped_at(TOUR, std::time::Duration::from_millis(1500));
    assert_eq!(
        picture(&[&report], &style(80, true)),
        "\
gather         ◆├─────────────────────────────────────────── 1.5s interrupted ┤
  serial       ◆├─────────────────────────────────────────── 1.5s interrupted ┤
    a          ◆██████████████████████████████████████████
    b          ◆                              interrupted ░░░░░░░░░░░░░░░░░░░░░
  timeout(2.5s) ├─────────────────────────────────────────── 1.5s interrupted ┤
    gather      ├─────────────────────────────────────────── 1.5s interrupted ┤
      c         ██████████████████████████████████████████
      d         ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░ interrupted ░
  race          ├───────────────────✗ 500ms failed
    slow        ░░░░░░░░░░░░░░░░░░░░✂ cancelled
    boom        ████████████████████✗ failed
                ├───────┬────────┬───────┬────────┬───────┬───────┬────────┬───┤
                0s      200ms    400ms   600ms    800ms   1s      1.2s     1.4s
├─┤ group, its wall · ░ did not finish · ✂ cancelled or timed out · ✗ failed
◆ on the critical path
plain bars: the run was stopped, so it is not the model's
"
    );
    let svg = svg_of(&[&report]);
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    let interrupted = doc
        .descendants()
        .filter(|n| n.attribute("data-status") == Some("interrupted"))
        .count();
    assert_eq!(interrupted, 6, "gather, serial, b, timeout, its gather, d");
}

#[test]
fn a_scenario_is_named_by_the_start_of_its_text() {
    // The label stops writing the scenario once it has enough: the same
    // 48 characters as cutting the whole text, at any length.
    for text in [
        "gather(1:a)".to_owned(),
        format!("gather(1:{})", "a".repeat(37)),
        format!("gather(1:{})", "a".repeat(38)),
        many("gather", 1000),
        format!("serial({})", vec!["1:'漢字漢字漢字'"; 40].join(", ")),
    ] {
        let scenario = parse_argument(&text, 1, false).expect("a valid scenario");
        let whole = scenario.text();
        let expected = match whole.char_indices().nth(47) {
            Some((at, _)) => format!("{}…", &whole[..at]),
            None => whole.clone(),
        };
        assert_eq!(scenario_label(&scenario), expected, "{text}");
    }
}
