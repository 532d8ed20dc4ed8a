//! How each state of the model is drawn: the one table every picture of
//! a node's life reads (the terminal timelines, the SVG, the lesson page),
//! so a state looks the same wherever it is shown. A state is told by
//! its glyph, never by colour alone (a pipe gets no colour, and not every
//! eye tells red from green); colour only helps.
//!
//! ```text
//! · waiting for a permit; ░ sleeping on a timer; ▒ ready, not polled: the
//! thread is busy; █ holding the thread; ═ on a thread of its own
//! ```
//!
//! Under `--ascii` the glyphs are `#`, `!`, `-`, `.` and `~`. Waiting for
//! its turn is drawn as nothing (blank), as a serial's later pairs always
//! were; a group waiting for its children is its span, `├──┤`.

use anstyle::{AnsiColor, Color};

use crate::render::style::Style;
use crate::simulate::State;

/// How one state is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    /// Its cell in a Unicode terminal.
    pub unicode: char,
    /// Its cell under `--ascii` (or a terminal that shows nothing else).
    pub ascii: char,
    /// Its colour in a terminal that colours; `None`: quiet (dimmed).
    pub color: Option<AnsiColor>,
    /// Its fill in a picture (SVG), on white.
    pub fill: &'static str,
}

/// The look of `state`: the colours are the lesson page's (cyan sleeps,
/// magenta holds, orange, here yellow, is ready and starved), so the
/// pictures agree; red stays lateness's.
pub const fn look(state: State) -> Look {
    match state {
        State::Waiting => Look {
            unicode: ' ',
            ascii: ' ',
            color: None,
            fill: "#8a8a8a",
        },
        State::Permit => Look {
            unicode: '·',
            ascii: '.',
            color: Some(AnsiColor::Green),
            fill: "#9a6a00",
        },
        State::Sleeping => Look {
            unicode: '░',
            ascii: '-',
            color: Some(AnsiColor::Cyan),
            fill: "#7fc4cb",
        },
        State::Ready => Look {
            unicode: '▒',
            ascii: '!',
            color: Some(AnsiColor::Yellow),
            fill: "#d98a00",
        },
        State::Holding => Look {
            unicode: '█',
            ascii: '#',
            color: Some(AnsiColor::Magenta),
            fill: "#b8329e",
        },
        State::Offloaded => Look {
            unicode: '═',
            ascii: '~',
            color: Some(AnsiColor::Blue),
            fill: "#2f5fd0",
        },
        State::Children => Look {
            unicode: '─',
            ascii: '=',
            color: None,
            fill: "#666666",
        },
    }
}

/// The cell that draws `state` in `style`'s alphabet.
pub fn glyph(state: State, style: &Style) -> char {
    let look = look(state);
    if style.unicode {
        look.unicode
    } else {
        look.ascii
    }
}

/// The colour `state` is painted in (what [`Style::paint`] applies only
/// when the style colours).
pub fn color(state: State) -> anstyle::Style {
    match look(state).color {
        Some(color) => anstyle::Style::new().fg_color(Some(Color::Ansi(color))),
        None => anstyle::Style::new().dimmed(),
    }
}

/// Which state a drawn cell shows, if it shows one (the inverse of
/// [`glyph`]; blank is nobody's: it is also the space between bars).
pub fn state_of(cell: char, style: &Style) -> Option<State> {
    State::ALL
        .into_iter()
        .find(|&state| cell != ' ' && glyph(state, style) == cell)
}

/// The legend of `states` (in [`State::ALL`] order, each once): each
/// one's glyph and meaning, `; ` between them. A state drawn as blank is
/// left out: there is nothing to point at.
pub fn legend(states: impl IntoIterator<Item = State>, style: &Style) -> String {
    let mut states: Vec<State> = states.into_iter().collect();
    states.sort_unstable();
    states.dedup();
    let items: Vec<String> = states
        .into_iter()
        .filter(|&state| glyph(state, style) != ' ')
        .map(|state| format!("{} {}", glyph(state, style), state.meaning()))
        .collect();
    items.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ascii() -> Style {
        Style {
            unicode: false,
            ..Style::default()
        }
    }

    /// Every state a node can be seen in has a glyph of its own, in both
    /// alphabets, so a picture without colour still tells them apart.
    #[test]
    fn glyphs_are_distinct_in_both_alphabets() {
        for style in [Style::default(), ascii()] {
            let mut glyphs: Vec<char> = State::ALL.map(|s| glyph(s, &style)).to_vec();
            glyphs.sort_unstable();
            glyphs.dedup();
            assert_eq!(glyphs.len(), State::ALL.len());
            for state in State::ALL {
                let cell = glyph(state, &style);
                let back = state_of(cell, &style);
                assert_eq!(back, (cell != ' ').then_some(state));
                assert!(style.unicode || cell.is_ascii());
            }
        }
    }

    #[test]
    fn a_legend_lists_what_it_is_given_once_in_order() {
        let legend = legend(
            [
                State::Sleeping,
                State::Holding,
                State::Waiting,
                State::Holding,
            ],
            &Style::default(),
        );
        assert_eq!(legend, "░ sleeping on a timer; █ holding the thread");
        let ascii = super::legend([State::Permit, State::Ready], &ascii());
        assert_eq!(
            ascii,
            ". waiting for a permit; ! ready, not polled: the thread is busy"
        );
    }

    #[test]
    fn quiet_states_are_dimmed() {
        assert_eq!(color(State::Children), anstyle::Style::new().dimmed());
        assert_ne!(color(State::Ready), color(State::Holding));
    }
}
