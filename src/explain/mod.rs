//! `saywhen explain`: each mode (and a few topics) told for a learner: what
//! it does, the Rust code that runs it, the asyncio equivalent, and the wall
//! to expect. The code is quoted from the real source files, compiled in
//! with `include_str!`, so it cannot drift from what saywhen runs.

use std::fmt;
use std::str::FromStr;

use clap::builder::TypedValueParser;

use crate::scenario::mode::Mode;

/// What can be explained: a mode, or a topic that is not a mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    Mode(Mode),
    /// `saywhen compare`: every mode on the same pairs, side by side.
    Compare,
    /// `--virtual-time`: tokio's paused clock.
    VirtualTime,
    /// `--timeout`: cancelling what has not finished.
    Timeout,
    /// `--limit`: a semaphore.
    Limit,
    /// `--deadlines`: relative and absolute sleeps, and drift.
    Deadlines,
    /// `--runtime`/`--workers`: one thread or many.
    Runtime,
    /// A runtime inside a runtime.
    Nested,
    /// `--check`, `--max-wall`, `--baseline`: a run as a test for CI.
    Check,
    /// `saywhen run`: trees of pairs and groups, and their arithmetic.
    Scenario,
    /// `group(...)`: a task group, the first failure cancels the rest.
    Group,
    /// `fail(PAIR)`: a pair that fails after its sleep.
    Fail,
    /// `block(PAIR)`: the blocking mistake, inside a scenario.
    Block,
    /// `sh('COMMAND')`, `exec('prog', ...)`: real commands as leaves.
    Sh,
    /// Two timers due at once: who goes first, and tokio's 1 ms steps.
    Ties,
    /// The critical path and slack.
    Critical,
    /// `saywhen play` and `--at`: a run stepped through, forward and back.
    Play,
}

/// One lesson, as `saywhen explain TOPIC` prints it.
#[derive(Debug, Clone, Copy)]
pub struct Lesson {
    pub topic: Topic,
    /// What it does, in two or three sentences.
    pub what: &'static str,
    /// The source file quoted, as a path from the crate root.
    pub file: &'static str,
    /// The quoted code: the item of `file` that does the work.
    pub code: &'static str,
    /// The same in Python's asyncio.
    pub asyncio: &'static str,
    /// What wall time to expect, and why.
    pub expect: &'static str,
}

impl Topic {
    /// Every topic, modes first, in teaching order.
    pub fn all() -> impl Iterator<Item = Topic> {
        Mode::ALL.into_iter().map(Topic::Mode).chain([
            Topic::Compare,
            Topic::VirtualTime,
            Topic::Timeout,
            Topic::Limit,
            Topic::Deadlines,
            Topic::Runtime,
            Topic::Nested,
            Topic::Check,
            Topic::Scenario,
            Topic::Group,
            Topic::Fail,
            Topic::Block,
            Topic::Sh,
            Topic::Ties,
            Topic::Critical,
            Topic::Play,
        ])
    }

