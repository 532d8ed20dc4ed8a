//! Baselines: `--export base.json` keeps a run's JSON report; later,
//! `--baseline base.json` compares each mode's median wall with the one
//! kept there, and with `--check` a mode that got slower fails the build
//! (exit 1). Hyperfine users have asked for this since 2023 (#607, #830).
//!
//! Two runs never take exactly the same time, so the rule allows for it:
//! a mode fails when its median is slower than the baseline's by more than
//! the tolerance (`--tolerance`, of the baseline's median; by default 10%,
//! at least 50 ms) plus both runs' spread (the standard deviation of each
//! one's walls; zero for a single run). See [`judge`].
//!
//! A baseline is only meaningful for the same plan on the same clock: the
//! pairs (delays and messages, in order) and the clock must match before
//! anything runs, and each mode's expected wall after (other `--timeout` or
//! `--limit` would change it). Anything else is an error, exit 2.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::SignedDuration;
use serde_json::Value;

use crate::engine::clock::Clock;
use crate::engine::stop::StopReason;
use crate::escape::escape;
use crate::measure::Measurement;
use crate::measure::check::{Criterion, Failure, Tolerance, Verdict};
use crate::measure::report::signed;
use crate::measure::stats::Stats;
use crate::scenario::plan::Plan;
use crate::scenario::units::{human, seconds};

/// A run kept as a baseline: what it ran, and each mode's walls.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    pub path: PathBuf,
    pub clock: String,
    /// The plan's pairs: message and delay in seconds (as JSON keeps them).
    pairs: Vec<(String, f64)>,
    pub modes: Vec<BaselineMode>,
    /// A scenario's command leaves, each named `id label` (`0.2.1 test`): the duration
    /// kept (the median, with `--runs`).
    pub leaves: Vec<BaselineMode>,
    /// The pairs that are command leaves: their delay is what they
    /// measured, not part of the plan.
    command_pairs: Vec<usize>,
}

/// One mode of a baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct BaselineMode {
    pub mode: String,
    pub expected: Duration,
    pub median: Duration,
    /// `None` for a single run.
    pub stddev: Option<Duration>,
    pub runs: usize,
}

/// Why a baseline cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("--baseline {}: cannot read it: {source}", shown(path))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "--baseline {}: not a saywhen JSON report ({reason}); make one with --export base.json",
        shown(path)
    )]
    NotAReport { path: PathBuf, reason: String },
    #[error("--baseline {}: a baseline from another plan: {why}", shown(path))]
    OtherPlan { path: PathBuf, why: String },
}

fn shown(path: &Path) -> String {
    escape(&path.to_string_lossy()).into_owned()
}

