//! What the models' generated `Deserialize` impls share. The generator writes a small visitor
//! per model instead of deriving one: serde's derive also writes a sequence visitor and a field
//! enum with its own visitor for every model, which the crate compiles for nothing.

use std::borrow::Cow;

use serde::de::{Deserialize, DeserializeSeed, Deserializer, Error, MapAccess, Visitor};

/// An object's key, borrowed from the input when it can be (no allocation for a plain key).
#[doc(hidden)]
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key, owned: for a map of properties beyond the documented ones.
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a property name")
            }
            fn visit_borrowed_str<E: Error>(self, value: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(value)))
            }
            fn visit_str<E: Error>(self, value: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(value.to_owned())))
            }
            fn visit_string<E: Error>(self, value: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(value)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// A union tagged by one of its properties, decoded without a second pass: the keys before the
/// tag are kept, and the variant's own `Deserialize` reads them and then the rest of the object
/// straight from the input. The generator implements it for each tagged union.
#[doc(hidden)]
pub trait TaggedUnion: Sized {
    /// The tagging property.
    const TAG: &'static str;
    /// What a decode error says was expected.
    const EXPECTING: &'static str;
    /// The variant of `tag` (`None`: no tag, or not a string), read from `object`.
    fn variant<'de, M: serde::de::MapAccess<'de>>(tag: Option<&str>, object: Tagged<'de, M>) -> Result<Self, M::Error>;
    /// A value that is not an object, kept as it is.
    fn unknown(value: serde_json::Value) -> Self;
}

/// Decodes a [`TaggedUnion`].
#[doc(hidden)]
pub fn deserialize_tagged<'de, D: Deserializer<'de>, T: TaggedUnion>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_any(TaggedVisitor(std::marker::PhantomData))
}

struct TaggedVisitor<T>(std::marker::PhantomData<T>);

impl<T: TaggedUnion> TaggedVisitor<T> {
    fn keep<E: Error>(value: serde_json::Value) -> Result<T, E> {
        Ok(T::unknown(value))
    }
}

impl<'de, T: TaggedUnion> Visitor<'de> for TaggedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<M: serde::de::MapAccess<'de>>(self, mut map: M) -> Result<T, M::Error> {
        // The entries up to and including the tag's, in their order.
        let mut before = std::collections::VecDeque::new();
        let (mut tag, mut ended) = (None, true);
        while let Some(key) = map.next_key::<String>()? {
            let value: serde_json::Value = map.next_value()?;
            let found = key == T::TAG;
            if found {
                tag = value.as_str().map(str::to_owned);
            }
            before.push_back((key, value));
            if found {
                ended = false;
                break;
            }
        }
        T::variant(tag.as_deref(), Tagged { before, pending: None, rest: map, ended, lifetime: std::marker::PhantomData })
    }

    fn visit_bool<E: Error>(self, v: bool) -> Result<T, E> {
        Self::keep(v.into())
    }
    fn visit_i64<E: Error>(self, v: i64) -> Result<T, E> {
        Self::keep(v.into())
    }
    fn visit_u64<E: Error>(self, v: u64) -> Result<T, E> {
        Self::keep(v.into())
    }
    fn visit_f64<E: Error>(self, v: f64) -> Result<T, E> {
        Self::keep(v.into())
    }
    fn visit_str<E: Error>(self, v: &str) -> Result<T, E> {
        Self::keep(v.into())
    }
    fn visit_unit<E: Error>(self) -> Result<T, E> {
        Self::keep(serde_json::Value::Null)
    }
    fn visit_none<E: Error>(self) -> Result<T, E> {
        Self::keep(serde_json::Value::Null)
    }
    fn visit_seq<S: serde::de::SeqAccess<'de>>(self, seq: S) -> Result<T, S::Error> {
        serde_json::Value::deserialize(serde::de::value::SeqAccessDeserializer::new(seq)).map(T::unknown)
    }
}

