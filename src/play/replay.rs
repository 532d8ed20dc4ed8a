//! `saywhen play --replay run.json`: a recorded JSON report (`--format
//! json`, or `--export run.json`) played back. A report carries its
//! scenario (`scenario`, or `mode` and `pairs` for a flat mode), each
//! node's measured start, end and status (`nodes`, or `pairs`), and the
//! wall: the tree is parsed again and the measured times drive the
//! playback, each node in the state its kind spends its time in (a pair
//! sleeping, a blocking one holding the thread, a group waiting for its
//! children) from its start to its end.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::error::Error;
use crate::play::model::Model;
use crate::render::style::Style;
use crate::scenario::end::End;
use crate::scenario::mode::Mode;
use crate::scenario::pair::Pair;
use crate::scenario::parse::parse_argument;
use crate::scenario::plan::Plan;
use crate::scenario::tree::{Action, Node, Scenario};
use crate::simulate::{Change, State};

/// The largest report read: a million pairs' report is well under this.
const MAX_BYTES: u64 = 512 * 1024 * 1024;

/// The model of the run `path` recorded.
pub fn model(path: &Path, style: &Style) -> Result<Model, Error> {
    let shown = crate::escape::escape(&path.to_string_lossy()).into_owned();
    let bad = |why: &str| Error::Usage(format!("--replay {shown}: {why}"));
    let size = std::fs::metadata(path)
        .map_err(|e| bad(&format!("cannot read it: {e}")))?
        .len();
    if size > MAX_BYTES {
        return Err(bad("larger than 512 MiB, more than a report holds"));
    }
    let text = std::fs::read_to_string(path).map_err(|e| bad(&format!("cannot read it: {e}")))?;
    let report: Value = serde_json::from_str(&text).map_err(|e| {
        bad(&format!(
            "not a JSON report ({e}): record one with --format json"
        ))
    })?;
    let (model, scenario) = of_report(&report, style).map_err(|why| bad(&why))?;
    let pairs = scenario.plan().len();
    if pairs > crate::render::lesson::MAX_PAIRS {
        return Err(bad(&format!(
            "{pairs} pairs, more than the {} saywhen play plays",
            crate::render::lesson::MAX_PAIRS
        )));
    }
    Ok(model)
}

/// The model of a parsed report, and its scenario.
pub fn of_report(report: &Value, style: &Style) -> Result<(Model, Scenario), String> {
    if report.get("modes").is_some() || report.get("runs").is_some_and(|r| r.is_array()) {
        return Err(
            "a comparison or a series of runs: replay the report of one run \
                    (saywhen run SCENARIO --format json)"
                .to_owned(),
        );
    }
    let wall = seconds(report.get("wall_s")).ok_or("no wall_s: not a report of one run")?;
    let scenario = match report.get("scenario").and_then(Value::as_str) {
        Some(text) => parse_argument(text, 1, false).map_err(|e| {
            format!(
                "its scenario does not parse: {}",
                crate::scenario::parse::ScenarioError::from(e)
            )
        })?,
        None => flat(report)?,
    };
    let records = match report.get("nodes").and_then(Value::as_array) {
        Some(nodes) => nodes.clone(),
        None => {
            // A flat mode: the group runs from 0 to the wall, then its pairs.
            let mut records = vec![serde_json::json!({
                "start_s": 0.0, "finish_s": seconds_value(wall), "status": "done"
            })];
            records.extend(pairs(report)?.iter().cloned());
            records
        }
    };
    if records.len() != scenario.node_count() {
        return Err(format!(
            "it has {} nodes, and its scenario {}",
            records.len(),
            scenario.node_count()
        ));
    }
    let mut changes = Vec::new();
    for ((node, _), record) in scenario.walk().zip(&records) {
        let start = seconds(record.get("start_s"));
        let finish = seconds(record.get("finish_s"));
        let status = record.get("status").and_then(Value::as_str).unwrap_or("");
        if let Some(start) = start {
            changes.push((node, Change::Began, start));
            changes.push((node, Change::In(state_of(&scenario, node)), start));
        }
        if let (Some(finish), Some(end)) = (finish, end_of(status)) {
            changes.push((node, Change::Ended(end), finish));
        }
    }
    let clock = report
        .get("clock")
        .and_then(Value::as_str)
        .unwrap_or("real");
    let source = format!("a recorded run, measured on the {clock} clock");
    let model = Model::with_changes(&scenario, &changes, wall, source, style);
    Ok((model, scenario))
}

