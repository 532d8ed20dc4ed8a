//! The code behind a scenario: `saywhen run --emit python|rust SCENARIO`
//! prints a complete program, an asyncio script or a tokio `main.rs`, that
//! does what the engine does with that tree: the same messages, in the same
//! order, in the same wall time. It is teaching code, so each group is
//! written the way a learner would write it (`asyncio.gather`, `join!`,
//! `TaskGroup`, `JoinSet`, ...), one function per group.
//!
//! Both emitters share what this module works out from the tree: which
//! nodes can fail (a `fail(...)` or a `timeout(...)` inside) and so need
//! failure handling, which groups can be cancelled from outside (inside a
//! race, a timeout or a failing task group) and so must pass the
//! cancellation on to their children, and each group's function name.
//! Nothing here is recursive, so the deepest tree the parser accepts
//! ([`MAX_DEPTH`](crate::scenario::tree::MAX_DEPTH)) emits as easily as a
//! flat one; the programs nest by functions, one call deep per level.

pub mod lines;
mod python;
mod rust;
mod rust_layout;

use crate::engine::arithmetic::Schedule;
use crate::escape::escape;
use crate::scenario::pair::Pair;
use crate::scenario::tree::{Action, GroupKind, Node, Scenario};

pub use python::python;
pub use rust::rust;

/// Which program `--emit` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Emit {
    /// An asyncio script (Python 3.11+)
    Python,
    /// A tokio main.rs (crates: tokio with features "full", futures)
    Rust,
}

impl Emit {
    /// The program for `scenario`, in this language.
    /// Why `scenario` has no program to emit: a command leaf runs a real
    /// program, which a script of sleeps cannot stand for.
    pub fn refuses(scenario: &Scenario) -> Option<String> {
        scenario.runs_commands().then(|| {
            "--emit writes a program of sleeps, and this scenario runs real commands (sh, exec): \
             run it instead"
                .to_owned()
        })
    }

    pub fn program(self, scenario: &Scenario) -> String {
        match self {
            Emit::Python => python(scenario),
            Emit::Rust => rust(scenario),
        }
    }
}

/// From how many children on, a group of pairs that all do the same thing
/// is written as a table and a loop rather than one line per pair: a
/// thousand pairs stay a thousand short table rows.
const TABLE_FROM: usize = 9;

/// How many levels of groups a Rust future nests before one is boxed.
/// Each level of futures nested in one task costs rustc about 3 levels of
/// queries (8 for `limit`), and past 128 it gives up ("queries overflow
/// the depth limit": `limit(2, ` × 16 already did); and an unoptimised
/// build's poll frames grow with the nested futures' size: `limit(2, `
/// × 100 boxed every 10 levels overflowed the main thread's 8 MiB stack,
/// every 8 levels it needs under 4 MiB.
const BOX_EVERY: usize = 8;

/// How much of the scenario the header quotes before it elides.
const HEADER_TEXT: usize = 200;
/// How much of a group the comment above its function quotes.
const LABEL_TEXT: usize = 72;

/// What both emitters need to know about the tree, worked out once.
struct Shape<'a> {
    scenario: &'a Scenario,
    /// Per group: whether it can end failed (or timed out).
    fallible: Vec<bool>,
    /// Per group: whether something outside it may cancel it.
    cancellable: Vec<bool>,
    /// Per group: its function's name (`serial_1`); empty for a root
    /// written inline in `main`.
    names: Vec<String>,
    /// Per group: its children, in order.
    children: Vec<Vec<Node>>,
    /// How many pairs do each action through its helper (`say_after`,
    /// ...), in [`ACTIONS`] order: the pairs of `threads(...)` sleep on
    /// their own threads instead.
    actions: [usize; 4],
}

/// Every action, in the order [`Shape`] counts them.
const ACTIONS: [Action; 4] = [
    Action::Say,
    Action::Fail,
    Action::Block,
    Action::SpawnBlocking,
];

