//! How a node's wait ends: done, failed, cancelled, timed out or skipped.
//! The words are the scenario's (a `fail(...)` leaf fails, a `timeout(...)`
//! group times out, a serial group skips what follows a failure); the
//! engine's recorder stores them, the report and every format name them.

/// How a node's wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum End {
    /// A pair said its message; a group saw all its children through.
    #[default]
    Done,
    /// A `fail(...)` pair failed, or a group reported a child's failure.
    Failed,
    /// Dropped before it could finish: a lost race, a timeout, a group
    /// aborting on a sibling's failure, `--timeout`.
    Cancelled,
    /// A `timeout(...)` group whose deadline came first.
    TimedOut,
    /// Never started: an earlier child of its serial group failed.
    Skipped,
}

impl End {
    /// Every end, in the order the recorder numbers them.
    pub const ALL: [End; 5] = [
        End::Done,
        End::Failed,
        End::Cancelled,
        End::TimedOut,
        End::Skipped,
    ];

    /// Its number: its place in [`End::ALL`], what the record and the
    /// schedule keep in the top bits of a word.
    pub fn code(self) -> u64 {
        self as u64
    }

    /// The end numbered `code` (see [`End::code`]; past the last, counted
    /// round again).
    pub fn of_code(code: u64) -> End {
        End::ALL[code as usize % End::ALL.len()]
    }

    /// Whether its parent sees a failure: a `fail(...)` pair, a group
    /// reporting one, a deadline that came first.
    pub fn failed(self) -> bool {
        matches!(self, End::Failed | End::TimedOut)
    }

    /// The name every format uses: `done`, `failed`, `cancelled`,
    /// `timed out`, `skipped`.
    pub fn name(self) -> &'static str {
        match self {
            End::Done => "done",
            End::Failed => "failed",
            End::Cancelled => "cancelled",
            End::TimedOut => "timed out",
            End::Skipped => "skipped",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An end's code is its discriminant, which must be its place in
    /// `End::ALL`, and the code gives the end back.
    #[test]
    fn an_ends_code_is_its_place() {
        for (place, end) in End::ALL.into_iter().enumerate() {
            assert_eq!(end as usize, place, "{end:?}");
            assert_eq!(end.code(), place as u64, "{end:?}");
            assert_eq!(End::of_code(end.code()), end, "{end:?}");
        }
    }
}
