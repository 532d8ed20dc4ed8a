//! The path id of every node of a scenario (`0` for the root, `0.1` for
//! its second child), worked out once for a whole tree: what every format
//! names a node by.

use std::borrow::Cow;

use crate::scenario::tree::{Node, Scenario};

/// The path id of every node, worked out in one walk of the tree (asking
/// [`Scenario::id`] node by node would cost a pass over the siblings each:
/// quadratic in a million-pair `gather`).
#[derive(Debug, Clone, Default)]
pub struct Ids {
    /// Each group's id, in pre-order.
    groups: Vec<String>,
    /// Each pair's position among its parent's children.
    positions: Vec<u32>,
}

impl Ids {
    pub fn of(scenario: &Scenario) -> Ids {
        let mut ids = Ids {
            groups: vec![String::new(); scenario.groups().len()],
            positions: vec![0; scenario.plan().len()],
        };
        // The path to the node just visited; pre-order means the next node
        // is its first child (one level deeper), or the next sibling of it
        // or of one of its ancestors.
        let mut path: Vec<u32> = Vec::new();
        for (node, depth) in scenario.walk() {
            if path.len() > depth {
                path.truncate(depth + 1);
                if let Some(last) = path.last_mut() {
                    *last += 1;
                }
            } else {
                path.push(0);
            }
            match node {
                Node::Group(g) => ids.groups[g as usize] = join(&path),
                Node::Pair { index, .. } => {
                    ids.positions[index as usize] = path.last().copied().unwrap_or(0)
                }
            }
        }
        ids
    }

    /// Group `g`'s id.
    pub fn group(&self, g: u32) -> &str {
        &self.groups[g as usize]
    }

    /// Pair `index`'s id: its parent's, then its position (`0` for a
    /// scenario that is one pair).
    pub fn pair(&self, scenario: &Scenario, index: usize) -> String {
        match scenario.parent_of_pair(index) {
            Some(parent) => format!("{}.{}", self.group(parent), self.positions[index]),
            None => "0".to_owned(),
        }
    }

    /// The id of `node`.
    pub fn node(&self, scenario: &Scenario, node: Node) -> Cow<'_, str> {
        match node {
            Node::Group(g) => Cow::Borrowed(self.group(g)),
            Node::Pair { index, .. } => Cow::Owned(self.pair(scenario, index as usize)),
        }
    }
}

fn join(path: &[u32]) -> String {
    let parts: Vec<String> = path.iter().map(u32::to_string).collect();
    parts.join(".")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse::parse_argument;

    fn parse_scenario(text: &str) -> Scenario {
        parse_argument(text, 1, false).unwrap()
    }

    #[test]
    fn ids_agree_with_the_scenario_node_for_node() {
        let scenario =
            parse_scenario("serial(gather(1:a, serial(2:b, 3:c)), 4:d, race(5:e, limit(2, 6:f)))");
        let ids = Ids::of(&scenario);
        for (node, _) in scenario.walk() {
            assert_eq!(ids.node(&scenario, node), scenario.id(node));
        }
        let lone = parse_scenario("1:a");
        assert_eq!(Ids::of(&lone).pair(&lone, 0), "0");
    }
}
