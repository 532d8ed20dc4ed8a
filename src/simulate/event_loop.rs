//! The event loop, simulated: tokio's current-thread runtime running a
//! scenario, step by step, on a perfect clock. It keeps what the real one
//! keeps: tasks and their run queue, the futures inside each task and the
//! order their combinators poll them (`join_all`, `select_all`, `serial`,
//! a JoinSet), wake-ups, the timer wheel (see [`timer`]) and the thread.
//! Polling takes no time, except that a blocking call holds the thread:
//! the simulated clock moves on while it does, and whatever falls due
//! meanwhile waits, ready but not polled, until the thread is free.
//!
//! The blocking pool (`spawn_blocking`) and OS threads (`threads(...)`) run
//! beside the loop: their sleeps end exactly on time, and the task waiting
//! on them is woken the next time the loop looks at its driver.
//!
//! The multi-thread runtime ([`EventLoop::multi`]) is the same machinery on
//! several threads: the root future on the thread that called `block_on`
//! (tokio's `Runtime::block_on` polls it there, not on a worker), spawned
//! tasks on N workers taking ready tasks from one queue, and the timer
//! driven only by a worker with nothing to do (a worker parks on the
//! driver; the caller's thread never drives it), so while every worker is
//! held by a blocking call no timer fires. A blocking call holds its own
//! thread only: the poll stops there (what the task would poll after it
//! waits, since the thread is not free to poll it) and the task goes on
//! where it stopped when the call returns. Which worker runs which task
//! is tokio's work stealing's choice; this model takes one choice, and
//! [`crate::simulate::bounds`] brackets the others.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::Duration;

use crate::scenario::end::End;
use crate::scenario::tree::{Action, GroupKind, Node, Scenario};
use crate::simulate::UNKNOWN;
use crate::simulate::observe::{Observer, State};
use crate::simulate::timer::{self, EVENT_INTERVAL, SMALL_JOIN};

const STARTED: u8 = 1;
/// A pair's timer fired (or its off-thread sleep was delivered); a
/// timeout's deadline fired.
const FIRED: u8 = 2;
const ENDED: u8 = 4;
/// A task waiting in the run queue.
const SCHEDULED: u8 = 8;
/// A child in its `join_all`'s list of woken futures.
const QUEUED: u8 = 16;
/// An off-thread sleep that ended: the pair said its message, whatever
/// happens to its future after.
const SAID: u8 = 32;
/// A task whose thread a blocking call holds (multi-thread): it goes on
/// there when the call returns, and no other thread may poll it meanwhile.
const HELD: u8 = 64;

#[derive(Clone, Copy)]
struct Flags {
    bits: u8,
    end: End,
}

impl Flags {
    const NEW: Flags = Flags {
        bits: 0,
        end: End::Done,
    };

    fn has(self, bit: u8) -> bool {
        self.bits & bit != 0
    }
}

/// A permit's place in `limit(N, ...)`'s line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    NotYet,
    Waiting,
    Granted,
}

/// What a group keeps while it runs.
#[derive(Default)]
struct Running {
    children: Vec<Node>,
    /// serial: the child running; tasks: the next handle awaited.
    cursor: usize,
    /// Children not ended (the join kinds).
    remaining: usize,
    failed: bool,
    /// A large `join_all`'s woken children, in the order woken.
    woken: VecDeque<Node>,
    /// A JoinSet's finished tasks, in the order they finished.
    finished: VecDeque<Node>,
    /// timeout and group: the turns yielded since the deadline or the
    /// failure, to let what ends at that instant end.
    settle: Option<usize>,
    /// timeout: the turn's yield was polled once (the next poll ends it).
    yielded: bool,
    /// limit: free permits, whose turn it is, each child's place.
    free: usize,
    turn: usize,
    places: Vec<Place>,
    /// limit, when large: where each child sits among the children.
    positions: Vec<((u8, u32), usize)>,
}

/// What a timer wakes.
#[derive(Clone, Copy)]
enum Target {
    Pair(u32),
    Deadline(u32),
}

