//! The scenario as a tokio program: a whole `main.rs` that needs only the
//! crates `tokio` (features "full") and `futures`, written the way the
//! modes are (`join!`, `tokio::spawn`, `JoinSet`, `select!`, a
//! `Semaphore`, `tokio::time::timeout`), on a current-thread runtime like
//! asyncio's event loop. A group that can fail returns
//! `Result<(), String>`; one that cannot returns nothing, so the code for
//! the common case stays the tutorial's.

use std::fmt::Write as _;
use std::time::Duration;

use crate::emit::rust_layout::{
    Expr, array, atom, call, macro_call, statement as layout_statement, tuple,
};
use crate::emit::{self, ORDINALS, Shape};
use crate::scenario::pair::Pair;
use crate::scenario::tree::{Action, GroupKind, Node, Scenario};

/// The tokio program for `scenario`.
pub fn rust(scenario: &Scenario) -> String {
    let shape = Shape::new(scenario);
    let mut emitter = Rust {
        shape: &shape,
        out: String::new(),
        indent: 0,
        uses: Uses::default(),
    };
    let mut groups = String::new();
    for g in shape.functions() {
        emitter.function(g);
        groups.push('\n');
        groups.push_str(&std::mem::take(&mut emitter.out));
    }
    emitter.main();
    let main = std::mem::take(&mut emitter.out);
    let uses = emitter.uses;

    let mut out = String::new();
    for line in shape.header() {
        let _ = writeln!(out, "// {line}");
    }
    out.push_str("// Needs the crates tokio (features \"full\") and futures.\n\n");
    out.push_str(&imports(&shape, &uses));
    for helper in helpers(&shape, &uses) {
        out.push('\n');
        out.push_str(helper);
    }
    out.push_str(&groups);
    out.push('\n');
    out.push_str(&main);
    out
}

/// Which imported names the groups' code used.
#[derive(Default)]
struct Uses {
    join: bool,
    join_all: bool,
    select_all: bool,
    boxed: bool,
    box_future: bool,
    unordered: bool,
    future_map: bool,
    join_set: bool,
    semaphore: bool,
    timeout: bool,
    spawn_blocking: bool,
    thread: bool,
}

