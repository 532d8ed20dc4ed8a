//! A run the model plays instead of tokio: on the virtual clock, a
//! scenario that blocks (`block`, `spawn_blocking`, `threads`, and the
//! flat modes `blocking`, `spawn-blocking`, `threads`) cannot sleep for
//! real, so the event-loop model (`src/simulate/`) works out when each
//! node begins and ends, and this plays those instants into the recorder,
//! moving the paused clock from one to the next. The blocking lesson then
//! runs instantly and exactly: the held thread advances virtual time.

use crate::engine::record::End;
use crate::mode::Work;
use crate::mode::node::NodeResult;
use crate::scenario::tree::Node;
use crate::simulate::{self, Change};

pub async fn run(work: &Work) -> NodeResult {
    let scenario = work.scenario();
    let (_, trace) = simulate::trace(scenario);
    let mut changes: Vec<_> = trace
        .changes
        .into_iter()
        .filter(|(_, change, _)| !matches!(change, Change::In(_)))
        .collect();
    // In time order; at one instant, in the order the model saw them.
    changes.sort_by_key(|&(_, _, at)| at);
    let recorder = work.recorder();
    for (node, change, at) in changes {
        let now = recorder.elapsed();
        if at > now {
            tokio::time::advance(at - now).await;
        }
        match (node, change) {
            (Node::Pair { index, .. }, Change::Began) => {
                recorder.begin(index as usize);
            }
            (Node::Pair { index, .. }, Change::Ended(end)) => {
                let index = index as usize;
                match end {
                    End::Done => recorder.say(index),
                    End::Failed => recorder.fail(index),
                    End::Cancelled | End::TimedOut => recorder.cancel(index),
                    End::Skipped => {
                        let pair = index as u32;
                        recorder.cut(pair..pair + 1, 0..0, End::Skipped)
                    }
                }
            }
            (Node::Group(g), Change::Began) => recorder.begin_group(g as usize),
            (Node::Group(g), Change::Ended(end)) => recorder.end_group(g as usize, end),
            (_, Change::In(_)) => {}
        }
    }
    Ok(trace.ends.of(scenario.root()).end)
}
