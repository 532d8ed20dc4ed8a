//! `saywhen man`: the man page (roff), made from the same clap definition
//! the binary parses, so the options never drift from the real ones.
//! clap_mangen writes the title, synopsis, description and options; the
//! rest is saywhen's own, because clap_mangen would point each subcommand
//! at a `saywhen-serial(1)` page that does not exist, and reflow the
//! examples into one paragraph.

use std::io::{self, Write};

use clap_mangen::Man;
use roff::{Roff, bold, roman};

use crate::app::cli::EXAMPLES;
use crate::app::help;
use crate::error::{EXIT_CHECK, EXIT_IO, EXIT_SOFTWARE, EXIT_USAGE};

/// What each exit status means, as the README's "Exit codes" table says.
const EXIT_STATUS: [(u8, &str); 8] = [
    (
        0,
        "Success; also when stdout is closed early (saywhen tasks ... | head -1).",
    ),
    (
        EXIT_CHECK,
        "An expectation asked for with --check or --max-wall was not met (the report was printed).",
    ),
    (
        EXIT_USAGE,
        "Bad usage or bad input (one error: line naming the argument), or a combination that cannot run as asked (blocking with --virtual-time, say).",
    ),
    (
        EXIT_SOFTWARE,
        "An internal failure (the runtime could not start).",
    ),
    (
        EXIT_IO,
        "The output could not be written: stdout or an --export file (every other output was still written).",
    ),
    (
        129,
        "Hung up (SIGHUP); the report so far was printed and exported.",
    ),
    (
        130,
        "Interrupted by Ctrl-C (SIGINT); the report so far was printed and exported.",
    ),
    (
        143,
        "Terminated by SIGTERM; the report so far was printed and exported.",
    ),
];

/// Prints the man page on stdout.
pub fn execute() -> Result<(), crate::error::Error> {
    let mut out = io::stdout().lock();
    out.write_all(page()?.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// The whole page, as roff.
pub fn page() -> io::Result<String> {
    let man = Man::new(help::command());
    // Every piece starts with the same preamble (the apostrophe string);
    // the page needs it once.
    let preamble = Roff::new().render();
    let mut page = preamble.clone();
    let mut add = |text: String| page.push_str(text.strip_prefix(&preamble).unwrap_or(&text));
    type Render = fn(&Man, &mut dyn Write) -> io::Result<()>;
    let clap_parts: [Render; 5] = [
        Man::render_title,
        Man::render_name_section,
        Man::render_synopsis_section,
        Man::render_description_section,
        Man::render_options_section,
    ];
    for render in clap_parts {
        let mut part = Vec::new();
        render(&man, &mut part)?;
        add(String::from_utf8_lossy(&part).into_owned());
    }
    add(commands().render());
    add(pairs_and_examples().render());
    add(exit_status().render());
    let mut version = Vec::new();
    man.render_version_section(&mut version)?;
    add(String::from_utf8_lossy(&version).into_owned());
    Ok(page)
}

/// The modes and commands, each with its one line, and where each mode's
/// own help and lesson are (not a page of its own).
fn commands() -> Roff {
    let command = help::command();
    let mut roff = Roff::new();
    roff.control("SH", ["MODES AND COMMANDS"]);
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        let name = sub.get_name();
        if name == "help" {
            continue;
        }
        roff.control("TP", []);
        roff.text([bold(name)]);
        if let Some(about) = sub.get_about() {
            roff.text([roman(about.to_string())]);
        }
    }
    roff.control("PP", []);
    roff.text([
        roman("Each mode's own options, an example and its pair syntax: "),
        bold("saywhen MODE --help"),
        roman(". What a mode does, its code and the wall to expect: "),
        bold("saywhen explain MODE"),
        roman("."),
    ]);
    roff
}

/// The pair syntax as a paragraph, and the examples line by line (`.nf`:
/// no filling), as the help prints them.
fn pairs_and_examples() -> Roff {
    let (examples, pairs) = EXAMPLES.split_once("\n\n").unwrap_or((EXAMPLES, ""));
    let mut roff = Roff::new();
    roff.control("SH", ["PAIRS"]);
    for line in pairs.lines() {
        roff.text([roman(line)]);
    }
    roff.control("SH", ["EXAMPLES"]);
    roff.control("nf", []);
    for line in examples.lines().skip(1) {
        roff.text([roman(line.strip_prefix("  ").unwrap_or(line))]);
    }
    roff.control("fi", []);
    roff
}

fn exit_status() -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in EXIT_STATUS {
        roff.control("TP", []);
        roff.text([bold(code.to_string())]);
        roff.text([roman(meaning)]);
    }
    roff
}
