//! Scalar types the models use: timestamps that accept the forms real servers send, and the
//! values that open enums keep when a server sends something new.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A point in time, in UTC.
///
/// Decodes RFC 3339 (`2024-05-01T10:20:30.123Z`, any offset) and the
/// `2024-05-01 10:20:30 UTC` form some servers use; encodes RFC 3339.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub chrono::DateTime<chrono::Utc>);

impl Timestamp {
    /// Parses any of the accepted forms.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
            return Some(Timestamp(t.with_timezone(&chrono::Utc)));
        }
        if let Some(naive) = text.strip_suffix(" UTC").or_else(|| text.strip_suffix(" Z")) {
            for format in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
                if let Ok(t) = chrono::NaiveDateTime::parse_from_str(naive, format) {
                    return Some(Timestamp(t.and_utc()));
                }
            }
        }
        for format in ["%Y-%m-%d %H:%M:%S%.f %z", "%Y-%m-%d %H:%M:%S%.f%z"] {
            if let Ok(t) = chrono::DateTime::parse_from_str(text, format) {
                return Some(Timestamp(t.with_timezone(&chrono::Utc)));
            }
        }
        None
    }

    /// The time as a `chrono` value.
    pub fn into_inner(self) -> chrono::DateTime<chrono::Utc> {
        self.0
    }
}

impl std::ops::Deref for Timestamp {
    type Target = chrono::DateTime<chrono::Utc>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl From<chrono::DateTime<chrono::Utc>> for Timestamp {
    fn from(t: chrono::DateTime<chrono::Utc>) -> Self {
        Timestamp(t)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
}

impl std::str::FromStr for Timestamp {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s).ok_or_else(|| format!("`{s}` is not an RFC 3339 or `YYYY-MM-DD HH:MM:SS UTC` timestamp"))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 or `YYYY-MM-DD HH:MM:SS UTC` timestamp")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
                v.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// A string enum value the client does not know. Only decoding makes one, so a known value
/// can never end up in an enum's `Unknown` variant.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnknownValue(String);

impl UnknownValue {
    // Used by generated string enums; a spec without any leaves it unused.
    #[allow(dead_code)]
    pub(crate) fn new(value: &str) -> Self {
        UnknownValue(value.to_string())
    }

    /// The value as the server sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An integer enum value the client does not know. Only decoding makes one. `T` is the enum's
/// integer type: `i64`, or `u64` for `format: uint64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnknownInteger<T = i64>(T);

impl<T: Copy> UnknownInteger<T> {
    // Used by generated integer enums; a spec without any leaves it unused.
    #[allow(dead_code)]
    pub(crate) fn new(value: T) -> Self {
        UnknownInteger(value)
    }

    /// The value as the server sent it.
    pub fn get(&self) -> T {
        self.0
    }
}

/// Decodes a string enum through its `From<&str>`, borrowing when the input allows.
pub fn deserialize_str_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    struct V<T>(std::marker::PhantomData<T>);
    impl<T: for<'a> From<&'a str>> Visitor<'_> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            Ok(T::from(v))
        }
    }
    deserializer.deserialize_str(V(std::marker::PhantomData))
}

/// Decodes an integer enum through its `From<I>`, `I` its integer type.
pub fn deserialize_int_enum<'de, D, I, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    I: Deserialize<'de>,
    T: From<I>,
{
    I::deserialize(deserializer).map(T::from)
}

/// Serde glue for `Option<Option<T>>` fields of request types: `None` is left out (with
/// `skip_serializing_if`), `Some(None)` is sent as `null`, `Some(Some(v))` as `v`; on decoding,
/// a present `null` is `Some(None)` and an absent key `None`.
pub mod nullable {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Writes the inner option: `null` or the value.
    pub fn serialize<T: Serialize, S: Serializer>(value: &Option<Option<T>>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Reads a present value, `null` included.
    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}