impl<'a> Shape<'a> {
    fn new(scenario: &'a Scenario) -> Shape<'a> {
        let groups = scenario.groups();
        let children: Vec<Vec<Node>> = (0..groups.len() as u32)
            .map(|g| scenario.children(g).collect())
            .collect();
        let mut actions = [0; 4];
        let mut count = |node: Node| {
            if let Node::Pair { action, .. } = node {
                actions[ACTIONS.iter().position(|&a| a == action).unwrap_or(0)] += 1;
            }
        };
        count(scenario.root());
        for (g, kids) in children.iter().enumerate() {
            if groups[g].kind != GroupKind::Threads {
                kids.iter().copied().for_each(&mut count);
            }
        }
        // Pre-order: every descendant comes after its group, so walking
        // backwards sees the children first.
        let mut fallible = vec![false; groups.len()];
        for g in (0..groups.len()).rev() {
            fallible[g] = matches!(groups[g].kind, GroupKind::Timeout(_))
                || children[g]
                    .iter()
                    .any(|&child| node_fallible(&fallible, child));
        }
        // ...and walking forwards sees the parents first.
        let mut cancellable = vec![false; groups.len()];
        for g in 0..groups.len() {
            cancellable[g] = groups[g].parent.is_some_and(|p| {
                let parent = p as usize;
                let kind = groups[parent].kind;
                cancellable[parent]
                    || cancels_children(kind, children[parent].len(), fallible[parent])
            });
        }
        let mut shape = Shape {
            scenario,
            fallible,
            cancellable,
            names: Vec::new(),
            children,
            actions,
        };
        let mut counts = std::collections::HashMap::new();
        shape.names = (0..groups.len())
            .map(|g| {
                if g == 0 && shape.root_inline() {
                    return String::new();
                }
                let kind = groups[g].kind.name();
                let count = counts.entry(kind).or_insert(0);
                *count += 1;
                format!("{kind}_{count}")
            })
            .collect();
        shape
    }

    /// Whether `node` can end failed, as its parent sees it.
    fn fallible(&self, node: Node) -> bool {
        node_fallible(&self.fallible, node)
    }

    fn group_fallible(&self, g: u32) -> bool {
        self.fallible[g as usize]
    }

    fn cancellable(&self, g: u32) -> bool {
        self.cancellable[g as usize]
    }

    fn name(&self, g: u32) -> &str {
        &self.names[g as usize]
    }

    /// Whether the Rust program's function for group `g` returns a boxed
    /// future, which ends the nesting of future types every
    /// [`BOX_EVERY`] levels.
    fn boxed(&self, g: u32) -> bool {
        let depth = self.scenario.group(g).depth as usize;
        depth > 0 && depth.is_multiple_of(BOX_EVERY)
    }

    fn kind(&self, g: u32) -> GroupKind {
        self.scenario.group(g).kind
    }

    fn children(&self, g: u32) -> &[Node] {
        &self.children[g as usize]
    }

    fn pair(&self, index: u32) -> &'a Pair {
        &self.scenario.plan().pairs()[index as usize]
    }

    /// The root group's body is written in `main` itself when nothing can
    /// fail (so `gather(1:hello, 2:world)` reads like the tutorial);
    /// otherwise `main` calls its function and reports the failure.
    fn root_inline(&self) -> bool {
        matches!(self.scenario.root(), Node::Group(0)) && !self.fallible[0]
    }

    /// The one action every child of `g` does, when its children are
    /// plain pairs numerous enough for a table (`threads`: always).
    fn table(&self, g: u32) -> Option<Action> {
        let children = self.children(g);
        let always = self.kind(g) == GroupKind::Threads;
        if children.len() < TABLE_FROM && !always {
            return None;
        }
        let first = match children.first()? {
            Node::Pair { action, .. } => *action,
            Node::Group(_) => return None,
        };
        children
            .iter()
            .all(|child| matches!(child, Node::Pair { action, .. } if *action == first))
            .then_some(first)
    }

    /// The pairs of a table, in order.
    fn table_pairs(&self, g: u32) -> impl Iterator<Item = &'a Pair> + '_ {
        let scenario = self.scenario;
        self.children(g).iter().filter_map(|child| match child {
            Node::Pair { index, .. } => Some(&scenario.plan().pairs()[*index as usize]),
            Node::Group(_) => None,
        })
    }

    /// How many pairs do `action` through its helper.
    fn count(&self, action: Action) -> usize {
        self.actions[ACTIONS.iter().position(|&a| a == action).unwrap_or(0)]
    }

    /// Whether any pair does `action` through its helper (`say_after`,
    /// ...).
    fn any_action(&self, action: Action) -> bool {
        self.count(action) > 0
    }

    fn any_kind(&self, wanted: impl Fn(GroupKind) -> bool) -> bool {
        self.scenario.groups().iter().any(|g| wanted(g.kind))
    }