fn imports(shape: &Shape, uses: &Uses) -> String {
    let say = shape.any_action(Action::Say) || shape.any_action(Action::Fail);
    let spawn_blocking = uses.spawn_blocking || shape.any_action(Action::SpawnBlocking);
    let thread = uses.thread || shape.any_action(Action::Block) || spawn_blocking;
    let mut std_lines = Vec::new();
    if thread {
        std_lines.push("use std::thread;".to_owned());
    }
    std_lines.push("use std::time::{Duration, Instant};".to_owned());

    let mut futures = Vec::new();
    let mut future = Vec::new();
    if uses.box_future {
        future.push("BoxFuture");
    }
    if uses.boxed || uses.future_map {
        future.push("FutureExt");
    }
    if uses.join_all {
        future.push("join_all");
    }
    if uses.select_all {
        future.push("select_all");
    }
    if !future.is_empty() {
        futures.push(braced("futures::future", &future));
    }
    if uses.join {
        futures.push("use futures::join;".to_owned());
    }
    if uses.unordered {
        futures.push("use futures::stream::{FuturesUnordered, StreamExt};".to_owned());
    }
    let mut tokio = Vec::new();
    if uses.semaphore {
        tokio.push("use tokio::sync::Semaphore;".to_owned());
    }
    let mut task = Vec::new();
    if uses.join_set {
        task.push("JoinSet");
    }
    if spawn_blocking {
        task.push("spawn_blocking");
    }
    if !task.is_empty() {
        tokio.push(braced("tokio::task", &task));
    }
    let mut time = Vec::new();
    if say {
        time.push("sleep");
    }
    if uses.timeout {
        time.push("timeout");
    }
    if !time.is_empty() {
        tokio.push(braced("tokio::time", &time));
    }
    // rustfmt sorts the `use` lines of one block alphabetically.
    let mut lines = futures;
    lines.extend(tokio);
    lines.extend(std_lines);
    lines.sort();
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// `use path::name;` or `use path::{a, b};`.
fn braced(path: &str, names: &[&str]) -> String {
    match names {
        [one] => format!("use {path}::{one};"),
        names => format!("use {path}::{{{}}};", names.join(", ")),
    }
}

/// The building blocks the program uses, each written once.
fn helpers(shape: &Shape, uses: &Uses) -> Vec<&'static str> {
    let mut helpers = Vec::new();
    if shape.any_action(Action::Say) {
        helpers.push(
            "/// Sleeps, then says `what`: the tutorial's `say_after`.
async fn say_after(delay: Duration, what: &str) {
    sleep(delay).await;
    println!(\"{what}\");
}
",
        );
    }
    if shape.any_action(Action::Fail) {
        helpers.push(
            "/// Sleeps, then fails with `what` as the error.
async fn fail_after(delay: Duration, what: &str) -> Result<(), String> {
    sleep(delay).await;
    Err(what.to_owned())
}
",
        );
    }
    if shape.any_action(Action::Block) {
        helpers.push(
            "/// The mistake: `thread::sleep` blocks the runtime's only thread, so no
/// other task runs until it returns.
async fn blocking_say_after(delay: Duration, what: &str) {
    thread::sleep(delay);
    println!(\"{what}\");
}
",
        );
    }
    if shape.any_action(Action::SpawnBlocking) || uses.thread {
        helpers.push(
            "/// Blocks its thread: for OS threads and tokio's blocking pool, not async code.
fn sleep_then_say(delay: Duration, what: &str) {
    thread::sleep(delay);
    println!(\"{what}\");
}
",
        );
    }
    if shape.any_action(Action::SpawnBlocking) {
        helpers.push(
            "/// The fix for blocking: the same blocking sleep, on tokio's pool of
/// threads kept for blocking work.
async fn say_after_on_pool(delay: Duration, what: &'static str) {
    spawn_blocking(move || sleep_then_say(delay, what))
        .await
        .unwrap();
}
",
        );
    }
    if uses.semaphore {
        helpers.push(
            "/// Runs `child` once it holds one of the semaphore's permits.
async fn with_permit<T>(semaphore: &Semaphore, child: impl std::future::Future<Output = T>) -> T {
    // `_permit`, not `_`: the permit is held until the child is done.
    let _permit = semaphore.acquire().await.unwrap();
    child.await
}
",
        );
    }
    helpers
}

struct Rust<'a> {
    shape: &'a Shape<'a>,
    out: String,
    indent: usize,
    uses: Uses,
}

impl Rust<'_> {
    fn line(&mut self, text: &str) {
        for _ in 0..self.indent {
            self.out.push_str("    ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// `lead expr tail`, laid out as rustfmt would.
    fn statement(&mut self, lead: &str, expr: &Expr, tail: &str) {
        let text = layout_statement(self.indent * 4, lead, expr, tail);
        self.out.push_str(&text);
    }

    fn open(&mut self, text: &str) {
        self.line(text);
        self.indent += 1;
    }

    fn close(&mut self, text: &str) {
        self.indent -= 1;
        self.line(text);
    }

    fn function(&mut self, g: u32) {
        let label = self.shape.label(g);
        let name = self.shape.name(g).to_owned();
        self.line(&format!("// {label}"));
        let output = match self.shape.group_fallible(g) {
            true => "Result<(), String>",
            false => "()",
        };
        if self.shape.boxed(g) {
            self.uses.boxed = true;
            self.uses.box_future = true;
            self.line("//");
            self.line("// Boxed: a future holds its children's futures, and rustc gives up on");
            self.line("// types nested too deep; a boxed future's type ends the nesting.");
            self.open(&format!("fn {name}() -> BoxFuture<'static, {output}> {{"));
            let before = self.out.len();
            self.indent += 1;
            self.body(g);
            self.indent -= 1;
            let body = self.out.split_off(before);
            // rustfmt writes a block of one short expression on one line.
            let lone = body.trim();
            let one_line = format!("async {{ {lone} }}.boxed()");
            if body.lines().count() == 1
                && !lone.ends_with(';')
                && !lone.starts_with("//")
                && self.indent * 4 + one_line.chars().count() <= 100
            {
                self.line(&one_line);
            } else {
                self.line("async {");
                self.out.push_str(&body);
                self.line("}");
                self.line(".boxed()");
            }
            self.close("}");
            return;
        }
        let returns = match self.shape.group_fallible(g) {
            true => " -> Result<(), String>",
            false => "",
        };
        self.open(&format!("async fn {name}(){returns} {{"));
        self.body(g);
        self.close("}");
    }

    fn main(&mut self) {
        self.line("// One thread drives every task, like asyncio's event loop.");
        self.line("#[tokio::main(flavor = \"current_thread\")]");
        self.open("async fn main() {");
        self.line("let started = Instant::now();");
        self.line("println!(\"started\");");
        let root = self.shape.scenario.root();
        if self.shape.root_inline() {
            self.body(0);
        } else if self.shape.fallible(root) {
            let child = self.child(root).awaited();
            self.statement("if let Err(error) = ", &child, " {");
            self.indent += 1;
            self.line("println!(\"failed: {error}\");");
            self.close("}");
        } else {
            let child = self.child(root).awaited();
            self.statement("", &child, ";");
        }
        self.line("println!(\"finished in {:.2?}\", started.elapsed());");
        self.close("}");
    }

    /// A child as a future.
    fn child(&self, node: Node) -> Expr {
        match node {
            Node::Pair { index, action } => {
                let pair = self.shape.pair(index);
                call(pair_fn(action), vec![duration(pair.delay), literal(pair)])
            }
            Node::Group(g) => atom(format!("{}()", self.shape.name(g))),
        }
    }

    /// A child whose output is the group's: in a group that can fail,
    /// `()` becomes `Ok(())` (`.map(Ok)`), so every child has one type.
    fn uniform(&mut self, node: Node, fallible: bool) -> Expr {
        let child = self.child(node);
        if fallible && !self.shape.fallible(node) {
            self.uses.future_map = true;
            return child.method("map", vec![atom("Ok")]);
        }
        child
    }

    /// Whether group `g` has many children that are not one table.
    fn many_mixed(&self, g: u32) -> bool {
        self.shape.children(g).len() >= super::TABLE_FROM && self.shape.table(g).is_none()
    }

    /// Explains `.map(Ok)` above the children of `g`, if any needs it.
    fn explain_map_ok(&mut self, g: u32, fallible: bool) {
        let children = self.shape.children(g);
        if fallible && children.iter().any(|&child| !self.shape.fallible(child)) {
            self.line("// .map(Ok): a child that cannot fail gives (), the others a Result;");
            self.line("// a set (or a list) holds one type.");
        }
    }

    /// `static PAIRS: [(Duration, &str); N] = [...];` for a group written
    /// as a table.
    fn table(&mut self, g: u32) {
        let rows: Vec<Expr> = self
            .shape
            .table_pairs(g)
            .map(|pair| tuple(vec![duration(pair.delay), literal(pair)]))
            .collect();
        let lead = format!("static PAIRS: [(Duration, &str); {}] = ", rows.len());
        self.statement(&lead, &array(rows), ";");
    }

    fn body(&mut self, g: u32) {
        let fallible = self.shape.group_fallible(g);
        match self.shape.kind(g) {
            GroupKind::Serial => self.serial(g, fallible),
            GroupKind::Gather => self.gather(g, fallible, None),
            GroupKind::Limit(permits) => {
                // tokio's semaphore holds at most MAX_PERMITS; a limit that
                // high is no limit anyway.
                let permits = match permits.get() > usize::MAX >> 3 {
                    true => "Semaphore::MAX_PERMITS".to_owned(),
                    false => permits.to_string(),
                };
                self.line(&format!("let semaphore = Semaphore::new({permits});"));
                self.uses.semaphore = true;
                self.gather(g, fallible, Some("with_permit"));
            }
            GroupKind::Tasks if self.shape.cancellable(g) => {
                self.line("// A JoinSet, not bare handles: this group may be cancelled from");
                self.line("// outside, and dropping a JoinSet aborts its tasks, where a dropped");
                self.line("// JoinHandle lets its task run on.");
                self.join_set(g, fallible, false);
            }
            GroupKind::Tasks if self.many_mixed(g) => {
                self.line("// Many tasks of several kinds: spawned into a JoinSet one statement");
                self.line("// each (one array of thousands of handles is slow to compile), then");
                self.line("// awaited as they finish, which ends when the last one does.");
                self.join_set(g, fallible, false);
            }
            GroupKind::Tasks => self.tasks(g, fallible),
            GroupKind::Joinset => self.join_set(g, fallible, false),
            GroupKind::Group => self.join_set(g, fallible, true),
            GroupKind::Race => self.race(g, fallible),
            GroupKind::Timeout(deadline) => {
                let child = self.shape.children(g)[0];
                let tried = self.shape.fallible(child);
                self.line("// At the deadline the child's future is dropped, mid-sleep: that is");
                self.line("// how a future is cancelled.");
                let mut expr = call("timeout", vec![duration(deadline), self.child(child)])
                    .awaited()
                    .method(
                        "map_err",
                        vec![Expr::Closure("|elapsed| elapsed.to_string()".into())],
                    );
                if tried {
                    expr = expr.tried();
                }
                self.uses.timeout = true;
                self.statement("", &expr, "");
            }
            GroupKind::Threads => self.threads(g),
        }
    }

    fn serial(&mut self, g: u32, fallible: bool) {
        if let Some(action) = self.shape.table(g) {
            self.table(g);
            self.open("for &(delay, what) in &PAIRS {");
            let tried = if action == Action::Fail { "?" } else { "" };
            self.line(&format!("{}(delay, what).await{tried};", pair_fn(action)));
            self.close("}");
        } else {
            for &child in self.shape.children(g) {
                let mut expr = self.child(child).awaited();
                if self.shape.fallible(child) {
                    expr = expr.tried();
                }
                self.statement("", &expr, ";");
            }
        }
        if fallible {
            self.line("Ok(())");
        }
    }

    /// gather, and limit (`wrap` = `with_permit`: each child behind the
    /// semaphore).
    fn gather(&mut self, g: u32, fallible: bool, wrap: Option<&str>) {
        let wrapped = |child: Expr| match wrap {
            Some(f) => call(f, vec![atom("&semaphore"), child]),
            None => child,
        };
        let children = self.shape.children(g);
        if let [only] = children {
            let expr = wrapped(self.child(*only)).awaited();
            let tail = if fallible { "" } else { ";" };
            self.statement("", &expr, tail);
            return;
        }
        if let Some(action) = self.shape.table(g) {
            self.table(g);
            let each = call(pair_fn(action), vec![atom("delay"), atom("what")]);
            let each = wrapped(each).flat_text();
            let chain = format!("PAIRS.iter().map(|&(delay, what)| {each})");
            self.iterator("let children = ", &chain, ";");
            self.joined_all(fallible);
            return;
        }
        if children.len() >= super::TABLE_FROM {
            self.unordered_children(g, fallible, wrap);
            self.line("// Polled together, in one task, like join_all.");
            self.drain_unordered(fallible);
            return;
        }
        self.uses.join = true;
        let exprs: Vec<Expr> = children
            .iter()
            .map(|&child| wrapped(self.child(child)))
            .collect();
        let joined = macro_call("join", exprs);
        if !fallible {
            self.statement("", &joined, ";");
            return;
        }
        let names: Vec<&str> = children
            .iter()
            .zip(ORDINALS)
            .map(|(&child, name)| {
                if self.shape.fallible(child) {
                    name
                } else {
                    "_"
                }
            })
            .collect();
        let lead = format!("let ({}) = ", names.join(", "));
        self.statement(&lead, &joined, ";");
        self.line("// Every child has finished: the first failure, if any, is the group's.");
        let results: Vec<&str> = names.into_iter().filter(|n| *n != "_").collect();
        let mut tail = results[0].to_owned();
        for result in &results[1..] {
            let _ = write!(tail, ".and({result})");
        }
        self.line(&tail);
    }

    /// Many children of several types, each boxed (one type for all)
    /// into a `FuturesUnordered`: one statement each, which rustc checks
    /// far faster than one array literal of thousands of futures.
    fn unordered_children(&mut self, g: u32, fallible: bool, wrap: Option<&str>) {
        self.explain_map_ok(g, fallible);
        self.uses.unordered = true;
        self.uses.boxed = true;
        self.line("let mut children = FuturesUnordered::new();");
        for &child in self.shape.children(g) {
            let mut expr = self.child(child);
            if let Some(f) = wrap {
                expr = call(f, vec![atom("&semaphore"), expr]);
            }
            if fallible && !self.shape.fallible(child) {
                expr = expr.method("map", vec![atom("Ok")]);
                self.uses.future_map = true;
            }
            let pushed = call("children.push", vec![expr.method("boxed", Vec::new())]);
            self.statement("", &pushed, ";");
        }
    }

    /// Awaits every child of a `FuturesUnordered`, as they finish.
    fn drain_unordered(&mut self, fallible: bool) {
        if !fallible {
            self.line("while children.next().await.is_some() {}");
            return;
        }
        self.line("let mut ended = Ok(());");
        self.open("while let Some(result) = children.next().await {");
        self.line("// The first failure is the group's; the others go on.");
        self.line("ended = ended.and(result);");
        self.close("}");
        self.line("ended");
    }

    fn joined_all(&mut self, fallible: bool) {
        self.uses.join_all = true;
        match fallible {
            false => self.line("join_all(children).await;"),
            true => {
                self.line(
                    "// Every child has finished: the first failure, if any, is the group's.",
                );
                self.line("join_all(children).await.into_iter().collect()");
            }
        }
    }

    /// `lead` + an iterator chain over the table, as rustfmt lays it out.
    fn iterator(&mut self, lead: &str, chain: &str, tail: &str) {
        let one_line = format!("{lead}{chain}{tail}");
        let chain_width = chain.chars().count();
        if chain_width <= 60 && self.indent * 4 + one_line.chars().count() <= 100 {
            self.line(&one_line);
            return;
        }
        // The chain is `PAIRS.iter().map(...)` (and maybe `.collect()`):
        // split at its top-level dots.
        let parts = top_level_links(chain);
        self.line(&format!("{lead}{}", parts[0]));
        self.indent += 1;
        for (i, part) in parts[1..].iter().enumerate() {
            let last = i + 2 == parts.len();
            self.line(&format!("{part}{}", if last { tail } else { "" }));
        }
        self.indent -= 1;
    }

    fn tasks(&mut self, g: u32, fallible: bool) {
        if let Some(action) = self.shape.table(g) {
            self.table(g);
            let each = format!("tokio::spawn({}(delay, what))", pair_fn(action));
            let chain = format!("PAIRS.iter().map(|&(delay, what)| {each}).collect()");
            self.iterator("let tasks: Vec<_> = ", &chain, ";");
        } else {
            self.explain_map_ok(g, fallible);
            let spawned: Vec<Expr> = self
                .shape
                .children(g)
                .iter()
                .map(|&child| {
                    let child = self.uniform(child, fallible);
                    call("tokio::spawn", vec![child])
                })
                .collect();
            self.statement("let tasks = ", &array(spawned), ";");
        }
        self.line("// Awaiting a handle only waits: the task has been running since spawn.");
        if !fallible {
            self.open("for task in tasks {");
            self.line("task.await.unwrap();");
            self.close("}");
            return;
        }
        self.line("let mut ended = Ok(());");
        self.open("for task in tasks {");
        self.line("// Every task is awaited; the first failure is the group's.");
        self.line("ended = ended.and(task.await.unwrap());");
        self.close("}");
        self.line("ended");
    }

    /// joinset (results as they complete), and a task group (`abort`:
    /// the first failure returns, dropping the set, which aborts the rest).
    fn join_set(&mut self, g: u32, fallible: bool, abort: bool) {
        self.uses.join_set = true;
        self.line("let mut set = JoinSet::new();");
        if let Some(action) = self.shape.table(g) {
            self.table(g);
            self.open("for &(delay, what) in &PAIRS {");
            self.line(&format!("set.spawn({}(delay, what));", pair_fn(action)));
            self.close("}");
        } else {
            self.explain_map_ok(g, fallible);
            for &child in self.shape.children(g) {
                let child = self.uniform(child, fallible);
                self.statement("", &call("set.spawn", vec![child]), ";");
            }
        }
        if abort && fallible {
            self.line("// The first failure returns early and drops the set, which aborts");
            self.line("// the tasks still running.");
            self.open("while let Some(joined) = set.join_next().await {");
            self.line("joined.unwrap()?;");
            self.close("}");
            self.line("Ok(())");
            return;
        }
        if !fallible {
            self.line("// join_next waits for whichever task finishes next.");
            self.open("while let Some(joined) = set.join_next().await {");
            self.line("joined.unwrap();");
            self.close("}");
            return;
        }
        self.line("let mut ended = Ok(());");
        self.line("// join_next waits for whichever task finishes next.");
        self.open("while let Some(joined) = set.join_next().await {");
        self.line("ended = ended.and(joined.unwrap());");
        self.close("}");
        self.line("ended");
    }

    fn race(&mut self, g: u32, fallible: bool) {
        let children = self.shape.children(g);
        if let [only] = children {
            let expr = self.child(*only).awaited();
            let tail = if fallible { "" } else { ";" };
            self.statement("", &expr, tail);
            return;
        }
        if children.len() < super::TABLE_FROM {
            self.line("// The first branch to finish wins; the others' futures are dropped,");
            self.line("// which cancels them. biased: the branches are polled in the order");
            self.line("// given, so a tie goes to the first.");
            self.open("tokio::select! {");
            self.line("biased;");
            for &child in children {
                let expr = self.child(child).flat_text();
                let arm = match (fallible, self.shape.fallible(child)) {
                    (false, _) => format!("() = {expr} => {{}}"),
                    (true, true) => format!("ended = {expr} => ended,"),
                    (true, false) => format!("() = {expr} => Ok(()),"),
                };
                self.line(&arm);
            }
            self.close("}");
            return;
        }
        if let Some(action) = self.shape.table(g) {
            self.uses.select_all = true;
            self.table(g);
            let each = format!("Box::pin({}(delay, what))", pair_fn(action));
            let chain = format!("PAIRS.iter().map(|&(delay, what)| {each})");
            self.iterator("let children = ", &chain, ";");
            self.line("// select_all polls the children in order and returns with the first");
            self.line("// done; dropping the rest cancels them.");
            match fallible {
                false => self.line("select_all(children).await;"),
                true => self.line("select_all(children).await.0"),
            }
            return;
        }
        self.unordered_children(g, fallible, None);
        self.line("// The first to finish wins; dropping the rest cancels them.");
        match fallible {
            false => self.line("children.next().await;"),
            true => self.line("children.next().await.unwrap()"),
        }
    }

    fn threads(&mut self, g: u32) {
        self.uses.thread = true;
        self.uses.spawn_blocking = true;
        self.table(g);
        let chain = "PAIRS.iter().map(|&(delay, what)| thread::spawn(move || sleep_then_say(delay, what))).collect()";
        self.iterator("let threads: Vec<_> = ", chain, ";");
        self.line("// join blocks: wait on tokio's blocking pool, so that the runtime's");
        self.line("// own thread stays free.");
        self.open("spawn_blocking(move || {");
        self.open("for thread in threads {");
        self.line("thread.join().unwrap();");
        self.close("}");
        self.close("})");
        self.line(".await");
        self.line(".unwrap();");
    }
}

/// `a.b(c.d).e()` split at its top-level dots: `a`, `.b(c.d)`, `.e()`.
fn top_level_links(chain: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, c) in chain.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            '.' if depth == 0 => {
                parts.push(&chain[start..i]);
                start = i;
            }
            _ => {}
        }
    }
    parts.push(&chain[start..]);
    parts
}

/// The helper that runs a pair doing `action`.
fn pair_fn(action: Action) -> &'static str {
    match action {
        // Refused before emitting (see `Emit::refuses`): never reached.
        Action::Say | Action::Command => "say_after",
        Action::Fail => "fail_after",
        Action::Block => "blocking_say_after",
        Action::SpawnBlocking => "say_after_on_pool",
    }
}