    pub fn name(self) -> &'static str {
        match self {
            Topic::Mode(mode) => mode.name(),
            Topic::Compare => "compare",
            Topic::VirtualTime => "virtual-time",
            Topic::Timeout => "timeout",
            Topic::Limit => "limit",
            Topic::Deadlines => "deadlines",
            Topic::Runtime => "runtime",
            Topic::Nested => "nested",
            Topic::Check => "check",
            Topic::Scenario => "scenario",
            Topic::Group => "group",
            Topic::Fail => "fail",
            Topic::Block => "block",
            Topic::Sh => "sh",
            Topic::Ties => "ties",
            Topic::Critical => "critical",
            Topic::Play => "play",
        }
    }

    /// What it is about, in a few words.
    pub fn summary(self) -> &'static str {
        match self {
            Topic::Mode(mode) => mode.summary(),
            Topic::Compare => "every mode on the same pairs, their walls side by side",
            Topic::VirtualTime => "--virtual-time: tokio's paused clock, instant and exact",
            Topic::Timeout => "--timeout: cancel what has not finished in time",
            Topic::Limit => "--limit: at most N at once, with a semaphore",
            Topic::Deadlines => "--deadlines: why serial sleeps drift, and the fix",
            Topic::Runtime => "--runtime, --workers: one thread or many",
            Topic::Nested => "a runtime inside a runtime, and the two entry points",
            Topic::Check => "--check, --max-wall, --baseline: a run as a test for CI",
            Topic::Scenario => "saywhen run: a tree of pairs and groups, and its arithmetic",
            Topic::Group => "group(...): a task group, the first failure cancels the rest",
            Topic::Fail => "fail(PAIR): a pair that fails after its sleep",
            Topic::Block => "block(PAIR): the blocking mistake inside a scenario",
            Topic::Sh => "sh('make test'), exec('cargo', 'build'): real commands as leaves",
            Topic::Ties => "two timers due at once, and tokio's 1 ms timer steps",
            Topic::Critical => "the critical path that sets the wall, and each node's slack",
            Topic::Play => "saywhen play, --at: step through a run, forward and back",
        }
    }

    /// A clap parser that accepts exactly the topics' names (and lists them
    /// when given anything else).
    pub fn parser() -> impl TypedValueParser<Value = Topic> {
        let names: Vec<&'static str> = Topic::all().map(Topic::name).collect();
        clap::builder::PossibleValuesParser::new(names).try_map(|name| name.parse::<Topic>())
    }

    pub fn lesson(self) -> Lesson {
        let (what, file, code, asyncio, expect) = match self {
            Topic::Mode(mode) => mode_lesson(mode),
            Topic::Compare => COMPARE,
            Topic::VirtualTime => VIRTUAL_TIME,
            Topic::Timeout => TIMEOUT,
            Topic::Limit => LIMIT,
            Topic::Deadlines => DEADLINES,
            Topic::Runtime => RUNTIME,
            Topic::Nested => NESTED,
            Topic::Check => CHECK,
            Topic::Scenario => SCENARIO,
            Topic::Group => GROUP,
            Topic::Fail => FAIL,
            Topic::Block => BLOCK,
            Topic::Sh => SH,
            Topic::Ties => TIES,
            Topic::Critical => CRITICAL,
            Topic::Play => PLAY,
        };
        Lesson {
            topic: self,
            what,
            file,
            code,
            asyncio,
            expect,
        }
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Topic {
    type Err = String;

    fn from_str(name: &str) -> Result<Topic, String> {
        Topic::all()
            .find(|topic| topic.name() == name)
            .ok_or_else(|| {
                let name = crate::escape::Quoted(name);
                format!("nothing to explain about '{name}'")
            })
    }
}

/// The part of `source` that starts at the line containing `start` and
/// ends at the closing brace at that line's indentation, dedented.
pub fn item(source: &str, start: &str) -> Option<String> {
    let mut lines = source.lines().skip_while(|line| !line.contains(start));
    let first = lines.next()?;
    let indent = &first[..first.len() - first.trim_start().len()];
    let close = format!("{indent}}}");
    let mut out = vec![first];
    for line in lines {
        out.push(line);
        if line == close {
            let text: Vec<&str> = out
                .iter()
                .map(|l| l.strip_prefix(indent).unwrap_or(l))
                .collect();
            return Some(text.join("\n"));
        }
    }
    None
}

type Parts = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// Each lesson quotes one item of one file; `code` is the whole file, and
/// [`Lesson::snippet`] cuts the item out.
fn mode_lesson(mode: Mode) -> Parts {
    match mode {
        Mode::Serial => SERIAL,
        Mode::Tasks => TASKS,
        Mode::Gather => GATHER,
        Mode::Race => RACE,
        Mode::Joinset => JOINSET,
        Mode::Blocking => BLOCKING,
        Mode::SpawnBlocking => SPAWN_BLOCKING,
        Mode::Threads => THREADS,
    }
}

impl Lesson {
    /// Where the quoted item starts in its file.
    pub fn start(&self) -> &'static str {
        match self.topic {
            Topic::Mode(_) => "pub async fn run(",
            Topic::Compare => "impl Comparison {",
            Topic::VirtualTime => "pub fn build(",
            Topic::Timeout => "fn guarded(",
            Topic::Limit => "fn poll(",
            Topic::Deadlines => "pub async fn say_at(",
            Topic::Runtime => "pub fn build(",
            Topic::Nested => "fn refuse_nesting(",
            Topic::Check => "pub fn judge(",
            Topic::Scenario => "async fn group(",
            Topic::Group => "pub async fn run(",
            Topic::Fail => "pub async fn fail_after(",
            Topic::Block => "pub async fn run(",
            Topic::Sh => "pub async fn run(",
            Topic::Ties => "fn fire_timers(",
            Topic::Critical => "fn walk(",
            Topic::Play => "pub fn apply(",
        }
    }

    /// The quoted item, cut from the file as compiled into this binary.
    pub fn snippet(&self) -> Option<String> {
        item(self.code, self.start())
    }

    /// What the quoted item does besides the lesson (for speed, say), told
    /// beside the quote rather than inside it: see [`note`].
    pub fn note(&self) -> Option<String> {
        note(self.code, self.start())
    }
}

/// The note above the item that starts at the line containing `start`: the
/// end of its doc comment, from the line `/// Note: ...` on, without the
/// slashes. A comment inside a quoted item reads as part of the lesson; one
/// about speed or robustness goes in such a note, so the quote stays the
/// lesson and the note is still in the file, next to the code.
pub fn note(source: &str, start: &str) -> Option<String> {
    let lines: Vec<&str> = source.lines().collect();
    let at = lines.iter().position(|line| line.contains(start))?;
    let doc: Vec<&str> = lines[..at]
        .iter()
        .rev()
        .map(|line| line.trim_start())
        .take_while(|line| line.starts_with("///"))
        .map(|line| line.trim_start_matches('/').strip_prefix(' ').unwrap_or(""))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let from = doc.iter().position(|line| line.starts_with("Note: "))?;
    let mut text = doc[from..].join("\n");
    text.replace_range(.."Note: ".len(), "");
    Some(text)
}

