//! A reader for the Mermaid `gantt` blocks saywhen writes, following
//! Mermaid's own grammar (its gantt lexer): the keyword lines, one
//! `section` per mode, and task lines `NAME :TAGS, START, END`, where a name
//! may hold no `:` (it ends the name), `#` or `;` (a comment, a new
//! statement) except in the entity codes (`#58;`) Mermaid decodes first,
//! nor `%` (`%%{...}%%` is a directive anywhere in the text).

/// One task: its name as Mermaid shows it, its tags, start and end in ms.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub name: String,
    pub tags: Vec<String>,
    pub start_ms: u64,
    pub end_ms: u64,
}

/// A parsed chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Gantt {
    pub title: String,
    pub axis_format: String,
    /// Each section's name and tasks, in order.
    pub sections: Vec<(String, Vec<Task>)>,
}

/// The text between "```mermaid" and the closing fence, which must be
/// there; panics with the reason when it is not.
pub fn block(markdown: &str) -> &str {
    let start = markdown.find("```mermaid\n").expect("a ```mermaid block") + "```mermaid\n".len();
    let len = markdown[start..].find("\n```").expect("a closing fence") + 1;
    &markdown[start..start + len]
}

/// Mermaid's first step: `#58;` and the like become placeholders, so the
/// grammar never sees their `#` and `;`. Here they decode at once.
fn decode_entities(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find('#') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        let code = tail
            .find(';')
            .map(|end| &tail[..end])
            .filter(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()));
        match code
            .and_then(|c| c.parse::<u32>().ok())
            .and_then(char::from_u32)
        {
            Some(c) => {
                out.push(c);
                rest = &tail[code.unwrap().len() + 1..];
            }
            None => panic!("a bare '#' would start a comment: {line:?}"),
        }
    }
    out.push_str(rest);
    out
}

/// Parses a gantt chart, checking every line against the grammar.
pub fn parse(text: &str) -> Gantt {
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("gantt"),
        "the first line names the diagram"
    );
    let mut title = None;
    let mut date_format = None;
    let mut axis_format = None;
    let mut sections: Vec<(String, Vec<Task>)> = Vec::new();
    for line in lines {
        assert!(line.starts_with("    "), "indented: {line:?}");
        let line = line.trim();
        assert!(!line.is_empty(), "no blank lines inside the chart");
        let (keyword, rest) = line.split_once(' ').unwrap_or((line, ""));
        match keyword {
            "title" => title = Some(checked_statement(rest)),
            "dateFormat" => date_format = Some(rest.to_owned()),
            "axisFormat" => axis_format = Some(checked_statement(rest)),
            "todayMarker" => assert_eq!(rest, "off"),
            "section" => {
                let name = checked_statement(rest);
                assert!(!name.contains(':'), "{line:?}");
                sections.push((name, Vec::new()));
            }
            _ => {
                let task = task(line);
                sections
                    .last_mut()
                    .expect("tasks come after a section")
                    .1
                    .push(task);
            }
        }
    }
    assert_eq!(date_format.as_deref(), Some("x"), "dates are milliseconds");
    Gantt {
        title: title.expect("a title"),
        axis_format: axis_format.expect("an axis format"),
        sections,
    }
}

/// A statement's text: up to a `#` or `;`, which must not be there.
fn checked_statement(text: &str) -> String {
    assert!(!text.contains(['#', ';', '\n']), "{text:?}");
    text.to_owned()
}

fn task(line: &str) -> Task {
    let (name, data) = line.split_once(':').expect("NAME :DATA");
    assert!(name.ends_with(' ') && !name.trim().is_empty(), "{line:?}");
    assert!(!data.contains(['#', ';']), "{line:?}");
    // `%%{...}%%` is a directive wherever it stands.
    assert!(!name.contains('%'), "{line:?}");
    let name = decode_entities(name.trim());
    let items: Vec<&str> = data.split(',').map(str::trim).collect();
    assert!(items.len() >= 2, "a start and an end: {line:?}");
    let (tags, times) = items.split_at(items.len() - 2);
    for tag in tags {
        assert!(
            ["crit", "milestone", "done", "active"].contains(tag),
            "{tag}"
        );
    }
    let ms = |text: &str| -> u64 {
        text.parse()
            .unwrap_or_else(|_| panic!("milliseconds, as dateFormat x reads them: {text:?}"))
    };
    let (start_ms, end_ms) = (ms(times[0]), ms(times[1]));
    assert!(start_ms <= end_ms, "{line:?}");
    Task {
        name,
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        start_ms,
        end_ms,
    }
}
