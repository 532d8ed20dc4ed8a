//! race: every child starts at once and the first to finish wins; the rest
//! are cancelled mid-sleep. `tokio::select!` does this for a fixed number of
//! futures; `select_all` for any number, like Python's
//! `asyncio.wait(tasks, return_when=FIRST_COMPLETED)`. Wall = the shortest
//! delay. The first to *finish* wins, even when it finishes by failing.

use futures_util::future::select_all;

use crate::engine::record::End;
use crate::mode::Work;
use crate::mode::node::NodeResult;
use crate::scenario::tree::Node;

pub async fn run(work: &Work, group: u32) -> NodeResult {
    let racers = work
        .children(group)
        .map(|child| Box::pin(work.clone().run(child)));
    // select_all polls the racers in argument order and returns with the
    // first that is done, so a tie goes to the child given first.
    let (winner, position, losers) = select_all(racers).await;
    if let Some(Node::Pair { index, .. }) = work.children(group).nth(position) {
        work.recorder().collected(index as usize);
    }
    // Cancelling a future in Rust is dropping it: the losers stop here,
    // mid-sleep, and never say their message.
    drop(losers);
    work.cut_children(group, End::Cancelled);
    winner
}