const SERIAL: Parts = (
    "Awaits each pair in turn: the second sleep starts only when the first has\n\
     ended. This is the tutorial's first example, two `await say_after(...)` in a\n\
     row: nothing overlaps, so nothing runs concurrently.",
    "src/mode/serial.rs",
    include_str!("../mode/serial.rs"),
    "await say_after(1, 'hello')\nawait say_after(2, 'world')",
    "The sum of the delays: `serial 1:hello 2:world` takes 3 s. On the real clock\n\
     each sleep also wakes a little late, and the next sleep counts from that\n\
     late wake-up, so the lateness adds up (see `saywhen explain deadlines`).",
);

const TASKS: Parts = (
    "Spawns every pair as its own tokio task first, then awaits the handles in\n\
     order. `tokio::spawn` hands the future to the runtime, which starts it at\n\
     once, so all the sleeps overlap. Messages come in the order of their\n\
     deadlines, not of the arguments.",
    "src/mode/tasks.rs",
    include_str!("../mode/tasks.rs"),
    "task1 = asyncio.create_task(say_after(1, 'hello'))\n\
     task2 = asyncio.create_task(say_after(2, 'world'))\n\
     await task1\n\
     await task2",
    "The longest delay: `tasks 1:hello 2:world` takes 2 s, because both sleeps\n\
     began at the same moment.",
);

const GATHER: Parts = (
    "Puts every pair's future into one `join_all` and awaits it: this one task\n\
     polls them all, nothing is spawned. The sleeps overlap as with tasks, but\n\
     there is no handle per pair to await or cancel on its own.",
    "src/mode/gather.rs",
    include_str!("../mode/gather.rs"),
    "await asyncio.gather(say_after(1, 'hello'), say_after(2, 'world'))",
    "The longest delay, as with tasks: `gather 1:hello 2:world` takes 2 s.",
);

const RACE: Parts = (
    "Starts every pair at once and waits only for the first to finish; the others\n\
     are cancelled mid-sleep and reported as cancelled. In Rust, cancelling a\n\
     future is dropping it: `select_all` returns the winner and the losers, and\n\
     dropping the losers stops them. A tie goes to the pair given first.",
    "src/mode/race.rs",
    include_str!("../mode/race.rs"),
    "tasks = [asyncio.create_task(say_after(d, m)) for d, m in pairs]\n\
     done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)\n\
     for task in pending:\n    task.cancel()",
    "The shortest delay: `race 3:slow 1:fast` takes 1 s and `slow` is cancelled\n\
     at +1s. With --limit, the first to finish in the limited schedule.",
);

const JOINSET: Parts = (
    "Spawns every pair into a `tokio::task::JoinSet`, then takes the results with\n\
     `join_next` as they complete, whichever task finishes first. `tasks` awaits\n\
     its handles in argument order and may sit on a slow one while fast ones are\n\
     done; a JoinSet never does. The report lists the order of completion.",
    "src/mode/joinset.rs",
    include_str!("../mode/joinset.rs"),
    "for next_done in asyncio.as_completed([say_after(d, m) for d, m in pairs]):\n    \
     await next_done",
    "The longest delay, as with tasks: `joinset 2:b 1:a` takes 2 s, and the\n\
     results come back a first, then b.",
);

const BLOCKING: Parts = (
    "The classic mistake: each pair is an async task, but it sleeps with\n\
     `std::thread::sleep`, which blocks the whole thread instead of yielding at\n\
     an `.await`. On a current-thread runtime (asyncio's one event loop) no other\n\
     task can run meanwhile, so the pairs run one after another although they\n\
     were spawned together. Even Ctrl-C must wait until the thread is free.",
    "src/mode/blocking.rs",
    include_str!("../mode/blocking.rs"),
    "async def say_after(delay, what):\n    time.sleep(delay)  # not: await asyncio.sleep(delay)\n    print(what)",
    "The sum of the delays, like serial: `blocking 1:a 1:b` takes 2 s where tasks\n\
     takes 1 s. With --runtime multi-thread the sleeps share the blocked workers:\n\
     about the sum divided by --workers. On the virtual clock the event-loop\n\
     model plays it (the held thread moves virtual time): instant and exact.",
);

