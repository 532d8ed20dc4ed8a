//! Where each node's code is in an emitted program: the line a group's
//! function starts on (`async def serial_1():`, `async fn serial_1() {`;
//! `main` for a root written inline), and the line a pair is called on
//! (`await say_after(1, "hello")`, or its row of a table). The lesson page
//! highlights these lines for the nodes at work at its cursor.
//!
//! The programs are laid out as a formatter would (a call's arguments on
//! one line or one a line), so the lines are found in the finished text:
//! in each group's function, its children's calls in the order written,
//! each pair by its message's literal and each child group by its call.

use crate::emit::{Emit, Shape, python, rust};
use crate::scenario::tree::{Node, Scenario};

/// The line (0-based) each node of `scenario` starts on in `program`, its
/// `language` program, in pre-order ([`Scenario::walk`]).
pub fn starts(language: Emit, scenario: &Scenario, program: &str) -> Vec<usize> {
    let shape = Shape::new(scenario);
    let found = Finder::new(program);
    let head = |g: u32| -> Option<usize> {
        let name = shape.name(g);
        let needle = match (language, name.is_empty()) {
            (Emit::Python, true) => "async def main():".to_owned(),
            (Emit::Python, false) => format!("async def {name}():"),
            (Emit::Rust, true) => "async fn main() {".to_owned(),
            (Emit::Rust, false) => format!("fn {name}() "),
        };
        found.first_line(&needle)
    };
    let groups = scenario.groups().len();
    let mut group_lines = vec![0; groups];
    let mut pair_lines = vec![0; scenario.plan().len()];
    for g in 0..groups as u32 {
        group_lines[g as usize] = head(g).unwrap_or(0);
    }
    let main = found
        .first_line(match language {
            Emit::Python => "async def main():",
            Emit::Rust => "async fn main() {",
        })
        .unwrap_or(0);
    // Each function runs from its first line to the next function's.
    let mut heads: Vec<usize> = group_lines.clone();
    heads.push(main);
    heads.sort_unstable();
    heads.dedup();
    let end_of = |line: usize| {
        heads
            .iter()
            .copied()
            .find(|&h| h > line)
            .map_or(program.len(), |h| found.offset(h))
    };
    match scenario.root() {
        Node::Pair { index, .. } => {
            let from = found.offset(main);
            let pair = &scenario.plan().pairs()[index as usize];
            let needle = literal(language, &pair.message);
            pair_lines[index as usize] = found
                .search(&needle, from, program.len())
                .map_or(main, |(line, _)| line);
        }
        Node::Group(_) => {
            for g in 0..groups as u32 {
                let line = group_lines[g as usize];
                let mut cursor = found.offset(line);
                let end = end_of(line);
                for &child in shape.children(g) {
                    let needle = match child {
                        Node::Pair { index, .. } => {
                            literal(language, &scenario.plan().pairs()[index as usize].message)
                        }
                        Node::Group(c) => format!("{}()", shape.name(c)),
                    };
                    let at = found.search(&needle, cursor, end);
                    if let Some((_, after)) = at {
                        cursor = after;
                    }
                    if let Node::Pair { index, .. } = child {
                        pair_lines[index as usize] = at.map_or(line, |(l, _)| l);
                    }
                }
            }
        }
    }
    scenario
        .walk()
        .map(|(node, _)| match node {
            Node::Group(g) => group_lines[g as usize],
            Node::Pair { index, .. } => pair_lines[index as usize],
        })
        .collect()
}

fn literal(language: Emit, text: &str) -> String {
    match language {
        Emit::Python => python::literal(text),
        Emit::Rust => rust::string_literal(text),
    }
}

/// A program's text and where each of its lines begins.
struct Finder<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Finder<'a> {
    fn new(text: &'a str) -> Finder<'a> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Finder { text, starts }
    }

    /// The byte offset line `line` begins at.
    fn offset(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.text.len())
    }

    /// The line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// The first line that holds `needle`.
    fn first_line(&self, needle: &str) -> Option<usize> {
        self.text.find(needle).map(|at| self.line_of(at))
    }

    /// `needle` between bytes `from` and `to`: its line and the offset
    /// just past it.
    fn search(&self, needle: &str, from: usize, to: usize) -> Option<(usize, usize)> {
        let window = self.text.get(from..to)?;
        let at = from + window.find(needle)?;
        Some((self.line_of(at), at + needle.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse::parse_argument;

    fn lines_of(language: Emit, text: &str) -> Vec<String> {
        let scenario = parse_argument(text, 1, false).unwrap();
        let program = language.program(&scenario);
        let lines: Vec<&str> = program.lines().collect();
        starts(language, &scenario, &program)
            .into_iter()
            .map(|l| lines[l].trim().to_owned())
            .collect()
    }

    #[test]
    fn each_node_points_at_its_call_or_its_function() {
        let text = "gather(serial(1:a, 2:b), 3:c)";
        assert_eq!(
            lines_of(Emit::Python, text),
            [
                "async def main():",
                "async def serial_1():",
                "await say_after(1, \"a\")",
                "await say_after(2, \"b\")",
                "await asyncio.gather(serial_1(), say_after(3, \"c\"))",
            ]
        );
        let rust = lines_of(Emit::Rust, text);
        assert_eq!(rust[0], "async fn main() {");
        assert_eq!(rust[1], "async fn serial_1() {");
        assert!(rust[2].contains("\"a\""), "{rust:?}");
        assert!(rust[3].contains("\"b\""), "{rust:?}");
        assert!(rust[4].contains("\"c\""), "{rust:?}");
    }

    #[test]
    fn repeated_messages_are_found_in_order_and_tables_row_by_row() {
        let pairs: Vec<String> = (1..=12).map(|i| format!("{i}:x")).collect();
        let text = format!("race(serial({}), 1:x)", pairs.join(", "));
        for language in [Emit::Python, Emit::Rust] {
            let scenario = parse_argument(&text, 1, false).unwrap();
            let program = language.program(&scenario);
            let starts = starts(language, &scenario, &program);
            // serial's 12 rows, one a line, then the race's own call.
            let rows = &starts[2..14];
            assert!(rows.windows(2).all(|w| w[0] + 1 == w[1]), "{rows:?}");
            assert!(starts[14] != starts[13], "{starts:?}");
        }
    }
}
