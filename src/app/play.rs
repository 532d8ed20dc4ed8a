//! `saywhen play`: a run played back full-screen, forward and back. What
//! is played comes from the arguments (a scenario, a mode and its pairs,
//! `--file`) or from a recorded JSON report (`--replay run.json`); the
//! player and its screen are [`crate::play`]'s. This file owns the
//! terminal: raw mode and the alternate screen (ratatui restores them on
//! a panic too), the loop, and the ways out: `q`, Ctrl-C, SIGTERM, SIGINT,
//! and SIGHUP or a read error when the terminal goes away, so it never
//! spins with no one to see it.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crossterm::event::{self, Event};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

use crate::app::cli::{Options, PlayArgs};
use crate::error::Error;
use crate::play::view::{self, Look};
use crate::play::{Model, Player, input, replay};
use crate::render::lesson::MAX_PAIRS;
use crate::render::style::Style;
use crate::scenario::mode::Mode;
use crate::scenario::parse::read_scenarios;
use crate::scenario::plan::Plan;
use crate::scenario::tree::Scenario;

pub fn execute(args: &PlayArgs, options: &Options) -> Result<(), Error> {
    let style = Style::detect(&options.style_request());
    let model = match &args.replay {
        Some(path) => {
            if !args.values.is_empty() || !options.input.file.is_empty() {
                return Err(Error::Usage(
                    "--replay plays a recorded report: give no scenario, pairs or --file with it"
                        .to_owned(),
                ));
            }
            replay::model(path, &style)?
        }
        None => {
            let scenario = scenario(args, options)?;
            refuse_too_many(&scenario)?;
            Model::of(&scenario, &style)
        }
    };
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        return Err(Error::Usage(
            "saywhen play needs a terminal, and this is not one (a pipe, CI): \
             print the states at one instant with --at instead, \
             e.g. saywhen run 'gather(1:a, 2:b)' --at 1s"
                .to_owned(),
        ));
    }
    let look = Look {
        unicode: style.unicode,
        colour: style.color,
    };
    play(&model, look)
}

/// More pairs than a lesson page plays make a screen no one can follow,
/// and each frame walks every step.
fn refuse_too_many(scenario: &Scenario) -> Result<(), Error> {
    let pairs = scenario.plan().len();
    match pairs > MAX_PAIRS {
        true => Err(Error::Usage(format!(
            "saywhen play plays at most {MAX_PAIRS} pairs, and this run has {pairs}: \
             use --at to print the states at one instant"
        ))),
        false => Ok(()),
    }
}

/// `MODE PAIR...` (a mode's name first, then pairs), or scenarios.
fn scenario(args: &PlayArgs, options: &Options) -> Result<Scenario, Error> {
    let first = args.values.first().and_then(|v| v.to_str());
    if let Some(mode) = first.and_then(|text| text.parse::<Mode>().ok()) {
        let plan = Plan::from_args_and_files(&args.values[1..], &options.input.file)?;
        return Ok(Scenario::flat(mode, Arc::new(plan)));
    }
    let mut scenarios = read_scenarios(&args.values, &options.input.file)?;
    match scenarios.len() {
        1 => Ok(scenarios.remove(0)),
        n => Err(Error::Usage(format!(
            "saywhen play plays one scenario, not {n}: give them one at a time"
        ))),
    }
}

/// Runs the player until it is quit or the terminal goes away.
fn play(model: &Model, look: Look) -> Result<(), Error> {
    // The signal that ended the player, if one did.
    let signal = Arc::new(AtomicUsize::new(0));
    for number in [SIGTERM, SIGINT, SIGHUP] {
        signal_hook::flag::register_usize(number, signal.clone(), number as usize)?;
    }
    let mut terminal = ratatui::try_init()?;
    let result = run(&mut terminal, model, look, &signal);
    ratatui::restore();
    match signal.load(Ordering::Relaxed) {
        0 => result,
        // Ended by a signal: end as it would have, now that the terminal
        // is itself again (exit 143 for SIGTERM, 129 for SIGHUP).
        number => {
            let _ = signal_hook::low_level::emulate_default_handler(number as i32);
            result
        }
    }
}

fn run(
    terminal: &mut ratatui::DefaultTerminal,
    model: &Model,
    look: Look,
    signal: &AtomicUsize,
) -> Result<(), Error> {
    let mut player = Player::new();
    let mut last = Instant::now();
    while !player.quit && signal.load(Ordering::Relaxed) == 0 {
        terminal.draw(|frame| view::draw(frame, model, &player, look))?;
        // Often enough to move smoothly while playing; paused, only to
        // notice a signal.
        let wait = match player.playing {
            true => Duration::from_millis(40),
            false => Duration::from_millis(250),
        };
        let ready = match terminal_input(wait) {
            Input::Gone => break,
            Input::None => false,
            Input::Ready => true,
        };
        while ready && event::poll(Duration::ZERO)? {
            match event::read()? {
                Event::Key(key) => {
                    if let Some(action) = input::action(key, player.prompt.is_some()) {
                        player.apply(model, action);
                    }
                }
                // The next draw takes the new size.
                Event::Resize(..) => terminal.autoresize()?,
                _ => {}
            }
        }
        let now = Instant::now();
        player.tick(model, now - last);
        last = now;
    }
    Ok(())
}

/// What the terminal has for the player.
enum Input {
    Ready,
    None,
    /// Hung up or closed: there is no one left to play to.
    Gone,
}

/// Waits up to `wait` for a key on the terminal (standard input, which
/// crossterm reads too). Asked of the terminal itself: crossterm's own
/// reader takes a hung-up terminal's end of file for "no key yet" and
/// reads it again and again, a loop that would never end.
fn terminal_input(wait: Duration) -> Input {
    let mut terminal = libc::pollfd {
        fd: libc::STDIN_FILENO,
        events: libc::POLLIN,
        revents: 0,
    };
    let millis = i32::try_from(wait.as_millis()).unwrap_or(i32::MAX);
    // SAFETY: one pollfd, which lives across the call.
    let ready = unsafe { libc::poll(&mut terminal, 1, millis) };
    let gone = libc::POLLHUP | libc::POLLERR | libc::POLLNVAL;
    match ready {
        0 => Input::None,
        n if n < 0 => match std::io::Error::last_os_error().kind() {
            std::io::ErrorKind::Interrupted => Input::None,
            _ => Input::Gone,
        },
        _ if terminal.revents & gone != 0 => Input::Gone,
        _ => Input::Ready,
    }
}
