//! OpenAPI Overlay 1.0: ordered actions, each an RFC 9535 JSONPath `target` with an `update`
//! merged into every matched node or `remove: true`. A target that matches nothing is an error,
//! so an overlay cannot rot silently when the spec under it changes.

use serde_json::Value;
use serde_json_path::JsonPath;

use crate::error::Error;

/// Applies every action of `overlay` to `doc`, in order.
pub fn apply(doc: &mut Value, overlay: &Value, file: &str) -> Result<(), Error> {
    let err = |index: usize, target: &str, message: String| Error::Overlay {
        file: file.to_string(),
        index,
        target: target.to_string(),
        message,
    };
    match overlay.get("overlay").and_then(Value::as_str) {
        Some(v) if v.starts_with("1.") => {}
        Some(v) => return Err(err(0, "$", format!("overlay version {v} is not supported; expected 1.x"))),
        None => return Err(err(0, "$", "not an overlay document: the `overlay: 1.0.0` field is missing".into())),
    }
    let actions = overlay
        .get("actions")
        .and_then(Value::as_array)
        .ok_or_else(|| err(0, "$", "the `actions` list is missing".into()))?;
    for (index, action) in actions.iter().enumerate() {
        let target = action
            .get("target")
            .and_then(Value::as_str)
            .ok_or_else(|| err(index, "?", "the action has no `target` string".into()))?;
        let path = JsonPath::parse(target).map_err(|e| err(index, target, format!("invalid JSONPath: {e}")))?;
        let pointers: Vec<String> =
            path.query_located(doc).locations().map(|location| location.to_json_pointer()).collect();
        if pointers.is_empty() {
            let what =
                action.get("description").and_then(Value::as_str).map(|d| format!(" (\"{d}\")")).unwrap_or_default();
            return Err(err(
                index,
                target,
                format!("the target matches nothing in the spec{what}; update or remove the action"),
            ));
        }
        let remove = action.get("remove").and_then(Value::as_bool).unwrap_or(false);
        match (remove, action.get("update")) {
            (true, Some(_)) => {
                return Err(err(index, target, "an action has either `update` or `remove: true`, not both".into()))
            }
            (true, None) => {
                // Remove deepest and last first, so earlier pointers stay valid.
                let mut pointers = pointers;
                pointers.sort_by(|a, b| pointer_order(b).cmp(&pointer_order(a)));
                for pointer in pointers {
                    remove_at(doc, &pointer).map_err(|m| err(index, target, m))?;
                }
            }
            (false, Some(update)) => {
                for pointer in pointers {
                    let node = doc
                        .pointer_mut(&pointer)
                        .ok_or_else(|| err(index, target, format!("matched node {pointer} vanished")))?;
                    merge(node, update);
                }
            }
            (false, None) => {
                return Err(err(index, target, "the action has neither `update` nor `remove: true`".into()))
            }
        }
    }
    Ok(())
}

/// Overlay merge: objects merge recursively, arrays take the update appended, anything else is
/// replaced.
fn merge(node: &mut Value, update: &Value) {
    match (node, update) {
        (Value::Object(target), Value::Object(update)) => {
            for (key, value) in update {
                match target.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Array(target), Value::Array(update)) => target.extend(update.iter().cloned()),
        (Value::Array(target), update) => target.push(update.clone()),
        (node, update) => *node = update.clone(),
    }
}

/// Orders pointers so that array indices compare as numbers (`/9` before `/10`).
fn pointer_order(pointer: &str) -> Vec<(u8, usize, &str)> {
    pointer
        .split('/')
        .map(|token| match token.parse::<usize>() {
            Ok(n) => (0, n, ""),
            Err(_) => (1, 0, token),
        })
        .collect()
}

fn remove_at(doc: &mut Value, pointer: &str) -> Result<(), String> {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return Err("the document root cannot be removed".into());
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.remove(&key);
            Ok(())
        }
        Some(Value::Array(items)) => match key.parse::<usize>() {
            Ok(i) if i < items.len() => {
                items.remove(i);
                Ok(())
            }
            _ => Err(format!("cannot remove {pointer}: no such array element")),
        },
        _ => Err(format!("cannot remove {pointer}: its parent is gone")),
    }
}
