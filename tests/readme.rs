//! The README is tested: every `console` block of README.md and docs/*.md
//! runs the `saywhen` binary it shows and must print what the block says
//! (stdout and stderr together, as on a terminal). Virtual-clock examples
//! match byte for byte; where the real clock or the time of day shows,
//! the block says `[..]` (any text on the line) or `...` (any lines), as
//! trycmd reads them. A README change that no longer matches the binary
//! fails here.
//!
//! To rewrite the blocks from the binary after a change to the output:
//! `TRYCMD=overwrite cargo test --test readme`, then put the wildcards
//! back where the real clock shows.

#[test]
fn readme_and_docs() {
    trycmd::TestCases::new()
        // What a reader's terminal would vary: the time zone, colour, the
        // locale (a non-UTF-8 one draws ASCII). Into a pipe, the width is
        // 80 columns.
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .env("CLICOLOR_FORCE", "0")
        .env("LC_ALL", "C.UTF-8")
        .env("TERM", "xterm-256color")
        .case("README.md")
        .case("docs/*.md");
}
