//! Why a node is late, in the model's words: who held the thread while it
//! was ready and not polled (`b0 waits 60ms to start: the thread is held
//! by a1 30ms + a2 10ms + a3 20ms`), and where the timer's steps moved an
//! end. A predicted wait is part of the expected schedule, not overhead.

use std::time::Duration;

use crate::scenario::tree::{Action, Node, Scenario};
use crate::scenario::units::human;
use crate::simulate::observe::{Expectations, State, Trace, duration};
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

/// The waits the thread's holders caused, one line each: the first
/// [`SHOWN`], then how many more.
pub fn waits(scenario: &Scenario, trace: &Trace) -> Vec<String> {
    let mut lines = Lines::default();
    for life in trace.lives(scenario) {
        for span in life.spans.iter().filter(|s| s.state == State::Ready) {
            let length = span.to - span.from;
            if length < Duration::from_micros(1) {
                continue;
            }
            lines.add(|| {
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
                format!("{} {how}: {why}", label(scenario, life.node))
            });
        }
    }
    lines.done()
}

/// Where the timer's 1 ms steps moved a sleep's end: `a 1.5ms ends at
/// +2ms (+500µs)`; the first [`SHOWN`], then how many more.
pub fn steps(scenario: &Scenario, ends: &impl Expectations) -> Vec<String> {
    // Pair by pair in the order written, each run of pairs with its one
    // action (not searched for pair by pair: a million the steps moved).
    let mut runs: Vec<_> = scenario.pair_runs().collect();
    runs.sort_unstable_by_key(|run| run.pairs.start);
    let pairs = scenario.plan().pairs();
    let mut lines = Lines::default();
    for run in runs
        .into_iter()
        .filter(|run| matches!(run.action, Action::Say | Action::Fail))
    {
        for index in run.pairs {
            let (pair, expected) = (&pairs[index as usize], ends.pair_nanos(index));
            let Some(start) = expected.start else {
                continue;
            };
            // In nanoseconds (a million pairs), saturating as a `Duration`
            // would.
            let due = start
                .saturating_add(pair.delay.as_nanos())
                .min(Duration::MAX.as_nanos());
            let moved = expected.end_at.saturating_sub(due);
            if moved == 0 || moved >= STEP.as_nanos() {
                continue;
            }
            lines.add(|| {
                let node = Node::Pair {
                    index,
                    action: Action::Say,
                };
                format!(
                    "{} {} ends at +{} (+{})",
                    label(scenario, node),
                    human(pair.delay),
                    human(duration(expected.end_at)),
                    human(duration(moved))
                )
            });
        }
    }
    lines.done()
}

/// The first [`SHOWN`] lines as they come, then `… N more`: a line past
/// them is counted, not written (a million pairs the timer moved are a
/// million lines nobody reads).
#[derive(Default)]
struct Lines {
    shown: Vec<String>,
    more: usize,
}

impl Lines {
    fn add(&mut self, line: impl FnOnce() -> String) {
        match self.shown.len() < SHOWN {
            true => self.shown.push(line()),
            false => self.more += 1,
        }
    }

    fn done(mut self) -> Vec<String> {
        if self.more > 0 {
            self.shown.push(format!("… {} more", self.more));
        }
        self.shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse::parse_argument;

    /// Past the first few, the lines are counted, not written: a gather
    /// of ten sleeps the timer moves tells six and `… 4 more`, and the
    /// six are the first six in order.
    #[test]
    fn past_the_first_few_lines_are_counted() {
        let pairs: Vec<String> = (0..10).map(|i| format!("1.5ms:p{i}")).collect();
        let scenario = parse_argument(&format!("gather({})", pairs.join(", ")), 1, false).unwrap();
        let (_, ends) = crate::simulate::ends(&scenario);
        let lines = steps(&scenario, &ends);
        assert_eq!(lines.len(), SHOWN + 1, "{lines:?}");
        assert_eq!(lines[0], "p0 1.5ms ends at +2ms (+500µs)");
        assert_eq!(lines[SHOWN - 1], "p5 1.5ms ends at +2ms (+500µs)");
        assert_eq!(lines[SHOWN], "… 4 more");

        // In the order written, whichever group each pair is in.
        let scenario =
            parse_argument("gather(1.5ms:a, serial(1.5ms:b), 1.5ms:c)", 1, false).unwrap();
        let (_, ends) = crate::simulate::ends(&scenario);
        let lines = steps(&scenario, &ends);
        let names: Vec<&str> = lines.iter().map(|line| &line[..1]).collect();
        assert_eq!(names, ["a", "b", "c"], "{lines:?}");

        let blocks: Vec<String> = (0..9).map(|i| format!("block(1ms:b{i})")).collect();
        let text = format!("gather({}, 1ms:late)", blocks.join(", "));
        let scenario = parse_argument(&text, 1, false).unwrap();
        let (_, trace) = crate::simulate::trace(&scenario);
        let lines = waits(&scenario, &trace);
        assert_eq!(lines.len(), SHOWN + 1, "{lines:?}");
        assert!(lines[0].contains("the thread is held by"), "{lines:?}");
        assert!(
            lines[SHOWN].starts_with("… ") && lines[SHOWN].ends_with(" more"),
            "{lines:?}"
        );
    }
}
