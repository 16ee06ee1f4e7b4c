//! Doc comments from spec text, escaped so rustdoc reads them as prose: brackets escaped, bare
//! URLs wrapped, HTML-like tags neutralized, code fences marked `text` so they never run as
//! doctests, and indentation dropped so nothing becomes an indented code block.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Docs;

/// Escapes one line of prose.
fn escape_line(line: &str) -> String {
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
                c if c.is_control() => out.push(' '),
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
    let push_text = |text: &str, out: &mut Vec<String>| {
        let mut in_code = false;
        for line in text.lines() {
            let trimmed = line.trim();
            if trimmed.starts_with("```") {
                out.push(if in_code { "```".to_string() } else { "```text".to_string() });
                in_code = !in_code;
            } else if in_code {
                out.push(line.trim_end().replace('\t', "    "));
            } else {
                out.push(escape_line(trimmed));
            }
        }
        if in_code {
            out.push("```".into());
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
        out = vec![escape_line(fallback)];
    }
    // No trailing blank lines.
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out
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
    fn escapes_prose() {
        assert_eq!(escape_line("see [the docs](x) <b>"), "see \\[the docs\\](x) &lt;b&gt;");
        assert_eq!(escape_line("at https://example.com/a."), "at <https://example.com/a>.");
        assert_eq!(escape_line("(https://e.com/x)"), "(<https://e.com/x>)");
    }

    #[test]
    fn fences_become_text_and_indent_is_dropped() {
        let docs = Docs { summary: Some("Sum".into()), description: Some("a\n    indented\n```\nfn x\n```".into()) };
        assert_eq!(lines(&docs, "f"), vec!["Sum", "", "a", "indented", "```text", "fn x", "```"]);
    }

    #[test]
    fn fallback_when_empty() {
        assert_eq!(lines(&Docs::default(), "The `x` field."), vec!["The `x` field."]);
    }
}
