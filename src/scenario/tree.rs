//! A scenario: a tree of pairs, each group the tokio construct a learner
//! would write (`serial`, `gather`, `race`, `timeout`, ...). A flat mode is
//! a one-level tree: `saywhen gather 1:a 2:b` is `gather(1:a, 2:b)`.
//!
//! The tree is stored flat, in pre-order, so that a million pairs cost what
//! the pairs cost: the pairs stay one list (the [`Plan`]), groups are a
//! second list, and each group names its children as spans: a run of
//! consecutive pairs that do the same thing is one span, however long, so
//! a flat mode's tree costs a few words. Every subtree covers a contiguous
//! range of both lists, which is how a cancelled subtree is marked in one
//! sweep, and how a pair finds its group (a binary search, not a table).

use std::fmt;
use std::num::NonZeroUsize;
use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use crate::scenario::command::{Command, Measured};
use crate::scenario::mode::Mode;
use crate::scenario::plan::Plan;
use crate::scenario::units::human;

/// How many groups may nest inside one another. Deep enough for any real
/// program (asyncio's own tests nest a handful of levels), shallow enough
/// that walking the tree recursively can never exhaust a thread's stack.
pub const MAX_DEPTH: usize = 100;

/// What a pair does once its delay has elapsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// `1:a`: `tokio::time::sleep`, then say the message.
    Say,
    /// `fail(1:a)`: sleep, then fail with the message as the error.
    Fail,
    /// `block(1:a)`: the mistake: `std::thread::sleep` inside the task.
    Block,
    /// `spawn_blocking(1:a)`: the fix: the blocking sleep on tokio's
    /// blocking pool.
    SpawnBlocking,
    /// `sh('make test')`, `exec('cargo', 'build')`: a real command, whose
    /// text is the scenario's [`Command`] for this pair (see
    /// [`Scenario::command`]); it takes as long as it takes.
    Command,
}

/// How a group runs its children.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupKind {
    /// Await one child after another.
    Serial,
    /// `tokio::spawn` each child, then await the handles in order.
    Tasks,
    /// `join_all` the children's futures, in one task.
    Gather,
    /// Spawn into a `JoinSet`, collect the children as they complete.
    Joinset,
    /// The first child to finish wins; the rest are cancelled.
    Race,
    /// A task group: the first failure cancels the running siblings.
    Group,
    /// At most N children at once, started in order as permits free.
    Limit(NonZeroUsize),
    /// The child is cancelled at the deadline.
    Timeout(Duration),
    /// One OS thread per child pair, joined (no async at all).
    Threads,
}

impl GroupKind {
    /// The name the scenario language uses.
    pub fn name(self) -> &'static str {
        match self {
            GroupKind::Serial => "serial",
            GroupKind::Tasks => "tasks",
            GroupKind::Gather => "gather",
            GroupKind::Joinset => "joinset",
            GroupKind::Race => "race",
            GroupKind::Group => "group",
            GroupKind::Limit(_) => "limit",
            GroupKind::Timeout(_) => "timeout",
            GroupKind::Threads => "threads",
        }
    }
}

impl fmt::Display for GroupKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupKind::Limit(n) => write!(f, "limit({n})"),
            GroupKind::Timeout(d) => write!(f, "timeout({})", human(*d)),
            kind => f.write_str(kind.name()),
        }
    }
}

/// One node, as its parent names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    /// Pair `index` of the plan, and what it does.
    Pair { index: u32, action: Action },
    /// Group `index` of the scenario.
    Group(u32),
}

/// Children as a group stores them: a run of consecutive pairs that do the
/// same thing, or one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Span {
    Pairs {
        first: u32,
        count: u32,
        action: Action,
    },
    Group(u32),
}

/// Some children of one group, as [`Scenario::child_runs`] gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChildRun {
    /// Consecutive pairs that do the same thing.
    Pairs { pairs: Range<u32>, action: Action },
    /// One group.
    Group(u32),
}

/// A group and where its subtree lies in the scenario's lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub kind: GroupKind,
    /// The enclosing group; `None` for the root.
    pub parent: Option<u32>,
    /// 0 for the root.
    pub depth: u32,
    /// Its children, a range of the scenario's spans.
    spans: Range<u32>,
    /// How many children it has.
    count: u32,
    /// The pairs of its whole subtree.
    pub pairs: Range<u32>,
    /// The groups of its whole subtree, itself first.
    pub groups: Range<u32>,
}

