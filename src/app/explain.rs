//! `saywhen explain [TOPIC]`: a lesson, or the list of them, on stdout.

use std::io::{self, Write};

use crate::error::Error;
use crate::explain::{Lesson, Topic};

/// Prints the lesson on `topic`, or every topic with a one-line summary.
pub fn execute(topic: Option<Topic>) -> Result<(), Error> {
    let mut out = io::stdout().lock();
    match topic {
        Some(topic) => lesson(&topic.lesson(), &mut out)?,
        None => list(&mut out)?,
    }
    out.flush()?;
    Ok(())
}

fn list(out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "Modes and topics (saywhen explain <TOPIC>):")?;
    let width = Topic::all().map(|t| t.name().len()).max().unwrap_or(0);
    for topic in Topic::all() {
        writeln!(out, "  {:width$}  {}", topic.name(), topic.summary())?;
    }
    Ok(())
}

fn lesson(lesson: &Lesson, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}: {}", lesson.topic, lesson.topic.summary())?;
    section(out, "What it does", lesson.what)?;
    let code = lesson.snippet().unwrap_or_default();
    section(out, &format!("The Rust code ({})", lesson.file), &code)?;
    if let Some(note) = lesson.note() {
        section(out, "Beside the code", &note)?;
    }
    section(out, "In asyncio", lesson.asyncio)?;
    section(out, "Wall to expect", lesson.expect)
}

fn section(out: &mut dyn Write, title: &str, body: &str) -> io::Result<()> {
    writeln!(out, "\n{title}")?;
    for line in body.lines() {
        if line.is_empty() {
            writeln!(out)?;
        } else {
            writeln!(out, "    {line}")?;
        }
    }
    Ok(())
}
