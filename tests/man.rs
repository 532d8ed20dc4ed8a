//! `saywhen man`: a page that `man` can show as it is meant, and that
//! agrees with the README.

mod common;

use common::{saywhen, stdout_of};

fn page() -> String {
    stdout_of(saywhen().arg("man"))
}

/// clap_mangen listed each subcommand as `saywhen-tasks(1)`, a page that
/// does not exist.
#[test]
fn refers_to_no_page_that_does_not_exist() {
    let page = page();
    assert!(!page.contains("(1)"), "{page}");
    for mode in ["serial", "tasks", "spawn\\-blocking", "compare", "explain"] {
        assert!(
            page.contains(&format!(".TP\n\\fB{mode}\\fR\n")),
            "{mode}: {page}"
        );
    }
}

/// The exit statuses are the README's, every one of them.
#[test]
fn has_an_exit_status_section_with_the_readmes_codes() {
    let page = page();
    let (_, section) = page
        .split_once(".SH \"EXIT STATUS\"\n")
        .expect("an EXIT STATUS section");
    let section = section.split("\n.SH ").next().unwrap_or_default();
    let readme = include_str!("../README.md");
    let (_, table) = readme
        .split_once("## Exit codes\n")
        .expect("README's table");
    let codes: Vec<&str> = table
        .lines()
        .skip_while(|line| !line.starts_with("| ---"))
        .skip(1)
        .take_while(|line| line.starts_with("| "))
        .filter_map(|line| line.split('|').nth(1).map(str::trim))
        .collect();
    assert!(codes.len() >= 5, "{codes:?}");
    for code in codes {
        assert!(
            section.contains(&format!(".TP\n\\fB{code}\\fR\n")),
            "exit status {code} missing from\n{section}"
        );
    }
}

/// The examples keep one command a line, as `--help` shows them; roff's
/// filling ran them together into one paragraph.
#[test]
fn examples_are_not_reflowed() {
    let page = page();
    let (_, examples) = page
        .split_once(".SH EXAMPLES\n.nf\n")
        .expect("examples in no-fill mode");
    let (examples, _) = examples.split_once("\n.fi\n").expect("the end of no-fill");
    let help = stdout_of(saywhen().arg("--help"));
    let (_, listed) = help.split_once("Examples:\n").unwrap();
    let listed: Vec<&str> = listed.lines().take_while(|l| !l.is_empty()).collect();
    // roff writes - as \- and ' as \*(Aq.
    let shown: Vec<String> = examples
        .lines()
        .map(|l| l.replace("\\-", "-").replace("\\*(Aq", "'"))
        .collect();
    assert_eq!(shown.len(), listed.len(), "{examples}");
    for (shown, listed) in shown.iter().zip(&listed) {
        assert_eq!(shown, listed.trim_start());
    }
}
