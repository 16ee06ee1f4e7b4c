//! Where in a JSON body a decoding error happened, from the error's line and column alone.
//!
//! Decoding a body a second time with `serde_path_to_error` to find the path would compile
//! every model's `Deserialize` twice (once per deserializer type): about a quarter of the
//! crate's machine code. This scans the text instead, without knowing the model: one function
//! for every type.

/// The path (`.`, `key`, `[1]`, `items[2].created_at`) of the value being read at the 1-based
/// `line` and byte `column` where `serde_json` reported an error in `body`.
pub(crate) fn path_at(body: &[u8], line: usize, column: usize) -> String {
    if line == 0 {
        return ".".to_string();
    }
    let line_start: usize = body.split_inclusive(|&b| b == b'\n').take(line - 1).map(<[u8]>::len).sum();
    let offset = line_start + column.saturating_sub(1);
    // Each open container: an object with the key whose value is being read, or an array with
    // the index of the item being read.
    enum Frame {
        Object(Option<String>),
        Array(usize),
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    // Scan through the byte at `offset`, which `serde_json` points at.
    while i < body.len() && i <= offset {
        match body[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < body.len() && body[i] != b'"' {
                    i += if body[i] == b'\\' { 2 } else { 1 };
                }
                let end = (i + 1).min(body.len());
                // A string is a key when an object waits for one and a `:` follows.
                if let Some(Frame::Object(key @ None)) = stack.last_mut() {
                    let rest = body.get(end..).unwrap_or_default();
                    if rest.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b':') {
                        let raw = String::from_utf8_lossy(&body[start..end]);
                        *key = Some(
                            serde_json::from_str::<String>(&raw).unwrap_or_else(|_| raw.trim_matches('"').to_string()),
                        );
                    }
                }
            }
            b'{' => stack.push(Frame::Object(None)),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object(key)) => *key = None,
                Some(Frame::Array(index)) => *index += 1,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            // Between values (a missing field, a trailing comma): the object itself.
            Frame::Object(None) => break,
            Frame::Array(index) => path.push_str(&format!("[{index}]")),
        }
    }
    if path.is_empty() {
        ".".to_string()
    } else {
        path
    }
}

#[cfg(test)]
mod tests {
    use super::path_at;

    /// The path `serde_json`'s error position leads to, for a body and a type.
    fn path_of<T: serde::de::DeserializeOwned + std::fmt::Debug>(body: &str) -> String {
        let error = serde_json::from_str::<T>(body).expect_err("must fail");
        path_at(body.as_bytes(), error.line(), error.column())
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        id: u64,
        #[serde(default)]
        name: Option<String>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        inner: Inner,
        items: Vec<Inner>,
    }

    #[test]
    fn paths_match_the_value_that_failed() {
        assert_eq!(path_of::<Outer>(r#"{"inner": {"id": "x"}, "items": []}"#), "inner.id");
        assert_eq!(path_of::<Outer>(r#"{"inner": {"name": "a"}, "items": []}"#), "inner");
        assert_eq!(path_of::<Outer>(r#"{"inner": {"id": 1}, "items": [{"id": 1}, {"id": -1}]}"#), "items[1].id");
        assert_eq!(path_of::<Outer>(r#"{"inner": {"id": 1}, "items": [{"id": 1}, {"name": "b"}]}"#), "items[1]");
        assert_eq!(path_of::<Outer>(r#"{"inner": {"id": 1}}"#), ".");
        assert_eq!(path_of::<Vec<Inner>>("[\n  {\"id\": 1},\n  {\"id\": true}\n]"), "[1].id");
        assert_eq!(path_of::<Outer>(r#"{"inner": {"id": 1, "name": 5}, "items": []}"#), "inner.name");
        assert_eq!(path_of::<Outer>(r#"{"in\"ner": 1, "inner": {"id": 1}, "items": [1]}"#), "items[0]");
        assert_eq!(path_of::<Inner>(r#"{"id": 1} x"#), ".");
        assert_eq!(path_of::<Inner>(r#"{"id": "#), "id");
    }
}
