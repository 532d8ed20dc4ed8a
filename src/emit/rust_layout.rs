//! Laying out the emitted Rust the way rustfmt would, so that the program
//! pasted into a project passes `cargo fmt --check` as printed. Only the
//! few shapes the emitter writes are modelled: calls (and `join!`-style
//! macros), tuples and arrays, and method chains ending in `.await` or
//! `?`. rustfmt's default widths apply: 100 columns in all, and a list of
//! arguments (or a chain of two or more links) at most 60 columns on one
//! line before it goes one item a line.

use unicode_width::UnicodeWidthStr;

const MAX_WIDTH: usize = 100;
/// rustfmt's `fn_call_width`, `array_width` and `chain_width`.
const LIST_WIDTH: usize = 60;
const INDENT: usize = 4;

/// An expression, as far as its layout goes.
#[derive(Debug, Clone)]
pub(super) enum Expr {
    /// Text that never breaks: a name, a literal, a path.
    Atom(String),
    /// A short closure: like an atom, but as a call's last argument it may
    /// run past the 60 columns of a list on one line (rustfmt "overflows"
    /// it).
    Closure(String),
    /// `callee(args)`, `callee!(args)`, `[args]` (open `[`), `(args)`
    /// (empty callee).
    List {
        open: String,
        close: &'static str,
        args: Vec<Expr>,
        /// A macro's arguments take no trailing comma, nested or not.
        bang: bool,
    },
    /// `root.link.link`.
    Chain { root: Box<Expr>, links: Vec<Link> },
}

#[derive(Debug, Clone)]
pub(super) enum Link {
    Await,
    /// `?`, attached to the link before it.
    Try,
    Method(&'static str, Vec<Expr>),
}

pub(super) fn atom(text: impl Into<String>) -> Expr {
    Expr::Atom(text.into())
}

pub(super) fn call(callee: impl Into<String>, args: Vec<Expr>) -> Expr {
    Expr::List {
        open: format!("{}(", callee.into()),
        close: ")",
        args,
        bang: false,
    }
}

pub(super) fn macro_call(name: &str, args: Vec<Expr>) -> Expr {
    Expr::List {
        open: format!("{name}!("),
        close: ")",
        args,
        bang: true,
    }
}

pub(super) fn array(items: Vec<Expr>) -> Expr {
    Expr::List {
        open: "[".to_owned(),
        close: "]",
        args: items,
        bang: false,
    }
}

pub(super) fn tuple(items: Vec<Expr>) -> Expr {
    call("", items)
}

impl Expr {
    pub(super) fn chain(self, link: Link) -> Expr {
        match self {
            Expr::Chain { root, mut links } => {
                links.push(link);
                Expr::Chain { root, links }
            }
            root => Expr::Chain {
                root: Box::new(root),
                links: vec![link],
            },
        }
    }

    pub(super) fn awaited(self) -> Expr {
        self.chain(Link::Await)
    }

    pub(super) fn tried(self) -> Expr {
        self.chain(Link::Try)
    }

    pub(super) fn method(self, name: &'static str, args: Vec<Expr>) -> Expr {
        self.chain(Link::Method(name, args))
    }

    /// The expression on one line, however long.
    fn is_tuple(&self) -> bool {
        matches!(self, Expr::List { open, .. } if open == "(")
    }

    pub(super) fn flat_text(&self) -> String {
        self.flat()
    }

    fn flat(&self) -> String {
        match self {
            Expr::Atom(text) | Expr::Closure(text) => text.clone(),
            Expr::List {
                open, close, args, ..
            } => format!("{open}{}{close}", flat_args(args)),
            Expr::Chain { root, links } => {
                let mut text = root.flat();
                for link in links {
                    text.push_str(&flat_link(link));
                }
                text
            }
        }
    }

