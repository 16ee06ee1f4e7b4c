//! The `Link` header (RFC 8288 §3): link-values separated by commas, each a `<URI-Reference>`
//! followed by `;`-separated parameters whose values are tokens or quoted strings.

/// One link-value: its target as written, and its relation types (lowercase).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LinkValue {
    pub(crate) target: String,
    pub(crate) rels: Vec<String>,
}

impl LinkValue {
    /// Whether one of its relation types is `rel` (relation types compare case-insensitively).
    pub(crate) fn has_rel(&self, rel: &str) -> bool {
        self.rels.iter().any(|r| r.eq_ignore_ascii_case(rel))
    }
}

/// Every well-formed link-value of one `Link` field value, in order.
///
/// A comma or a `<` inside a quoted parameter value (`title="a, <b>"`) is part of that value,
/// never the start of another link; `\` escapes the next character in a quoted string. Only
/// the first `rel` parameter of a link counts (RFC 8288 §3.3), and it may hold several relation
/// types separated by spaces (`rel="next last"`). A malformed link-value is skipped up to the
/// next comma that separates link-values; the others still count.
pub(crate) fn parse(value: &str) -> Vec<LinkValue> {
    let mut p = Parser { s: value.as_bytes(), i: 0 };
    let mut links = Vec::new();
    loop {
        p.skip(|c| c == b' ' || c == b'\t' || c == b',');
        if p.i >= p.s.len() {
            return links;
        }
        match p.link_value() {
            Some(link) => links.push(link),
            None => p.skip_to_next_link(),
        }
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn skip(&mut self, what: impl Fn(u8) -> bool) {
        while self.peek().is_some_and(&what) {
            self.i += 1;
        }
    }

    fn ows(&mut self) {
        self.skip(|c| c == b' ' || c == b'\t');
    }

    fn text(&self, from: usize) -> String {
        String::from_utf8_lossy(&self.s[from..self.i]).into_owned()
    }

    /// `<target>` then its parameters, up to (not past) the comma that ends it; `None` if it is
    /// malformed.
    fn link_value(&mut self) -> Option<LinkValue> {
        if self.peek() != Some(b'<') {
            return None;
        }
        self.i += 1;
        let start = self.i;
        self.skip(|c| c != b'>');
        if self.peek() != Some(b'>') {
            return None;
        }
        let target = self.text(start).trim().to_string();
        self.i += 1;
        let mut rels: Option<Vec<String>> = None;
        loop {
            self.ows();
            match self.peek() {
                None | Some(b',') => return Some(LinkValue { target, rels: rels.unwrap_or_default() }),
                Some(b';') => self.i += 1,
                Some(_) => return None,
            }
            self.ows();
            let start = self.i;
            self.skip(is_token);
            let name = self.text(start);
            if name.is_empty() {
                // `<a>;` with nothing after, or `;;`: tolerated, nothing to record.
                continue;
            }
            self.ows();
            let value = if self.peek() == Some(b'=') {
                self.i += 1;
                self.ows();
                if self.peek() == Some(b'"') {
                    self.quoted()?
                } else {
                    let start = self.i;
                    self.skip(is_token);
                    self.text(start)
                }
            } else {
                String::new()
            };
            if name.eq_ignore_ascii_case("rel") && rels.is_none() {
                rels = Some(value.split_ascii_whitespace().map(str::to_ascii_lowercase).collect());
            }
        }
    }

    /// A quoted string, the cursor on its opening quote; its value without escapes.
    fn quoted(&mut self) -> Option<String> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            match self.peek()? {
                b'"' => {
                    self.i += 1;
                    return Some(String::from_utf8_lossy(&out).into_owned());
                }
                b'\\' => {
                    self.i += 1;
                    out.push(self.peek()?);
                    self.i += 1;
                }
                c => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
    }

    /// Past the rest of a malformed link-value: to the next comma outside a quoted string and
    /// outside `<...>`.
    fn skip_to_next_link(&mut self) {
        let (mut quoted, mut angle) = (false, false);
        while let Some(c) = self.peek() {
            self.i += 1;
            match c {
                b'\\' if quoted => self.i += 1,
                b'"' if !angle => quoted = !quoted,
                b'<' if !quoted => angle = true,
                b'>' if !quoted => angle = false,
                b',' if !quoted && !angle => return,
                _ => {}
            }
        }
    }
}

/// A `token` character (RFC 9110 §5.6.2), plus `*` for extended parameter names (`title*`).
fn is_token(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next(value: &str) -> Option<String> {
        parse(value).into_iter().find(|l| l.has_rel("next")).map(|l| l.target)
    }

    #[test]
    fn the_common_forms() {
        let value = r#"<https://api.example.com/b?page=2>; rel="next", <https://api.example.com/b?page=9>; rel="last""#;
        assert_eq!(next(value).as_deref(), Some("https://api.example.com/b?page=2"));
        let links = parse(value);
        assert_eq!(links.len(), 2);
        assert!(links[1].has_rel("last"));
        assert_eq!(next("<a>;rel=next").as_deref(), Some("a"), "a token value");
        assert_eq!(next("<a> ; REL = \"NEXT\"").as_deref(), Some("a"), "spaces, case");
        assert_eq!(next("<a>; rel=\"prev next\"").as_deref(), Some("a"), "several relation types");
        assert_eq!(next("<a>; rel=\"last\"").as_deref(), None);
        assert_eq!(next("").as_deref(), None);
    }

    #[test]
    fn commas_and_angle_brackets_inside_urls_and_quoted_values() {
        assert_eq!(next("<https://x.test/p?ids=1,2,3>; rel=next").as_deref(), Some("https://x.test/p?ids=1,2,3"));
        // A URL written in another link's quoted title is not a link.
        let value = r#"<https://x.test/1>; title="see <https://evil.test/>, rel=next"; rel=first, <https://x.test/2>; rel=next"#;
        assert_eq!(next(value).as_deref(), Some("https://x.test/2"));
        let links = parse(value);
        assert_eq!(links.len(), 2, "{links:?}");
        assert_eq!(links[0].rels, ["first"]);
        // The same, with the decoy last: no next at all.
        let value = r#"<https://x.test/1>; rel=first; title="x, <https://evil.test/>; rel=\"next\"""#;
        assert_eq!(next(value), None, "{:?}", parse(value));
    }

    #[test]
    fn escapes_in_quoted_strings() {
        let value = r#"<a>; title="say \"hi\", <b>; rel=next"; rel="next""#;
        let links = parse(value);
        assert_eq!(links.len(), 1, "{links:?}");
        assert_eq!(links[0].target, "a");
        assert_eq!(next(r#"<a>; rel="n\ext""#).as_deref(), Some("a"), "an escaped ordinary character");
    }

    #[test]
    fn only_the_first_rel_counts() {
        assert_eq!(next("<a>; rel=prev; rel=next"), None);
        assert_eq!(next("<a>; rel=next; rel=prev").as_deref(), Some("a"));
    }

    #[test]
    fn malformed_link_values_are_skipped_not_the_others() {
        assert_eq!(next(r#"junk; rel=next, <b>; rel=next"#).as_deref(), Some("b"));
        assert_eq!(next(r#"<a; rel=next"#), None, "no closing bracket");
        assert_eq!(next(r#"<a>; title="unterminated, <b>; rel=next"#), None, "the rest is inside the quote");
        assert_eq!(next(r#"<a> garbage "x,y" <c>; rel=next, <d>; rel=next"#).as_deref(), Some("d"));
        assert_eq!(next("<a>;; rel=next;").as_deref(), Some("a"));
        assert_eq!(next("<a>; rel").as_deref(), None, "rel without a value");
        assert_eq!(next("<a>; rel=\"\\").as_deref(), None, "an escape at the very end");
        // Never a panic on bytes that are not ASCII.
        assert_eq!(next("<é>; rel=\"nëxt\", <ü>; rel=next").as_deref(), Some("ü"));
    }
}