/// A tree of pairs and groups, checked and ready to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    plan: Arc<Plan>,
    root: Node,
    groups: Vec<Group>,
    spans: Vec<Span>,
    /// The command leaves, in pair order; empty without any (a plain
    /// pair pays nothing for them).
    commands: Vec<Command>,
}

impl Scenario {
    /// The one-level tree a flat mode runs: `gather 1:a 2:b` is
    /// `gather(1:a, 2:b)`; `blocking` is `tasks(block(..), ..)`,
    /// `spawn-blocking` is `tasks(spawn_blocking(..), ..)`.
    pub fn flat(mode: Mode, plan: Arc<Plan>) -> Scenario {
        let (kind, action) = match mode {
            Mode::Serial => (GroupKind::Serial, Action::Say),
            Mode::Tasks => (GroupKind::Tasks, Action::Say),
            Mode::Gather => (GroupKind::Gather, Action::Say),
            Mode::Race => (GroupKind::Race, Action::Say),
            Mode::Joinset => (GroupKind::Joinset, Action::Say),
            Mode::Blocking => (GroupKind::Tasks, Action::Block),
            Mode::SpawnBlocking => (GroupKind::Tasks, Action::SpawnBlocking),
            Mode::Threads => (GroupKind::Threads, Action::Say),
        };
        let mut builder = Builder::default();
        builder.open(kind);
        builder.run_of_pairs(action, plan.len() as u32);
        builder.close();
        builder.finish(plan)
    }

    /// The pairs, in pre-order (the order they were written).
    pub fn plan(&self) -> &Arc<Plan> {
        &self.plan
    }

    pub fn root(&self) -> Node {
        self.root
    }

    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    pub fn group(&self, index: u32) -> &Group {
        &self.groups[index as usize]
    }