const SPAWN_BLOCKING: Parts = (
    "The fix for `blocking`: the same `std::thread::sleep`, handed to\n\
     `tokio::task::spawn_blocking`, which runs it on a separate pool of threads\n\
     kept for blocking work. The runtime's own thread stays free, and awaiting\n\
     the handles yields like any other `.await`.",
    "src/mode/spawn_blocking.rs",
    include_str!("../mode/spawn_blocking.rs"),
    "def blocking_say_after(delay, what):\n    time.sleep(delay)\n    print(what)\n\n\
     await asyncio.gather(*(asyncio.to_thread(blocking_say_after, d, m) for d, m in pairs))",
    "The longest delay again: `spawn-blocking 1:a 1:b` takes 1 s. tokio's\n\
     blocking pool holds up to 512 threads; more pairs than that wait for a free\n\
     one. On the virtual clock the event-loop model plays it.",
);

const THREADS: Parts = (
    "No async at all: one OS thread per pair with `std::thread::spawn`, each\n\
     sleeping with `std::thread::sleep`, then `join` on each. The sleeps overlap\n\
     as with tasks, but every pair costs a whole thread and its stack, where a\n\
     tokio task costs a few hundred bytes.",
    "src/mode/threads.rs",
    include_str!("../mode/threads.rs"),
    "threads = [threading.Thread(target=blocking_say_after, args=(d, m)) for d, m in pairs]\n\
     for t in threads:\n    t.start()\n\
     for t in threads:\n    t.join()",
    "The longest delay: `threads 1:a 1:b` takes 1 s. On the virtual clock the\n\
     event-loop model plays it.",
);

const COMPARE: Parts = (
    "Runs the same pairs in each mode, one mode after another (serial, tasks and\n\
     gather, or what --modes names), then puts their walls in one table: the\n\
     expected wall, the measured one, the overhead, the speedup over serial\n\
     (serial's wall divided by the mode's) and the ratio to the fastest. A mode\n\
     that cannot run as asked, such as a blocking mode on the virtual clock, is\n\
     skipped with a note. --runs N measures each mode N times and compares the\n\
     medians.",
    "src/measure/compare.rs",
    include_str!("../measure/compare.rs"),
    "loop = asyncio.get_running_loop()\n\
     for mode in (serial, tasks, gather):\n    \
     start = loop.time()\n    \
     await mode(pairs)\n    \
     print(mode.__name__, loop.time() - start)",
    "Each mode's own wall, one mode after another: `compare 1:hello 2:world`\n\
     takes 3 s + 2 s + 2 s = 7 s in all, and the table shows serial 3s, tasks\n\
     and gather 2s each: 1.50× faster than serial. With --virtual-time the\n\
     whole comparison is instant and exact.",
);

const VIRTUAL_TIME: Parts = (
    "--virtual-time runs the very same mode code on tokio's paused clock. The\n\
     runtime is built with `start_paused(true)`; whenever every task is waiting\n\
     on a timer, tokio moves the clock straight to the next timer instead of\n\
     sleeping. `tokio::time::Instant` follows that clock, and saywhen measures\n\
     with it on both clocks, so an hour of delays takes microseconds and every\n\
     run is exact and repeatable. Only a current-thread runtime can pause, and\n\
     `std::thread::sleep` takes real time whatever tokio's clock says, so a run\n\
     that blocks (blocking, spawn-blocking, threads, block(...)) is played by\n\
     the event-loop model instead: the held thread moves virtual time.",
    "src/engine/runtime.rs",
    include_str!("../engine/runtime.rs"),
    "# asyncio has no paused clock of its own; test tools fake the loop's time,\n\
     # e.g. the looptime plugin for pytest:\n\
     @pytest.mark.looptime\n\
     async def test_serial():\n    \
     await say_after(3600, 'a')  # returns at once: loop.time() moved 3600 s",
    "Exactly the mode's wall, at once: `--virtual-time serial 1h:a 2h:b` reports\n\
     3h and finishes in milliseconds. tokio's timer counts whole milliseconds,\n\
     so a `1.5ms` delay reports 2ms, on this clock as on the real one.",
);

const SCENARIO: Parts = (
    "`saywhen run` takes a tree written the way the program would be:\n\
     `serial(1:user, gather(0.5:post1, 0.5:post2))` fetches the user, then the\n\
     posts at once. Each group is the construct a learner would write (serial,\n\
     tasks, gather, joinset, race, group, limit(N, ...), timeout(D, NODE)); every\n\
     node runs through one function, which hands a group to its kind's file, so a\n\
     flat mode is a one-level tree on the same engine. Before it runs, saywhen\n\
     works out when every node should start and end and how (the arithmetic);\n\
     on the virtual clock the run agrees exactly, node for node.",
    "src/mode/node.rs",
    include_str!("../mode/node.rs"),
    "async def fetch():\n\
     \x20   await say_after(1, 'user')\n\
     \x20   await asyncio.gather(say_after(0.5, 'post1'), say_after(0.5, 'post2'))",
    "Each group's rule, applied from the leaves up: serial adds, gather/tasks/\n\
     joinset take the max, race the min (the rest cancelled), limit(N) schedules\n\
     waves, timeout takes the smaller of its child and its deadline, group stops\n\
     at the first failure. `saywhen run --dry-run SCENARIO` prints the sum\n\
     without running: `gather(serial(1:a, 2:b), 3:c)` is\n\
     max(serial 1s + 2s = 3s, c 3s) = 3s.",
);

