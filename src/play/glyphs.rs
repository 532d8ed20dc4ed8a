//! How `saywhen play` shows a node's phase: a glyph and a colour, never
//! the colour alone (the word is beside it), and ASCII under `--ascii`.
//! The lesson page uses the same glyphs.

use ratatui::style::Color;

use crate::scenario::end::End;
use crate::simulate::{Phase, State};

/// The glyph of `phase`, in Unicode or ASCII.
pub fn glyph(phase: Phase, unicode: bool) -> &'static str {
    let (fancy, plain) = match phase {
        Phase::NotStarted => ("·", "."),
        Phase::In(state) => match state {
            State::Waiting => ("⋯", "_"),
            State::Permit => ("◔", "p"),
            State::Sleeping => ("☾", "z"),
            State::Ready => ("◇", "r"),
            State::Holding => ("■", "#"),
            State::Offloaded => ("⇉", "o"),
            State::Children => ("▿", "v"),
        },
        Phase::Ended(end) => match end {
            End::Done => ("✓", "+"),
            End::Failed => ("✗", "x"),
            End::Cancelled => ("✂", "c"),
            End::TimedOut => ("◷", "t"),
            End::Skipped => ("↷", "s"),
        },
    };
    match unicode {
        true => fancy,
        false => plain,
    }
}

/// The colour of `phase`.
pub fn colour(phase: Phase) -> Color {
    match phase {
        Phase::NotStarted => Color::DarkGray,
        Phase::In(state) => match state {
            State::Waiting | State::Permit => Color::Gray,
            State::Sleeping => Color::Blue,
            State::Ready => Color::Yellow,
            State::Holding => Color::Red,
            State::Offloaded => Color::Magenta,
            State::Children => Color::Cyan,
        },
        Phase::Ended(end) => match end {
            End::Done => Color::Green,
            End::Failed => Color::LightRed,
            End::Cancelled | End::TimedOut => Color::LightYellow,
            End::Skipped => Color::DarkGray,
        },
    }
}