    /// The children of group `index`, in the order written.
    pub fn children(&self, index: u32) -> Children<'_> {
        let group = &self.groups[index as usize];
        Children {
            spans: &self.spans[group.spans.start as usize..group.spans.end as usize],
            next: 0,
            remaining: group.count as usize,
        }
    }

    /// The children of group `index` a run at a time: each run of
    /// consecutive pairs that do the same thing at once (a million-pair
    /// gather is one), each group on its own.
    pub fn child_runs(&self, index: u32) -> impl Iterator<Item = ChildRun> + '_ {
        let group = &self.groups[index as usize];
        let spans = &self.spans[group.spans.start as usize..group.spans.end as usize];
        spans.iter().map(|span| match *span {
            Span::Pairs {
                first,
                count,
                action,
            } => ChildRun::Pairs {
                pairs: first..first + count,
                action,
            },
            Span::Group(g) => ChildRun::Group(g),
        })
    }

    /// The group directly around pair `index`: the last group, in
    /// pre-order, whose subtree holds it.
    pub fn parent_of_pair(&self, index: usize) -> Option<u32> {
        let index = index as u32;
        let after = self.groups.partition_point(|g| g.pairs.start <= index);
        let mut candidate = after.checked_sub(1)? as u32;
        loop {
            let group = self.group(candidate);
            if group.pairs.contains(&index) {
                return Some(candidate);
            }
            candidate = group.parent?;
        }
    }

    /// What pair `index` does: the span of its group that holds it.
    pub fn action_of(&self, index: usize) -> Action {
        let Some(g) = self.parent_of_pair(index) else {
            return match self.root {
                Node::Pair { action, .. } => action,
                Node::Group(_) => Action::Say,
            };
        };
        let group = &self.groups[g as usize];
        let spans = &self.spans[group.spans.start as usize..group.spans.end as usize];
        // A group's spans cover increasing ranges of pairs, in order.
        let first_pair = |span: &Span| match *span {
            Span::Pairs { first, .. } => first,
            Span::Group(child) => self.groups[child as usize].pairs.start,
        };
        let at = spans.partition_point(|span| first_pair(span) <= index as u32);
        match at.checked_sub(1).map(|i| spans[i]) {
            Some(Span::Pairs { action, .. }) => action,
            _ => Action::Say,
        }
    }

    /// Every pair, as runs of consecutive pairs of one group that do the
    /// same thing, group by group in pre-order: one pass over the spans for
    /// what visits every pair in no particular order, without a search
    /// per pair for its group or action (a million-pair gather is one
    /// run).
    pub fn pair_runs(&self) -> PairRuns<'_> {
        PairRuns {
            scenario: self,
            lone: match self.root {
                Node::Pair { index, action } => Some(PairRun {
                    parent: None,
                    pairs: index..index + 1,
                    action,
                }),
                Node::Group(_) => None,
            },
            group: 0,
            span: 0,
        }
    }

    /// Every pair, run by run (see [`Scenario::pair_runs`]): its index,
    /// what it does and the group directly around it.
    pub fn leaves(&self) -> Leaves<'_> {
        Leaves {
            runs: self.pair_runs(),
            run: None,
        }
    }

    /// How many levels of groups there are (0: a lone pair; 1: flat).
    pub fn depth(&self) -> usize {
        self.groups
            .iter()
            .map(|g| g.depth as usize + 1)
            .max()
            .unwrap_or(0)
    }

    /// The pairs and groups of `node`'s subtree.
    pub fn span(&self, node: Node) -> (Range<u32>, Range<u32>) {
        match node {
            Node::Pair { index, .. } => (index..index + 1, 0..0),
            Node::Group(g) => {
                let group = self.group(g);
                (group.pairs.clone(), group.groups.clone())
            }
        }
    }

    /// The command leaves, in pair order.
    pub fn commands(&self) -> &[Command] {
        &self.commands
    }

    /// Whether any leaf is a real command (and so needs the real clock).
    pub fn runs_commands(&self) -> bool {
        !self.commands.is_empty()
    }

    /// Where pair `index`'s command sits in [`Scenario::commands`], if the
    /// pair is one: a binary search, the list being in pair order.
    pub fn command_slot(&self, index: usize) -> Option<usize> {
        if self.commands.is_empty() {
            return None;
        }
        self.commands
            .binary_search_by_key(&(index as u32), |c| c.pair)
            .ok()
    }

    /// The command pair `index` runs, if it is a command leaf.
    pub fn command(&self, index: usize) -> Option<&Command> {
        self.command_slot(index).map(|slot| &self.commands[slot])
    }

    /// How long leaf `index` takes: a pair's delay; a command's measured
    /// duration, `None` until it has run to its end.
    pub fn delay(&self, index: usize) -> Option<Duration> {
        match self.command(index) {
            Some(command) => command.measured.map(|m| m.took),
            None => Some(self.plan.pairs()[index].delay),
        }
    }

    /// Makes leaf `index` take `delay`: a pair's delay, a measured
    /// command's duration. The plan is copied once if it is shared; each
    /// call after that costs nothing (the model grows one leaf at a time
    /// to find its slack).
    pub fn set_delay(&mut self, index: usize, delay: Duration) {
        Arc::make_mut(&mut self.plan).set_delay(index, delay);
        if let Some(slot) = self.command_slot(index)
            && let Some(measured) = self.commands[slot].measured.as_mut()
        {
            measured.took = delay;
        }
    }

    /// Whether leaf `index` fails when it ends: a `fail(...)` pair, or a
    /// command measured failing.
    pub fn leaf_fails(&self, index: usize, action: Action) -> bool {
        match action {
            Action::Fail => true,
            Action::Command => self
                .command(index)
                .and_then(|c| c.measured)
                .is_some_and(|m| m.failed),
            _ => false,
        }
    }

    /// Whether some command leaf has not been measured: its length, and
    /// so what waits on it, is unknown until it runs.
    pub fn has_unmeasured_commands(&self) -> bool {
        self.commands.iter().any(|c| c.measured.is_none())
    }

    /// The same scenario with every unmeasured command taking no time and
    /// succeeding: the other end of what a dry run can say (the arithmetic
    /// counts an unknown command as never ending).
    pub fn with_instant_commands(&self) -> Scenario {
        let measured: Vec<Option<Measured>> = self
            .commands
            .iter()
            .map(|c| {
                c.measured.or(Some(Measured {
                    took: Duration::ZERO,
                    failed: false,
                }))
            })
            .collect();
        self.with_measured(&measured)
    }

    /// The same scenario with what a run measured of each command (one
    /// entry per command, in order): the arithmetic then uses the measured
    /// durations, and each command's pair in the plan says its duration
    /// as its delay.
    pub fn with_measured(&self, measured: &[Option<Measured>]) -> Scenario {
        let mut scenario = self.clone();
        let mut pairs = self.plan.pairs().to_vec();
        for (command, measured) in scenario.commands.iter_mut().zip(measured) {
            command.measured = *measured;
            pairs[command.pair as usize].delay = measured.map_or(Duration::ZERO, |m| m.took);
        }
        if let Ok(plan) = Plan::new(pairs) {
            scenario.plan = Arc::new(plan);
        }
        scenario
    }

    /// Whether any pair blocks its thread (and so needs the real clock).
    pub fn blocks(&self) -> bool {
        let blocking = |action| matches!(action, Action::Block | Action::SpawnBlocking);
        self.spans
            .iter()
            .any(|span| matches!(span, Span::Pairs { action, .. } if blocking(*action)))
            || matches!(self.root, Node::Pair { action, .. } if blocking(action))
            || self.groups.iter().any(|g| g.kind == GroupKind::Threads)
    }

    /// The flat mode this scenario is, if it is one: a single group of
    /// pairs, shaped as [`Scenario::flat`] builds it.
    pub fn flat_mode(&self) -> Option<Mode> {
        let Node::Group(0) = self.root else {
            return None;
        };
        let [Span::Pairs { action, .. }] = self.spans.as_slice() else {
            return None;
        };
        let action = *action;
        Some(match (self.groups[0].kind, action) {
            (GroupKind::Serial, Action::Say) => Mode::Serial,
            (GroupKind::Tasks, Action::Say) => Mode::Tasks,
            (GroupKind::Gather, Action::Say) => Mode::Gather,
            (GroupKind::Race, Action::Say) => Mode::Race,
            (GroupKind::Joinset, Action::Say) => Mode::Joinset,
            (GroupKind::Tasks, Action::Block) => Mode::Blocking,
            (GroupKind::Tasks, Action::SpawnBlocking) => Mode::SpawnBlocking,
            (GroupKind::Threads, Action::Say) => Mode::Threads,
            _ => return None,
        })
    }

    /// The path id of a node: `0` for the root, `0.1` for its second child.
    pub fn id(&self, node: Node) -> String {
        let mut steps = Vec::new();
        let mut current = node;
        while let Some(parent) = self.parent(current) {
            let position = self
                .children(parent)
                .position(|child| same(child, current))
                .unwrap_or_default();
            steps.push(position);
            current = Node::Group(parent);
        }
        let mut id = String::from("0");
        for step in steps.iter().rev() {
            id.push('.');
            id.push_str(&step.to_string());
        }
        id
    }

    /// The groups around pair `index`, innermost first.
    pub fn ancestors_of_pair(&self, index: usize) -> impl Iterator<Item = &Group> + '_ {
        let mut next = self.parent_of_pair(index);
        std::iter::from_fn(move || {
            let group = self.group(next?);
            next = group.parent;
            Some(group)
        })
    }

    /// The group directly around `node`.
    pub fn parent(&self, node: Node) -> Option<u32> {
        match node {
            Node::Pair { index, .. } => self.parent_of_pair(index as usize),
            Node::Group(g) => self.group(g).parent,
        }
    }

    /// How deep `node` sits (the root is 0).
    pub fn depth_of(&self, node: Node) -> usize {
        match node {
            Node::Group(g) => self.group(g).depth as usize,
            Node::Pair { .. } => self
                .parent(node)
                .map_or(0, |p| self.group(p).depth as usize + 1),
        }
    }

    /// Every node in pre-order (parents before children, in written order),
    /// with its depth.
    pub fn walk(&self) -> Walk<'_> {
        Walk {
            scenario: self,
            root: Some(self.root),
            stack: Vec::new(),
        }
    }

    /// The groups alone, in pre-order, with their depths: the walk of a
    /// view that shows no pair (a million of them, in a big gather).
    pub fn walk_groups(&self) -> impl Iterator<Item = (Node, usize)> + '_ {
        let groups = self.groups.iter().enumerate();
        groups.map(|(g, group)| (Node::Group(g as u32), group.depth as usize))
    }

    /// How many nodes (pairs and groups) the tree has.
    pub fn node_count(&self) -> usize {
        self.plan.len() + self.groups.len()
    }

    /// The scenario written back in its language, on one line.
    pub fn text(&self) -> String {
        self.text_up_to(usize::MAX)
    }

    /// The scenario written back, stopping once it is `limit` bytes long
    /// or more: a label of a million-pair scenario costs what its first
    /// words cost.
    pub fn text_up_to(&self, limit: usize) -> String {
        let mut out = String::new();
        self.write_node(&mut out, self.root, limit);
        out
    }

    /// The text of `node`'s subtree, cut short with `…` once it passes
    /// `limit` bytes.
    pub fn text_of(&self, node: Node, limit: usize) -> String {
        let mut out = String::new();
        self.write_node(&mut out, node, limit);
        if out.len() >= limit {
            let mut end = limit;
            while !out.is_char_boundary(end) {
                end -= 1;
            }
            out.truncate(end);
            out.truncate(out.trim_end_matches([',', ' ']).len());
            out.push('…');
        }
        out
    }

    fn write_node(&self, out: &mut String, node: Node, limit: usize) {
        if out.len() >= limit {
            return;
        }
        match node {
            Node::Pair {
                index,
                action: Action::Command,
            } => {
                if let Some(command) = self.command(index as usize) {
                    write_command(out, command);
                }
            }
            Node::Pair { index, action } => {
                let pair = &self.plan.pairs()[index as usize];
                let wrapper = match action {
                    Action::Say => None,
                    Action::Fail => Some("fail("),
                    Action::Block => Some("block("),
                    Action::SpawnBlocking => Some("spawn_blocking("),
                    Action::Command => None,
                };
                out.extend(wrapper);
                out.push_str(&crate::scenario::pair::exact_seconds(pair.delay));
                out.push(':');
                out.push_str(&quote_message(&pair.message));
                if wrapper.is_some() {
                    out.push(')');
                }
            }
            Node::Group(g) => {
                let group = self.group(g);
                out.push_str(group.kind.name());
                out.push('(');
                match group.kind {
                    GroupKind::Limit(n) => out.push_str(&format!("{n}, ")),
                    GroupKind::Timeout(d) => {
                        out.push_str(&format!("{}s, ", crate::scenario::pair::exact_seconds(d)))
                    }
                    _ => {}
                }
                for (i, child) in self.children(g).enumerate() {
                    if out.len() >= limit {
                        return;
                    }
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.write_node(out, child, limit);
                }
                out.push(')');
            }
        }
    }
}

