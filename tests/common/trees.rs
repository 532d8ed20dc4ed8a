//! Random scenarios for property tests: trees of every kind of group,
//! written the way the scenario language reads them.

use std::ops::Range;

use proptest::prelude::*;

/// A random tree up to `depth` levels of groups over the leaves `pair`
/// makes, each group with `children` children.
pub fn tree(
    depth: u32,
    pair: BoxedStrategy<String>,
    children: Range<usize>,
) -> BoxedStrategy<String> {
    if depth == 0 {
        return pair;
    }
    let child =
        prop_oneof![2 => pair.clone(), 1 => tree(depth - 1, pair.clone(), children.clone())];
    let list = prop::collection::vec(child, children.clone()).prop_map(|c| c.join(", "));
    prop_oneof![
        (
            prop::sample::select(vec![
                "serial", "tasks", "gather", "joinset", "race", "group"
            ]),
            list.clone()
        )
            .prop_map(|(kind, c)| format!("{kind}({c})")),
        (1u32..3, list).prop_map(|(n, c)| format!("limit({n}, {c})")),
        (1u32..8000, tree(depth - 1, pair, children))
            .prop_map(|(ms, c)| format!("timeout({ms}ms, {c})")),
    ]
    .boxed()
}
