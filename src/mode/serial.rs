//! serial: `await say_after(1, 'hello')` then `await say_after(2, 'world')`.
//! Each child starts only when the previous one has ended, so the delays add
//! up: wall = the sum. Each sleep also ends a little late (the timer's
//! tick), and with relative deadlines that lateness adds up too. A failure
//! ends the sequence: the children after it never start.

use crate::engine::record::End;
use crate::mode::Work;
use crate::mode::node::NodeResult;
use crate::scenario::mode::Deadlines;
use crate::scenario::tree::Node;

pub async fn run(work: &Work, group: u32) -> NodeResult {
    let mut due = work.recorder().start();
    let mut children = work.children(group);
    while let Some(child) = children.next() {
        let ended = match (work.deadlines(), child) {
            (Deadlines::Absolute, Node::Pair { index, .. }) => {
                // The deadline is start + every delay so far, so a late
                // wake-up shortens the next sleep instead of pushing it.
                let delay = work.scenario().plan().pairs()[index as usize].delay;
                due = due.checked_add(delay).unwrap_or(due);
                work.clone().say_at(index as usize, due).await
            }
            _ => work.run_here(child).await?,
        };
        // `?` in a Python coroutine: an exception skips the rest.
        if ended.failed() {
            children.for_each(|skipped| work.skip(skipped));
            return Ok(End::Failed);
        }
    }
    Ok(End::Done)
}