const GROUP: Parts = (
    "A task group (Python 3.11's `asyncio.TaskGroup`): every child is spawned\n\
     into a JoinSet; when one fails, the siblings still running are cancelled\n\
     (aborted) and the group fails. Without a failure it is `joinset`. Compare\n\
     `gather(...)`, where a failure leaves the others running.",
    "src/mode/group.rs",
    include_str!("../mode/group.rs"),
    "async with asyncio.TaskGroup() as tg:\n\
     \x20   tg.create_task(say_after(1, 'a'))\n\
     \x20   tg.create_task(fail_after(0.5, 'boom'))\n\
     \x20   tg.create_task(say_after(2, 'c'))",
    "The first failure's time, if any fails; else the longest child:\n\
     `saywhen run 'group(1:a, fail(0.5:boom), 2:c)'` takes 0.5 s, and a and c are\n\
     cancelled.",
);

const FAIL: Parts = (
    "`fail(1:boom)` sleeps its delay like any pair, then fails with its message\n\
     as the error, as a coroutine that raises. What happens next is its\n\
     parent's rule: serial skips the rest, gather/tasks/joinset/limit go on and\n\
     report the failure, group cancels the siblings, race takes it as the\n\
     winner if it finished first. The failure propagates to every group above.",
    "src/mode/say.rs",
    include_str!("../mode/say.rs"),
    "async def fail_after(delay, what):\n\
     \x20   await asyncio.sleep(delay)\n\
     \x20   raise RuntimeError(what)",
    "Its delay, like a pair: `serial(1:a, fail(1:boom), 5:c)` takes 2 s, and c is\n\
     skipped.",
);

const SH: Parts = (
    "`sh('make test')` runs its text with `sh -c`; `exec('cargo', 'build')` runs a\n\
     program without a shell; `name: unit` labels either. A command is a leaf like\n\
     a pair, anywhere in the tree, and it runs off the thread: the task awaits its\n\
     child process, and the runtime's thread stays free for every other task, as\n\
     with spawn_blocking. Exit 0 is done; any other exit (or a signal, or a program\n\
     that cannot start) fails the leaf, with the language's failure rules: serial\n\
     skips the rest, group cancels its siblings. Cancelling a command (a lost race,\n\
     a timeout, a failing sibling, Ctrl-C) ends its whole process group: SIGTERM,\n\
     then SIGKILL after --kill-after (2 s). Its stdin is /dev/null; its output is\n\
     kept (the last 8 KiB) and shown under it when it fails, or streamed with\n\
     --show-output. Real clock only.",
    "src/mode/command.rs",
    include_str!("../mode/command.rs"),
    "proc = await asyncio.create_subprocess_shell(\n\
     \x20   'make test', stdin=asyncio.subprocess.DEVNULL,\n\
     \x20   stdout=PIPE, stderr=STDOUT, start_new_session=True)\n\
     output, _ = await proc.communicate()\n\
     if proc.returncode != 0:\n\
     \x20   raise RuntimeError(f'exit {proc.returncode}')",
    "What the commands measured: a command's time is unknown until it has run\n\
     (`--dry-run` writes it `?`), so the arithmetic is worked out after the run from\n\
     each one's measured time: `gather(sh('sleep 0.2'), sh('sleep 0.3'))` expects\n\
     `max(sh 'sleep 0.2' 201ms measured, sh 'sleep 0.3' 302ms measured)`.",
);

const BLOCK: Parts = (
    "`block(1:x)` is the blocking mistake inside a scenario: the pair runs in an\n\
     async task but sleeps with `std::thread::sleep`, which holds the thread\n\
     instead of yielding. On the current-thread runtime nothing else runs\n\
     meanwhile: whatever falls due waits, ready but not polled, until the\n\
     thread is free. `spawn_blocking(1:x)` is the fix. The expected schedule\n\
     comes from a model of the event loop (src/simulate/), which holds the\n\
     thread for the block's delay and counts what waits behind it; on the\n\
     virtual clock the model plays the run, instantly and exactly.",
    "src/mode/blocking.rs",
    include_str!("../mode/blocking.rs"),
    "async def block(delay, what):\n\
     \x20   time.sleep(delay)  # blocks the event loop\n\
     \x20   print(what)",
    "What the model says, and why: `gather(block(1:a), 1:b)` takes 2 s where\n\
     `gather(1:a, 1:b)` takes 1 s (b's sleep only begins once a lets go of the\n\
     thread), and the arithmetic names who held the thread: `why: b waits 1s\n\
     to start: the thread is held by a 1s`. The Rust book's race of two slow\n\
     futures (chapter 17) takes 510 ms, not the 110 ms of its polite sum.\n\n\
     With --workers N (a multi-thread runtime) a block holds one thread only.\n\
     The root future runs on the thread that called `block_on`, so its blocks\n\
     still take turns (the race is 510 ms on any number of workers); spawned\n\
     tasks share the N workers, and a worker held by a block drives no timer.\n\
     Which worker runs which task is tokio's work stealing's choice, so there\n\
     the arithmetic gives bounds, `expected 100ms–300ms (multi-thread: tokio's\n\
     work stealing decides; bounds)`, and --check passes a wall within them.",
);

