//! Why a node is late, in the model's words: who held the thread while it
//! was ready and not polled (`b0 waits 60ms to start: the thread is held
//! by a1 30ms + a2 10ms + a3 20ms`), and where the timer's steps moved an
//! end. A predicted wait is part of the expected schedule, not overhead.

use std::time::Duration;

use crate::scenario::tree::{Action, Node, Scenario};
use crate::scenario::units::human;
use crate::simulate::observe::{Ends, State, Trace};
use crate::simulate::timer::STEP;

/// How many lines of each kind to show before eliding.
const SHOWN: usize = 6;

/// A node's name in these lines: a pair's message, a group's id and kind.
pub fn label(scenario: &Scenario, node: Node) -> String {
    match node {
        Node::Pair { index, .. } => {
            let message = &scenario.plan().pairs()[index as usize].message;
            let short: String = message.chars().take(16).collect();
            let short = crate::escape::escape(&short).into_owned();
            match message.chars().count() > 16 {
                true => format!("{short}…"),
                false => short,
            }
        }
        Node::Group(g) => format!("{} {}", scenario.id(node), scenario.group(g).kind.name()),
    }
}

/// The waits the thread's holders caused, one line each, longest first
/// beyond the first few.
pub fn waits(scenario: &Scenario, trace: &Trace) -> Vec<String> {
    let mut lines = Vec::new();
    for life in trace.lives(scenario) {
        for span in life.spans.iter().filter(|s| s.state == State::Ready) {
            let length = span.to - span.from;
            if length < Duration::from_micros(1) {
                continue;
            }
            let mut holders: Vec<String> = Vec::new();
            for hold in &trace.holds {
                let from = hold.from.max(span.from);
                let to = hold.to.min(span.to);
                if to > from {
                    holders.push(format!(
                        "{} {}",
                        label(scenario, hold.node),
                        human(to - from)
                    ));
                }
            }
            let how = match life.began {
                Some(began) if began < span.to && began <= span.from => {
                    format!(
                        "is due at +{} but waits {}",
                        human(span.from),
                        human(length)
                    )
                }
                _ => format!("waits {} to start", human(length)),
            };
            let why = match holders.is_empty() {
                true => "the thread is busy".to_owned(),
                false => format!("the thread is held by {}", holders.join(" + ")),
            };
            lines.push((
                length,
                format!("{} {how}: {why}", label(scenario, life.node)),
            ));
        }
    }
    elide(lines)
}

/// Where the timer's 1 ms steps moved a sleep's end: `a 1.5ms ends at
/// +2ms (+500µs)`.
pub fn steps(scenario: &Scenario, ends: &Ends) -> Vec<String> {
    let mut lines = Vec::new();
    for (index, (pair, expected)) in scenario.plan().pairs().iter().zip(&ends.pairs).enumerate() {
        let Some(start) = expected.start else {
            continue;
        };
        let moved = expected
            .end_at
            .saturating_sub(start.saturating_add(pair.delay));
        // The search for a pair's action only for the few a step moved.
        if moved.is_zero()
            || moved >= STEP
            || !matches!(scenario.action_of(index), Action::Say | Action::Fail)
        {
            continue;
        }
        let node = Node::Pair {
            index: index as u32,
            action: Action::Say,
        };
        let line = format!(
            "{} {} ends at +{} (+{})",
            label(scenario, node),
            human(pair.delay),
            human(expected.end_at),
            human(moved)
        );
        lines.push((moved, line));
    }
    elide(lines)
}

/// The first few lines as they came, then `… N more`.
fn elide(lines: Vec<(Duration, String)>) -> Vec<String> {
    let total = lines.len();
    let mut shown: Vec<String> = lines.into_iter().take(SHOWN).map(|(_, l)| l).collect();
    if total > SHOWN {
        shown.push(format!("… {} more", total - SHOWN));
    }
    shown
}