/// A delay as the plainest exact `Duration`.
fn duration(delay: Duration) -> Expr {
    let nanos = delay.as_nanos();
    atom(match nanos {
        0 => "Duration::ZERO".to_owned(),
        n if n % 1_000_000_000 == 0 => format!("Duration::from_secs({})", n / 1_000_000_000),
        n if n % 1_000_000 == 0 => format!("Duration::from_millis({})", n / 1_000_000),
        n if n % 1_000 == 0 => format!("Duration::from_micros({})", n / 1_000),
        n => format!("Duration::from_nanos({n})"),
    })
}

fn literal(pair: &Pair) -> Expr {
    atom(string_literal(&pair.message))
}

/// `text` as a Rust string literal that reads back as exactly `text`.
pub(crate) fn string_literal(text: &str) -> String {
    emit::string_literal(text, |out, c| {
        let _ = match c as u32 {
            0 => write!(out, "\\0"),
            code @ 0..=0x7f => write!(out, "\\x{code:02x}"),
            code => write!(out, "\\u{{{code:x}}}"),
        };
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse::parse_argument;

    #[test]
    fn literals_escape_what_rustc_would_misread() {
        assert_eq!(string_literal("hello"), "\"hello\"");
        assert_eq!(string_literal("say \"hi\""), "\"say \\\"hi\\\"\"");
        assert_eq!(string_literal("it's"), "\"it's\"");
        assert_eq!(string_literal("a\\b"), "\"a\\\\b\"");
        assert_eq!(
            string_literal("two\nlines\r\ttab"),
            "\"two\\nlines\\r\\ttab\""
        );
        assert_eq!(string_literal("\0\x1b[31m\x7f"), "\"\\0\\x1b[31m\\x7f\"");
        assert_eq!(string_literal("{braces}"), "\"{braces}\"");
    }

    #[test]
    fn literals_keep_readable_unicode_and_escape_the_invisible() {
        assert_eq!(string_literal("héllo 世界 👋"), "\"héllo 世界 👋\"");
        // rustc refuses a raw bidi override in a literal (deny-by-default).
        assert_eq!(string_literal("abc\u{202e}cba"), "\"abc\\u{202e}cba\"");
        assert_eq!(
            string_literal("\u{85}\u{2028}\u{feff}"),
            "\"\\u{85}\\u{2028}\\u{feff}\""
        );
    }

    #[test]
    fn delays_are_the_plainest_exact_duration() {
        let text = |d| duration(d).flat_text();
        assert_eq!(text(Duration::ZERO), "Duration::ZERO");
        assert_eq!(text(Duration::from_secs(3)), "Duration::from_secs(3)");
        assert_eq!(
            text(Duration::from_millis(2500)),
            "Duration::from_millis(2500)"
        );
        assert_eq!(
            text(Duration::from_micros(1500)),
            "Duration::from_micros(1500)"
        );
        assert_eq!(
            text(Duration::from_nanos(123456789)),
            "Duration::from_nanos(123456789)"
        );
    }

    #[test]
    fn comments_never_carry_a_raw_newline_or_bidi_override() {
        let scenario = parse_argument("gather(1:'a\nb\u{202e}c', serial(2:d))", 1, false).unwrap();
        let program = rust(&scenario);
        for line in program.lines().filter(|l| l.trim_start().starts_with("//")) {
            assert!(!line.contains('\u{202e}'), "{line}");
        }
        assert!(
            program
                .starts_with("// Emitted by saywhen from the scenario: gather(1:'a\\nb\\u{202e}c'")
        );
    }
}