/// The rule itself is `timer::RULE`, kept once beside the code that follows
/// it.
const TIES: Parts = (
    crate::simulate::timer::RULE,
    "src/simulate/event_loop.rs",
    include_str!("../simulate/event_loop.rs"),
    "# asyncio has no steps (its clock counts nanoseconds); timers due at the\n\
     # same instant leave its heap in heap order, not always first in first out,\n\
     # and then run in its ready queue first in, first out:\n\
     loop.call_at(t, a); loop.call_at(t, b); loop.call_at(t, c)  # runs a, c, b",
    "`saywhen --virtual-time serial 1.5ms:a 0.3ms:b` takes 3 ms: a ends at 2 ms,\n\
     b, begun then, at 3 ms. `race(1:a, 1:b)`: a wins, b is cancelled. Found by\n\
     experiment on tokio 1.54 and Python 3.11 (tests/ties.rs, tests/ties.py).",
);

const CRITICAL: Parts = (
    "The critical path is the chain of nodes that sets the wall: shorten any of\n\
     them and the run ends sooner; shorten anything else and it does not. The\n\
     model's clock only moves while a blocking call holds the thread, or when\n\
     nothing is ready and it waits for the next timer; so walking back from the\n\
     end, asking at each instant what brought the clock there, finds the chain,\n\
     and its parts add up to the wall exactly (a sleep's part includes the\n\
     timer's rounding to its 1 ms step). A serial turn, a permit passed on, a\n\
     race's winner cost no time: they link one part to the next. Every other\n\
     node has slack: how much longer it could take without moving the wall,\n\
     found by growing it in the model until the wall moves (∞: it is cut off\n\
     before it ends, a race's loser, what a deadline cut). The tables mark the\n\
     path ◆ (* in ASCII) and give each node's slack; `--format json` has\n\
     `critical`, `slack_s` and a `figures` object.",
    "src/simulate/critical.rs",
    include_str!("../simulate/critical.rs"),
    "# asyncio has no such report; the same walk by hand: which await ended\n\
     # last, what it waited for, and so on back to the start:\n\
     await asyncio.gather(serial(), c())  # the longer branch is the path",
    "In the Rust book's race (`saywhen explain block`) the path is a1 → a2 → a3 →\n\
     b1 → b2 → b3 → b4, 510 ms: the thread's holds, not afin's 50 ms sleep, which\n\
     was due at 110 ms and has 400 ms of slack. In `gather(1:a, 3:b)` the path is\n\
     b; a could take 2 s longer.",
);

const PLAY: Parts = (
    "`saywhen play SCENARIO` plays a run back in the terminal, one step at a\n\
     time: a step is one change the event-loop model saw (a node began, went to\n\
     sleep, became ready, took the thread, ended), and the changes at one time\n\
     make an instant. The run is deterministic (the model, or a recorded report\n\
     with --replay), so the player can go back: every screen follows from the\n\
     cursor alone. Keys: space play/pause, right/left one step, ] and [ one\n\
     instant, + and - speed (0.25x to 16x), Home/End, g a time, c the asyncio or\n\
     tokio program, up/down a group's arithmetic, ? help, q quit. `--at T` prints\n\
     the same states at one instant, in any format, for a pipe or CI.",
    "src/play/state.rs",
    include_str!("../play/state.rs"),
    "# asyncio keeps no record of a run to step back through: its event loop\n\
     # only goes forward. A debugger can pause it, never rewind it.",
    "Nothing is waited for: the player moves through the model's instants at\n\
     the speed chosen, and `saywhen run 'gather(1:a, 2:b)' --at 1s` says a is\n\
     done and b still sleeping.",
);

const TIMEOUT: Parts = (
    "--timeout gives every pair the same deadline: the start plus the timeout,\n\
     like `asyncio.wait_for` around each pair. A pair sleeps until its own due\n\
     time or the deadline, whichever comes first; cut short by the deadline, it\n\
     is reported as cancelled. A pair whose turn comes (under --limit) at or\n\
     after the deadline never begins.",
    "src/mode/work.rs",
    include_str!("../mode/work.rs"),
    "try:\n    await asyncio.wait_for(say_after(2, 'world'), timeout=1.5)\n\
     except TimeoutError:\n    pass  # the coroutine was cancelled",
    "The smaller of the mode's wall and the timeout: `--timeout 1.5s tasks 1:a\n\
     2:b` takes 1.5 s; a is done at +1s, b is cancelled at +1.5s.",
);