/// The simulation of one run.
pub struct EventLoop<'a, O: Observer> {
    scenario: &'a Scenario,
    pub observer: O,
    now: Duration,
    /// The steps the wheel has processed.
    elapsed: u64,
    pairs: Vec<Flags>,
    groups: Vec<Flags>,
    running: Vec<Running>,
    timers: BTreeMap<u64, Vec<Target>>,
    /// Sleeps on other threads, by when they end.
    offloaded: BTreeMap<Duration, Vec<u32>>,
    /// When each off-thread sleep ends.
    offloaded_ends: HashMap<u32, Duration>,
    queue: VecDeque<Node>,
    root_woken: bool,
    deferred: Vec<Node>,
    settle_turns: usize,
    /// The multi-thread runtime's threads; `None` on the current-thread
    /// runtime.
    threads: Option<Box<Threads>>,
    /// A blocking call holds the thread that polls: the rest of this poll
    /// waits until it returns (multi-thread only).
    held: bool,
    /// The pair whose blocking call just returned, while its task's poll
    /// goes back down to it (multi-thread only).
    resuming: Option<u32>,
}

/// The threads of a multi-thread runtime: the caller's (0), where the
/// root future runs, and the workers (1..), and what each is doing.
struct Threads {
    /// Worker threads; `usize::MAX` for one per task.
    workers: usize,
    /// The threads held by a blocking call, by when they are free.
    holds: BTreeMap<(Duration, usize), Held>,
    /// Workers held, and whether the caller's thread is.
    busy: usize,
    main_held: bool,
    /// Workers once held and free again, and the next never used.
    free_ids: Vec<usize>,
    next_id: usize,
    /// The thread polling now, and its task.
    thread: usize,
    task: Node,
}

/// A thread held by a blocking call: until when, by which pair, and the
/// task that goes on polling when it returns.
#[derive(Clone, Copy)]
struct Held {
    thread: usize,
    until: Duration,
    pair: u32,
    task: Node,
}

impl Threads {
    /// A worker with nothing to do, if any.
    fn free_worker(&self) -> Option<usize> {
        (self.busy < self.workers).then(|| self.free_ids.last().copied().unwrap_or(self.next_id))
    }

    fn hold(&mut self, held: Held) {
        match held.thread {
            0 => self.main_held = true,
            worker => {
                self.busy += 1;
                match self.free_ids.last() == Some(&worker) {
                    true => _ = self.free_ids.pop(),
                    false => self.next_id = self.next_id.max(worker + 1),
                }
            }
        }
        self.holds.insert((held.until, held.thread), held);
    }

    /// The first thread whose blocking call has returned by `now`.
    fn release(&mut self, now: Duration) -> Option<Held> {
        let entry = self.holds.first_entry().filter(|e| e.key().0 <= now)?;
        let held = entry.remove();
        match held.thread {
            0 => self.main_held = false,
            worker => {
                self.busy -= 1;
                self.free_ids.push(worker);
            }
        }
        Some(held)
    }
}

impl<'a, O: Observer> EventLoop<'a, O> {
    pub fn new(scenario: &'a Scenario, observer: O) -> Self {
        let groups = scenario.groups().len();
        EventLoop {
            scenario,
            observer,
            now: Duration::ZERO,
            elapsed: 0,
            pairs: vec![Flags::NEW; scenario.plan().len()],
            groups: vec![Flags::NEW; groups],
            running: (0..groups).map(|_| Running::default()).collect(),
            timers: BTreeMap::new(),
            offloaded: BTreeMap::new(),
            offloaded_ends: HashMap::new(),
            queue: VecDeque::new(),
            root_woken: true,
            deferred: Vec::new(),
            settle_turns: 2 * scenario.depth() + 2,
            threads: None,
            held: false,
            resuming: None,
        }
    }

    /// The same on a multi-thread runtime of `workers` worker threads
    /// (`usize::MAX`: a worker for every task).
    pub fn multi(scenario: &'a Scenario, observer: O, workers: usize) -> Self {
        let mut model = EventLoop::new(scenario, observer);
        model.threads = Some(Box::new(Threads {
            workers: workers.max(1),
            holds: BTreeMap::new(),
            busy: 0,
            main_held: false,
            free_ids: Vec::new(),
            next_id: 1,
            thread: 0,
            task: scenario.root(),
        }));
        model
    }

    /// Runs the scenario on the multi-thread runtime to its end; returns
    /// when the root ended.
    pub fn run_multi(&mut self) -> Duration {
        let root = self.scenario.root();
        while !self.flags(root).has(ENDED) {
            if self.step_threads(root) {
                continue;
            }
            if !self.advance() {
                break;
            }
        }
        self.now
    }