/// `sh('make test', name: unit)`, `exec('cargo', 'build')`.
fn write_command(out: &mut String, command: &Command) {
    use crate::scenario::command::{Program, quote};
    match &command.program {
        Program::Shell(text) => {
            out.push_str("sh(");
            out.push_str(&quote(text));
        }
        Program::Exec(argv) => {
            out.push_str("exec(");
            let args: Vec<String> = argv.iter().map(|a| quote(a)).collect();
            out.push_str(&args.join(", "));
        }
    }
    if let Some(name) = &command.name {
        out.push_str(", name: ");
        out.push_str(&quote_message(name));
    }
    out.push(')');
}

/// A message as the language reads it back: bare when it holds nothing the
/// parser would stop at, quoted otherwise.
fn quote_message(message: &str) -> String {
    let plain = !message.is_empty()
        && message.trim() == message
        && !message.contains([',', ')', '(', '\'', '"', '#', '\n', '\r', '\\']);
    if plain {
        return message.to_owned();
    }
    let mut quoted = String::from("'");
    for c in message.chars() {
        if c == '\'' || c == '\\' {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('\'');
    quoted
}

fn same(a: Node, b: Node) -> bool {
    match (a, b) {
        (Node::Pair { index: x, .. }, Node::Pair { index: y, .. }) => x == y,
        (Node::Group(x), Node::Group(y)) => x == y,
        _ => false,
    }
}

/// The nodes of a scenario in pre-order; see [`Scenario::walk`]. It keeps
/// the children still to come of each group it is inside, not a list of
/// them: a group of a million pairs costs its walk no memory.
pub struct Walk<'a> {
    scenario: &'a Scenario,
    /// The root, until it is given.
    root: Option<Node>,
    /// The groups being walked, innermost last: their children to come,
    /// and those children's depth.
    stack: Vec<(Children<'a>, usize)>,
}

impl Walk<'_> {
    /// Gives `node` at `depth`, entering it if it is a group.
    fn visit(&mut self, node: Node, depth: usize) -> Option<(Node, usize)> {
        if let Node::Group(g) = node {
            self.stack.push((self.scenario.children(g), depth + 1));
        }
        Some((node, depth))
    }
}

impl Iterator for Walk<'_> {
    type Item = (Node, usize);

    fn next(&mut self) -> Option<(Node, usize)> {
        if let Some(root) = self.root.take() {
            return self.visit(root, 0);
        }
        loop {
            let (children, depth) = self.stack.last_mut()?;
            match children.next() {
                Some(node) => {
                    let depth = *depth;
                    return self.visit(node, depth);
                }
                None => {
                    self.stack.pop();
                }
            }
        }
    }
}