const LIMIT: Parts = (
    "--limit N lets at most N pairs wait at once: each pair takes one of N\n\
     permits before it begins and gives it back when done (the permit is\n\
     dropped), like `async with semaphore:`. Permits go in argument order on any\n\
     runtime: a pair whose turn it is not yet waits, even if a permit is free,\n\
     and a permit given back wakes only the pair whose turn it is. A waiting\n\
     pair begins the moment a permit frees: the timeline shows waves.",
    "src/mode/limit.rs",
    include_str!("../mode/limit.rs"),
    "limit = asyncio.Semaphore(2)\n\n\
     async def limited(delay, what):\n    async with limit:\n        await say_after(delay, what)",
    "Found by simulating that schedule: `--limit 2 tasks 2:a 1:b 1:c` takes 2 s,\n\
     not 3: c begins at +1s, when b's permit frees.",
);

const DEADLINES: Parts = (
    "Every sleep ends a little late: tokio's timer fires on whole milliseconds,\n\
     then the scheduler has to run the task. With relative deadlines (the\n\
     default, what `tokio::time::sleep` and `asyncio.sleep` do) serial's next\n\
     sleep counts from that late wake-up, so the lateness adds up; --deadlines\n\
     absolute sleeps until the start plus the delays so far with `sleep_until`,\n\
     so a late wake-up shortens the next sleep.",
    "src/mode/say.rs",
    include_str!("../mode/say.rs"),
    "loop = asyncio.get_running_loop()\nstart, due = loop.time(), 0\n\
     for delay, what in pairs:\n    due += delay\n    \
     await asyncio.sleep(start + due - loop.time())  # not: asyncio.sleep(delay)\n    \
     print(what)",
    "The sum of the delays either way on a perfect clock. On a real one the\n\
     report's drift row shows the difference. Measured on a 2-core Linux VM,\n\
     serial with 1,000 × 1ms took 2.099s with relative deadlines (drift +1.099s,\n\
     about a millisecond per sleep) and 1.001s with absolute ones (drift +1ms).",
);

const RUNTIME: Parts = (
    "--runtime picks the tokio runtime saywhen builds. current-thread (the\n\
     default) drives every task from one thread, like asyncio's one event loop:\n\
     concurrency without parallelism. multi-thread spreads tasks over --workers\n\
     threads; for sleeps that changes nothing, but a blocking call then holds one\n\
     worker instead of everything. tokio can pause time only on a current-thread\n\
     runtime, so multi-thread needs the real clock.",
    "src/engine/runtime.rs",
    include_str!("../engine/runtime.rs"),
    "asyncio.run(main())  # one event loop, on this thread\n\
     # parallel work goes to a pool of threads:\n\
     await loop.run_in_executor(ThreadPoolExecutor(max_workers=2), blocking_say_after, 1, 'a')",
    "The same walls for the async modes on either runtime: `--workers 2 tasks 1:a\n\
     2:b` takes 2 s. `--workers 2 blocking` of four 250ms pairs took 500.7ms\n\
     where one thread took 1.001s: two blocked workers instead of one. The\n\
     report's runtime row says which runtime ran.",
);

const NESTED: Parts = (
    "A runtime cannot start inside a running one: `block_on` would block the very\n\
     thread the outer runtime needs, so tokio panics with \"Cannot start a runtime\n\
     from within a runtime\". saywhen's library has two entry points: `run` builds\n\
     its own runtime and first asks `Handle::try_current`, returning\n\
     `RunError::NestedRuntime` instead of panicking; `run_async` runs on the\n\
     caller's runtime.",
    "src/measure/run.rs",
    include_str!("../measure/run.rs"),
    "asyncio.run(main())  # inside a running loop, e.g. a Jupyter notebook:\n\
     # RuntimeError: asyncio.run() cannot be called from a running event loop\n\
     await main()         # what to do there instead (or patch the loop: nest_asyncio)",
    "None: the nested call fails at once, before any pair runs. From async code,\n\
     call `saywhen::run_async(plan, &spec, sink).await` instead.",
);

const CHECK: Parts = (
    "--check turns a run into a test: saywhen exits 1 when a mode's wall strays\n\
     from its expected wall by more than --tolerance (a duration, or a share of\n\
     the expected wall; by default 10%, at least 50ms). --max-wall fails a mode\n\
     that takes longer than a fixed time. With --runs, the median is judged, so\n\
     one slow run on a busy machine does not fail the build.\n\
     \n\
     --baseline base.json compares each mode's median with the one kept in a\n\
     report saved earlier (--export base.json) and prints both, side by side.\n\
     Two runs never take exactly the same time, so with --check a mode fails only\n\
     when it is slower than the baseline's median by more than the tolerance (of\n\
     the baseline's median) plus both runs' spread: the standard deviation of\n\
     each one's walls, which is zero for a single run. Being faster never fails.\n\
     A baseline of other pairs, another clock, or other options that change the\n\
     expected wall is an error (exit 2): there is nothing fair to compare.",
    "src/measure/baseline.rs",
    include_str!("../measure/baseline.rs"),
    "# pytest-benchmark keeps and compares baselines the same way:\n\
     pytest --benchmark-autosave            # the first run: the baseline\n\
     pytest --benchmark-compare --benchmark-compare-fail=median:10%",
    "On the virtual clock every wall is exact: `--virtual-time compare 1:hello\n\
     2:world --check` passes with 0s to spare, and the same run against its own\n\
     baseline changes by 0s. On a real runner, `--runs 5 --baseline base.json\n\
     --check` of a 3s serial run with a 2ms spread allows 300ms (10% of 3s) plus\n\
     both spreads before it fails.",
);

