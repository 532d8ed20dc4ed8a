//! The screen of `saywhen play`, drawn with ratatui from a model and a
//! player alone (nothing else is read), so one position always draws the
//! same screen, and a `TestBackend` can check it. At 80×24: a heading,
//! the tree with each node's state beside the timeline with its cursor
//! line, the events so far beside the program with the lines at work
//! marked, the selected group's arithmetic, and the keys.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::emit::Emit;
use crate::play::glyphs::{colour, glyph};
use crate::play::input::KEYS;
use crate::play::model::Model;
use crate::play::state::Player;
use crate::render::fit;
use crate::render::playback::Playback;
use crate::render::states;
use crate::scenario::units::human;
use crate::simulate::{Change, Phase, State};

/// How the screen may look: Unicode or ASCII, colour or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    pub unicode: bool,
    pub colour: bool,
}

impl Look {
    fn fg(self, colour: Color) -> Style {
        match self.colour {
            true => Style::new().fg(colour),
            false => Style::new(),
        }
    }
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, model: &Model, player: &Player, look: Look) {
    let area = frame.area();
    let phases = model.playback.phases(player.cursor);
    let tree_rows = (model.nodes.len() as u16 + 2).clamp(4, area.height.saturating_sub(12).max(4));
    let [head, top, bottom, sums, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(tree_rows),
        Constraint::Min(5),
        Constraint::Length(2),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(heading(model, player, look), head);
    let [tree, timeline] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(top);
    draw_tree(frame, tree, model, player, &phases, look);
    draw_timeline(frame, timeline, model, player, look);
    let [log, code] =
        Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(bottom);
    draw_log(frame, log, model, player, look);
    draw_code(frame, code, model, player, &phases, look);
    frame.render_widget(arithmetic(model, player), sums);
    frame.render_widget(footer(player, look), foot);
    if player.help {
        draw_help(frame, area, look);
    }
}

fn heading<'a>(model: &'a Model, player: &Player, look: Look) -> Paragraph<'a> {
    let state = match player.playing {
        true => "playing",
        false => "paused",
    };
    let position = format!(
        "t = {} / {}  {state} {}×  step {}/{}  ",
        human(player.now),
        human(model.wall),
        speed(player.speed()),
        player.cursor,
        model.playback.len()
    );
    Paragraph::new(Line::from(vec![
        Span::styled("saywhen play  ", Style::new().add_modifier(Modifier::BOLD)),
        Span::styled(position, look.fg(Color::Cyan)),
        Span::raw(model.title.clone()),
    ]))
}

fn speed(speed: f64) -> String {
    match speed {
        0.25 => "0.25".to_owned(),
        0.5 => "0.5".to_owned(),
        s => format!("{s:.0}"),
    }
}