/// A run of consecutive pairs of one group that do the same thing (see
/// [`Scenario::pair_runs`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairRun {
    /// The group directly around them; `None` for a lone pair (the whole
    /// tree).
    pub parent: Option<u32>,
    pub pairs: Range<u32>,
    pub action: Action,
}

/// The runs of pairs of a scenario; see [`Scenario::pair_runs`].
#[derive(Debug, Clone)]
pub struct PairRuns<'a> {
    scenario: &'a Scenario,
    /// The whole tree, when it is one pair.
    lone: Option<PairRun>,
    /// The group whose spans are being read, and the next of them.
    group: usize,
    span: usize,
}

impl Iterator for PairRuns<'_> {
    type Item = PairRun;

    fn next(&mut self) -> Option<PairRun> {
        if let Some(run) = self.lone.take() {
            return Some(run);
        }
        while let Some(group) = self.scenario.groups.get(self.group) {
            let spans = &self.scenario.spans[group.spans.start as usize..group.spans.end as usize];
            while let Some(&span) = spans.get(self.span) {
                self.span += 1;
                if let Span::Pairs {
                    first,
                    count,
                    action,
                } = span
                {
                    return Some(PairRun {
                        parent: Some(self.group as u32),
                        pairs: first..first + count,
                        action,
                    });
                }
            }
            (self.group, self.span) = (self.group + 1, 0);
        }
        None
    }
}