/// The object of a [`TaggedUnion`]: the entries read before its tag, then the rest of the input.
#[doc(hidden)]
pub struct Tagged<'de, M> {
    before: std::collections::VecDeque<(String, serde_json::Value)>,
    /// The value of the kept key just given.
    pending: Option<serde_json::Value>,
    rest: M,
    /// The input's object has been read to its end (no tag was found).
    ended: bool,
    lifetime: std::marker::PhantomData<&'de ()>,
}

impl<'de, M: serde::de::MapAccess<'de>> Tagged<'de, M> {
    /// The object, for a variant's `Deserialize`.
    pub fn into_deserializer(self) -> serde::de::value::MapAccessDeserializer<Self> {
        serde::de::value::MapAccessDeserializer::new(self)
    }
}

impl<'de, M: serde::de::MapAccess<'de>> serde::de::MapAccess<'de> for Tagged<'de, M> {
    type Error = M::Error;

    fn next_key_seed<K: serde::de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, M::Error> {
        if let Some((key, value)) = self.before.pop_front() {
            self.pending = Some(value);
            let key = serde::de::IntoDeserializer::<M::Error>::into_deserializer(key);
            return seed.deserialize(key).map(Some);
        }
        if self.ended {
            return Ok(None);
        }
        self.rest.next_key_seed(seed)
    }

    fn next_value_seed<V: serde::de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, M::Error> {
        match self.pending.take() {
            Some(value) => seed.deserialize(value).map_err(M::Error::custom),
            None => self.rest.next_value_seed(seed),
        }
    }
}

thread_local! {
    /// Set while the client writes a request body, so that read-only fields stay out of it.
    static SENDING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `write` (a serialization of a request body) with read-only fields left out:
/// serialization is synchronous, so the flag holds for exactly that body, nested models
/// included.
pub(crate) fn sending<R>(write: impl FnOnce() -> R) -> R {
    let before = SENDING.with(|s| s.replace(true));
    let out = write();
    SENDING.with(|s| s.set(before));
    out
}

/// `skip_serializing_if` of a read-only field (always an `Option`): absent, or a request body
/// is being written. Serialized otherwise (a response model stored, a mock's answer), it is
/// kept.
pub fn skip_read_only<T>(value: &Option<T>) -> bool {
    value.is_none() || SENDING.with(|s| s.get())
}

/// An alternative of an untagged union, as its written-out `Deserialize` tries it.
pub struct Alternative<T> {
    /// The properties it requires with one constant string value each: it is tried only on a
    /// value that has them all.
    pub constants: &'static [(&'static str, &'static str)],
    /// The properties it declares, when it is an object without a map for other keys: a key
    /// beyond them is one it would drop.
    pub keys: Option<&'static [&'static str]>,
    /// Its properties whose values are enums, with the values the spec lists: a value beyond
    /// them is one it would keep only as `Unknown`.
    pub enums: &'static [(&'static str, &'static [&'static str])],
    /// Reads the value as this alternative.
    pub read: fn(&serde_json::Value) -> Result<T, serde_json::Error>,
}

impl<T> Alternative<T> {
    /// Whether `value` has each of this alternative's constants.
    fn has_constants(&self, value: &serde_json::Value) -> bool {
        self.constants.iter().all(|(key, expected)| value.get(key).and_then(serde_json::Value::as_str) == Some(expected))
    }

    /// How much of `value` this alternative would not understand: keys it does not declare and
    /// enum values it does not list.
    fn misfit(&self, value: &serde_json::Value) -> usize {
        let Some(object) = value.as_object() else { return 0 };
        let unclaimed = match self.keys {
            Some(keys) => object.keys().filter(|k| !keys.contains(&k.as_str())).count(),
            None => 0,
        };
        let unlisted = self
            .enums
            .iter()
            .filter(|(key, listed)| object.get(*key).and_then(serde_json::Value::as_str).is_some_and(|v| !listed.contains(&v)))
            .count();
        unclaimed + unlisted
    }
}

