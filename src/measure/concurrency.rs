//! A run's concurrency figures, as every view shows them: pairs in flight
//! (peak and mean), how busy the thread was, the critical path and each
//! node's slack.
//!
//! A scenario's come from the model (see [`crate::simulate::critical`] and
//! [`crate::simulate::figures`]): the expected schedule, exact. A flat
//! mode's are read off its measured pairs by the mode's rule, which costs
//! one pass over them however many there are: in serial and blocking every
//! pair is on the path in turn; in a race, the winner; in the other modes
//! the pair that ended last, and each other pair could take `wall - end`
//! longer (with `--limit` or `--timeout` a pair's end also moves others,
//! so their slack is not given).

use std::time::Duration;

use crate::engine::arithmetic::Schedule;
use crate::engine::record::Timing;
use crate::scenario::mode::Mode;
use crate::scenario::tree::{Action, Node, Scenario};
use crate::scenario::units::human;
use crate::simulate::critical::{self, How, OnPath, Part, Slack};
use crate::simulate::figures::{self, InFlight};
use crate::simulate::why;

/// How much longer a node could take without moving the wall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Room {
    By(Duration),
    /// Cut off before it ends (a race's loser, what a deadline cut): no
    /// amount would move the wall.
    Unbounded,
    /// Not worked out: a tree too large to grow leaf by leaf, or a flat
    /// run whose options tie the pairs together.
    Unknown,
}

/// The figures of one run.
#[derive(Debug, Clone)]
pub struct Concurrency {
    pub in_flight: InFlight,
    /// The share of the wall the runtime's thread was held, 0 to 1.
    pub busy: f64,
    /// The critical path, in time order.
    pub path: Vec<Part>,
    marks: Marks,
}

#[derive(Debug, Clone)]
enum Marks {
    Tree { on: OnPath, slack: Option<Slack> },
    Flat(Flat),
}

/// A flat mode's rule.
#[derive(Debug, Clone, Copy)]
struct Flat {
    /// Serial and blocking: every pair that ran is on the path.
    every: bool,
    /// Otherwise the one pair on it.
    one: Option<usize>,
    wall: Duration,
    /// Whether `wall - end` is each pair's slack.
    free: bool,
}

impl Concurrency {
    /// A scenario's figures, from the model's expected schedule.
    pub fn of_tree(scenario: &Scenario, schedule: &Schedule) -> Concurrency {
        Concurrency::of_tree_with(scenario, schedule, true)
    }

    /// A scenario's figures, with each node's slack when `slack` (which
    /// the model works out leaf by leaf: views that only mark the path
    /// leave it).
    pub fn of_tree_with(scenario: &Scenario, schedule: &Schedule, slack: bool) -> Concurrency {
        let wall = schedule.wall(scenario);
        let f = figures::of(scenario, wall, schedule);
        let on = OnPath::of(scenario, &f.path);
        Concurrency {
            in_flight: f.in_flight,
            busy: f.busy(),
            marks: Marks::Tree {
                on,
                slack: slack
                    .then(|| critical::slack(scenario, wall, &f.path))
                    .flatten(),
            },
            path: f.path,
        }
    }

    /// A flat mode's figures, read off its measured pairs by the mode's
    /// rule; `free` when no `--limit` or `--timeout` ties the pairs
    /// together.
    pub fn of_flat(
        timings: &[Timing],
        scenario: &Scenario,
        wall: Duration,
        mode: Mode,
        free: bool,
    ) -> Concurrency {
        let every = matches!(mode, Mode::Serial | Mode::Blocking);
        let lives = || {
            timings
                .iter()
                .filter_map(|t| Some((t.began()?, t.ended()?)))
        };
        // One pass over the pairs for all but a rare peak: their lives
        // added up, the last start and the first end (every pair began
        // before any ended: all were in flight), the time blocks held the
        // thread, and the pair that ended first or last.
        // In nanoseconds, as the record keeps them: no `Duration` made a
        // pair (a life is still added up in seconds, as it always was).
        let (mut total, mut living, mut held) = (0f64, 0usize, 0u64);
        let (mut last_start, mut first_end) = (None::<u64>, None::<u64>);
        let (mut first, mut last) = (None::<(u64, usize)>, None::<(u64, usize)>);
        for (i, t) in timings.iter().enumerate() {
            if let (Some(from), Some(to)) = (t.began_nanos(), t.ended_nanos()) {
                let life = to.saturating_sub(from);
                total += Duration::from_nanos(life).as_secs_f64();
                last_start = last_start.max(Some(from));
                if to > from {
                    living += 1;
                    first_end = Some(first_end.map_or(to, |end| end.min(to)));
                }
                if mode == Mode::Blocking {
                    held = held.saturating_add(life);
                }
            }
            if let Some(at) = t.finished_nanos() {
                // The first to end, the earliest given among ties; the
                // last, also the earliest given.
                if first.is_none_or(|(f, _)| at < f) {
                    first = Some((at, i));
                }
                if last.is_none_or(|(l, _)| at > l) {
                    last = Some((at, i));
                }
            }
        }
        let mean = match wall.is_zero() {
            true => 0.0,
            false => total / wall.as_secs_f64(),
        };
        let peak = match (every, last_start, first_end) {
            (true, _, _) => living.min(1),
            // Every pair began before any ended: all were in flight.
            (false, Some(last), Some(first)) if last < first => living,
            _ => figures::in_flight(lives(), wall).peak,
        };
        let one = match (every, mode) {
            (true, _) => None,
            (false, Mode::Race) => first,
            (false, _) => last,
        }
        .map(|(_, index)| index);
        let how = match mode {
            Mode::Blocking => How::Holds,
            Mode::SpawnBlocking | Mode::Threads => How::Offloaded,
            _ => How::Sleeps,
        };
        let part = |index: usize| {
            let t = timings[index];
            let action = scenario.action_of(index);
            Some(Part {
                node: Node::Pair {
                    index: index as u32,
                    action,
                },
                how,
                from: t.began()?,
                to: t.ended()?,
                timer: Duration::ZERO,
            })
        };
        let path = match every {
            true => (0..timings.len()).filter_map(part).collect(),
            false => one.and_then(part).into_iter().collect(),
        };
        Concurrency {
            in_flight: InFlight { peak, mean },
            busy: match wall.is_zero() {
                true => 0.0,
                false => (Duration::from_nanos(held).as_secs_f64() / wall.as_secs_f64()).min(1.0),
            },
            path,
            marks: Marks::Flat(Flat {
                every,
                one,
                wall,
                free,
            }),
        }
    }

