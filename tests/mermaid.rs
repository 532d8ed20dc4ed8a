//! `--format markdown --mermaid`: the timeline as a Mermaid gantt chart.
//! The chart is read back with a parser that follows Mermaid's grammar
//! (tests/common/gantt.rs) and checked against the runs' own reports on the
//! virtual clock (tokio's paused clock: every time is exact); then Mermaid
//! itself (npm) draws it in headless Chromium.

mod common;

use std::sync::Arc;
use std::time::Duration;

use saywhen::measure::compare::compare;
use saywhen::measure::report::Status;
use saywhen::render::Markdown;
use saywhen::{Clock, Comparison, Mode, Plan, Renderer, Repeat, Report, RunSpec, Silent};

use common::gantt::{self, Task};
use common::{browser, rejects, stdout_of, virtual_run};

fn compared(pairs: &[&str], modes: &[Mode], timeout: Option<Duration>) -> Comparison {
    let pairs = pairs
        .iter()
        .map(|p| p.parse().expect("a valid pair"))
        .collect();
    let plan = Arc::new(Plan::new(pairs).expect("a valid plan"));
    let mut spec = RunSpec::new(Mode::Serial, Clock::Virtual);
    spec.timeout = timeout;
    compare(&plan, &spec, modes, Repeat::default(), Arc::new(Silent)).expect("it runs")
}