/// Every pair of a scenario, run by run; see [`Scenario::leaves`].
#[derive(Debug, Clone)]
pub struct Leaves<'a> {
    runs: PairRuns<'a>,
    run: Option<PairRun>,
}

/// A pair as [`Scenario::leaves`] gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leaf {
    pub index: u32,
    pub action: Action,
    /// The group directly around it; `None` for a lone pair.
    pub parent: Option<u32>,
}

impl Leaf {
    pub fn node(self) -> Node {
        Node::Pair {
            index: self.index,
            action: self.action,
        }
    }
}

impl Iterator for Leaves<'_> {
    type Item = Leaf;

    fn next(&mut self) -> Option<Leaf> {
        loop {
            if let Some(run) = &mut self.run
                && let Some(index) = run.pairs.next()
            {
                return Some(Leaf {
                    index,
                    action: run.action,
                    parent: run.parent,
                });
            }
            self.run = Some(self.runs.next()?);
        }
    }
}

/// The children of one group, in order; see [`Scenario::children`].
#[derive(Debug, Clone)]
pub struct Children<'a> {
    spans: &'a [Span],
    /// Children already given, counted from the first span's start.
    next: u32,
    remaining: usize,
}

impl Iterator for Children<'_> {
    type Item = Node;

    fn next(&mut self) -> Option<Node> {
        let (span, rest) = self.spans.split_first()?;
        let (node, done) = match *span {
            Span::Pairs {
                first,
                count,
                action,
            } => (
                Node::Pair {
                    index: first + self.next,
                    action,
                },
                self.next + 1 == count,
            ),
            Span::Group(g) => (Node::Group(g), true),
        };
        if done {
            self.spans = rest;
            self.next = 0;
        } else {
            self.next += 1;
        }
        self.remaining -= 1;
        Some(node)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }

    /// Skips a run of pairs at once, not one by one (the tree timeline
    /// steps over the middle of a million-child group).
    fn nth(&mut self, mut n: usize) -> Option<Node> {
        while let Some(span) = self.spans.first() {
            let left = match *span {
                Span::Pairs { count, .. } => (count - self.next) as usize,
                Span::Group(_) => 1,
            };
            if n < left {
                self.next += n as u32;
                self.remaining -= n;
                return self.next();
            }
            n -= left;
            self.remaining -= left;
            self.spans = &self.spans[1..];
            self.next = 0;
        }
        None
    }
}

impl ExactSizeIterator for Children<'_> {}

/// Builds a scenario in pre-order: open a group, add its children (pairs
/// or groups), close it. The parser and [`Scenario::flat`] both use it.
#[derive(Debug, Default)]
pub struct Builder {
    groups: Vec<Group>,
    /// The spans of the open groups, innermost last, and how many children
    /// each has so far.
    open: Vec<(u32, Vec<Span>, u32)>,
    spans: Vec<Span>,
    pairs: u32,
    root: Option<Node>,
    commands: Vec<Command>,
}

impl Builder {
    /// How many groups are open around the next node.
    pub fn depth(&self) -> usize {
        self.open.len()
    }

    /// How many groups have been opened so far.
    pub fn group_count(&self) -> usize {
        self.groups.len()
    }