/// Reads an untagged union. The alternatives whose constants the value has are tried first
/// (those without constants after them), and within each kind the one that fits the value best
/// (fewest keys it would drop, fewest enum values it does not list), then the spec's order: so
/// that an alternative whose properties are all optional does not take a value meant for a
/// fuller one; an alternative is not tried on an enum value that only another lists. With
/// `unknown`, an object whose tag property has a value no alternative lists (a tag this client
/// does not know), and that no alternative without constants reads, is kept as it is.
pub fn deserialize_untagged<'de, D: serde::Deserializer<'de>, T>(
    deserializer: D,
    alternatives: &[Alternative<T>],
    unknown: Option<fn(serde_json::Value) -> T>,
    name: &str,
) -> Result<T, D::Error> {
    let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
    // An enum value that one alternative lists is that alternative's: another, whose open enum
    // would read it as `Unknown`, is not tried.
    let listed_elsewhere = |i: usize, a: &Alternative<T>| {
        a.enums.iter().any(|(key, listed)| match value.get(key).and_then(serde_json::Value::as_str) {
            Some(v) if !listed.contains(&v) => alternatives
                .iter()
                .enumerate()
                .any(|(j, b)| j != i && b.enums.iter().any(|(k, l)| k == key && l.contains(&v))),
            _ => false,
        })
    };
    let mut order: Vec<(bool, usize, usize)> = alternatives
        .iter()
        .enumerate()
        .filter(|(i, a)| a.has_constants(&value) && !listed_elsewhere(*i, a))
        .map(|(i, a)| (a.constants.is_empty(), a.misfit(&value), i))
        .collect();
    order.sort_unstable();
    let tagged = order.iter().any(|(unconstrained, _, _)| !unconstrained);
    // `Unknown` is for a tag this client does not know: an object that has a tag property (one
    // an alternative holds constant) with a value no alternative lists.
    let has_tag = alternatives.iter().flat_map(|a| a.constants).any(|(key, _)| value.get(key).is_some());
    let mut first_error = None;
    for (_, _, i) in order {
        match (alternatives[i].read)(&value) {
            Ok(read) => return Ok(read),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match (unknown, tagged) {
        (Some(unknown), false) if has_tag => Ok(unknown(value)),
        _ => Err(serde::de::Error::custom(match first_error {
            Some(e) => format!("data did not match any variant of untagged enum {name}: {e}"),
            None => format!("data did not match any variant of untagged enum {name}"),
        })),
    }
}

/// An optional property whose object has required properties: `{}` cannot be that object, and
/// servers send it for "none", so it reads as absent, as `null` does. Any other object is read
/// straight from the input, its first key replayed, without buffering it.
#[doc(hidden)]
pub struct OrEmpty<T>(pub Option<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OrEmpty<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_option(OrEmptyVisitor(std::marker::PhantomData))
    }
}

struct OrEmptyVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for OrEmptyVisitor<T> {
    type Value = OrEmpty<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object or null")
    }

    fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
        Ok(OrEmpty(None))
    }

    fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
        Ok(OrEmpty(None))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        match map.next_key::<Key<'de>>()? {
            None => Ok(OrEmpty(None)),
            Some(first) => {
                let rest = Replay { first: Some(first), map };
                T::deserialize(serde::de::value::MapAccessDeserializer::new(rest)).map(|value| OrEmpty(Some(value)))
            }
        }
    }
}

/// A map whose first key was already read: it yields that key again, then the rest.
struct Replay<'de, A> {
    first: Option<Key<'de>>,
    map: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        match self.first.take() {
            Some(Key(Cow::Borrowed(key))) => {
                seed.deserialize(serde::de::value::BorrowedStrDeserializer::new(key)).map(Some)
            }
            Some(Key(Cow::Owned(key))) => {
                seed.deserialize(serde::de::value::StringDeserializer::<A::Error>::new(key)).map(Some)
            }
            None => self.map.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint().map(|n| n + usize::from(self.first.is_some()))
    }
}
