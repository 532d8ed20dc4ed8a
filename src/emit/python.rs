//! The scenario as an asyncio program (Python 3.11+), in the tutorial's
//! style: `say_after`, `asyncio.gather`, `create_task`, `TaskGroup`,
//! `asyncio.timeout`, a `Semaphore`, `as_completed`, and
//! `asyncio.wait(FIRST_COMPLETED)` for a race. A failure is an exception:
//! it skips the rest of a `serial`, is gathered and raised once every
//! sibling has finished in `gather`, `tasks` and `limit` (as the engine
//! waits for all of them), and cancels the siblings in a `TaskGroup`.

use std::fmt::Write as _;

use crate::emit::{self, Shape};
use crate::scenario::pair::{Pair, exact_seconds};
use crate::scenario::tree::{Action, GroupKind, Node, Scenario};

/// The loop over a table's rows.
const FOR_EACH: &str = "for delay, what in pairs";

/// Black's line length: past it, a call's arguments go one a line.
const WIDTH: usize = 88;

/// The asyncio program for `scenario`.
pub fn python(scenario: &Scenario) -> String {
    let shape = Shape::new(scenario);
    let mut emitter = Python {
        shape: &shape,
        out: String::new(),
        indent: 0,
        uses_raise_first: false,
    };
    let mut groups = String::new();
    for g in shape.functions() {
        emitter.function(g);
        groups.push_str("\n\n");
        groups.push_str(&std::mem::take(&mut emitter.out));
    }
    emitter.main();
    let main = std::mem::take(&mut emitter.out);

    let mut out = String::new();
    for line in shape.header() {
        let _ = writeln!(out, "# {line}");
    }
    out.push_str("# Python 3.11 or later: python3 this_file.py\n");
    out.push_str("import asyncio\n");
    if executor_threads(&shape).is_some() {
        out.push_str("from concurrent.futures import ThreadPoolExecutor\n");
    }
    if shape.any_kind(|k| k == GroupKind::Threads) {
        out.push_str("import threading\n");
    }
    out.push_str("import time\n");
    for helper in helpers(&shape, emitter.uses_raise_first) {
        out.push_str("\n\n");
        out.push_str(helper);
    }
    out.push_str(&groups);
    out.push_str("\n\n");
    out.push_str(&main);
    out.push_str("\n\nasyncio.run(main())\n");
    out
}

/// The building blocks the program uses, each written once.
fn helpers(shape: &Shape, uses_raise_first: bool) -> Vec<&'static str> {
    let mut helpers = Vec::new();
    if shape.any_action(Action::Say) {
        helpers.push(
            "async def say_after(delay, what):
    await asyncio.sleep(delay)
    # flush: each line shows the moment it is said, even through a pipe.
    print(what, flush=True)
",
        );
    }
    if shape.any_action(Action::Fail) {
        helpers.push(
            "async def fail_after(delay, what):
    await asyncio.sleep(delay)
    raise RuntimeError(what)
",
        );
    }
    if shape.any_action(Action::Block) {
        helpers.push(
            "async def blocking_say_after(delay, what):
    # The mistake: time.sleep blocks the event loop, and every task with it.
    time.sleep(delay)
    print(what, flush=True)
",
        );
    }
    if shape.any_action(Action::SpawnBlocking) || shape.any_kind(|k| k == GroupKind::Threads) {
        helpers.push(
            "def sleep_then_say(delay, what):
    \"\"\"Blocks its thread: for OS threads and asyncio.to_thread, not coroutines.\"\"\"
    time.sleep(delay)
    print(what, flush=True)
",
        );
    }
    if shape.any_kind(|k| matches!(k, GroupKind::Limit(_))) {
        let cancellable = shape
            .functions()
            .chain(shape.root_inline().then_some(0))
            .any(|g| matches!(shape.kind(g), GroupKind::Limit(_)) && shape.cancellable(g));
        helpers.push(match cancellable {
            false => {
                "async def with_permit(semaphore, child):
    async with semaphore:
        await child
"
            }
            true => {
                "async def with_permit(semaphore, child):
    try:
        async with semaphore:
            await child
    finally:
        # Cancelled while waiting for a permit, the child never ran: close
        # it, or Python warns that it was never awaited.
        child.close()
"
            }
        });
    }
    if uses_raise_first {
        helpers.push(
            "def raise_first_failure(results):
    \"\"\"After gather(..., return_exceptions=True) waited for every child.\"\"\"
    for result in results:
        if isinstance(result, Exception):
            raise result
",
        );
    }
    helpers
}