    /// Opens a group; its children follow until [`Builder::close`].
    pub fn open(&mut self, kind: GroupKind) {
        let index = self.groups.len() as u32;
        self.groups.push(Group {
            kind,
            parent: self.open.last().map(|(g, _, _)| *g),
            depth: self.open.len() as u32,
            spans: 0..0,
            count: 0,
            pairs: self.pairs..self.pairs,
            groups: index..index,
        });
        self.place(Node::Group(index));
        self.open.push((index, Vec::new(), 0));
    }

    /// Adds the next pair (the plan's pairs are added in the same order).
    pub fn pair(&mut self, action: Action) {
        let index = self.pairs;
        self.pairs += 1;
        self.place(Node::Pair { index, action });
    }

    /// Adds the next `n` pairs to the open group, all doing `action`: one
    /// span, added at once however many (a flat mode of a million pairs).
    pub fn run_of_pairs(&mut self, action: Action, n: u32) {
        let Some(rest) = n.checked_sub(1) else {
            return;
        };
        self.pair(action);
        if let Some((_, spans, count)) = self.open.last_mut()
            && let Some(Span::Pairs { count: run, .. }) = spans.last_mut()
        {
            *count += rest;
            *run += rest;
            self.pairs += rest;
        }
    }

    /// Adds the next pair as a command leaf running `program` (the plan
    /// holds a pair in its place, added in the same order).
    pub fn command(&mut self, program: crate::scenario::command::Program, name: Option<String>) {
        self.commands.push(Command {
            pair: self.pairs,
            program,
            name,
            measured: None,
        });
        self.pair(Action::Command);
    }

    /// Closes the innermost open group; returns how many children it has.
    pub fn close(&mut self) -> usize {
        let Some((index, spans, count)) = self.open.pop() else {
            return 0;
        };
        let start = self.spans.len() as u32;
        self.spans.extend(spans);
        let (pairs_end, groups_end, spans_end) = (
            self.pairs,
            self.groups.len() as u32,
            self.spans.len() as u32,
        );
        let group = &mut self.groups[index as usize];
        group.spans = start..spans_end;
        group.count = count;
        group.pairs.end = pairs_end;
        group.groups.end = groups_end;
        count as usize
    }

    fn place(&mut self, node: Node) {
        let Some((_, spans, count)) = self.open.last_mut() else {
            self.root = Some(node);
            return;
        };
        *count += 1;
        match (spans.last_mut(), node) {
            // The next pair of a run that does the same: one span longer.
            (
                Some(Span::Pairs {
                    first,
                    count,
                    action,
                }),
                Node::Pair {
                    index,
                    action: next,
                },
            ) if *action == next && *first + *count == index => *count += 1,
            (_, Node::Pair { index, action }) => spans.push(Span::Pairs {
                first: index,
                count: 1,
                action,
            }),
            (_, Node::Group(g)) => spans.push(Span::Group(g)),
        }
    }