    /// Does what can be done at this instant, one poll at a time: a thread
    /// whose blocking call returned goes on, the caller's thread polls the
    /// root, a free worker a ready task, and a worker with nothing to do
    /// drives the timer. `false` when nothing is left to do now.
    fn step_threads(&mut self, root: Node) -> bool {
        let now = self.now;
        let threads = self.threads.as_mut().expect("a multi-thread model");
        if let Some(held) = threads.release(now) {
            self.resume(held);
            return true;
        }
        if !threads.main_held && self.root_woken {
            self.root_woken = false;
            self.poll_on(0, root);
            return true;
        }
        let free = threads.free_worker();
        if let Some(worker) = free
            && let Some(task) = self.queue.pop_front()
        {
            // A task held on another thread is polled there when its
            // blocking call returns, not here: a task runs on one thread
            // at a time.
            match self.flags(task).has(HELD) {
                true => self.flags_mut(task).bits &= !SCHEDULED,
                false => self.poll_on(worker, task),
            }
            return true;
        }
        if !self.deferred.is_empty() {
            for node in std::mem::take(&mut self.deferred) {
                self.wake(node);
            }
            return true;
        }
        let woken = (self.root_woken, self.queue.len());
        self.deliver_offloaded();
        if free.is_some() {
            self.fire_timers();
        }
        woken != (self.root_woken, self.queue.len())
    }

    /// Polls `task` on `thread`.
    fn poll_on(&mut self, thread: usize, task: Node) {
        if let Some(threads) = self.threads.as_mut() {
            threads.thread = thread;
            threads.task = task;
        }
        self.poll_task(task);
        self.held = false;
    }

    /// A blocking call returned: its pair ends, and its task goes on where
    /// it stopped, on the same thread, before anything else runs there.
    fn resume(&mut self, held: Held) {
        self.flags_mut(held.task).bits &= !HELD;
        let node = self.pair_node(held.pair);
        if self.pairs[held.pair as usize].has(ENDED) {
            return;
        }
        self.pairs[held.pair as usize].bits |= FIRED;
        let Some(wakes) = self.mark_woken(node) else {
            return;
        };
        self.resuming = Some(held.pair);
        self.poll_on(held.thread, held.task);
        self.resuming = None;
        // Whatever woke the task while its thread was held is polled
        // next (on the caller's thread, the root; a task, on a worker).
        match wakes {
            Wakes::Root => self.root_woken = true,
            Wakes::Task(task) => self.wake_task(task),
        }
    }

    /// Nothing more can happen now: the clock moves on to the next
    /// blocking call's return, off-thread sleep's end or, while a worker
    /// is free to drive it, timer. `false` if there is none.
    fn advance(&mut self) -> bool {
        let threads = self.threads.as_ref().expect("a multi-thread model");
        let free = threads.free_worker().is_some();
        let held = threads.holds.keys().next().map(|&(until, _)| until);
        let timer = (self.timers.keys().next())
            .filter(|_| free)
            .map(|&s| timer::at_step(s));
        let off = self.offloaded.keys().next().copied();
        let Some(next) = [held, timer, off].into_iter().flatten().min() else {
            return false;
        };
        self.now = self.now.max(next);
        true
    }