    /// Whether rustfmt would keep it on one line, the line permitting:
    /// every list of arguments and every chain within its 60 columns.
    fn narrow(&self) -> bool {
        match self {
            Expr::Atom(_) | Expr::Closure(_) => true,
            Expr::List { open, args, .. } => match args.as_slice() {
                [only] if lone_item_counts_alone(open) && only.is_tuple() => only.narrow(),
                [only @ Expr::Chain { .. }] if lone_item_counts_alone(open) => only.narrow(),
                _ => list_narrow(args),
            },
            Expr::Chain { root, links } => {
                let steps = links.iter().filter(|l| !matches!(l, Link::Try)).count();
                let within = steps < 2 || width(&self.flat()) <= LIST_WIDTH;
                within
                    && root.narrow()
                    && links.iter().all(|link| match link {
                        Link::Method(_, args) => list_narrow(args),
                        _ => true,
                    })
            }
        }
    }
}

/// Whether a list opening with `open` lays out a lone item by the item's
/// own measure: calls and arrays do, macros and tuples do not.
fn lone_item_counts_alone(open: &str) -> bool {
    !open.ends_with("!(") && open != "("
}

fn list_narrow(args: &[Expr]) -> bool {
    let overflowing_closure = matches!(args.last(), Some(Expr::Closure(_)));
    (overflowing_closure || width(&flat_args(args)) <= LIST_WIDTH) && args.iter().all(Expr::narrow)
}

fn flat_args(args: &[Expr]) -> String {
    args.iter().map(Expr::flat).collect::<Vec<_>>().join(", ")
}

fn flat_link(link: &Link) -> String {
    match link {
        Link::Await => ".await".to_owned(),
        Link::Try => "?".to_owned(),
        Link::Method(name, args) => format!(".{name}({})", flat_args(args)),
    }
}

fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// A statement: `lead` (`let tasks = `, or nothing), the expression laid
/// out from column `indent`, then `tail` (`;`, or nothing for a block's
/// value). Returns whole lines, each ending in a newline.
pub(super) fn statement(indent: usize, lead: &str, expr: &Expr, tail: &str) -> String {
    // An assignment whose value would break, but fits whole on the next
    // line, goes there.
    let assigns = lead.starts_with("let ") || lead.starts_with("static ");
    let flat = expr.flat();
    let same_line = indent + width(lead) + width(&flat) + width(tail) <= MAX_WIDTH;
    let next_line = indent + INDENT + width(&flat) + width(tail) <= MAX_WIDTH;
    if assigns && expr.narrow() && !same_line && next_line {
        let lead = lead.trim_end();
        let inner = " ".repeat(indent + INDENT);
        return format!("{}{lead}\n{inner}{flat}{tail}\n", " ".repeat(indent));
    }
    let mut out = " ".repeat(indent);
    out.push_str(lead);
    out.push_str(&layout(
        expr,
        indent,
        indent + width(lead),
        width(tail),
        false,
    ));
    out.push_str(tail);
    out.push('\n');
    out
}

/// `expr` laid out starting at column `column` of a line indented by
/// `indent`, with `tail` columns to follow its last line.
fn layout(expr: &Expr, indent: usize, column: usize, tail: usize, in_macro: bool) -> String {
    let flat = expr.flat();
    if expr.narrow() && column + width(&flat) + tail <= MAX_WIDTH {
        return flat;
    }
    broken(expr, indent, column, tail, in_macro)
}

/// `expr` on more than one line.
fn broken(expr: &Expr, indent: usize, column: usize, tail: usize, in_macro: bool) -> String {
    match expr {
        Expr::Atom(text) | Expr::Closure(text) => text.clone(),
        Expr::List {
            open,
            close,
            args,
            bang,
        } => {
            let in_macro = in_macro || *bang;
            list(open, close, args, indent, column, tail, in_macro)
        }
        Expr::Chain { root, links } => chain(root, links, indent, column, tail, in_macro),
    }
}

fn list(
    open: &str,
    close: &str,
    args: &[Expr],
    indent: usize,
    column: usize,
    tail: usize,
    in_macro: bool,
) -> String {
    if let [only] = args
        && lone_item_counts_alone(open)
    {
        // A lone tuple or method chain stays on one line, the line
        // permitting, past the 60 columns: `[(delay, "a long message")]`,
        // `set.spawn(say_after(..).map(Ok))`.
        let flat = format!("{open}{}{close}", only.flat());
        let flexible = only.is_tuple() || matches!(only, Expr::Chain { .. });
        if flexible && only.narrow() && column + width(&flat) + tail <= MAX_WIDTH {
            return flat;
        }
        // A lone call or tuple hugs its parent's brackets:
        // `tokio::spawn(say_after(` ... `))`, `[(` ... `)]`.
        if let Expr::List { close: ")", .. } = only {
            let inner = broken(
                only,
                indent,
                column + width(open),
                tail + width(close),
                in_macro,
            );
            return format!("{open}{inner}{close}");
        }
        // `set.spawn(x.map(Ok))` too long for its line: the method goes down a line
        // when that keeps `.spawn(x)` whole.
        if let Some((receiver, method)) = open.rsplit_once('.')
            && !receiver.is_empty()
            && only.narrow()
        {
            let hung = format!(".{method}{}{close}", only.flat());
            if indent + INDENT + width(&hung) + tail <= MAX_WIDTH {
                let pad = " ".repeat(indent + INDENT);
                return format!("{receiver}\n{pad}{hung}");
            }
        }
    }
    // A closure last may run on past the 60 columns: `map(|x| ...)`.
    if let Some(Expr::Closure(_)) = args.last() {
        let flat = format!("{open}{}{close}", flat_args(args));
        if args.iter().all(Expr::narrow) && column + width(&flat) + tail <= MAX_WIDTH {
            return flat;
        }
    }
    let inner = indent + INDENT;
    let mut out = format!("{open}\n");
    for (i, arg) in args.iter().enumerate() {
        let last = i + 1 == args.len();
        let comma = if last && in_macro { "" } else { "," };
        out.push_str(&" ".repeat(inner));
        out.push_str(&layout(arg, inner, inner, comma.len(), in_macro));
        out.push_str(comma);
        out.push('\n');
    }
    out.push_str(&" ".repeat(indent));
    out.push_str(close);
    out
}

fn chain(
    root: &Expr,
    links: &[Link],
    indent: usize,
    column: usize,
    tail: usize,
    in_macro: bool,
) -> String {
    // The links, each on its own line (a `?` stays with the link before).
    let mut steps: Vec<String> = Vec::new();
    for link in links {
        match (link, steps.last_mut()) {
            (Link::Try, Some(last)) => last.push('?'),
            _ => steps.push(flat_link(link)),
        }
    }
    let root_flat = root.flat();
    let first_tail = width(steps.first().map_or("", String::as_str));
    let root_fits = root.narrow() && column + width(&root_flat) <= MAX_WIDTH;
    if root_fits && steps.len() == 1 && column + width(&root_flat) + first_tail + tail <= MAX_WIDTH
    {
        return format!("{root_flat}{}", steps[0]);
    }
    // A root on one line hangs its links one level in; a root that breaks
    // closes at the chain's own indent, and the links follow there.
    let (root_text, step_indent) = match root_fits {
        true => (root_flat, indent + INDENT),
        false => (broken(root, indent, column, 0, in_macro), indent),
    };
    let mut out = root_text;
    for step in steps {
        out.push('\n');
        out.push_str(&" ".repeat(step_indent));
        out.push_str(&step);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn say(message: &str) -> Expr {
        call(
            "say_after",
            vec![atom("Duration::from_secs(1)"), atom(format!("{message:?}"))],
        )
    }

    #[test]
    fn a_short_call_stays_on_one_line() {
        let expr = macro_call("join", vec![atom("serial_1()"), say("c")]);
        assert_eq!(
            statement(4, "", &expr, ";"),
            "    join!(serial_1(), say_after(Duration::from_secs(1), \"c\"));\n"
        );
    }

    #[test]
    fn past_sixty_columns_of_arguments_each_goes_on_its_own_line() {
        let expr = macro_call("join", vec![say("a"), say("b")]);
        assert_eq!(
            statement(4, "", &expr, ";"),
            "    join!(\n        say_after(Duration::from_secs(1), \"a\"),\n        say_after(Duration::from_secs(1), \"b\")\n    );\n"
        );
        let expr = array(vec![say("a"), say("b")]);
        assert!(statement(4, "let x = ", &expr, ";").contains("\"b\"),\n    ];"));
    }

    #[test]
    fn a_lone_call_argument_hugs_the_parentheses() {
        let expr = call("tokio::spawn", vec![say("abcdefghijklmnopqrstuvwxyz")]);
        assert_eq!(
            statement(4, "", &expr, ";"),
            "    tokio::spawn(say_after(\n        Duration::from_secs(1),\n        \"abcdefghijklmnopqrstuvwxyz\",\n    ));\n"
        );
    }

    #[test]
    fn long_chains_hang_their_links() {
        let expr = call(
            "timeout",
            vec![atom("Duration::from_millis(2500)"), atom("gather_1()")],
        )
        .awaited()
        .method("map_err", vec![Expr::Closure("|e| e.to_string()".into())])
        .tried();
        assert_eq!(
            statement(4, "", &expr, ""),
            "    timeout(Duration::from_millis(2500), gather_1())\n        .await\n        .map_err(|e| e.to_string())?\n"
        );
        let long = say(&"x".repeat(70)).awaited();
        assert!(statement(4, "", &long, ";").ends_with("    )\n    .await;\n"));
    }
}
