//! What `--timeout` and `--limit` cost in memory: at most 1.3 times a plain
//! run's peak. A guarded pair used to be a boxed future four times the size
//! of a plain one (1.39 GB against 371 MB at a million pairs); now it fits
//! in the plain one's space. Counted, not timed: this test binary's
//! allocator keeps the peak of the bytes allocated, which is the same on
//! every machine.

use std::alloc::{GlobalAlloc, Layout, System};
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use saywhen::{Clock, Mode, Pair, Plan, RunSpec, Silent};

/// The system allocator, counting the bytes in use and their peak.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        // SAFETY: the caller's layout goes to the system allocator as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The peak of the bytes allocated while `spec` runs 20,000 pairs of 1 s,
/// above what was in use before.
fn peak_of(spec: &RunSpec) -> usize {
    let pairs = (0..20_000)
        .map(|i| Pair::new(Duration::from_secs(1), format!("m{i}")))
        .collect();
    let plan = Arc::new(Plan::new(pairs).unwrap());
    let before = IN_USE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let report = saywhen::run(plan, spec, Arc::new(Silent)).unwrap();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    drop(report);
    peak
}

/// One test, not three: the counters are global, and tests run in
/// parallel threads.
#[test]
fn timeout_and_limit_cost_at_most_30_percent_more_than_a_plain_run() {
    for mode in [Mode::Gather, Mode::Tasks] {
        let plain = RunSpec::new(mode, Clock::Virtual);
        let mut timeout = plain.clone();
        timeout.timeout = Some(Duration::from_secs(3600));
        let mut limit = plain.clone();
        limit.limit = NonZeroUsize::new(10);
        let base = peak_of(&plain);
        for (option, spec) in [("--timeout 1h", timeout), ("--limit 10", limit)] {
            let peak = peak_of(&spec);
            let ratio = peak as f64 / base as f64;
            assert!(
                ratio <= 1.3,
                "{mode} {option}: {peak} bytes at peak, {ratio:.2}x the {base} of a plain run"
            );
        }
    }
}