fn markdown(c: &Comparison) -> String {
    let mut out = Vec::new();
    let mut renderer = Markdown {
        mermaid: true,
        max_pair_rows: None,
    };
    renderer.comparison(c, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn ms(d: Duration) -> u64 {
    (d.as_nanos() as u64 + 500_000) / 1_000_000
}

/// One section per report, one task per pair, at the report's times.
fn check_against(chart: &gantt::Gantt, reports: &[&Report]) {
    assert_eq!(chart.sections.len(), reports.len());
    for ((section, tasks), report) in chart.sections.iter().zip(reports) {
        assert_eq!(
            section,
            &format!(
                "{} · wall {}",
                report.label(),
                saywhen::scenario::units::human(report.wall)
            )
        );
        assert_eq!(tasks.len(), report.pairs().len(), "one task per pair");
        for (task, pair) in tasks.iter().zip(report.pairs()) {
            let status = pair.status();
            let name = match status {
                Status::Done => format!("{} {}", pair.index + 1, pair.pair.message),
                other => format!(
                    "{} {} ({})",
                    pair.index + 1,
                    pair.pair.message,
                    other.name()
                ),
            };
            let end = ms(pair.ended().unwrap_or(report.wall));
            let expected = match (status, pair.began()) {
                (Status::Done, Some(began)) => Task {
                    name,
                    tags: vec![],
                    start_ms: ms(began),
                    end_ms: end,
                },
                (_, Some(began)) => Task {
                    name,
                    tags: vec!["crit".into()],
                    start_ms: ms(began),
                    end_ms: end,
                },
                (_, None) => Task {
                    name,
                    tags: vec!["crit".into(), "milestone".into()],
                    start_ms: end,
                    end_ms: end,
                },
            };
            assert_eq!(task, &expected);
        }
    }
}

#[test]
fn one_task_per_pair_at_the_reports_times_with_messages_made_safe() {
    // Serial at the 1.5 s timeout: hello done, the second cut mid-sleep,
    // the third never begins. Its message holds Mermaid's own syntax.
    let c = compared(
        &["1:hello", "2:wor:ld; #x %% y", "0.5:c"],
        &[Mode::Serial, Mode::Tasks, Mode::Gather],
        Some(Duration::from_millis(1500)),
    );
    let text = markdown(&c);
    let chart = gantt::parse(gantt::block(&text));
    assert_eq!(chart.title, "saywhen compare · 3 pairs · virtual clock");
    assert_eq!(chart.axis_format, "%Q ms");
    let reports: Vec<&Report> = c.modes.iter().map(|m| m.first()).collect();
    check_against(&chart, &reports);
    assert_eq!(
        chart.sections[0].1[1].name, "2 wor:ld; #x %% y (cancelled)",
        "the message reads as typed once Mermaid decodes it"
    );
    assert!(
        text.starts_with("| mode | expected wall |"),
        "the tables come first"
    );
}

#[test]
fn the_command_line_adds_the_chart_only_when_asked() {
    let args = ["compare", "1:hello", "2:world", "--format", "markdown"];
    let plain = stdout_of(&mut virtual_run(&args));
    assert!(!plain.contains("```mermaid"), "{plain}");
    let with = stdout_of(virtual_run(&args).arg("--mermaid"));
    assert!(
        with.starts_with(&plain),
        "the chart comes after the same tables"
    );
    let chart = gantt::parse(gantt::block(&with));
    let c = compared(
        &["1:hello", "2:world"],
        &[Mode::Serial, Mode::Tasks, Mode::Gather],
        None,
    );
    let reports: Vec<&Report> = c.modes.iter().map(|m| m.first()).collect();
    check_against(&chart, &reports);

    // A single mode; and a Markdown export gets it too.
    let dir = browser::scratch("mermaid");
    let file = dir.join("summary.md");
    stdout_of(virtual_run(&["serial", "1:a", "2:b", "--mermaid", "--export"]).arg(&file));
    let exported = std::fs::read_to_string(&file).unwrap();
    let chart = gantt::parse(gantt::block(&exported));
    assert_eq!(chart.title, "saywhen serial · 2 pairs · virtual clock");
    let times: Vec<(u64, u64)> = chart.sections[0]
        .1
        .iter()
        .map(|t| (t.start_ms, t.end_ms))
        .collect();
    assert_eq!(times, [(0, 1000), (1000, 3000)]);
}

#[test]
fn mermaid_without_markdown_is_refused() {
    rejects(
        &["--virtual-time", "serial", "1:a", "--mermaid"],
        "--mermaid adds a chart to Markdown: use it with --format markdown or --export FILE.md",
    );
    rejects(
        &[
            "--virtual-time",
            "serial",
            "1:a",
            "--mermaid",
            "--format",
            "json",
        ],
        "--mermaid adds a chart to Markdown",
    );
}

#[test]
fn long_runs_count_seconds_and_many_pairs_are_cut() {
    let c = compared(&["1h:a", "90s:b"], &[Mode::Tasks], None);
    let chart = gantt::parse(gantt::block(&markdown(&c)));
    assert_eq!(chart.axis_format, "%s s");
    assert_eq!(chart.sections[0].1[0].end_ms, 3_600_000);

    let pairs: Vec<String> = (1..=60).map(|i| format!("{i}ms:m{i}")).collect();
    let pairs: Vec<&str> = pairs.iter().map(String::as_str).collect();
    let c = compared(&pairs, &[Mode::Gather], None);
    let text = markdown(&c);
    let chart = gantt::parse(gantt::block(&text));
    assert_eq!(chart.sections[0].1.len(), 50);
    assert!(
        text.contains("*The chart shows the first 50 of 60 pairs of each mode.*"),
        "{text}"
    );
}

/// Mermaid itself (npm's `mermaid`, the library GitHub draws charts with)
/// parses and draws the chart in headless Chromium: one bar per pair, the
/// cancelled ones red (`crit`), labels as typed.
#[test]
#[ignore = "needs chromium and mermaid (npm): run by .ci/run"]
fn mermaid_draws_the_chart() {
    let c = compared(
        &[
            "1:hello",
            "2:wor:ld; #x <b> %%{init: {'theme':'dark'}}%%",
            "0.5:c",
        ],
        &[Mode::Serial, Mode::Gather],
        Some(Duration::from_millis(1500)),
    );
    let dom = draw(gantt::block(&markdown(&c)));
    assert!(
        dom.contains("<title>drawn</title>"),
        "Mermaid failed: {dom}"
    );
    let classes: Vec<&str> = dom
        .split("<rect ")
        .skip(1)
        .filter_map(|rect| rect.split("class=\"").nth(1))
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .filter(|class| class.starts_with("task "))
        .collect();
    assert_eq!(classes.len(), 6, "one bar per pair per mode: {classes:?}");
    let red = classes.iter().filter(|c| c.contains("crit")).count();
    assert_eq!(
        red, 3,
        "serial's two cut pairs and gather's one: {classes:?}"
    );
    assert_eq!(
        classes.iter().filter(|c| c.contains("milestone")).count(),
        1
    );
    assert!(
        dom.contains("2 wor:ld; #x &lt;b&gt; %%{init: {'theme':'dark'}}%% (cancelled)"),
        "the label reads as typed"
    );
}

/// The DOM after Mermaid (npm's `mermaid`, the library GitHub draws charts
/// with) parsed and drew `chart` in headless Chromium; the page's title is
/// `drawn` when it did.
fn draw(chart: &str) -> String {
    let chromium = browser::chromium().expect("no chromium found (apt-get install chromium)");
    let mermaid = browser::npm_package("mermaid").unwrap_or_else(|| {
        panic!(
            "mermaid is not installed in {:?} (npm install --prefix DIR mermaid)",
            browser::npm_cache()
        )
    });
    let dir = browser::scratch("mermaid-browser");
    let page = dir.join("chart.html");
    std::fs::write(
        &page,
        format!(
            r#"<!doctype html><html><head><meta charset="utf-8"><title>loading</title></head><body>
<pre id="chart">{}</pre><div id="out"></div>
<script src="file://{}"></script>
<script>
mermaid.initialize({{ startOnLoad: false }});
const text = document.getElementById('chart').textContent;
mermaid.parse(text)
  .then(() => mermaid.render('chart-svg', text))
  .then(({{ svg }}) => {{ document.getElementById('out').innerHTML = svg; document.title = 'drawn'; }})
  .catch(e => {{ document.title = 'error: ' + e.message; }});
</script></body></html>"#,
            html_escape(chart),
            mermaid.join("dist/mermaid.min.js").display()
        ),
    )
    .unwrap();
    let url = format!("file://{}", page.display());
    browser::dump_dom(chromium, &url, &dir, Duration::from_secs(10))
}

/// A scenario's section is its text, colons and all (as entity codes).
#[test]
#[ignore = "needs chromium and mermaid (npm): run by .ci/run"]
fn mermaid_draws_a_scenarios_sections() {
    let text = stdout_of(&mut virtual_run(&[
        "run",
        "gather(serial(1:a, 2:b), 3:c)",
        "serial(1:a, 2:b, 3:c)",
        "--format",
        "markdown",
        "--mermaid",
    ]));
    let dom = draw(gantt::block(&text));
    assert!(
        dom.contains("<title>drawn</title>"),
        "Mermaid failed: {dom}"
    );
    for section in [
        "gather(serial(1:a, 2:b), 3:c) · wall 3s",
        "serial(1:a, 2:b, 3:c) · wall 6s",
    ] {
        assert!(dom.contains(section), "{section} not drawn: {dom}");
    }
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[test]
fn the_example_in_the_docs_is_what_saywhen_prints() {
    let docs = include_str!("../docs/FORMATS.md");
    let section = &docs[docs.find("(`--mermaid`)").expect("a Mermaid section")..];
    let example = section
        .split("````text\n")
        .nth(1)
        .and_then(|block| block.split("````").next())
        .expect("an example");
    let printed = stdout_of(&mut virtual_run(&[
        "--timeout",
        "1.5s",
        "compare",
        "1:hello",
        "2:world",
        "--format",
        "markdown",
        "--mermaid",
    ]));
    assert!(printed.ends_with(example), "{printed}\n---\n{example}");
    gantt::parse(gantt::block(example));
}
