//! Getting results to the user: the printer thread that owns stdout during
//! a run and the queue that feeds it, the progress bar on stderr,
//! `--export` files, and what a GitHub Actions step gets (annotations, the
//! job summary). Above the renderers it writes out; the style they share is
//! [`render::style`](crate::render::style), escaping is [`crate::escape`].

pub mod export;
pub mod github;
pub mod printer;
pub mod progress;
pub mod queue;