fn draw_tree(
    frame: &mut Frame,
    area: Rect,
    model: &Model,
    player: &Player,
    phases: &[Phase],
    look: Look,
) {
    let holder = holder(&model.playback, player.cursor);
    let thread = match holder {
        Some(place) => format!("thread: {}", model.nodes[place].label),
        None => "thread free".to_owned(),
    };
    let block = Block::bordered().title(format!(" tree, {thread} "));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let selected = model.groups().get(player.selected).copied();
    let width = inner.width as usize;
    let first = first_row(model, player, inner.height);
    let lines: Vec<Line> = model
        .nodes
        .iter()
        .zip(phases)
        .enumerate()
        .skip(first)
        .take(inner.height as usize)
        .map(|(place, (node, &phase))| {
            let word = phase.name();
            let indent = " ".repeat(node.depth.min(8));
            let room = width.saturating_sub(indent.len() + 3 + word.len());
            let name = fit::cut(
                &node.label,
                room.max(1),
                &crate::render::style::Style {
                    unicode: look.unicode,
                    ..Default::default()
                },
            );
            let pad = room.saturating_sub(fit::width(&name));
            let mut name_style = Style::new();
            if selected == Some(place) {
                name_style = name_style.add_modifier(Modifier::REVERSED);
            }
            Line::from(vec![
                Span::raw(indent),
                Span::styled(glyph(phase, look.unicode), look.fg(colour(phase))),
                Span::raw(" "),
                Span::styled(name, name_style),
                Span::raw(" ".repeat(pad + 1)),
                Span::styled(word, look.fg(colour(phase))),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The first node drawn in a pane `rows` high: the top, or so that the
/// selected group is in view (the tree and the timeline scroll together).
fn first_row(model: &Model, player: &Player, rows: u16) -> usize {
    let rows = rows as usize;
    let selected = model.groups().get(player.selected).copied().unwrap_or(0);
    match selected < rows {
        true => 0,
        false => (selected - rows / 2).min(model.nodes.len().saturating_sub(rows)),
    }
}

/// Who holds the thread once `cursor` steps have happened: the node whose
/// last change so far is to holding it, and has not ended.
fn holder(playback: &Playback, cursor: usize) -> Option<usize> {
    let phases = playback.phases(cursor);
    phases.iter().position(|p| *p == Phase::In(State::Holding))
}

/// The timeline's cell for a node in `phase`: a state's, as every
/// timeline draws it ([`states`](crate::render::states)); blank before
/// and after.
fn mark(phase: Phase, unicode: bool) -> char {
    match phase {
        Phase::NotStarted | Phase::Ended(_) => ' ',
        Phase::In(state) => {
            let look = states::look(state);
            match unicode {
                true => look.unicode,
                false => look.ascii,
            }
        }
    }
}

fn draw_timeline(frame: &mut Frame, area: Rect, model: &Model, player: &Player, look: Look) {
    let block = Block::bordered().title(format!(" timeline 0 to {} ", human(model.wall)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let columns = inner.width.max(1) as usize;
    let wall = model.wall.max(model.playback.time(model.playback.len()));
    // Each column shows the states at its start; the cursor's column is
    // where `now` falls.
    let at = |x: usize| wall.mul_f64(x as f64 / columns as f64);
    let column_phases: Vec<Vec<Phase>> = (0..columns)
        .map(|x| model.playback.phases(model.playback.cursor_at(at(x))))
        .collect();
    let cursor_column = match wall.is_zero() {
        true => 0,
        false => ((player.now.as_secs_f64() / wall.as_secs_f64()) * columns as f64) as usize,
    }
    .min(columns - 1);
    let first = first_row(model, player, inner.height);
    let lines: Vec<Line> = (0..model.nodes.len())
        .skip(first)
        .take(inner.height as usize)
        .map(|n| {
            let spans: Vec<Span> = (0..columns)
                .map(|x| {
                    let phase = column_phases[x][n];
                    let mut c = mark(phase, look.unicode);
                    let mut style = look.fg(colour(phase));
                    if x == cursor_column {
                        if c == ' ' {
                            c = if look.unicode { '│' } else { '|' };
                        }
                        style = style.add_modifier(Modifier::REVERSED);
                    } else if x > cursor_column {
                        style = style.add_modifier(Modifier::DIM);
                    }
                    Span::styled(c.to_string(), style)
                })
                .collect();
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_log(frame: &mut Frame, area: Rect, model: &Model, player: &Player, look: Look) {
    let block = Block::bordered().title(" events ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let shown = inner.height as usize;
    let from = player.cursor.saturating_sub(shown);
    let lines: Vec<Line> = model.playback.steps[from..player.cursor]
        .iter()
        .map(|step| {
            let node = &model.nodes[step.node];
            let (what, phase) = match step.change {
                Change::Began => ("began", Phase::NotStarted),
                Change::In(state) => (state.name(), Phase::In(state)),
                Change::Ended(end) => (end.name(), Phase::Ended(end)),
            };
            Line::from(vec![
                Span::raw(format!("{:>7} ", human(step.at))),
                Span::raw(format!("{} ", node.label)),
                Span::styled(what, look.fg(colour(phase))),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_code(
    frame: &mut Frame,
    area: Rect,
    model: &Model,
    player: &Player,
    phases: &[Phase],
    look: Look,
) {
    let (name, other) = match player.code {
        Emit::Python => ("asyncio", "tokio"),
        Emit::Rust => ("tokio", "asyncio"),
    };
    let block = Block::bordered().title(format!(" {name} program (c: {other}) "));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let program = model.program(player.code);
    let marked = model.lines_at_work(phases, player.code);
    let height = inner.height as usize;
    let first = marked
        .first()
        .map_or(0, |&line| line.saturating_sub(height / 3))
        .min(program.len().saturating_sub(height));
    let arrow = if look.unicode { "▶ " } else { "> " };
    let lines: Vec<Line> = program
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(number, text)| {
            let at_work = marked.binary_search(&number).is_ok();
            let text = crate::escape::escape(text).replace('\t', "    ");
            match at_work {
                true => Line::from(vec![
                    Span::styled(arrow, look.fg(Color::Yellow)),
                    Span::styled(
                        text,
                        Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED),
                    ),
                ]),
                false => Line::from(vec![Span::raw("  "), Span::raw(text)]),
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn arithmetic<'a>(model: &'a Model, player: &Player) -> Paragraph<'a> {
    let groups = model.groups();
    let selected = groups
        .get(player.selected)
        .and_then(|&g| model.nodes[g].arithmetic.clone())
        .unwrap_or_default();
    Paragraph::new(vec![
        Line::from(format!(" {selected}")),
        Line::from(format!(" {}", model.summary)),
    ])
}

fn footer(player: &Player, look: Look) -> Paragraph<'static> {
    let text = match (&player.prompt, &player.message) {
        (Some(typed), _) => format!(" go to time: {typed}_   (Enter: go, Esc: cancel)"),
        (None, Some(message)) => format!(" {message}"),
        (None, None) => {
            let arrows = if look.unicode {
                "→/←"
            } else {
                "right/left"
            };
            format!(
                " space play  {arrows} step  ]/[ instant  +/- speed  g time  c code  ? help  q quit"
            )
        }
    };
    Paragraph::new(Line::from(Span::styled(
        text,
        Style::new().add_modifier(Modifier::REVERSED),
    )))
}

fn draw_help(frame: &mut Frame, area: Rect, look: Look) {
    let width = 52.min(area.width);
    let height = (KEYS.len() as u16 + 2).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    let lines: Vec<Line> = KEYS
        .iter()
        .map(|(key, does)| {
            let key = match look.unicode {
                true => (*key).to_owned(),
                false => key
                    .replace('→', "right")
                    .replace('←', "left")
                    .replace('↑', "up")
                    .replace('↓', "down"),
            };
            Line::from(vec![
                Span::styled(
                    format!(" {key:<12}"),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::raw(*does),
            ])
        })
        .collect();
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" keys (? or Esc to close) ")),
        popup,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::play::input::Action;
    use crate::scenario::parse::parse_argument;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::buffer::Buffer;

    const LOOK: Look = Look {
        unicode: true,
        colour: true,
    };

    fn screen(model: &Model, player: &Player, width: u16, height: u16) -> Buffer {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|frame| draw(frame, model, player, LOOK))
            .unwrap();
        terminal.backend().buffer().clone()
    }

    fn text(buffer: &Buffer) -> String {
        let mut text = String::new();
        for y in 0..buffer.area.height {
            for x in 0..buffer.area.width {
                text.push_str(buffer[(x, y)].symbol());
            }
            text.push('\n');
        }
        text
    }

    fn model(text: &str) -> Model {
        Model::of(
            &parse_argument(text, 1, false).unwrap(),
            &crate::render::style::Style::default(),
        )
    }

    /// Stepping forward then back draws the very same screen, cell for
    /// cell (styles too), at every step.
    #[test]
    fn forward_then_back_draws_the_same_screen() {
        let model = model("gather(serial(1:a, block(2:b)), 3:c)");
        let mut player = Player::new();
        for _ in 0..model.playback.len() {
            let before = screen(&model, &player, 80, 24);
            player.apply(&model, Action::Forward);
            player.apply(&model, Action::Back);
            assert_eq!(screen(&model, &player, 80, 24), before);
            player.apply(&model, Action::Forward);
        }
    }

    /// At 80×24 every pane and the keys are there, and it opens at t = 0
    /// with the whole tree drawn, nothing started.
    #[test]
    fn it_fits_80_by_24_and_opens_at_zero() {
        let model = model("gather(serial(1:a, block(2:b)), 3:c)");
        let player = Player::new();
        let shown = text(&screen(&model, &player, 80, 24));
        for part in [
            "t = 0s / 3s",
            "paused",
            " tree, thread free ",
            " timeline",
            " events ",
            "asyncio program",
            "expected 3s",
            "? help",
            "q quit",
            "block: b",
        ] {
            assert!(shown.contains(part), "{part:?} in\n{shown}");
        }
        assert!(!shown.contains("done"), "{shown}");
        // After the end, everything is done.
        let mut player = Player::new();
        player.apply(&model, Action::End);
        let shown = text(&screen(&model, &player, 80, 24));
        assert!(shown.contains("t = 3s / 3s"), "{shown}");
        let tree: String = shown.lines().take(8).collect();
        assert!(
            !tree.contains("sleeping") && tree.contains("done"),
            "{shown}"
        );
    }

    #[test]
    fn the_code_pane_marks_the_line_at_work_and_toggles() {
        let model = model("serial(1:a, 2:b)");
        let mut player = Player::new();
        player.apply(&model, Action::GoTo);
        player.apply(&model, Action::Type('2'));
        player.apply(&model, Action::Confirm);
        let shown = text(&screen(&model, &player, 80, 24));
        assert!(shown.contains("▶ "), "{shown}");
        assert!(shown.contains("say_after(2, \"b\")"), "{shown}");
        player.apply(&model, Action::ToggleCode);
        let shown = text(&screen(&model, &player, 80, 24));
        assert!(shown.contains("tokio program"), "{shown}");
        player.apply(&model, Action::ToggleHelp);
        let shown = text(&screen(&model, &player, 80, 24));
        assert!(shown.contains("go to a time"), "{shown}");
    }

    /// The timeline's cells are the states as every timeline draws them.
    #[test]
    fn the_timeline_draws_states_as_states_rs_does() {
        let model = model("gather(serial(1:a, block(2:b)), 3:c)");
        let player = Player::new();
        let shown = text(&screen(&model, &player, 80, 24));
        let style = crate::render::style::Style::default();
        let drawn: Vec<State> = shown
            .chars()
            .filter_map(|c| states::state_of(c, &style))
            .collect();
        for state in [State::Holding, State::Sleeping] {
            assert!(drawn.contains(&state), "{state:?} in\n{shown}");
        }
    }

    /// A tree taller than its pane scrolls to the selected group.
    #[test]
    fn the_tree_scrolls_to_the_selected_group() {
        let serials: Vec<String> = (0..12).map(|i| format!("serial(1:a{i}, 1:b{i})")).collect();
        let model = model(&format!("gather({})", serials.join(", ")));
        let mut player = Player::new();
        for _ in 0..12 {
            player.apply(&model, Action::SelectNext);
        }
        let shown = text(&screen(&model, &player, 80, 24));
        assert!(shown.contains("a11"), "{shown}");
        assert!(!shown.contains(" a0 "), "{shown}");
    }

    #[test]
    fn small_and_large_screens_do_not_panic() {
        let model = model("gather(serial(1:a, block(2:b)), limit(1, 3:c, 1:d))");
        let mut player = Player::new();
        player.apply(&model, Action::ToggleHelp);
        for (w, h) in [(1, 1), (20, 5), (80, 24), (200, 60)] {
            screen(&model, &player, w, h);
        }
    }
}