    /// Runs the scenario to its end; returns when the root ended.
    pub fn run(&mut self) -> Duration {
        let root = self.scenario.root();
        'outer: loop {
            if self.flags(root).has(ENDED) {
                break;
            }
            if std::mem::take(&mut self.root_woken) {
                self.poll_task(root);
                if self.flags(root).has(ENDED) {
                    break;
                }
            }
            for _ in 0..EVENT_INTERVAL {
                match self.queue.pop_front() {
                    Some(task) => self.poll_task(task),
                    None => {
                        let woken = self.root_woken || !self.deferred.is_empty();
                        if !woken && !self.park() {
                            break 'outer;
                        }
                        self.drive();
                        continue 'outer;
                    }
                }
            }
            self.drive();
        }
        self.now
    }

    /// Nothing is ready: the clock moves on to the next timer or
    /// off-thread sleep. `false` if there is none (nothing can happen).
    fn park(&mut self) -> bool {
        let timer = self.timers.keys().next().map(|&s| timer::at_step(s));
        let off = self.offloaded.keys().next().copied();
        let next = match (timer, off) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => return false,
        };
        self.now = self.now.max(next);
        true
    }

    /// The loop looks at its driver: fires the timers due by now, delivers
    /// what other threads finished, wakes the tasks that yielded.
    fn drive(&mut self) {
        self.fire_timers();
        self.deliver_offloaded();
        for node in std::mem::take(&mut self.deferred) {
            self.wake(node);
        }
    }

    /// The driver's timer: fires, in step order, the timers due in the
    /// steps passed by now.
    fn fire_timers(&mut self) {
        self.elapsed = self.elapsed.max(timer::steps_passed(self.now));
        while let Some(entry) = self.timers.first_entry() {
            if *entry.key() > self.elapsed {
                break;
            }
            let (step, targets) = entry.remove_entry();
            for target in targets {
                self.fire(target, timer::at_step(step));
            }
        }
    }

    fn deliver_offloaded(&mut self) {
        while let Some(entry) = self.offloaded.first_entry() {
            if *entry.key() > self.now {
                break;
            }
            let (at, pairs) = entry.remove_entry();
            for pair in pairs {
                self.deliver(pair, at);
            }
        }
    }

    fn fire(&mut self, target: Target, due: Duration) {
        match target {
            Target::Pair(index) => {
                let flags = &mut self.pairs[index as usize];
                if flags.has(ENDED) {
                    return;
                }
                flags.bits |= FIRED;
                let node = self.pair_node(index);
                if O::STATES {
                    self.observer.state(node, State::Ready, due);
                }
                self.wake(node);
            }
            Target::Deadline(g) => {
                let flags = &mut self.groups[g as usize];
                if flags.has(ENDED) {
                    return;
                }
                flags.bits |= FIRED;
                self.wake(Node::Group(g));
            }
        }
    }

    /// A sleep on another thread ended at `at`: the pair said its message
    /// then, whatever the loop was doing.
    fn deliver(&mut self, index: u32, at: Duration) {
        let node = self.pair_node(index);
        if self.pairs[index as usize].has(ENDED) {
            return;
        }
        match node {
            Node::Pair {
                action: action @ (Action::SpawnBlocking | Action::Command),
                ..
            } => {
                // Said on the pool thread (or the command exited); the task
                // awaiting it learns when it is next polled.
                let end = match self.scenario.leaf_fails(index as usize, action) {
                    true => End::Failed,
                    false => End::Done,
                };
                self.pairs[index as usize].bits |= FIRED | SAID;
                self.pairs[index as usize].end = end;
                self.observer.end(node, at, end);
                self.wake(node);
            }
            _ => {
                self.pairs[index as usize].bits |= FIRED;
                self.end_at(node, End::Done, at);
                // A pair of threads(...): the group is woken once its last
                // thread is joined.
                if let Some(g) = self.scenario.parent(node) {
                    let running = &mut self.running[g as usize];
                    running.remaining = running.remaining.saturating_sub(1);
                    if running.remaining == 0 {
                        self.wake(Node::Group(g));
                    }
                }
            }
        }
    }

    fn pair_node(&self, index: u32) -> Node {
        let action = self.scenario.action_of(index as usize);
        Node::Pair { index, action }
    }

    fn offload(&mut self, index: u32, delay: Duration) {
        let at = self.now.saturating_add(delay);
        self.offloaded.entry(at).or_default().push(index);
        self.offloaded_ends.insert(index, at);
    }

    fn flags(&self, node: Node) -> Flags {
        match node {
            Node::Pair { index, .. } => self.pairs[index as usize],
            Node::Group(g) => self.groups[g as usize],
        }
    }

    fn flags_mut(&mut self, node: Node) -> &mut Flags {
        match node {
            Node::Pair { index, .. } => &mut self.pairs[index as usize],
            Node::Group(g) => &mut self.groups[g as usize],
        }
    }

    /// Wakes `node`: each future's waker wakes the one around it, up to
    /// its task, which goes to the back of the run queue.
    fn wake(&mut self, node: Node) {
        match self.mark_woken(node) {
            Some(Wakes::Root) => self.root_woken = true,
            Some(Wakes::Task(task)) => self.wake_task(task),
            None => {}
        }
    }

    /// Puts `task` at the back of the run queue, unless it is there.
    fn wake_task(&mut self, task: Node) {
        let flags = self.flags_mut(task);
        if !flags.has(SCHEDULED) {
            flags.bits |= SCHEDULED;
            self.queue.push_back(task);
        }
    }

    /// The wakers from `node` up to its task: each large `join_all` on the
    /// way notes its woken child. Which task is woken; `None` if an
    /// ended future is on the way.
    fn mark_woken(&mut self, node: Node) -> Option<Wakes> {
        let mut at = node;
        loop {
            if self.flags(at).has(ENDED) {
                return None;
            }
            let Some(parent) = self.scenario.parent(at) else {
                return Some(Wakes::Root);
            };
            let kind = self.scenario.group(parent).kind;
            if matches!(
                kind,
                GroupKind::Tasks | GroupKind::Joinset | GroupKind::Group
            ) {
                return Some(Wakes::Task(at));
            }
            let running = &self.running[parent as usize];
            if matches!(kind, GroupKind::Gather | GroupKind::Limit(_))
                && running.children.len() > SMALL_JOIN
            {
                let flags = self.flags_mut(at);
                if !flags.has(QUEUED) {
                    flags.bits |= QUEUED;
                    self.running[parent as usize].woken.push_back(at);
                }
            }
            at = Node::Group(parent);
        }
    }

    fn poll_task(&mut self, task: Node) {
        let flags = self.flags_mut(task);
        flags.bits &= !SCHEDULED;
        if flags.has(ENDED) {
            return;
        }
        if self.poll(task).is_some() {
            // The task's JoinHandle wakes whoever awaits it.
            if let Some(g) = self.scenario.parent(task) {
                self.running[g as usize].finished.push_back(task);
                self.wake(Node::Group(g));
            }
        }
    }

    fn begin(&mut self, node: Node) {
        self.flags_mut(node).bits |= STARTED;
        self.observer.begin(node, self.now);
    }

    fn end(&mut self, node: Node, end: End) -> Option<End> {
        self.end_at(node, end, self.now);
        Some(end)
    }

    fn end_at(&mut self, node: Node, end: End, at: Duration) {
        let flags = self.flags_mut(node);
        if flags.has(ENDED) {
            return;
        }
        flags.bits |= ENDED;
        if flags.has(SAID) {
            // Told already, when its thread said it (its end is kept).
            return;
        }
        flags.end = end;
        self.observer.end(node, at, end);
    }

    fn state(&mut self, node: Node, state: State) {
        if O::STATES {
            self.observer.state(node, state, self.now);
        }
    }

    /// Polls `node`: how it ended, or `None` while it waits.
    fn poll(&mut self, node: Node) -> Option<End> {
        if self.held {
            // The thread is held: nothing more is polled until it is free.
            return None;
        }
        let flags = self.flags(node);
        if flags.has(ENDED) {
            return Some(flags.end);
        }
        match node {
            Node::Pair { index, action } => self.poll_pair(index, action, flags),
            Node::Group(g) => self.poll_group(g, flags),
        }
    }

    fn poll_pair(&mut self, index: u32, action: Action, flags: Flags) -> Option<End> {
        let node = Node::Pair { index, action };
        let delay = self.delay(index);
        let ends = match self.scenario.leaf_fails(index as usize, action) {
            true => End::Failed,
            false => End::Done,
        };
        if self.resuming == Some(index) {
            self.resuming = None;
        }
        if flags.has(STARTED) {
            return match flags.has(FIRED) {
                true => self.end(node, ends),
                false => None,
            };
        }
        self.begin(node);
        match action {
            Action::Say | Action::Fail => {
                let step = timer::step_of(self.now.saturating_add(delay));
                if step <= self.elapsed {
                    // Due in a step the wheel has processed: done at once.
                    return self.end(node, ends);
                }
                self.state(node, State::Sleeping);
                self.timers
                    .entry(step)
                    .or_default()
                    .push(Target::Pair(index));
                None
            }
            Action::Block => {
                // The thread is held: the clock moves on, nothing else runs.
                self.state(node, State::Holding);
                let until = self.now.saturating_add(delay);
                if let Some(threads) = self.threads.as_mut() {
                    // On a multi-thread runtime only this thread stops.
                    let held = Held {
                        thread: threads.thread,
                        until,
                        pair: index,
                        task: threads.task,
                    };
                    threads.hold(held);
                    self.flags_mut(held.task).bits |= HELD;
                    if O::STATES {
                        self.observer.hold(held.thread, node, self.now, until);
                    }
                    self.held = true;
                    return None;
                }
                if O::STATES {
                    self.observer.hold(0, node, self.now, until);
                }
                self.now = until;
                self.end(node, End::Done)
            }
            // A command runs in a process of its own; its task awaits it,
            // like a sleep on the blocking pool.
            Action::SpawnBlocking | Action::Command => {
                self.state(node, State::Offloaded);
                self.offload(index, delay);
                None
            }
        }
    }

    /// How long leaf `index` takes: a pair's delay, a command's measured
    /// time ([`UNKNOWN`] before it ran).
    fn delay(&self, index: u32) -> Duration {
        self.scenario.delay(index as usize).unwrap_or(UNKNOWN)
    }

    fn poll_group(&mut self, g: u32, flags: Flags) -> Option<End> {
        let node = Node::Group(g);
        let kind = self.scenario.group(g).kind;
        if !flags.has(STARTED) {
            self.begin(node);
            self.state(node, State::Children);
            let children: Vec<Node> = self.scenario.children(g).collect();
            let running = &mut self.running[g as usize];
            running.remaining = children.len();
            running.children = children;
            self.start(g, kind);
        }
        let ended = match kind {
            GroupKind::Serial => self.serial(g),
            GroupKind::Gather => self.join_all(g, None),
            GroupKind::Limit(n) => self.join_all(g, Some(n.get())),
            GroupKind::Race => self.race(g),
            GroupKind::Timeout(_) => self.timeout(g),
            GroupKind::Tasks => self.tasks(g),
            GroupKind::Joinset => self.joinset(g),
            GroupKind::Group => self.task_group(g),
            GroupKind::Threads => {
                let done = self.running[g as usize].remaining == 0;
                done.then_some(End::Done)
            }
        }?;
        self.end(node, ended)
    }

    /// What a group does on its first poll, before it polls its children.
    fn start(&mut self, g: u32, kind: GroupKind) {
        let children = self.running[g as usize].children.clone();
        match kind {
            GroupKind::Serial => {
                for &later in children.iter().skip(1) {
                    self.state(later, State::Waiting);
                }
            }
            GroupKind::Limit(n) => {
                let running = &mut self.running[g as usize];
                running.free = n.get();
                running.places = vec![Place::NotYet; children.len()];
            }
            GroupKind::Timeout(limit) => {
                let step = timer::step_of(self.now.saturating_add(limit));
                if step <= self.elapsed {
                    self.groups[g as usize].bits |= FIRED;
                } else {
                    self.timers
                        .entry(step)
                        .or_default()
                        .push(Target::Deadline(g));
                }
            }
            GroupKind::Tasks | GroupKind::Joinset | GroupKind::Group => {
                // Spawning: each child is a task, run when the loop gets to
                // it.
                for &child in &children {
                    self.state(child, State::Ready);
                    self.flags_mut(child).bits |= SCHEDULED;
                    self.queue.push_back(child);
                }
            }
            GroupKind::Threads => {
                for &child in &children {
                    let Node::Pair { index, .. } = child else {
                        continue;
                    };
                    self.begin(child);
                    self.state(child, State::Offloaded);
                    let delay = self.delay(index);
                    self.offload(index, delay);
                }
            }
            GroupKind::Gather | GroupKind::Race => {
                for &child in &children {
                    self.state(child, State::Ready);
                }
            }
        }
    }

    fn serial(&mut self, g: u32) -> Option<End> {
        loop {
            let running = &self.running[g as usize];
            let Some(&child) = running.children.get(running.cursor) else {
                return Some(End::Done);
            };
            let ended = self.poll(child)?;
            let running = &mut self.running[g as usize];
            running.cursor += 1;
            if ended.failed() {
                // `?` in a coroutine: the rest never start.
                let later: Vec<Node> = running.children[running.cursor..].to_vec();
                for node in later {
                    self.cut(node, End::Skipped);
                }
                return Some(End::Failed);
            }
        }
    }

    /// `join_all` (gather), or the `join_all` of permit-then-child that
    /// `limit(N, ...)` is.
    fn join_all(&mut self, g: u32, permits: Option<usize>) -> Option<End> {
        let running = &mut self.running[g as usize];
        let small = running.children.len() <= SMALL_JOIN;
        let first = running.cursor == 0;
        running.cursor = 1;
        if first && !small && permits.is_some() {
            let running = &mut self.running[g as usize];
            let mut positions: Vec<_> = (running.children.iter().map(|&c| order(c)))
                .zip(0..)
                .collect();
            positions.sort_unstable();
            running.positions = positions;
        }
        if first || small {
            for position in self.resume_from(g)..self.running[g as usize].children.len() {
                let child = self.running[g as usize].children[position];
                self.poll_joined(g, child, position, permits);
            }
        } else {
            while !self.held
                && let Some(child) = self.running[g as usize].woken.pop_front()
            {
                self.flags_mut(child).bits &= !QUEUED;
                let position = match permits {
                    Some(_) => self.position(g, child),
                    None => 0,
                };
                self.poll_joined(g, child, position, permits);
            }
        }
        let running = &self.running[g as usize];
        (running.remaining == 0).then_some(match running.failed {
            true => End::Failed,
            false => End::Done,
        })
    }

    /// Where group `g` goes on polling its children: from the first, or,
    /// when a blocking call below it returned (multi-thread), from the
    /// child it was polling then: the same poll goes on, and the children
    /// before it wait for the next.
    fn resume_from(&self, g: u32) -> usize {
        let Some(pair) = self.resuming else {
            return 0;
        };
        let children = &self.running[g as usize].children;
        (children.iter())
            .position(|&c| self.scenario.span(c).0.contains(&pair))
            .unwrap_or(0)
    }

    /// Where `child` sits among a large limit's children.
    fn position(&self, g: u32, child: Node) -> usize {
        let positions = &self.running[g as usize].positions;
        let key = order(child);
        positions
            .binary_search_by(|(k, _)| k.cmp(&key))
            .map_or(0, |i| positions[i].1)
    }

    /// Polls the child at `position` of a `join_all`; under a limit, once
    /// it holds a permit.
    fn poll_joined(&mut self, g: u32, child: Node, position: usize, permits: Option<usize>) {
        if self.flags(child).has(ENDED) {
            return;
        }
        if self.held {
            // Not polled this time: a large join_all must poll it later.
            let large = self.running[g as usize].children.len() > SMALL_JOIN;
            let flags = self.flags_mut(child);
            if large && !flags.has(QUEUED) {
                flags.bits |= QUEUED;
                self.running[g as usize].woken.push_back(child);
            }
            return;
        }
        if permits.is_some() && self.running[g as usize].places[position] != Place::Granted {
            let running = &mut self.running[g as usize];
            if running.turn == position && running.free > 0 {
                running.free -= 1;
                running.places[position] = Place::Granted;
                self.pass_turn(g);
            } else {
                if running.places[position] == Place::NotYet {
                    running.places[position] = Place::Waiting;
                    self.state(child, State::Permit);
                }
                return;
            }
        }
        if let Some(ended) = self.poll(child) {
            let running = &mut self.running[g as usize];
            running.remaining -= 1;
            running.failed |= ended.failed();
            if permits.is_some() {
                running.free += 1;
                self.wake_turn(g);
            }
        }
    }

    fn pass_turn(&mut self, g: u32) {
        self.running[g as usize].turn += 1;
        self.wake_turn(g);
    }

    /// A free permit wakes the child whose turn it is, and no other.
    fn wake_turn(&mut self, g: u32) {
        let running = &self.running[g as usize];
        if running.free == 0 || running.places.get(running.turn) != Some(&Place::Waiting) {
            return;
        }
        let child = running.children[running.turn];
        self.wake(child);
    }

    fn race(&mut self, g: u32) -> Option<End> {
        for position in self.resume_from(g)..self.running[g as usize].children.len() {
            let child = self.running[g as usize].children[position];
            if let Some(ended) = self.poll(child) {
                // The losers are dropped, mid-sleep.
                self.cut_children(g);
                return Some(ended);
            }
        }
        None
    }

    /// `select! { biased; child, sleep(limit) }`, then the engine's
    /// `settle`: turn after turn, poll the child, then yield; a yield is
    /// done the next time it is polled, so each poll of the timeout polls
    /// the child twice (what ends in it at this instant ends first).
    fn timeout(&mut self, g: u32) -> Option<End> {
        let child = *self.running[g as usize].children.first()?;
        loop {
            let running = &self.running[g as usize];
            let (turn, yielded) = (running.settle, running.yielded);
            if turn == Some(self.settle_turns) {
                self.cut_children(g);
                return Some(End::TimedOut);
            }
            if let Some(ended) = self.poll(child) {
                return Some(ended);
            }
            let running = &mut self.running[g as usize];
            match turn {
                None if !self.groups[g as usize].has(FIRED) => return None,
                None => running.settle = Some(0),
                Some(_) if !yielded => {
                    running.yielded = true;
                    self.deferred.push(Node::Group(g));
                    return None;
                }
                Some(turn) => {
                    running.settle = Some(turn + 1);
                    running.yielded = false;
                }
            }
        }
    }

    fn tasks(&mut self, g: u32) -> Option<End> {
        loop {
            let running = &self.running[g as usize];
            let Some(&child) = running.children.get(running.cursor) else {
                let failed = running.failed;
                return Some(if failed { End::Failed } else { End::Done });
            };
            let flags = self.flags(child);
            if !flags.has(ENDED) {
                return None;
            }
            let running = &mut self.running[g as usize];
            running.failed |= flags.end.failed();
            running.cursor += 1;
        }
    }

    fn joinset(&mut self, g: u32) -> Option<End> {
        while let Some(child) = self.running[g as usize].finished.pop_front() {
            let end = self.flags(child).end;
            let running = &mut self.running[g as usize];
            running.remaining -= 1;
            running.failed |= end.failed();
        }
        let running = &self.running[g as usize];
        (running.remaining == 0).then_some(match running.failed {
            true => End::Failed,
            false => End::Done,
        })
    }

    fn task_group(&mut self, g: u32) -> Option<End> {
        if let Some(turns) = self.running[g as usize].settle {
            self.running[g as usize].finished.clear();
            if turns < self.settle_turns {
                self.running[g as usize].settle = Some(turns + 1);
                self.deferred.push(Node::Group(g));
                return None;
            }
            // Aborting the JoinSet cancels every task still in it.
            self.cut_children(g);
            return Some(End::Failed);
        }
        while let Some(child) = self.running[g as usize].finished.pop_front() {
            let end = self.flags(child).end;
            self.running[g as usize].remaining -= 1;
            if end.failed() {
                self.running[g as usize].settle = Some(1);
                self.deferred.push(Node::Group(g));
                return None;
            }
        }
        (self.running[g as usize].remaining == 0).then_some(End::Done)
    }

    /// Ends whatever has not ended under group `g` (not `g` itself): the
    /// losers of a race, what a deadline or a failure cut off.
    fn cut_children(&mut self, g: u32) {
        let children = self.running[g as usize].children.clone();
        for child in children {
            self.cut(child, End::Cancelled);
        }
    }

    /// Ends `node`'s subtree as `end` says, now: what never began is
    /// skipped (or cancelled before it started). A sleep on another thread
    /// cannot be stopped: one that ended by now said its message then.
    fn cut(&mut self, node: Node, end: End) {
        let (pairs, groups) = self.scenario.span(node);
        for g in groups {
            self.end_at(Node::Group(g), end, self.now);
        }
        for index in pairs {
            let node = self.pair_node(index);
            if self.pairs[index as usize].has(ENDED) {
                continue;
            }
            let said = self.pairs[index as usize].has(SAID);
            // A command is killed when cut; a blocking sleep runs on.
            let unstoppable = !matches!(
                node,
                Node::Pair {
                    action: Action::Command,
                    ..
                }
            );
            match self.offloaded_ends.get(&index) {
                Some(&at) if said || (unstoppable && at <= self.now) => {
                    self.end_at(node, End::Done, at)
                }
                _ => self.end_at(node, end, self.now),
            }
        }
    }
}

/// Whom a waker wakes.
enum Wakes {
    Root,
    Task(Node),
}

/// A key to find a child by: pairs and groups each sort by index.
fn order(node: Node) -> (u8, u32) {
    match node {
        Node::Pair { index, .. } => (0, index),
        Node::Group(g) => (1, g),
    }
}
