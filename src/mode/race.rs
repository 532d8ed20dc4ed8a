//! race: every pair starts at once and the first to finish wins; the rest
//! are cancelled mid-sleep. `tokio::select!` does this for a fixed number of
//! futures; `select_all` for any number, like Python's
//! `asyncio.wait(tasks, return_when=FIRST_COMPLETED)`. Wall = the shortest
//! delay.

use futures_util::future::select_all;

use crate::engine::run::RunError;
use crate::mode::Work;
use crate::scenario::plan::Plan;

pub async fn run(plan: &Plan, work: &Work) -> Result<(), RunError> {
    let racers = plan
        .pairs()
        .iter()
        .enumerate()
        .map(|(index, pair)| Box::pin(work.clone().say_after(index, pair.delay)));
    // select_all polls the racers in argument order and returns with the
    // first that is done, so a tie goes to the pair given first.
    let (winner, _, losers) = select_all(racers).await;
    work.recorder().collected(winner);
    // Cancelling a future in Rust is dropping it: the losers stop here,
    // mid-sleep, and never say their message.
    drop(losers);
    work.recorder().cancel_unfinished();
    Ok(())
}
