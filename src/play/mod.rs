//! `saywhen play`: a run played back in the terminal, forward and back,
//! one step at a time. [`model`] is what is played (the steps of the
//! shared [`Playback`](crate::render::playback::Playback), each node's
//! label, the programs and their lines); [`state`] the player (cursor,
//! speed, selection), changed only by [`input`]'s actions; [`view`] draws
//! a model and a player with ratatui, as a pure function of both, so one
//! position always gives the same screen. The terminal itself (raw mode,
//! the loop, signals) is the command's, in `app/play.rs`.

pub mod glyphs;
pub mod input;
pub mod model;
pub mod replay;
pub mod state;
pub mod view;

pub use input::Action;
pub use model::Model;
pub use state::Player;
