//! Hierarchical tags (OpenAPI 3.2's `parent` and `kind`, carried as `x-parent` and `x-kind`):
//! which tag of an operation names its group, and the order of the groups.
//!
//! The choices: an operation's group is its first tag whose kind is `nav` or unset; a tag of
//! another kind (`badge`, `audience`, ...) labels operations without grouping them, unless the
//! operation has no other tag. Groups follow the tag tree: top-level tags in document order,
//! each followed by its children, depth first. A document without parents keeps the
//! alphabetical order of groups, as before 3.2. A parent that names no tag, or that would make a
//! cycle, is dropped with a warning at `#/tags/N/parent`: the tag stands at the top.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::Pointer;
use crate::upgrade::{TAG_KIND, TAG_PARENT};

/// The tag tree of a document, checked.
#[derive(Debug, Default)]
pub(super) struct Tags {
    /// Each declared tag's parent, when it has a valid one.
    parents: BTreeMap<String, String>,
    /// Each declared tag's kind, when it has one.
    kinds: BTreeMap<String, String>,
    /// Each declared tag's place in the tree's depth-first order.
    rank: BTreeMap<String, usize>,
}

impl Tags {
    /// Reads `tags`, with a warning (pointer and message) for each parent left out.
    pub(super) fn new(tags: &[openapiv3::Tag], warn: &mut dyn FnMut(&Pointer, String)) -> Self {
        let mut out = Tags::default();
        // The first declaration of a name is the one that counts.
        let mut first: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, tag) in tags.iter().enumerate() {
            first.entry(tag.name.as_str()).or_insert(i);
        }
        let declared = |i: usize, tag: &openapiv3::Tag| first.get(tag.name.as_str()) == Some(&i);
        for (i, tag) in tags.iter().enumerate().filter(|(i, t)| declared(*i, t)) {
            if let Some(Value::String(kind)) = tag.extensions.get(TAG_KIND) {
                out.kinds.insert(tag.name.clone(), kind.clone());
            }
            let Some(parent) = tag.extensions.get(TAG_PARENT) else { continue };
            let at = Pointer::root().push("tags").push(i.to_string()).push("parent");
            let Value::String(parent) = parent else {
                warn(&at, "a parent is a tag's name, a string; the tag stands at the top".into());
                continue;
            };
            if !first.contains_key(parent.as_str()) {
                warn(&at, format!("`{parent}` names no tag of `tags`; the tag stands at the top"));
                continue;
            }
            // The parents accepted so far form a forest: the walk up from `parent` ends.
            let mut up = Some(parent.as_str());
            let mut cycle = false;
            while let Some(name) = up {
                if name == tag.name {
                    cycle = true;
                    break;
                }
                up = out.parents.get(name).map(String::as_str);
            }
            if cycle {
                warn(&at, format!("`{parent}` leads back to this tag, a cycle; the tag stands at the top"));
                continue;
            }
            out.parents.insert(tag.name.clone(), parent.clone());
        }
        // Depth first from the top-level tags, each level in document order.
        let order: Vec<&str> =
            tags.iter().enumerate().filter(|(i, t)| declared(*i, t)).map(|(_, t)| t.name.as_str()).collect();
        let mut stack: Vec<&str> = order.iter().rev().filter(|n| !out.parents.contains_key(**n)).copied().collect();
        while let Some(name) = stack.pop() {
            out.rank.insert(name.to_string(), out.rank.len());
            let children = order.iter().rev().filter(|c| out.parents.get(**c).map(String::as_str) == Some(name));
            stack.extend(children);
        }
        out
    }

    /// The tag that names an operation's group: its first tag that navigates (kind `nav` or
    /// none), else its first tag.
    pub(super) fn group_tag<'t>(&self, tags: &'t [String]) -> Option<&'t String> {
        tags.iter().find(|t| self.kinds.get(*t).is_none_or(|k| k == "nav")).or_else(|| tags.first())
    }

    /// The parent of a tag.
    pub(super) fn parent(&self, tag: &str) -> Option<&String> {
        self.parents.get(tag)
    }

    /// Whether any tag has a parent: then groups follow the tree rather than the alphabet.
    pub(super) fn is_tree(&self) -> bool {
        !self.parents.is_empty()
    }

    /// Where a group of this tag stands in the tree's order; tags not declared come last.
    pub(super) fn rank(&self, tag: &str) -> usize {
        self.rank.get(tag).copied().unwrap_or(usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tags(value: Value) -> (Tags, Vec<String>) {
        let tags: Vec<openapiv3::Tag> = serde_json::from_value(value).unwrap();
        let mut warnings = Vec::new();
        let out = Tags::new(&tags, &mut |at, message| warnings.push(format!("{at}: {message}")));
        (out, warnings)
    }

    fn order(t: &Tags) -> Vec<&str> {
        let mut names: Vec<(&usize, &String)> = t.rank.iter().map(|(n, r)| (r, n)).collect();
        names.sort();
        names.into_iter().map(|(_, n)| n.as_str()).collect()
    }

    #[test]
    fn children_follow_their_parents_depth_first() {
        let (t, warnings) = tags(json!([
            {"name": "b"},
            {"name": "a2", "x-parent": "a"},
            {"name": "a"},
            {"name": "b1", "x-parent": "b"},
            {"name": "a1", "x-parent": "a"},
            {"name": "a2x", "x-parent": "a2"},
        ]));
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(order(&t), ["b", "b1", "a", "a2", "a2x", "a1"]);
        assert!(t.is_tree());
        assert_eq!(t.parent("a2x").map(String::as_str), Some("a2"));
        assert_eq!(t.rank("undeclared"), usize::MAX);
    }

    #[test]
    fn unknown_parents_and_cycles_are_warned_about_and_dropped() {
        let (t, warnings) = tags(json!([
            {"name": "a", "x-parent": "c"},
            {"name": "b", "x-parent": "a"},
            {"name": "c", "x-parent": "b"},
            {"name": "d", "x-parent": "nowhere"},
            {"name": "e", "x-parent": "e"},
            {"name": "f", "x-parent": 3},
        ]));
        assert_eq!(
            warnings,
            [
                "#/tags/2/parent: `b` leads back to this tag, a cycle; the tag stands at the top",
                "#/tags/3/parent: `nowhere` names no tag of `tags`; the tag stands at the top",
                "#/tags/4/parent: `e` leads back to this tag, a cycle; the tag stands at the top",
                "#/tags/5/parent: a parent is a tag's name, a string; the tag stands at the top",
            ]
        );
        // a under c, b under a; c at the top.
        assert_eq!(order(&t), ["c", "a", "b", "d", "e", "f"]);
    }

    #[test]
    fn only_navigation_tags_name_groups_when_there_is_one() {
        let (t, _) = tags(json!([{"name": "beta", "x-kind": "badge"}, {"name": "Search", "x-kind": "nav"}]));
        let op = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(t.group_tag(&op(&["beta", "Search"])).map(String::as_str), Some("Search"));
        assert_eq!(t.group_tag(&op(&["beta", "other"])).map(String::as_str), Some("other"));
        assert_eq!(t.group_tag(&op(&["beta"])).map(String::as_str), Some("beta"));
        assert_eq!(t.group_tag(&[]), None);
    }
}