impl Baseline {
    /// Reads a JSON report saywhen wrote (`--format json`, `--export
    /// base.json`): one run, repeated runs, or a comparison.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let file = File::open(path).map_err(|source| BaselineError::Read {
            path: path.to_owned(),
            source,
        })?;
        let value: Value = serde_json::from_reader(BufReader::new(file)).map_err(|e| {
            BaselineError::NotAReport {
                path: path.to_owned(),
                reason: e.to_string(),
            }
        })?;
        Baseline::from_json(path, &value).map_err(|reason| BaselineError::NotAReport {
            path: path.to_owned(),
            reason,
        })
    }

    fn from_json(path: &Path, doc: &Value) -> Result<Baseline, String> {
        if doc["schema"] != 1 {
            return Err("no \"schema\": 1".to_owned());
        }
        let text = |v: &Value, key: &str| -> Result<String, String> {
            v[key]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("no \"{key}\""))
        };
        let secs = |v: &Value| -> Result<Duration, String> {
            v.as_f64()
                .and_then(|s| Duration::try_from_secs_f64(s).ok())
                .ok_or_else(|| format!("{v} is not a number of seconds"))
        };
        let pairs = doc["pairs"]
            .as_array()
            .ok_or("no \"pairs\"")?
            .iter()
            .map(|p| {
                Ok((
                    text(p, "message")?,
                    p["delay_s"].as_f64().ok_or("a pair without delay_s")?,
                ))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let mode_of = |m: &Value, walls: &Value| -> Result<BaselineMode, String> {
            Ok(BaselineMode {
                mode: text(m, "mode")?,
                expected: secs(&m["expected_s"])?,
                median: secs(&walls["median"])?,
                stddev: match &walls["stddev"] {
                    Value::Null => None,
                    v => Some(secs(v)?),
                },
                runs: m["runs"].as_u64().unwrap_or(1) as usize,
            })
        };
        let modes = match doc["modes"].as_array() {
            // A comparison: one entry per mode, its walls' statistics.
            Some(modes) => modes
                .iter()
                .map(|m| mode_of(m, &m["wall_s"]))
                .collect::<Result<Vec<_>, String>>()?,
            // One mode: its statistics with --runs, else its one wall.
            None => {
                let single = serde_json::json!({ "median": doc["wall_s"], "stddev": null });
                let walls = match &doc["wall_stats"] {
                    Value::Null => &single,
                    stats => stats,
                };
                vec![mode_of(doc, walls)?]
            }
        };
        let nodes = doc["nodes"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        let commands = || nodes.iter().filter(|n| n["kind"] == "command");
        let command_pairs = commands()
            .filter_map(|n| n["index"].as_u64().map(|i| i as usize))
            .collect();
        let leaf = |id: &Value, message: &Value, median: &Value, runs: usize| {
            Ok::<_, String>(BaselineMode {
                mode: format!(
                    "{} {}",
                    id.as_str().unwrap_or_default(),
                    message.as_str().unwrap_or_default()
                ),
                expected: Duration::ZERO,
                median: secs(median)?,
                stddev: None,
                runs,
            })
        };
        let leaves = match doc["leaf_medians"]["leaves"].as_array() {
            // Repeated runs: each leaf's median.
            Some(list) => list
                .iter()
                .map(|l| {
                    let runs = l["runs"].as_u64().unwrap_or(1) as usize;
                    leaf(&l["id"], &l["message"], &l["median_s"], runs)
                })
                .collect::<Result<Vec<_>, String>>()?,
            // One run: what each command that ran to its end took.
            None => commands()
                .filter(|n| {
                    let command = &n["command"];
                    command["duration_s"].is_number() && command["exit"] != "cancelled"
                })
                .map(|n| leaf(&n["id"], &n["message"], &n["command"]["duration_s"], 1))
                .collect::<Result<Vec<_>, String>>()?,
        };
        Ok(Baseline {
            path: path.to_owned(),
            clock: text(doc, "clock")?,
            pairs,
            modes,
            leaves,
            command_pairs,
        })
    }

    /// Checks, before anything runs, that this baseline measured `plan` on
    /// `clock`.
    pub fn check_plan(&self, plan: &Plan, clock: Clock) -> Result<(), BaselineError> {
        let other = |why: String| BaselineError::OtherPlan {
            path: self.path.clone(),
            why,
        };
        if self.clock != clock.name() {
            return Err(other(format!(
                "it was measured on the {} clock, this run is on the {} clock",
                self.clock,
                clock.name()
            )));
        }
        if self.pairs.len() != plan.len() {
            return Err(other(format!(
                "it has {} pairs, this run {}",
                self.pairs.len(),
                plan.len()
            )));
        }
        let differs = self.pairs.iter().zip(plan.pairs()).enumerate().position(
            |(i, ((message, delay), pair))| {
                // A command's delay is what it measured there.
                let measured = self.command_pairs.contains(&i);
                *message != pair.message || (!measured && *delay != seconds(pair.delay))
            },
        );
        match differs {
            None => Ok(()),
            Some(i) => {
                let (message, delay) = &self.pairs[i];
                let now = &plan.pairs()[i];
                Err(other(format!(
                    "pair {} is {}:{} there, {}:{} here",
                    i + 1,
                    human(Duration::from_secs_f64(*delay)),
                    escape(message),
                    human(now.delay),
                    escape(&now.message)
                )))
            }
        }
    }

    /// Each measured mode against its baseline, in the order they ran;
    /// `tolerance` as `--tolerance` gives it (or the default).
    pub fn compare(
        &self,
        measurements: &[Measurement],
        tolerance: Tolerance,
    ) -> Result<Vec<Row>, BaselineError> {
        let mut rows = Vec::new();
        for m in measurements {
            let mode = m.label().into_owned();
            let baseline = self.modes.iter().find(|b| b.mode == mode).cloned();
            // What commands take is measured, not planned: no plan to match.
            let planned = !m.first().scenario.runs_commands();
            if let Some(b) = &baseline
                && planned
                && b.expected != m.expected()
            {
                return Err(BaselineError::OtherPlan {
                    path: self.path.clone(),
                    why: format!(
                        "{mode} was expected to take {} there, {} here (other --timeout or --limit?)",
                        human(b.expected),
                        human(m.expected())
                    ),
                });
            }
            let judged = baseline
                .as_ref()
                .map(|b| judge(b.median, b.stddev, m.wall(), tolerance));
            rows.push(Row {
                mode,
                now: *m.wall(),
                runs: m.counted() as usize,
                baseline,
                judged,
                interrupted: m.interrupted(),
            });
            rows.extend(self.leaf_rows(m, tolerance));
        }
        if !rows.is_empty() && rows.iter().all(|r| r.baseline.is_none()) {
            let kept: Vec<&str> = self.modes.iter().map(|m| m.mode.as_str()).collect();
            return Err(BaselineError::OtherPlan {
                path: self.path.clone(),
                why: format!("it measured {}, nothing this run measured", kept.join(", ")),
            });
        }
        Ok(rows)
    }
}

impl Baseline {
    /// Each command leaf of `m` against the duration the baseline kept
    /// for the leaf of the same node and label, as a row of its own
    /// (`0.2.1 test`).
    fn leaf_rows(&self, m: &Measurement, tolerance: Tolerance) -> Vec<Row> {
        let report = m.first();
        let scenario = &report.scenario;
        if !scenario.runs_commands() {
            return Vec::new();
        }
        let ids = crate::scenario::ids::Ids::of(scenario);
        scenario
            .commands()
            .iter()
            .zip(m.leaf_stats())
            .filter_map(|(command, stats)| {
                let now = stats?;
                let name = format!(
                    "{} {}",
                    ids.pair(scenario, command.pair as usize),
                    command.label()
                );
                let baseline = self.leaves.iter().find(|b| b.mode == name).cloned();
                let judged = baseline
                    .as_ref()
                    .map(|b| judge(b.median, b.stddev, &now, tolerance));
                Some(Row {
                    mode: name,
                    runs: now.count,
                    now,
                    baseline,
                    judged,
                    interrupted: m.interrupted(),
                })
            })
            .collect()
    }
}

/// One mode, now and in the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub mode: String,
    /// The walls of this run's counted runs.
    pub now: Stats,
    pub runs: usize,
    /// `None` when the baseline did not measure this mode.
    pub baseline: Option<BaselineMode>,
    pub judged: Option<Judgement>,
    /// A run of this mode was stopped early.
    pub interrupted: Option<StopReason>,
}