/// How many threads `asyncio.to_thread` needs at once, when that is more
/// than its default pool may have (`min(32, CPUs + 4)`, 5 on one CPU):
/// tokio's blocking pool grows to 512 threads.
fn executor_threads(shape: &Shape) -> Option<usize> {
    let pairs = shape.count(Action::SpawnBlocking);
    let joiners = shape
        .scenario
        .groups()
        .iter()
        .filter(|g| g.kind == GroupKind::Threads)
        .count();
    let needed = (pairs + joiners).min(512);
    (needed > 5).then_some(needed)
}

struct Python<'a> {
    shape: &'a Shape<'a>,
    out: String,
    indent: usize,
    uses_raise_first: bool,
}

impl Python<'_> {
    fn line(&mut self, text: &str) {
        for _ in 0..self.indent {
            self.out.push_str("    ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// `lead` + `open` + items + `close`, on one line when it fits, else
    /// one item a line with a trailing comma.
    fn list(&mut self, lead: &str, open: &str, items: &[String], close: &str) {
        let flat = format!("{lead}{open}{}{close}", items.join(", "));
        if self.indent * 4 + flat.chars().count() <= WIDTH {
            self.line(&flat);
            return;
        }
        self.line(&format!("{lead}{open}"));
        self.indent += 1;
        for item in items {
            self.line(&format!("{item},"));
        }
        self.indent -= 1;
        self.line(close);
    }

    fn function(&mut self, g: u32) {
        let name = self.shape.name(g).to_owned();
        let label = self.shape.label(g);
        self.line(&format!("# {label}"));
        self.line(&format!("async def {name}():"));
        self.indent += 1;
        self.body(g);
        self.indent -= 1;
    }

    fn main(&mut self) {
        self.line("async def main():");
        self.indent += 1;
        self.line("print(f\"started at {time.strftime('%X')}\")");
        if let Some(threads) = executor_threads(self.shape) {
            self.line("# asyncio.to_thread's pool has min(32, CPUs + 4) threads; tokio's");
            self.line("# blocking pool grows to 512: give every blocking sleep its thread.");
            self.line("loop = asyncio.get_running_loop()");
            self.line(&format!(
                "loop.set_default_executor(ThreadPoolExecutor(max_workers={threads}))"
            ));
        }
        let root = self.shape.scenario.root();
        if self.shape.root_inline() {
            self.body(0);
        } else if self.shape.fallible(root) {
            self.line("try:");
            self.indent += 1;
            let child = self.child(root);
            self.line(&format!("await {child}"));
            self.indent -= 1;
            self.line("except Exception as error:");
            self.indent += 1;
            self.line("print(f\"failed: {error!r}\")");
            self.indent -= 1;
        } else {
            let child = self.child(root);
            self.line(&format!("await {child}"));
        }
        self.line("print(f\"finished at {time.strftime('%X')}\")");
        self.indent -= 1;
    }

    /// A child as an awaitable expression.
    fn child(&self, node: Node) -> String {
        match node {
            Node::Pair { index, action } => call(action, &pair_args(self.shape.pair(index))),
            Node::Group(g) => format!("{}()", self.shape.name(g)),
        }
    }

    fn children(&self, g: u32) -> Vec<String> {
        let children = self.shape.children(g);
        children.iter().map(|&child| self.child(child)).collect()
    }

    /// `pairs = [(1, "a"), ...]` for a group written as a table; returns
    /// what is done with each row, `say_after(delay, what)`, to loop over
    /// them with [`FOR_EACH`].
    fn table(&mut self, g: u32, action: Action) -> String {
        let rows: Vec<String> = self
            .shape
            .table_pairs(g)
            .map(|pair| format!("({})", pair_args(pair)))
            .collect();
        self.list("pairs = ", "[", &rows, "]");
        call(action, "delay, what")
    }

    fn body(&mut self, g: u32) {
        let fallible = self.shape.group_fallible(g);
        match self.shape.kind(g) {
            GroupKind::Serial => self.serial(g),
            GroupKind::Gather => self.gather(g, fallible, |child| child.to_owned()),
            GroupKind::Limit(permits) => {
                self.line(&format!("semaphore = asyncio.Semaphore({permits})"));
                self.gather(g, fallible, |child| {
                    format!("with_permit(semaphore, {child})")
                });
            }
            GroupKind::Tasks => self.tasks(g, fallible),
            GroupKind::Joinset => self.joinset(g, fallible),
            GroupKind::Race => self.race(g),
            GroupKind::Group => self.task_group(g),
            GroupKind::Timeout(deadline) => {
                let child = self.children(g).remove(0);
                self.line(&format!(
                    "async with asyncio.timeout({}):",
                    exact_seconds(deadline)
                ));
                self.indent += 1;
                self.line(&format!("await {child}"));
                self.indent -= 1;
            }
            GroupKind::Threads => self.threads(g),
        }
    }

    fn serial(&mut self, g: u32) {
        if let Some(action) = self.shape.table(g) {
            let each = self.table(g, action);
            self.line(&format!("{FOR_EACH}:"));
            self.indent += 1;
            self.line(&format!("await {each}"));
            self.indent -= 1;
            return;
        }
        for child in self.children(g) {
            self.line(&format!("await {child}"));
        }
    }

    /// gather, and limit (each child behind the semaphore).
    fn gather(&mut self, g: u32, fallible: bool, wrap: impl Fn(&str) -> String) {
        let mut args = match self.shape.table(g) {
            Some(action) => {
                let each = wrap(&self.table(g, action));
                vec![format!("*({each} {FOR_EACH})")]
            }
            None => self.children(g).iter().map(|c| wrap(c)).collect(),
        };
        if !fallible {
            self.list("await ", "asyncio.gather(", &args, ")");
            return;
        }
        args.push("return_exceptions=True".to_owned());
        self.list("results = await ", "asyncio.gather(", &args, ")");
        self.line("raise_first_failure(results)");
        self.uses_raise_first = true;
    }

    /// `tasks = [asyncio.create_task(...), ...]`.
    fn create_tasks(&mut self, g: u32, name: &str) {
        match self.shape.table(g) {
            Some(action) => {
                let each = format!("asyncio.create_task({})", self.table(g, action));
                let flat = format!("{name} = [{each} {FOR_EACH}]");
                if self.indent * 4 + flat.chars().count() <= WIDTH {
                    self.line(&flat);
                } else {
                    self.line(&format!("{name} = ["));
                    self.line(&format!("    {each}"));
                    self.line(&format!("    {FOR_EACH}"));
                    self.line("]");
                }
            }
            None => {
                let tasks: Vec<String> = self
                    .children(g)
                    .iter()
                    .map(|child| format!("asyncio.create_task({child})"))
                    .collect();
                self.list(&format!("{name} = "), "[", &tasks, "]");
            }
        }
    }

    fn tasks(&mut self, g: u32, fallible: bool) {
        self.create_tasks(g, "tasks");
        if fallible {
            self.line("results = await asyncio.gather(*tasks, return_exceptions=True)");
            self.line("raise_first_failure(results)");
            self.uses_raise_first = true;
        } else if self.shape.cancellable(g) {
            self.line("# gather, not one await per task: cancelling an await cancels only");
            self.line("# the task awaited, and this group may be cancelled from outside.");
            self.line("await asyncio.gather(*tasks)");
        } else {
            self.line("# Awaiting a task only waits: it has been running since create_task.");
            self.line("for task in tasks:");
            self.indent += 1;
            self.line("await task");
            self.indent -= 1;
        }
    }

    fn joinset(&mut self, g: u32, fallible: bool) {
        self.create_tasks(g, "tasks");
        let cancellable = self.shape.cancellable(g);
        if fallible {
            self.line("failures = []");
        }
        if cancellable {
            self.line("try:");
            self.indent += 1;
        }
        self.line("for finished in asyncio.as_completed(tasks):");
        self.indent += 1;
        if fallible {
            self.line("try:");
            self.line("    await finished");
            self.line("except Exception as failure:");
            self.line("    failures.append(failure)");
        } else {
            self.line("await finished");
        }
        self.indent -= 1;
        if cancellable {
            self.indent -= 1;
            self.line("finally:");
            self.indent += 1;
            self.line("# Cancelled from outside: as_completed leaves the tasks running.");
            self.line("for task in tasks:");
            self.line("    task.cancel()");
            self.line("await asyncio.gather(*tasks, return_exceptions=True)");
            self.indent -= 1;
        }
        if fallible {
            self.line("if failures:");
            self.line("    raise failures[0]");
        }
    }

    fn race(&mut self, g: u32) {
        self.create_tasks(g, "racers");
        self.line("try:");
        self.indent += 1;
        self.line("done, _ = await asyncio.wait(racers, return_when=asyncio.FIRST_COMPLETED)");
        self.indent -= 1;
        self.line("finally:");
        self.indent += 1;
        self.line("# Cancel the losers (all of them, if this race is itself cancelled),");
        self.line("# then let them unwind.");
        self.line("for racer in racers:");
        self.line("    racer.cancel()");
        self.line("await asyncio.gather(*racers, return_exceptions=True)");
        self.indent -= 1;
        self.line("# The first given among those done wins, even by failing: result()");
        self.line("# raises its exception.");
        self.line("next(racer for racer in racers if racer in done).result()");
    }

    fn task_group(&mut self, g: u32) {
        self.line("# The first failure cancels the tasks still running.");
        self.line("async with asyncio.TaskGroup() as tg:");
        self.indent += 1;
        match self.shape.table(g) {
            Some(action) => {
                let each = self.table(g, action);
                self.line(&format!("{FOR_EACH}:"));
                self.line(&format!("    tg.create_task({each})"));
            }
            None => {
                for child in self.children(g) {
                    self.line(&format!("tg.create_task({child})"));
                }
            }
        }
        self.indent -= 1;
    }

    fn threads(&mut self, g: u32) {
        let rows: Vec<String> = self
            .shape
            .table_pairs(g)
            .map(|pair| format!("({})", pair_args(pair)))
            .collect();
        self.list("pairs = ", "[", &rows, "]");
        self.line("threads = [");
        self.line("    threading.Thread(target=sleep_then_say, args=(delay, what))");
        self.line(&format!("    {FOR_EACH}"));
        self.line("]");
        self.line("for thread in threads:");
        self.line("    thread.start()");
        self.line("# join blocks: wait in a worker thread, so the event loop stays free.");
        self.line("for thread in threads:");
        self.line("    await asyncio.to_thread(thread.join)");
    }
}

/// What a pair does, called with `args`.
fn call(action: Action, args: &str) -> String {
    match action {
        // Refused before emitting (see `Emit::refuses`): never reached.
        Action::Say | Action::Command => format!("say_after({args})"),
        Action::Fail => format!("fail_after({args})"),
        Action::Block => format!("blocking_say_after({args})"),
        Action::SpawnBlocking => format!("asyncio.to_thread(sleep_then_say, {args})"),
    }
}

/// `1.5, "hello"`.
fn pair_args(pair: &Pair) -> String {
    format!("{}, {}", exact_seconds(pair.delay), literal(&pair.message))
}

/// `text` as a Python string literal that reads back as exactly `text`.
pub(crate) fn literal(text: &str) -> String {
    emit::string_literal(text, |out, c| {
        let _ = match c as u32 {
            code @ 0..=0xff => write!(out, "\\x{code:02x}"),
            code @ 0x100..=0xffff => write!(out, "\\u{code:04x}"),
            code => write!(out, "\\U{code:08x}"),
        };
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse::parse_argument;

    #[test]
    fn literals_escape_what_python_would_misread() {
        assert_eq!(literal("hello"), "\"hello\"");
        assert_eq!(literal("say \"hi\""), "\"say \\\"hi\\\"\"");
        assert_eq!(literal("it's"), "\"it's\"");
        assert_eq!(literal("a\\b"), "\"a\\\\b\"");
        assert_eq!(literal("two\nlines\r\ttab"), "\"two\\nlines\\r\\ttab\"");
        assert_eq!(literal("\0\x1b[31m\x7f"), "\"\\x00\\x1b[31m\\x7f\"");
        assert_eq!(literal("{braces}"), "\"{braces}\"");
    }

    #[test]
    fn literals_keep_readable_unicode_and_escape_the_invisible() {
        assert_eq!(literal("héllo 世界 👋"), "\"héllo 世界 👋\"");
        assert_eq!(literal("abc\u{202e}cba"), "\"abc\\u202ecba\"");
        assert_eq!(literal("\u{85}\u{2028}\u{feff}"), "\"\\x85\\u2028\\ufeff\"");
    }

    #[test]
    fn the_tutorials_gather_reads_like_the_tutorial() {
        let scenario = parse_argument("gather(1:hello, 2:world)", 1, false).unwrap();
        let program = python(&scenario);
        assert!(program.contains(
            "async def main():
    print(f\"started at {time.strftime('%X')}\")
    await asyncio.gather(say_after(1, \"hello\"), say_after(2, \"world\"))
    print(f\"finished at {time.strftime('%X')}\")
"
        ));
        assert!(!program.contains("fail_after"));
    }
}