#[cfg(test)]
mod tests {
    use super::*;

    /// The quoted code is cut from the real file by its first line and its
    /// closing brace; if either moves, the quote would be wrong or empty.
    #[test]
    fn every_lesson_quotes_real_code() {
        for topic in Topic::all() {
            let lesson = topic.lesson();
            let snippet = lesson.snippet().unwrap_or_default();
            assert!(snippet.lines().count() >= 5, "{topic}: {snippet:?}");
            assert!(lesson.code.contains(snippet.lines().nth(1).unwrap()));
            assert!(lesson.file.starts_with("src/"), "{topic}");
        }
    }

    /// Each quote shows the call the lesson is about.
    #[test]
    fn each_quote_shows_its_key_call() {
        let key = |topic: Topic| match topic {
            Topic::Mode(Mode::Serial) => "work.run_here(child).await",
            Topic::Mode(Mode::Tasks) => "tokio::spawn(",
            Topic::Mode(Mode::Gather) => "join_all(futures)",
            Topic::Mode(Mode::Race) => "select_all(racers)",
            Topic::Mode(Mode::Joinset) => "set.join_next()",
            Topic::Mode(Mode::Blocking) => "std::thread::sleep(delay)",
            Topic::Mode(Mode::SpawnBlocking) => "spawn_blocking(",
            Topic::Mode(Mode::Threads) => "handle.join()",
            Topic::Compare => "fn speedup_vs_serial(",
            Topic::VirtualTime => "start_paused(true)",
            Topic::Timeout => "sleep_until(ends)",
            Topic::Limit => "queue.pass_turn()",
            Topic::Deadlines => "sleep_until(due)",
            Topic::Runtime => "Builder::new_multi_thread()",
            Topic::Nested => "Handle::try_current()",
            Topic::Check => "tolerance.allowance(baseline)",
            Topic::Scenario => "GroupKind::Race => race::run(&self, index).await",
            Topic::Group => "set.abort_all()",
            Topic::Fail => "recorder.fail(index)",
            Topic::Block => "std::thread::sleep(delay)",
            Topic::Sh => "leader.wait()",
            Topic::Ties => "self.fire(target, timer::at_step(step))",
            Topic::Critical => "at = candidate.part.from;",
            Topic::Play => "Action::Back => self.go(model, self.cursor.saturating_sub(1))",
        };
        for topic in Topic::all() {
            let snippet = topic.lesson().snippet().unwrap_or_default();
            assert!(snippet.contains(key(topic)), "{topic}: {snippet}");
        }
    }

    /// A note is cut from the doc comment above the item, from `Note:` on.
    #[test]
    fn note_is_the_end_of_the_doc_comment_above_the_item() {
        let source = "/// Does a.\n///\n/// Note: fast,\n/// because.\nfn a() {\n}\n/// No note.\nfn b() {\n}\n";
        assert_eq!(note(source, "fn a(").unwrap(), "fast,\nbecause.");
        assert_eq!(note(source, "fn b("), None);
    }

    /// gather's quote once held a paragraph on tokio's cooperative budget,
    /// a matter of speed, in the middle of the lesson.
    #[test]
    fn gathers_speed_note_is_beside_the_quote_not_in_it() {
        let lesson = Topic::Mode(Mode::Gather).lesson();
        let snippet = lesson.snippet().unwrap_or_default();
        assert!(!snippet.contains("budget"), "{snippet}");
        assert!(!snippet.contains("//"), "{snippet}");
        assert!(lesson.note().unwrap_or_default().contains("budget"));
    }

    #[test]
    fn every_name_parses_back() {
        for topic in Topic::all() {
            assert_eq!(topic.name().parse::<Topic>(), Ok(topic));
        }
        assert!("bogus".parse::<Topic>().is_err());
    }

    #[test]
    fn item_stops_at_the_closing_brace_and_dedents() {
        let source = "fn a() {\n}\nimpl X {\n    fn b() {\n        1\n    }\n    fn c() {}\n}\n";
        assert_eq!(item(source, "fn b(").unwrap(), "fn b() {\n    1\n}");
        assert_eq!(item(source, "fn a(").unwrap(), "fn a() {\n}");
        assert_eq!(item(source, "fn z("), None);
    }
}
