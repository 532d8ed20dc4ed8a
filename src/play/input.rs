//! Keys to actions: what each key of `saywhen play` does, apart from the
//! terminal, so it can be tested without one.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Something the player can be asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    TogglePlay,
    Forward,
    Back,
    NextInstant,
    PreviousInstant,
    Faster,
    Slower,
    Home,
    End,
    /// Open the "go to a time" prompt.
    GoTo,
    ToggleCode,
    ToggleHelp,
    SelectNext,
    SelectPrevious,
    /// A character typed into the open prompt.
    Type(char),
    Erase,
    /// Close the prompt and go to the time typed.
    Confirm,
    /// Close the prompt or the help.
    Cancel,
    Quit,
}

/// What `key` asks for; `prompt` tells whether the time prompt is open,
/// where keys type instead.
pub fn action(key: KeyEvent, prompt: bool) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('d')) {
        return Some(Action::Quit);
    }
    if prompt {
        return match key.code {
            KeyCode::Enter => Some(Action::Confirm),
            KeyCode::Esc => Some(Action::Cancel),
            KeyCode::Backspace => Some(Action::Erase),
            KeyCode::Char(c) if !c.is_control() => Some(Action::Type(c)),
            _ => None,
        };
    }
    Some(match key.code {
        KeyCode::Char(' ') => Action::TogglePlay,
        KeyCode::Right => Action::Forward,
        KeyCode::Left => Action::Back,
        KeyCode::Char(']') => Action::NextInstant,
        KeyCode::Char('[') => Action::PreviousInstant,
        KeyCode::Char('+') | KeyCode::Char('=') => Action::Faster,
        KeyCode::Char('-') | KeyCode::Char('_') => Action::Slower,
        KeyCode::Home => Action::Home,
        KeyCode::End => Action::End,
        KeyCode::Char('g') => Action::GoTo,
        KeyCode::Char('c') => Action::ToggleCode,
        KeyCode::Char('?') => Action::ToggleHelp,
        KeyCode::Down | KeyCode::Tab => Action::SelectNext,
        KeyCode::Up | KeyCode::BackTab => Action::SelectPrevious,
        KeyCode::Esc => Action::Cancel,
        KeyCode::Char('q') => Action::Quit,
        _ => return None,
    })
}

/// The keys, as the help shows them.
pub const KEYS: [(&str, &str); 11] = [
    ("space", "play or pause"),
    ("→ / ←", "one step forward or back"),
    ("] / [", "the next or previous instant"),
    ("+ / -", "faster or slower (0.25× to 16×)"),
    ("Home / End", "the start or the end"),
    ("g", "go to a time (type it, Enter)"),
    ("c", "the asyncio or the tokio program"),
    ("↑ ↓ / tab", "select a group: its arithmetic"),
    ("?", "this help"),
    ("q / Ctrl-C", "quit"),
    ("Esc", "close the help or the prompt"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn keys_map_to_actions_and_the_prompt_types() {
        assert_eq!(action(key(KeyCode::Right), false), Some(Action::Forward));
        assert_eq!(action(key(KeyCode::Char('g')), false), Some(Action::GoTo));
        assert_eq!(
            action(key(KeyCode::Char('g')), true),
            Some(Action::Type('g'))
        );
        assert_eq!(action(key(KeyCode::Enter), true), Some(Action::Confirm));
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(action(ctrl_c, true), Some(Action::Quit));
        assert_eq!(
            action(key(KeyCode::Char('c')), false),
            Some(Action::ToggleCode)
        );
        assert_eq!(action(key(KeyCode::F(5)), false), None);
    }
}
