//! How `saywhen play`'s tree shows a node's phase: a glyph and a colour,
//! never the colour alone (the word is beside it), and ASCII under
//! `--ascii`. The glyphs are the lesson page's; a state's colour is every
//! timeline's ([`states`](crate::render::states)), and the timeline's
//! cells are drawn from there too. That table has no ends and no "not
//! started": those are here.

use anstyle::AnsiColor;
use ratatui::style::Color;

use crate::render::states;

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
        Phase::In(state) => match states::look(state).color {
            Some(AnsiColor::Black) => Color::Black,
            Some(AnsiColor::Red) => Color::Red,
            Some(AnsiColor::Green) => Color::Green,
            Some(AnsiColor::Yellow) => Color::Yellow,
            Some(AnsiColor::Blue) => Color::Blue,
            Some(AnsiColor::Magenta) => Color::Magenta,
            Some(AnsiColor::Cyan) => Color::Cyan,
            Some(_) | None => Color::Gray,
        },
        Phase::Ended(end) => match end {
            End::Done => Color::Green,
            End::Failed => Color::LightRed,
            End::Cancelled | End::TimedOut => Color::LightYellow,
            End::Skipped => Color::DarkGray,
        },
    }
}
