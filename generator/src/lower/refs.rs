//! `$ref` resolution for the component kinds the generator follows: references to components
//! (`load` has rewritten every other reference into one, or into a copy), chains of references
//! followed with a bound, every failure naming where the reference stands.

use indexmap::IndexMap;
use openapiv3::ReferenceOr;

use crate::error::{Error, Pointer};

/// How many references in a row are followed before the chain is called a loop.
const MAX_CHAIN: usize = 32;

/// The component name a local reference points at, checking that it points into `section`
/// (e.g. `schemas`).
pub fn component_name<'r>(reference: &'r str, section: &str, at: &Pointer) -> Result<&'r str, Error> {
    let prefix = format!("#/components/{section}/");
    match reference.strip_prefix(&prefix) {
        Some(name) if !name.is_empty() && !name.contains('/') => Ok(name),
        _ => Err(Error::UnresolvedRef {
            pointer: at.to_string(),
            reference: reference.to_string(),
            reason: if reference.starts_with('#') {
                format!("expected a reference of the form {prefix}<name>")
            } else {
                "a reference to another file; read the document with load::load, which bundles the files into one"
                    .into()
            },
        }),
    }
}

/// Follows references in `map` (the components of one section) until an item, returning it with
/// the component name it was found under (when it was reached through a reference).
pub fn resolve<'a, T>(
    item: &'a ReferenceOr<T>,
    map: Option<&'a IndexMap<String, ReferenceOr<T>>>,
    section: &str,
    at: &Pointer,
) -> Result<(&'a T, Option<&'a str>), Error> {
    let mut current = item;
    let mut name = None;
    for _ in 0..MAX_CHAIN {
        match current {
            ReferenceOr::Item(value) => return Ok((value, name)),
            ReferenceOr::Reference { reference } => {
                let key = component_name(reference, section, at)?;
                current = map.and_then(|m| m.get(key)).ok_or_else(|| Error::UnresolvedRef {
                    pointer: at.to_string(),
                    reference: reference.clone(),
                    reason: format!("there is no components.{section}.{key}"),
                })?;
                name = Some(key);
            }
        }
    }
    Err(Error::UnresolvedRef {
        pointer: at.to_string(),
        reference: match item {
            ReferenceOr::Reference { reference } => reference.clone(),
            ReferenceOr::Item(_) => String::new(),
        },
        reason: format!("more than {MAX_CHAIN} references in a row: a reference loop"),
    })
}
