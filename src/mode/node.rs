//! Running one node of a scenario: a pair (sleep, then say or fail) or a
//! group, whose kind's file says how it awaits its children. Every group
//! runs its children through [`Work::run`], so a tree of any depth runs on
//! the same few lines of each mode, and a flat mode is a one-level tree.

use std::future::Future;
use std::pin::Pin;

use futures_util::FutureExt;
use futures_util::future::Either;
use tokio::task::JoinSet;

use crate::engine::record::End;
use crate::engine::run_error::RunError;
use crate::mode::{
    Work, blocking, command, gather, group, joinset, limit, race, say, serial, spawn_blocking,
    tasks, threads, timeout,
};
use crate::scenario::tree::{Action, GroupKind, Node};

/// How a node ended, as its parent sees it; an `Err` stops the whole run
/// (a task panicked, no thread could be started). Boxed so that the
/// million results of a flat gather cost a word each.
pub type NodeResult = Result<End, Box<RunError>>;

/// A group's future (or a blocking pair's), boxed: a group holds its
/// children's futures, so its own type is recursive.
pub type BoxedNode = Pin<Box<dyn Future<Output = NodeResult> + Send + 'static>>;

impl Work {
    /// Runs `node` and returns how it ended. Owns everything it needs, so
    /// it can be spawned. A plain pair is not boxed: a million of them in
    /// one gather cost what the tutorial's `say_after` futures cost.
    pub fn run(
        self,
        node: Node,
    ) -> Either<impl Future<Output = NodeResult> + Send + 'static, BoxedNode> {
        match node {
            Node::Pair {
                index,
                action: action @ (Action::Say | Action::Fail),
            } => {
                let delay = self.scenario().plan().pairs()[index as usize].delay;
                Either::Left(self.pair(index as usize, delay, action).map(Ok))
            }
            Node::Pair {
                index,
                action: Action::Block,
            } => Either::Right(Box::pin(blocking::run(self, index as usize))),
            Node::Pair {
                index,
                action: Action::SpawnBlocking,
            } => Either::Right(Box::pin(spawn_blocking::run(self, index as usize))),
            Node::Pair {
                index,
                action: Action::Command,
            } => Either::Right(Box::pin(command::run(self, index as usize))),
            Node::Group(index) => Either::Right(Box::pin(self.group(index))),
        }
    }

    /// `node`'s future, for a group that awaits it in its own task
    /// (`join_all`, one after another): a plain pair borrows this `Work`
    /// (no reference counts paid per pair); anything else is
    /// [`Work::run`] of a copy.
    pub fn run_here(
        &self,
        node: Node,
    ) -> Either<
        impl Future<Output = NodeResult> + Send + '_,
        Either<impl Future<Output = NodeResult> + Send + 'static, BoxedNode>,
    > {
        match self.plain_pair(node) {
            Some((index, delay)) => {
                Either::Left(say::say_after(index, delay, self.recorder()).map(|()| Ok(End::Done)))
            }
            None => Either::Right(self.clone().run(node)),
        }
    }

    /// `node`'s future, to be spawned: a plain pair takes only the
    /// recorder (one reference count, not a copy of the whole `Work`);
    /// anything else is [`Work::run`] of a copy.
    pub fn run_spawned(
        &self,
        node: Node,
    ) -> Either<
        impl Future<Output = NodeResult> + Send + 'static,
        Either<impl Future<Output = NodeResult> + Send + 'static, BoxedNode>,
    > {
        match self.plain_pair(node) {
            Some((index, delay)) => Either::Left(
                say::say_after(index, delay, self.recorder().clone()).map(|()| Ok(End::Done)),
            ),
            None => Either::Right(self.clone().run(node)),
        }
    }

    /// A pair that only sleeps and says, with no `--limit` or `--timeout`
    /// around it: its index and delay.
    fn plain_pair(&self, node: Node) -> Option<(usize, std::time::Duration)> {
        match node {
            Node::Pair {
                index,
                action: Action::Say,
            } if self.unguarded() => Some((
                index as usize,
                self.scenario().plan().pairs()[index as usize].delay,
            )),
            _ => None,
        }
    }

    async fn group(self, index: u32) -> NodeResult {
        self.recorder().begin_group(index as usize);
        let kind = self.scenario().group(index).kind;
        let ended = match kind {
            GroupKind::Serial => serial::run(&self, index).await,
            GroupKind::Tasks => tasks::run(&self, index).await,
            GroupKind::Gather => gather::run(&self, index).await,
            GroupKind::Joinset => joinset::run(&self, index).await,
            GroupKind::Race => race::run(&self, index).await,
            GroupKind::Group => group::run(&self, index).await,
            GroupKind::Limit(permits) => limit::run(&self, index, permits).await,
            GroupKind::Timeout(deadline) => timeout::run(&self, index, deadline).await,
            GroupKind::Threads => threads::run(&self, index).await,
        }?;
        self.recorder().end_group(index as usize, ended);
        Ok(ended)
    }

    /// The children of group `index`, each ready to run.
    pub fn children(&self, index: u32) -> impl ExactSizeIterator<Item = Node> + '_ {
        self.scenario().children(index)
    }

    /// Ends, as `end` says, whatever has not ended in the subtrees of
    /// group `index`'s children: the losers of a race, what a deadline or
    /// a failing sibling cut off. The group itself is left to end on its
    /// own.
    pub fn cut_children(&self, index: u32, end: End) {
        let group = self.scenario().group(index);
        let groups = group.groups.start + 1..group.groups.end;
        self.recorder().cut(group.pairs.clone(), groups, end);
    }

    /// Marks `node`'s whole subtree skipped: it will never start.
    pub fn skip(&self, node: Node) {
        let (pairs, groups) = self.scenario().span(node);
        self.recorder().cut(pairs, groups, End::Skipped);
    }
}

/// A failure among `results` (the first), else done; the first error
/// stops the run.
pub fn combined(results: impl IntoIterator<Item = NodeResult>) -> NodeResult {
    let mut ended = End::Done;
    for result in results {
        if result?.failed() {
            ended = End::Failed;
        }
    }
    Ok(ended)
}

impl Work {
    /// How many turns of the scheduler it takes, at most, for everything
    /// that ends at this instant to have ended: each spawned task between
    /// a pair and the group waiting on it is one more turn.
    fn settle_turns(&self) -> usize {
        2 * self.scenario().depth() + 2
    }

    /// Lets `child` end if it ends at this very instant: yields to the
    /// tasks woken at this instant, turn by turn, polling `child` after
    /// each. `None` if it has not ended by then.
    pub async fn settle<F: Future<Output = NodeResult> + Unpin>(
        &self,
        child: &mut F,
    ) -> Option<NodeResult> {
        for _ in 0..self.settle_turns() {
            tokio::select! {
                biased;
                ended = &mut *child => return Some(ended),
                () = tokio::task::yield_now() => {}
            }
        }
        None
    }

    /// Lets the tasks of `set` that end at this very instant end (see
    /// [`Work::settle`]), collecting them.
    pub async fn settle_set(&self, set: &mut JoinSet<NodeResult>) -> Result<(), Box<RunError>> {
        for _ in 0..self.settle_turns() {
            tokio::task::yield_now().await;
            while let Some(joined) = set.try_join_next() {
                joined.map_err(|e| Box::new(e.into()))??;
            }
        }
        Ok(())
    }
}
