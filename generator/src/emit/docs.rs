//! Doc comments from spec text. Spec text is untrusted: nothing in it may become code that
//! rustdoc compiles or runs (a doctest), HTML that rustdoc acts on, or a character that breaks
//! the build. So prose has brackets escaped, bare URLs wrapped, HTML-like tags neutralized and
//! indentation dropped (no indented code block); every fenced block, of backticks or tildes and
//! whatever its info string, becomes a `text` block fenced longer than any fence inside it; and
//! control and bidirectional-formatting characters are written out as `U+XXXX`. Single values
//! (names, paths, enum values) go through [`code`], which makes a safe inline code span.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Docs;

/// Whether `c` must not appear in a doc comment as itself: control characters (a lone CR ends a
/// doc comment line; others are invisible), and the bidirectional and zero-width formatting
/// characters that can make text read differently from how it compiles (the compiler denies
/// them in comments).
fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// `text` with hidden characters written out as `U+XXXX` and tabs as spaces.
fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => out.push_str("    "),
            c if is_hidden(c) => out.push_str(&format!("U+{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// One spec value (a name, a path, an enum value) as an inline code span: on one line, hidden
/// characters written out, delimited by more backticks than any run inside it.
pub fn code(value: &str) -> String {
    let text = visible(&value.replace(['\r', '\n'], " "));
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let ticks = "`".repeat(longest + 1);
    // A space inside the delimiters keeps a leading or trailing backtick apart from them
    // (CommonMark strips one space from each side).
    let pad = if text.starts_with('`') || text.ends_with('`') || text.is_empty() { " " } else { "" };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

/// "Operations tagged `x`" for a group, with its parent tag when it has one (3.2's hierarchical
/// tags): both names as code spans.
pub fn group_title(group: &crate::ir::Group) -> String {
    match &group.parent {
        Some(parent) => format!("Operations tagged {}, a part of {}", code(&group.wire_tag), code(parent)),
        None => format!("Operations tagged {}", code(&group.wire_tag)),
    }
}

/// A URL from the spec as a link: an autolink when it is a plain `http(s)` URL, otherwise a
/// code span (never Markdown or HTML of the spec's making).
pub fn link(url: &str) -> String {
    let plain = (url.starts_with("https://") || url.starts_with("http://"))
        && url.chars().all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | '`' | '"' | '\\'));
    if plain {
        format!("<{url}>")
    } else {
        code(url)
    }
}

/// One line of prose from spec text (a title, say): line breaks become spaces.
pub fn prose(text: &str) -> String {
    let line = text.replace(['\r', '\n'], " ");
    escape_line(line.trim(), spans_close_on_their_lines(&line))
}

/// The first paragraph of a description (else of the summary) as one line of prose: what a
/// list item or a setter repeats of an item documented in full elsewhere.
pub fn first_paragraph(docs: &Docs) -> String {
    let text = docs.description.as_deref().or(docs.summary.as_deref()).unwrap_or_default();
    let paragraph: Vec<&str> = text.lines().map(str::trim).take_while(|l| !l.is_empty()).collect();
    prose(&paragraph.join(" "))
}

/// `#[deprecated(note = ..)]` for an item the spec marks deprecated: the note is the first
/// sentence of its documentation that says what to do instead (it mentions deprecation, a
/// replacement, or "use"), which the compiler shows where the item is used; else a general
/// one. Spec text in it is a string, never code, and at most one line of 200 characters.
pub fn deprecated(docs: &Docs) -> TokenStream {
    let text =
        [docs.summary.as_deref(), docs.description.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(". ");
    let text = visible(&text.replace(['\r', '\n'], " "));
    let says_why = |s: &&str| {
        let lower = s.to_ascii_lowercase();
        ["deprecat", "instead", "replaced", "use `", "use the ", "superseded", "no longer", "removed"]
            .iter()
            .any(|w| lower.contains(w))
    };
    let note = match text.split_inclusive('.').map(str::trim).find(says_why) {
        Some(sentence) => {
            let mut note: String = sentence.chars().take(200).collect();
            if note.len() < sentence.len() {
                note.push('…');
            }
            note
        }
        None => "deprecated by the API description: see the item's documentation".to_string(),
    };
    quote!(#[deprecated(note = #note)])
}

/// The code spans of a line: for each backtick run, the next run of the same length closes it
/// (CommonMark's rule). `None` when a run has no closing one on the line, or a backslash stands
/// before a backtick: then a span could be read across lines, or not be one, and the line is
/// escaped as prose throughout.
fn code_spans(line: &str) -> Option<Vec<(usize, usize)>> {
    if line.contains("\\`") {
        return None;
    }
    let bytes = line.as_bytes();
    let run_at = |i: usize| bytes[i..].iter().take_while(|b| **b == b'`').count();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'`' {
            i += 1;
            continue;
        }
        let n = run_at(i);
        let mut j = i + n;
        let close = loop {
            if j >= bytes.len() {
                break None;
            }
            if bytes[j] == b'`' {
                let m = run_at(j);
                if m == n {
                    break Some(j);
                }
                j += m;
            } else {
                j += 1;
            }
        };
        let close = close?;
        spans.push((i, close + n));
        i = close + n;
    }
    Some(spans)
}

/// Whether every line of `text` has only code spans that close on it (see [`code_spans`]).
fn spans_close_on_their_lines(text: &str) -> bool {
    text.lines().all(|l| code_spans(&visible(l)).is_some())
}

/// Escapes one line of prose. With `spans` (the text's code spans all close on their own
/// lines), a code span is kept as written: inside one, brackets and `<` are not Markdown, and
/// an escape would show.
fn escape_line(line: &str, spans: bool) -> String {
    let line = visible(line);
    let spans = if spans { code_spans(&line).unwrap_or_default() } else { Vec::new() };
    let mut out = String::with_capacity(line.len() + 8);
    let mut from = 0;
    for (start, end) in spans {
        out.push_str(&escape_prose(&line[from..start]));
        out.push_str(&line[start..end]);
        from = end;
    }
    out.push_str(&escape_prose(&line[from..]));
    out
}

/// Escapes prose outside code spans: no link, image or HTML of the spec's making; bare URLs
/// become autolinks.
fn escape_prose(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while !rest.is_empty() {
        let url_start = ["https://", "http://"].iter().filter_map(|p| rest.find(p)).min();
        let (before, url) = match url_start {
            Some(i) => (&rest[..i], Some(&rest[i..])),
            None => (rest, None),
        };
        for c in before.chars() {
            match c {
                '[' => out.push_str("\\["),
                ']' => out.push_str("\\]"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                c => out.push(c),
            }
        }
        match url {
            Some(url) => {
                let end = url
                    .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | '[' | ']'))
                    .unwrap_or(url.len());
                let mut link = &url[..end];
                // Trailing punctuation belongs to the sentence.
                while link.ends_with(['.', ',', ')', ';', ':', '!', '?', '\'']) {
                    link = &link[..link.len() - 1];
                }
                out.push('<');
                out.push_str(link);
                out.push('>');
                rest = &url[link.len()..];
            }
            None => rest = "",
        }
    }
    out
}

/// The lines of a doc comment for `docs`, or `fallback` when the spec says nothing.
pub fn lines(docs: &Docs, fallback: &str) -> Vec<String> {
    let mut out = Vec::new();
    let spans = [docs.summary.as_deref(), docs.description.as_deref()]
        .into_iter()
        .flatten()
        .chain([fallback])
        .all(spans_close_on_their_lines);
    let push_text = |text: &str, out: &mut Vec<String>| {
        let mut lines = text.lines();
        // The width of the list item the prose is in: its continuation lines are indented by it,
        // so that dropping the source's indentation does not make them lazy continuations.
        let mut item: Option<usize> = None;
        while let Some(line) = lines.next() {
            let trimmed = line.trim();
            if trimmed.is_empty() {
                item = None;
            } else if let Some(width) = list_item_width(trimmed) {
                // One space after the marker (`*   text` is `* text`): the continuation lines'
                // indentation is then the marker's width, and extra spaces cannot make the
                // item's text an indented code block.
                item = Some(width);
                let (marker, text) = trimmed.split_at(width - 1);
                out.push(escape_line(&format!("{marker} {}", text.trim_start()), spans));
                continue;
            } else if let (Some(width), None) = (item, fence_open(trimmed)) {
                out.push(format!("{}{}", " ".repeat(width), escape_line(trimmed, spans)));
                continue;
            }
            match fence_open(trimmed) {
                // Prose is written unindented, so a fence indented in the source would open one
                // here too: any line that opens a fence once trimmed is treated as one.
                Some((mark, len)) => {
                    let body: Vec<String> = lines
                        .by_ref()
                        .take_while(|l| !fence_closes(l, mark, len))
                        .map(|l| visible(l.trim_end()))
                        .collect();
                    push_code_block(&body, out);
                }
                None => out.push(escape_line(trimmed, spans)),
            }
        }
    };
    if let Some(summary) = &docs.summary {
        push_text(summary, &mut out);
    }
    if let Some(description) = &docs.description {
        if !out.is_empty() {
            out.push(String::new());
        }
        push_text(description, &mut out);
    }
    if out.iter().all(|l| l.trim().is_empty()) {
        out = vec![escape_line(fallback, spans)];
    }
    // No trailing blank lines.
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out
}

/// The width of a list item's marker (`- `, `* `, `+ `, `1. `, `2) `) when `line` starts one.
fn list_item_width(line: &str) -> Option<usize> {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let marker = match line[digits..].chars().next()? {
        '-' | '*' | '+' if digits == 0 => 1,
        '.' | ')' if (1..=9).contains(&digits) => digits + 1,
        _ => return None,
    };
    line[marker..].starts_with(' ').then_some(marker + 1)
}

/// The fence character and length when `line` (trimmed) opens a fenced code block: three or more
/// backticks or tildes, with any info string (a backtick fence's has no backtick).
fn fence_open(line: &str) -> Option<(char, usize)> {
    let mark = line.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let len = line.chars().take_while(|&c| c == mark).count();
    (len >= 3 && !(mark == '`' && line[len..].contains('`'))).then_some((mark, len))
}

/// Whether `line` closes a block opened by `len` of `mark`: as many or more of them, indented at
/// most three spaces, and nothing after them.
fn fence_closes(line: &str, mark: char, len: usize) -> bool {
    let rest = line.trim_start_matches(' ');
    line.len() - rest.len() <= 3
        && rest.chars().take_while(|&c| c == mark).count() >= len
        && rest.trim_start_matches(mark).trim().is_empty()
}

/// A code block of the spec's, as `text` (never a doctest), fenced with more backticks than any
/// line inside it starts with, so nothing inside can close it.
fn push_code_block(body: &[String], out: &mut Vec<String>) {
    let inner = body.iter().map(|l| l.trim_start().chars().take_while(|&c| c == '`').count()).max().unwrap_or(0);
    let fence = "`".repeat(inner.max(2) + 1);
    out.push(format!("{fence}text"));
    out.extend(body.iter().cloned());
    out.push(fence);
}

/// `#[doc = "..."]` attributes for `docs`.
pub fn attrs(docs: &Docs, fallback: &str) -> TokenStream {
    text_attrs(&lines(docs, fallback))
}

/// `#[doc = "..."]` attributes for lines that are already Markdown.
pub fn text_attrs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote! { #( #[doc = #lines] )* }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_span_that_could_be_read_otherwise_is_escaped_as_prose() {
        // A span opened on one line and closed on the next: CommonMark reads the second line's
        // first backtick as the close, and what follows as prose; so is it escaped here, on
        // every line of the text.
        let docs = Docs { summary: None, description: Some("a `b\nc` [x](javascript:alert(1)) `".into()) };
        assert_eq!(lines(&docs, ""), ["a `b", "c` \\[x\\](javascript:alert(1)) `"]);
        // A backslash before a backtick makes it no span opener.
        let docs = Docs { summary: None, description: Some("a \\` [x](y) `".into()) };
        assert_eq!(lines(&docs, ""), ["a \\` \\[x\\](y) `"]);
        assert_eq!(code_spans("x ``a`b`` `c`"), Some(vec![(2, 9), (10, 13)]));
        assert_eq!(code_spans("x ``a`"), None);
    }

    #[test]
    fn escapes_prose() {
        assert_eq!(escape_line("see [the docs](x) <b>", true), "see \\[the docs\\](x) &lt;b&gt;");
        assert_eq!(escape_line("at https://example.com/a.", true), "at <https://example.com/a>.");
        assert_eq!(escape_line("(https://e.com/x)", true), "(<https://e.com/x>)");
        // Inside a code span nothing is Markdown: kept as written, so no escape shows.
        assert_eq!(
            escape_line("as `meta_data[key]=<v>` or ``a`b [c]`` and [d]", true),
            "as `meta_data[key]=<v>` or ``a`b [c]`` and \\[d\\]"
        );
        assert_eq!(escape_line("as `meta_data[key]`", false), "as `meta_data\\[key\\]`");
    }

    #[test]
    fn fences_become_text_and_indent_is_dropped() {
        let docs = Docs { summary: Some("Sum".into()), description: Some("a\n    indented\n```\nfn x\n```".into()) };
        assert_eq!(lines(&docs, "f"), vec!["Sum", "", "a", "indented", "```text", "fn x", "```"]);
    }

    #[test]
    fn every_fence_kind_becomes_text() {
        let docs = Docs {
            summary: None,
            description: Some(
                "~~~rust\nrun()\n~~~\n  ```rust,ignore\nx\n  ```\n````\n```rust\ny\n```\n````\n```rust\nopen".into(),
            ),
        };
        assert_eq!(
            lines(&docs, "f"),
            vec![
                "```text", "run()", "```", "```text", "x", "```", "````text", "```rust", "y", "```", "````", "```text",
                "open", "```"
            ]
        );
    }

    #[test]
    fn a_fence_that_does_not_match_does_not_close() {
        // A tilde fence is not closed by backticks, nor a long fence by a shorter one.
        let docs = Docs { summary: None, description: Some("~~~~\n```\n~~~\nz\n~~~~\nafter".into()) };
        assert_eq!(lines(&docs, "f"), vec!["````text", "```", "~~~", "z", "````", "after"]);
    }

    #[test]
    fn hidden_characters_are_written_out() {
        assert_eq!(escape_line("a\u{202E}b\u{2066}c\u{200B}d\re", true), "aU+202EbU+2066cU+200BdU+000De");
        let docs = Docs { summary: None, description: Some("```\na\rb\tc\n```".into()) };
        assert_eq!(lines(&docs, "f"), vec!["```text", "aU+000Db    c", "```"]);
    }

    #[test]
    fn code_spans_hold_any_value() {
        assert_eq!(code("plain"), "`plain`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`tick`"), "`` `tick` ``");
        assert_eq!(code("x\n```rust\ny"), "````x ```rust y````");
        assert_eq!(code(""), "`  `");
        assert_eq!(prose("Title\n```rust"), "Title ```rust");
    }

    #[test]
    fn links_are_autolinks_or_code() {
        assert_eq!(link("https://buildkite.com/docs/apis/rest-api"), "<https://buildkite.com/docs/apis/rest-api>");
        assert_eq!(link("javascript:alert(1)"), "`javascript:alert(1)`");
        assert_eq!(link("https://x.test/a> <b"), "`https://x.test/a> <b`");
    }

    #[test]
    fn list_continuations_are_indented() {
        let docs = Docs { summary: None, description: Some("- one\n  more\nlazy\n\n10. ten\nnext\n\nafter".into()) };
        assert_eq!(lines(&docs, "f"), vec!["- one", "  more", "  lazy", "", "10. ten", "    next", "", "after"]);
        // `*   text` (content at column 4) is written `* text`, its continuation at column 2.
        let docs = Docs { summary: None, description: Some("*   wide\n  more\n3.      code?\n   next".into()) };
        assert_eq!(lines(&docs, "f"), vec!["* wide", "  more", "3. code?", "   next"]);
        assert_eq!(list_item_width("-x"), None);
        assert_eq!(list_item_width("2024 was"), None);
    }

    #[test]
    fn fallback_when_empty() {
        assert_eq!(lines(&Docs::default(), "The `x` field."), vec!["The `x` field."]);
    }
}