/// How a median compares with the baseline's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Judgement {
    /// Now minus the baseline's median (negative: faster).
    pub slower: SignedDuration,
    /// The tolerance's share of the baseline's median.
    pub tolerance: Duration,
    /// Both runs' standard deviations, added up.
    pub spread: Duration,
    /// How much slower it may be: the tolerance plus the spread.
    pub allowance: Duration,
}

impl Judgement {
    /// Slower by more than allowed.
    pub fn regressed(&self) -> bool {
        self.slower > signed(self.allowance)
    }

    /// Faster by more than the allowance: a real improvement.
    pub fn improved(&self) -> bool {
        -self.slower > signed(self.allowance)
    }
}

/// The rule. A median slower than the baseline's by more than the tolerance
/// (of the baseline's median) plus both runs' spread is a regression: one
/// standard deviation of each is how far two runs of the same code drift
/// apart on a busy machine, so only a slowdown beyond that is news.
pub fn judge(
    baseline: Duration,
    baseline_spread: Option<Duration>,
    now: &Stats,
    tolerance: Tolerance,
) -> Judgement {
    let spread = baseline_spread.unwrap_or_default() + now.stddev.unwrap_or_default();
    let share = tolerance.allowance(baseline);
    Judgement {
        slower: signed(now.median) - signed(baseline),
        tolerance: share,
        spread,
        allowance: share + spread,
    }
}

impl Row {
    /// This mode's expectation under `--check`, when the baseline has it.
    pub fn verdict(&self) -> Option<Verdict> {
        let (baseline, judged) = (self.baseline.as_ref()?, self.judged?);
        let failure = judged.regressed().then(|| Failure::SlowerThanBaseline {
            mode: self.mode.clone(),
            measured: self.now.median,
            runs: self.runs,
            baseline: baseline.median,
            tolerance: judged.tolerance,
            spread: judged.spread,
        });
        Some(Verdict {
            mode: self.mode.clone(),
            criterion: Criterion::Baseline {
                baseline: baseline.median,
                allowance: judged.allowance,
            },
            measured: self.now.median,
            runs: self.runs,
            failure,
            interrupted: self.interrupted,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(median_ms: u64, stddev_ms: Option<u64>) -> Stats {
        Stats {
            stddev: stddev_ms.map(Duration::from_millis),
            count: 5,
            ..Stats::single(Duration::from_millis(median_ms))
        }
    }

    #[test]
    fn slower_by_more_than_the_tolerance_and_both_spreads_fails() {
        let tolerance = Tolerance::absolute(Duration::from_millis(50));
        let base = Duration::from_millis(1000);
        // 50ms tolerance + 20ms + 30ms of spread = 100ms allowed.
        let within = judge(
            base,
            Some(Duration::from_millis(20)),
            &stats(1100, Some(30)),
            tolerance,
        );
        assert_eq!(within.allowance, Duration::from_millis(100));
        assert!(!within.regressed());
        let beyond = judge(
            base,
            Some(Duration::from_millis(20)),
            &stats(1101, Some(30)),
            tolerance,
        );
        assert!(beyond.regressed());
        // A single run has no spread: only the tolerance is allowed.
        let single = judge(base, None, &stats(1051, None), tolerance);
        assert_eq!(single.allowance, Duration::from_millis(50));
        assert!(single.regressed());
        // Faster never fails; far faster is an improvement.
        let faster = judge(base, None, &stats(800, None), tolerance);
        assert!(!faster.regressed() && faster.improved());
    }

    #[test]
    fn the_default_tolerance_is_a_share_of_the_baseline() {
        let judged = judge(
            Duration::from_secs(3),
            None,
            &stats(3200, None),
            Tolerance::default(),
        );
        assert_eq!(judged.allowance, Duration::from_millis(300));
        assert!(!judged.regressed());
    }
}