    /// The groups written as functions, in pre-order.
    fn functions(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.names.len() as u32).filter(|&g| !self.names[g as usize].is_empty())
    }

    /// Group `g` in the scenario language, for the comment above its
    /// function: `serial(1:a, 2:b)`.
    fn label(&self, g: u32) -> String {
        let text = self.scenario.text_of(Node::Group(g), LABEL_TEXT);
        escape(&text).into_owned()
    }

    /// The header's lines (without the comment marker): where the program
    /// comes from and the wall saywhen expects of it.
    fn header(&self) -> Vec<String> {
        let quoted = self.scenario.text_of(self.scenario.root(), HEADER_TEXT);
        let schedule = Schedule::of(self.scenario);
        let mut lines = vec![
            format!("Emitted by saywhen from the scenario: {}", escape(&quoted)),
            // The formula's labels are escaped already; the formula can be
            // long for a wide tree, which a comment line can take.
            schedule.summary(self.scenario),
        ];
        // Why the model's wall is what it is: who held the thread.
        lines.extend(schedule.reasons());
        lines
    }
}

fn node_fallible(fallible: &[bool], node: Node) -> bool {
    match node {
        Node::Pair { action, .. } => action == Action::Fail,
        Node::Group(g) => fallible[g as usize],
    }
}

/// Whether group `g` itself may cancel a running child: a race (its
/// losers), a timeout (at the deadline), a task group (on a failure).
fn cancels_children(kind: GroupKind, children: usize, fallible: bool) -> bool {
    match kind {
        GroupKind::Race => children > 1,
        GroupKind::Timeout(_) => true,
        GroupKind::Group => fallible,
        _ => false,
    }
}

/// `text` as a double-quoted string literal, in the spelling Python and
/// Rust share for a quote, a backslash, a newline, a carriage return and a
/// tab; `code` spells any other [`invisible`] character its language's way.
fn string_literal(text: &str, code: fn(&mut String, char)) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if invisible(c) => code(&mut out, c),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters a string literal spells as an escape: control characters,
/// the invisible bidirectional overrides (rustc refuses them raw), and
/// the invisible separators and marks a reader could not see.
fn invisible(c: char) -> bool {
    crate::escape::is_unsafe(c)
        || matches!(
            c,
            '\u{200b}' | '\u{2028}' | '\u{2029}' | '\u{2060}' | '\u{feff}'
        )
}

/// Position words for a handful of results: `first`, `second`, ...
const ORDINALS: [&str; TABLE_FROM - 1] = [
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse::parse_argument;

    fn shape_of(text: &str) -> (Scenario, Vec<bool>, Vec<bool>, Vec<String>) {
        let scenario = parse_argument(text, 1, false).unwrap();
        let shape = Shape::new(&scenario);
        let (f, c, n) = (shape.fallible, shape.cancellable, shape.names);
        (scenario, f, c, n)
    }

    #[test]
    fn failures_and_timeouts_make_their_ancestors_fallible() {
        let (_, fallible, _, _) = shape_of("gather(serial(1:a, fail(1:b)), timeout(1, 2:c), 3:d)");
        assert_eq!(fallible, [true, true, true]);
        let (_, fallible, _, _) = shape_of("gather(serial(1:a), 3:d)");
        assert_eq!(fallible, [false, false]);
    }

    #[test]
    fn only_races_timeouts_and_failing_groups_cancel() {
        let (_, _, cancellable, _) = shape_of("race(serial(1:a), gather(tasks(1:b)))");
        assert_eq!(cancellable, [false, true, true, true]);
        let (_, _, cancellable, _) = shape_of("race(serial(1:a))");
        assert_eq!(cancellable, [false, false]);
        let (_, _, cancellable, _) = shape_of("group(serial(1:a), 2:b)");
        assert_eq!(cancellable, [false, false]);
        let (_, _, cancellable, _) = shape_of("group(serial(1:a), fail(2:b))");
        assert_eq!(cancellable, [false, true]);
    }

    #[test]
    fn a_long_group_is_quoted_cut_short_without_trailing_space() {
        let pairs: Vec<String> = (0..40).map(|i| format!("1:m{i}")).collect();
        let text = format!("gather(serial({}), 1:z)", pairs.join(", "));
        let scenario = parse_argument(&text, 1, false).unwrap();
        let label = Shape::new(&scenario).label(1);
        assert!(label.starts_with("serial(1:m0, 1:m1, "), "{label}");
        assert!(label.ends_with('…') && !label.contains(" …") && !label.contains(",…"));
        assert!(label.len() <= LABEL_TEXT + '…'.len_utf8());
    }

    #[test]
    fn functions_are_numbered_per_kind_and_an_infallible_root_is_inline() {
        let (_, _, _, names) = shape_of("gather(serial(1:a), serial(2:b), tasks(3:c))");
        assert_eq!(names, ["", "serial_1", "serial_2", "tasks_1"]);
        let (_, _, _, names) = shape_of("serial(fail(1:a), serial(2:b))");
        assert_eq!(names, ["serial_1", "serial_2"]);
    }
}