    /// The scenario, with `plan` holding the pairs in the order added.
    pub fn finish(self, plan: Arc<Plan>) -> Scenario {
        Scenario {
            plan,
            root: self.root.unwrap_or(Node::Group(0)),
            groups: self.groups,
            spans: self.spans,
            commands: self.commands,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse::parse_argument;

    /// Skipping children gives what stepping over them one by one does.
    #[test]
    fn children_skip_as_they_step() {
        let text = "gather(1:a, 2:b, serial(1:c), 3:d, 4:e, fail(5:f), 6:g, race(1:g, 2:h), 6:i)";
        let scenario = parse_argument(text, 1, false).unwrap();
        let all: Vec<Node> = scenario.children(0).collect();
        assert_eq!(all.len(), 9);
        for n in 0..=all.len() + 1 {
            let mut children = scenario.children(0);
            assert_eq!(children.nth(n), all.get(n).copied(), "{n}");
            let rest = &all[(n + 1).min(all.len())..];
            assert_eq!(children.len(), rest.len(), "{n}");
            for k in 0..=rest.len() {
                let mut again = children.clone();
                assert_eq!(again.nth(k), rest.get(k).copied(), "{n} then {k}");
            }
            assert_eq!(children.collect::<Vec<_>>(), rest, "{n}");
        }
    }

    /// The walk is the pre-order of the children lists, each node at its
    /// depth; the walk of the groups is the walk without its pairs.
    #[test]
    fn the_walk_is_the_pre_order() {
        fn pre_order(scenario: &Scenario, node: Node, depth: usize, out: &mut Vec<(Node, usize)>) {
            out.push((node, depth));
            if let Node::Group(g) = node {
                for child in scenario.children(g) {
                    pre_order(scenario, child, depth + 1, out);
                }
            }
        }
        for text in [
            "1:a",
            "gather(1:a, 2:b)",
            "gather(1:a, serial(1:c, race(1:d, limit(1, 1:e, gather(1:f)))), 3:d, tasks(1:g), 6:i)",
        ] {
            let scenario = parse_argument(text, 1, false).unwrap();
            let mut expected = Vec::new();
            pre_order(&scenario, scenario.root(), 0, &mut expected);
            assert_eq!(scenario.walk().collect::<Vec<_>>(), expected, "{text}");
            let groups: Vec<_> = (expected.into_iter())
                .filter(|(node, _)| matches!(node, Node::Group(_)))
                .collect();
            assert_eq!(scenario.walk_groups().collect::<Vec<_>>(), groups, "{text}");
        }
    }

    /// The runs of children, spelled out, are the children in order.
    #[test]
    fn child_runs_are_the_children() {
        let text = "gather(1:a, 2:b, serial(1:c), 3:d, fail(5:f), fail(6:g), race(1:g), 6:i)";
        let scenario = parse_argument(text, 1, false).unwrap();
        for g in 0..scenario.groups().len() as u32 {
            let spelled: Vec<Node> = scenario
                .child_runs(g)
                .flat_map(|run| match run {
                    ChildRun::Pairs { pairs, action } => pairs
                        .map(|index| Node::Pair { index, action })
                        .collect::<Vec<_>>(),
                    ChildRun::Group(c) => vec![Node::Group(c)],
                })
                .collect();
            assert_eq!(spelled, scenario.children(g).collect::<Vec<_>>(), "{g}");
        }
        let runs: Vec<ChildRun> = scenario.child_runs(0).collect();
        assert_eq!(runs.len(), 6, "{runs:?}");
    }

    /// The runs cover every pair once, each with the group and the action
    /// the per-pair searches find.
    #[test]
    fn pair_runs_agree_with_the_searches() {
        for text in [
            "1:a",
            "block(1:a)",
            "gather(1:a, 2:b, block(1:c), 1:d)",
            "serial(1:a, gather(2:b, tasks(1:c, fail(1:d))), 3:e, limit(1, 1:f, 1:g))",
            "race(timeout(1s, serial(1:a, 1:b)), spawn_blocking(1:c))",
        ] {
            let scenario = parse_argument(text, 1, false).unwrap();
            let mut seen = vec![0; scenario.plan().len()];
            for run in scenario.pair_runs() {
                for index in run.pairs {
                    let index = index as usize;
                    seen[index] += 1;
                    assert_eq!(
                        run.parent,
                        scenario.parent_of_pair(index),
                        "{text} #{index}"
                    );
                    assert_eq!(run.action, scenario.action_of(index), "{text} #{index}");
                }
            }
            assert!(seen.iter().all(|&n| n == 1), "{text}: {seen:?}");
            let leaves: Vec<Leaf> = scenario.leaves().collect();
            let from_runs: Vec<Leaf> = scenario
                .pair_runs()
                .flat_map(|run| {
                    run.pairs.map(move |index| Leaf {
                        index,
                        action: run.action,
                        parent: run.parent,
                    })
                })
                .collect();
            assert_eq!(leaves, from_runs, "{text}");
        }
    }

    /// A flat mode's run of pairs, added at once, is the tree added pair
    /// by pair.
    #[test]
    fn a_run_of_pairs_is_its_pairs_one_by_one() {
        for n in [0, 1, 2, 5] {
            for action in [Action::Say, Action::Block] {
                let mut at_once = Builder::default();
                at_once.open(GroupKind::Gather);
                at_once.pair(Action::Fail);
                at_once.run_of_pairs(action, n);
                let mut one_by_one = Builder::default();
                one_by_one.open(GroupKind::Gather);
                one_by_one.pair(Action::Fail);
                (0..n).for_each(|_| one_by_one.pair(action));
                at_once.close();
                one_by_one.close();
                assert_eq!(at_once.pairs, one_by_one.pairs);
                let plan = |k: u32| {
                    let pairs = (0..k).map(|_| "1:m".parse().unwrap()).collect();
                    Arc::new(Plan::new(pairs).unwrap())
                };
                assert_eq!(at_once.finish(plan(n + 1)), one_by_one.finish(plan(n + 1)));
            }
        }
    }
}