    /// Whether `node` is on the critical path (a group: whether the path
    /// runs through it).
    pub fn critical(&self, node: Node, timings: Option<&[Timing]>) -> bool {
        match &self.marks {
            Marks::Tree { on, .. } => on.contains(node),
            Marks::Flat(flat) => match node {
                Node::Group(_) => true,
                Node::Pair { index, .. } => match flat.every {
                    true => timings
                        .and_then(|t| t.get(index as usize))
                        .is_some_and(|t| t.began().is_some() && t.ended().is_some()),
                    false => flat.one == Some(index as usize),
                },
            },
        }
    }

    /// How much longer `node` could take without moving the wall.
    pub fn slack(&self, node: Node, timings: Option<&[Timing]>) -> Room {
        match &self.marks {
            Marks::Tree { slack: None, .. } => Room::Unknown,
            Marks::Tree {
                slack: Some(slack), ..
            } => match slack.of(node) {
                Some(by) => Room::By(by),
                None => Room::Unbounded,
            },
            Marks::Flat(flat) => {
                let Node::Pair { index, .. } = node else {
                    return Room::By(Duration::ZERO);
                };
                let Some(timing) = timings.and_then(|t| t.get(index as usize)) else {
                    return Room::Unknown;
                };
                let ended = timing.finished();
                match (self.critical(node, timings), ended) {
                    (true, _) => Room::By(Duration::ZERO),
                    (false, None) => Room::Unbounded,
                    (false, Some(at)) if flat.free => Room::By(flat.wall.saturating_sub(at)),
                    (false, Some(_)) => Room::Unknown,
                }
            }
        }
    }

    /// The path's length: the wall it sets.
    pub fn length(&self) -> Duration {
        self.path.iter().map(Part::length).sum()
    }

    /// The figures in two lines: `in flight: peak 2, mean 1.5 · thread
    /// busy 0%`, then `critical path 3s: a → b`.
    pub fn lines(&self, scenario: &Scenario) -> [String; 2] {
        let path = match self.path.is_empty() {
            true => "0s: none (no time passes)".to_owned(),
            false => format!(
                "{}: {}",
                human(self.length()),
                path_names(scenario, &self.path, matches!(self.marks, Marks::Flat(_)))
            ),
        };
        [
            format!(
                "in flight: peak {}, mean {:.1} · thread busy {:.0}%",
                self.in_flight.peak,
                self.in_flight.mean,
                self.busy * 100.0
            ),
            format!("critical path {path}"),
        ]
    }
}

/// The path's nodes, `a1 → a2 → … → b4` past eight, each named as the
/// model's reasons name it (a leaf's message, a deadline's group); a flat
/// mode's pairs by their number in the table (`#2`).
fn path_names(scenario: &Scenario, parts: &[Part], flat: bool) -> String {
    const SHOWN: usize = 8;
    let name = |part: &Part| {
        let label = match (flat, part.node) {
            (true, Node::Pair { index, .. }) => format!("#{}", index + 1),
            _ => why::label(scenario, part.node),
        };
        match part.node {
            Node::Pair {
                action: Action::Say | Action::Fail,
                ..
            } if !part.timer.is_zero() => format!("{label} (+{} timer)", human(part.timer)),
            _ => label,
        }
    };
    let names: Vec<String> = match parts.len() > SHOWN {
        true => {
            let mut names: Vec<String> = parts[..SHOWN - 2].iter().map(name).collect();
            names.push(format!("… {} more", parts.len() - SHOWN + 1));
            names.push(name(&parts[parts.len() - 1]));
            names
        }
        false => parts.iter().map(name).collect(),
    };
    names.join(" → ")
}
