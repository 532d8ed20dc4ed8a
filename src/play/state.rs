//! The player: where the cursor is, whether it plays and how fast, which
//! group is selected, which program shows, and the time prompt. It changes
//! only through [`Player::apply`] (an [`Action`]) and [`Player::tick`]
//! (real time passing while it plays), so every screen follows from it.

use std::time::Duration;

use crate::emit::Emit;
use crate::play::input::Action;
use crate::play::model::Model;
use crate::scenario::pair::parse_delay;

/// The speeds, in multiples of real time.
pub const SPEEDS: [f64; 7] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0];
const ONE_X: usize = 2;

#[derive(Debug, Clone, PartialEq)]
pub struct Player {
    /// How many steps have happened.
    pub cursor: usize,
    /// The time shown: the cursor's, or between steps while playing.
    pub now: Duration,
    pub playing: bool,
    /// A place in [`SPEEDS`].
    pub speed: usize,
    /// A place in the model's groups.
    pub selected: usize,
    pub code: Emit,
    pub help: bool,
    /// The time prompt's text, while it is open.
    pub prompt: Option<String>,
    /// What the last prompt could not read.
    pub message: Option<String>,
    pub quit: bool,
}

impl Default for Player {
    fn default() -> Player {
        Player::new()
    }
}

impl Player {
    /// Paused at t = 0, nothing happened yet.
    pub fn new() -> Player {
        Player {
            cursor: 0,
            now: Duration::ZERO,
            playing: false,
            speed: ONE_X,
            selected: 0,
            code: Emit::Python,
            help: false,
            prompt: None,
            message: None,
            quit: false,
        }
    }

    pub fn speed(&self) -> f64 {
        SPEEDS[self.speed]
    }

    /// Puts the cursor at `cursor`, paused there.
    fn go(&mut self, model: &Model, cursor: usize) {
        self.cursor = cursor.min(model.playback.len());
        self.now = model.playback.time(self.cursor);
        self.playing = false;
    }

    pub fn apply(&mut self, model: &Model, action: Action) {
        let playback = &model.playback;
        self.message = None;
        match action {
            Action::TogglePlay => {
                if self.playing {
                    self.playing = false;
                } else {
                    if self.cursor >= playback.len() {
                        self.go(model, 0);
                    }
                    self.playing = true;
                }
            }
            Action::Forward => self.go(model, self.cursor + 1),
            Action::Back => self.go(model, self.cursor.saturating_sub(1)),
            Action::NextInstant => self.go(model, playback.next_instant(self.cursor)),
            Action::PreviousInstant => self.go(model, playback.previous_instant(self.cursor)),
            Action::Faster => self.speed = (self.speed + 1).min(SPEEDS.len() - 1),
            Action::Slower => self.speed = self.speed.saturating_sub(1),
            Action::Home => self.go(model, 0),
            Action::End => self.go(model, playback.len()),
            Action::GoTo => {
                self.playing = false;
                self.prompt = Some(String::new());
            }
            Action::ToggleCode => {
                self.code = match self.code {
                    Emit::Python => Emit::Rust,
                    Emit::Rust => Emit::Python,
                }
            }
            Action::ToggleHelp => self.help = !self.help,
            Action::SelectNext => {
                let groups = model.groups().len().max(1);
                self.selected = (self.selected + 1) % groups;
            }
            Action::SelectPrevious => {
                let groups = model.groups().len().max(1);
                self.selected = (self.selected + groups - 1) % groups;
            }
            Action::Type(c) => {
                if let Some(text) = &mut self.prompt
                    && text.len() < 32
                {
                    text.push(c);
                }
            }
            Action::Erase => {
                if let Some(text) = &mut self.prompt {
                    text.pop();
                }
            }
            Action::Confirm => {
                let text = self.prompt.take().unwrap_or_default();
                match parse_delay(text.trim()) {
                    Ok(at) => {
                        self.cursor = playback.cursor_at(at);
                        self.now = at.min(model.wall.max(playback.time(playback.len())));
                    }
                    Err(reason) => self.message = Some(format!("not a time: {reason}")),
                }
            }
            Action::Cancel => {
                self.prompt = None;
                self.help = false;
            }
            Action::Quit => self.quit = true,
        }
    }

    /// `real` has passed while playing: the time moves on at the speed,
    /// and the cursor with it; at the end it pauses.
    pub fn tick(&mut self, model: &Model, real: Duration) {
        if !self.playing {
            return;
        }
        let end = model.playback.time(model.playback.len());
        let now = self.now + real.mul_f64(self.speed());
        self.now = now.min(end);
        self.cursor = model.playback.cursor_at(self.now);
        if self.cursor >= model.playback.len() {
            self.go(model, model.playback.len());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::style::Style;
    use crate::scenario::parse::parse_argument;

    fn model(text: &str) -> Model {
        Model::of(&parse_argument(text, 1, false).unwrap(), &Style::default())
    }

    #[test]
    fn forward_then_back_is_where_it_was() {
        let model = model("gather(serial(1:a, block(2:b)), 3:c)");
        let mut player = Player::new();
        for _ in 0..model.playback.len() {
            let before = player.clone();
            player.apply(&model, Action::Forward);
            assert_ne!(player, before);
            player.apply(&model, Action::Back);
            assert_eq!(player, before);
            player.apply(&model, Action::Forward);
        }
        assert_eq!(player.cursor, model.playback.len());
        player.apply(&model, Action::Forward);
        assert_eq!(player.cursor, model.playback.len());
    }

    #[test]
    fn playing_moves_with_real_time_at_the_speed_and_stops_at_the_end() {
        let model = model("serial(1:a, 2:b)");
        let mut player = Player::new();
        player.apply(&model, Action::TogglePlay);
        player.apply(&model, Action::Faster);
        player.tick(&model, Duration::from_millis(750));
        assert_eq!(player.now, Duration::from_millis(1500));
        assert_eq!(player.cursor, model.playback.cursor_at(player.now));
        player.tick(&model, Duration::from_secs(10));
        assert!(!player.playing);
        assert_eq!(player.cursor, model.playback.len());
        assert_eq!(player.now, Duration::from_secs(3));
        for _ in 0..10 {
            player.apply(&model, Action::Faster);
        }
        assert_eq!(player.speed(), 16.0);
        for _ in 0..10 {
            player.apply(&model, Action::Slower);
        }
        assert_eq!(player.speed(), 0.25);
    }

    #[test]
    fn go_to_a_time_and_a_bad_one() {
        let model = model("serial(1:a, 2:b)");
        let mut player = Player::new();
        player.apply(&model, Action::GoTo);
        for c in "1.5s".chars() {
            player.apply(&model, Action::Type(c));
        }
        player.apply(&model, Action::Confirm);
        assert_eq!(player.now, Duration::from_millis(1500));
        assert_eq!(player.cursor, model.playback.cursor_at(player.now));
        player.apply(&model, Action::GoTo);
        player.apply(&model, Action::Type('x'));
        player.apply(&model, Action::Confirm);
        assert!(player.message.is_some());
        assert_eq!(player.now, Duration::from_millis(1500));
        player.apply(&model, Action::NextInstant);
        assert_eq!(player.now, Duration::from_secs(3));
        player.apply(&model, Action::Home);
        assert_eq!((player.cursor, player.now), (0, Duration::ZERO));
    }
}
