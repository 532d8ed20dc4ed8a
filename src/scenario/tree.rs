//! A scenario: a tree of pairs, each group the tokio construct a learner
//! would write (`serial`, `gather`, `race`, `timeout`, ...). A flat mode is
//! a one-level tree: `saywhen gather 1:a 2:b` is `gather(1:a, 2:b)`.
//!
//! The tree is stored flat, in pre-order, so that a million pairs cost what
//! the pairs cost: the pairs stay one list (the [`Plan`]), groups are a
//! second list, and each group names its children by index. Every subtree
//! covers a contiguous range of both lists, which is how a cancelled subtree
//! is marked in one sweep, and how a node gets its path id (`0.1`).

use std::fmt;
use std::num::NonZeroUsize;
use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use crate::mode::Mode;
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

/// A group and where its subtree lies in the scenario's lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub kind: GroupKind,
    /// The enclosing group; `None` for the root.
    pub parent: Option<u32>,
    /// 0 for the root.
    pub depth: u32,
    /// Its children, a range of [`Scenario::children`].
    children: Range<u32>,
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
    children: Vec<Node>,
    /// Each pair's action and enclosing group (`u32::MAX`: none).
    pair_nodes: Vec<(Action, u32)>,
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
        for _ in 0..plan.len() {
            builder.pair(action);
        }
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
    pub fn children(&self, index: u32) -> &[Node] {
        let range = &self.groups[index as usize].children;
        &self.children[range.start as usize..range.end as usize]
    }

    /// What pair `index` does.
    pub fn action(&self, index: usize) -> Action {
        self.pair_nodes[index].0
    }

    /// The group directly around pair `index`.
    pub fn parent_of_pair(&self, index: usize) -> Option<u32> {
        let parent = self.pair_nodes[index].1;
        (parent != u32::MAX).then_some(parent)
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

    /// Whether any pair blocks its thread (and so needs the real clock).
    pub fn blocks(&self) -> bool {
        self.pair_nodes
            .iter()
            .any(|(action, _)| matches!(action, Action::Block | Action::SpawnBlocking))
            || self.groups.iter().any(|g| g.kind == GroupKind::Threads)
    }

    /// The flat mode this scenario is, if it is one: a single group of
    /// pairs, shaped as [`Scenario::flat`] builds it.
    pub fn flat_mode(&self) -> Option<Mode> {
        let Node::Group(0) = self.root else {
            return None;
        };
        if self.groups.len() != 1 {
            return None;
        }
        let action = self.pair_nodes.first().map(|(a, _)| *a)?;
        if self.pair_nodes.iter().any(|(a, _)| *a != action) {
            return None;
        }
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
                .iter()
                .position(|&child| same(child, current))
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
            stack: vec![(self.root, 0)],
        }
    }

    /// How many nodes (pairs and groups) the tree has.
    pub fn node_count(&self) -> usize {
        self.plan.len() + self.groups.len()
    }

    /// The scenario written back in its language, on one line.
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.write_node(&mut out, self.root);
        out
    }

    fn write_node(&self, out: &mut String, node: Node) {
        match node {
            Node::Pair { index, action } => {
                let pair = &self.plan.pairs()[index as usize];
                let quoted = quote_message(&pair.message);
                let delay = crate::scenario::pair::exact_seconds(pair.delay);
                match action {
                    Action::Say => out.push_str(&format!("{delay}:{quoted}")),
                    Action::Fail => out.push_str(&format!("fail({delay}:{quoted})")),
                    Action::Block => out.push_str(&format!("block({delay}:{quoted})")),
                    Action::SpawnBlocking => {
                        out.push_str(&format!("spawn_blocking({delay}:{quoted})"))
                    }
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
                for (i, &child) in self.children(g).iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.write_node(out, child);
                }
                out.push(')');
            }
        }
    }
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

/// The nodes of a scenario in pre-order; see [`Scenario::walk`].
pub struct Walk<'a> {
    scenario: &'a Scenario,
    stack: Vec<(Node, usize)>,
}

impl Iterator for Walk<'_> {
    type Item = (Node, usize);

    fn next(&mut self) -> Option<(Node, usize)> {
        let (node, depth) = self.stack.pop()?;
        if let Node::Group(g) = node {
            let children = self.scenario.children(g);
            self.stack
                .extend(children.iter().rev().map(|&child| (child, depth + 1)));
        }
        Some((node, depth))
    }
}

/// Builds a scenario in pre-order: open a group, add its children (pairs
/// or groups), close it. The parser and [`Scenario::flat`] both use it.
#[derive(Debug, Default)]
pub struct Builder {
    groups: Vec<Group>,
    /// Children of the open groups, innermost last.
    open: Vec<(u32, Vec<Node>)>,
    children: Vec<Node>,
    pair_nodes: Vec<(Action, u32)>,
    root: Option<Node>,
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
        let pairs = self.pair_nodes.len() as u32;
        self.groups.push(Group {
            kind,
            parent: self.open.last().map(|(g, _)| *g),
            depth: self.open.len() as u32,
            children: 0..0,
            pairs: pairs..pairs,
            groups: index..index,
        });
        self.place(Node::Group(index));
        self.open.push((index, Vec::new()));
    }

    /// Adds the next pair (the plan's pairs are added in the same order).
    pub fn pair(&mut self, action: Action) {
        let index = self.pair_nodes.len() as u32;
        let parent = self.open.last().map_or(u32::MAX, |(g, _)| *g);
        self.pair_nodes.push((action, parent));
        self.place(Node::Pair { index, action });
    }

    /// Closes the innermost open group; returns how many children it has.
    pub fn close(&mut self) -> usize {
        let Some((index, kids)) = self.open.pop() else {
            return 0;
        };
        let start = self.children.len() as u32;
        let count = kids.len();
        self.children.extend(kids);
        let (pairs_end, groups_end) = (self.pair_nodes.len() as u32, self.groups.len() as u32);
        let group = &mut self.groups[index as usize];
        group.children = start..start + count as u32;
        group.pairs.end = pairs_end;
        group.groups.end = groups_end;
        count
    }

    fn place(&mut self, node: Node) {
        match self.open.last_mut() {
            Some((_, kids)) => kids.push(node),
            None => self.root = Some(node),
        }
    }

    /// The scenario, with `plan` holding the pairs in the order added.
    pub fn finish(self, plan: Arc<Plan>) -> Scenario {
        Scenario {
            plan,
            root: self.root.unwrap_or(Node::Group(0)),
            groups: self.groups,
            children: self.children,
            pair_nodes: self.pair_nodes,
        }
    }
}