fn pairs(report: &Value) -> Result<&Vec<Value>, String> {
    report
        .get("pairs")
        .and_then(Value::as_array)
        .ok_or_else(|| "no pairs: not a report of one run".to_owned())
}

/// A flat mode's scenario, from `mode` and `pairs`.
fn flat(report: &Value) -> Result<Scenario, String> {
    let name = report.get("mode").and_then(Value::as_str).unwrap_or("");
    let mode: Mode = name
        .parse()
        .map_err(|_| "neither a scenario nor a mode: not a report of one run".to_owned())?;
    let pairs: Vec<Pair> = pairs(report)?
        .iter()
        .map(|pair| Pair {
            delay: seconds(pair.get("delay_s")).unwrap_or_default(),
            message: pair
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
        })
        .collect();
    let plan = Plan::new(pairs).map_err(|e| format!("its pairs: {e}"))?;
    Ok(Scenario::flat(mode, Arc::new(plan)))
}

/// The state a node spends its time in.
fn state_of(scenario: &Scenario, node: Node) -> State {
    match node {
        Node::Group(_) => State::Children,
        Node::Pair { action, index } => match action {
            Action::Block => State::Holding,
            Action::SpawnBlocking | Action::Command => State::Offloaded,
            Action::Say | Action::Fail => {
                let threads = scenario.parent_of_pair(index as usize).is_some_and(|g| {
                    scenario.group(g).kind == crate::scenario::tree::GroupKind::Threads
                });
                match threads {
                    true => State::Offloaded,
                    false => State::Sleeping,
                }
            }
        },
    }
}

fn end_of(status: &str) -> Option<End> {
    [
        End::Done,
        End::Failed,
        End::Cancelled,
        End::TimedOut,
        End::Skipped,
    ]
    .into_iter()
    .find(|end| end.name() == status)
}

fn seconds(value: Option<&Value>) -> Option<Duration> {
    let s = value?.as_f64()?;
    (0.0..1e9).contains(&s).then(|| Duration::from_secs_f64(s))
}

fn seconds_value(d: Duration) -> f64 {
    d.as_secs_f64()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse::parse_argument;
    use crate::{Clock, RunSpec, Silent};

    /// A run's report, replayed, ends every node when the run did.
    #[test]
    fn a_recorded_run_plays_its_measured_times() {
        let scenario = parse_argument("gather(serial(1:a, 2:b), 3:c)", 1, false).unwrap();
        let spec = RunSpec::on(Clock::Virtual);
        let report = crate::run_scenario(Arc::new(scenario), &spec, Arc::new(Silent)).unwrap();
        let mut json = Vec::new();
        crate::Format::Json
            .renderer(&Style::default())
            .report(&report, &mut json)
            .unwrap();
        let value: Value = serde_json::from_slice(&json).unwrap();
        let (model, replayed) = of_report(&value, &Style::default()).unwrap();
        assert_eq!(replayed.text(), "gather(serial(1:a, 2:b), 3:c)");
        assert_eq!(model.wall, Duration::from_secs(3));
        let last = model.playback.len();
        assert_eq!(model.playback.time(last), Duration::from_secs(3));
        let phases = model.playback.phases(last);
        assert!(
            phases
                .iter()
                .all(|p| *p == crate::simulate::Phase::Ended(End::Done))
        );
        let a = model.playback.cursor_at(Duration::from_secs(1));
        assert_eq!(
            model.playback.phases(a)[2],
            crate::simulate::Phase::Ended(End::Done)
        );
    }

    #[test]
    fn a_flat_report_and_a_comparison() {
        let plan = Plan::new(vec!["1:a".parse().unwrap(), "2:b".parse().unwrap()]).unwrap();
        let spec = RunSpec::new(Mode::Serial, Clock::Virtual);
        let report = crate::run(Arc::new(plan), &spec, Arc::new(Silent)).unwrap();
        let mut json = Vec::new();
        crate::Format::Json
            .renderer(&Style::default())
            .report(&report, &mut json)
            .unwrap();
        let value: Value = serde_json::from_slice(&json).unwrap();
        let (model, scenario) = of_report(&value, &Style::default()).unwrap();
        assert_eq!(scenario.flat_mode(), Some(Mode::Serial));
        assert_eq!(model.wall, Duration::from_secs(3));
        let comparison = serde_json::json!({"modes": [], "wall_s": 1.0});
        assert!(of_report(&comparison, &Style::default()).is_err());
    }
}
