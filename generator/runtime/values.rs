//! Scalar types the models use: timestamps that accept the forms real servers send, and the
//! values that open enums keep when a server sends something new.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Equality, order, hashing, `Serialize` and `Deserialize` of a scalar decoded leniently
/// (`Timestamp`, `Date`): two values are equal when they parsed to the same value, whatever
/// text each was sent as, and text that did not parse equals the same text only and orders
/// after every parsed value; a value is written back as the text received, and any text
/// decodes. The type has `key()`, `text()` and `lenient(&str)`.
macro_rules! lenient_scalar {
    ($t:ident, $expecting:literal) => {
        impl PartialEq for $t {
            fn eq(&self, other: &Self) -> bool {
                self.key() == other.key()
            }
        }

        impl Eq for $t {}

        impl PartialOrd for $t {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $t {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                // `None` sorts first in an `Option`: text that did not parse goes last instead.
                let (a, b) = (self.key(), other.key());
                (a.0.is_none(), a).cmp(&(b.0.is_none(), b))
            }
        }

        impl std::hash::Hash for $t {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                self.key().hash(state);
            }
        }

        /// As received (a model sent back says what the server said), or the standard form of
        /// a value made here.
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.text())
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct V;
                impl Visitor<'_> for V {
                    type Value = $t;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$t, E> {
                        Ok($t::lenient(v))
                    }
                }
                deserializer.deserialize_str(V)
            }
        }
    };
}

/// A point in time, in UTC, as a server sent it.
///
/// Decodes RFC 3339 (`2024-05-01T10:20:30.123Z`, any offset), the `2024-05-01 10:20:30 UTC`
/// form some servers use, and a date-time without an offset (`2024-05-01T10:20:30`), read as
/// UTC. Text that is none of these still decodes, so that one malformed value never fails a
/// whole response: [`time`](Self::time) is then `None` and [`text`](Self::text) keeps what was
/// sent. `Display` writes RFC 3339 in UTC; `Serialize` writes the text as it was received.
///
/// Two timestamps are equal when they are the same instant, whatever form each was sent in;
/// text that was no date-time equals the same text only, and orders after every time.
#[derive(Debug, Clone)]
pub struct Timestamp {
    time: Option<chrono::DateTime<chrono::Utc>>,
    /// The text received, when it was not RFC 3339.
    text: Option<Box<str>>,
}

impl Timestamp {
    /// Parses any of the accepted forms; `None` for text that is none of them.
    pub fn parse(text: &str) -> Option<Self> {
        let (time, exact) = parse_time(text)?;
        Some(Timestamp { time: Some(time), text: (!exact).then(|| text.into()) })
    }

    /// Keeps any text: parsed when it is one of the accepted forms, kept as text otherwise.
    pub fn lenient(text: &str) -> Self {
        match parse_time(text) {
            Some((time, true)) => Timestamp { time: Some(time), text: None },
            Some((time, false)) => Timestamp { time: Some(time), text: Some(text.into()) },
            None => Timestamp { time: None, text: Some(text.into()) },
        }
    }

    /// The time; `None` when the server sent text that is not a date-time.
    pub fn time(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.time
    }

    /// Whether the text received was a date-time (see [`time`](Self::time)).
    pub fn is_valid(&self) -> bool {
        self.time.is_some()
    }

    /// The text as received, or the RFC 3339 form of a time made here.
    pub fn text(&self) -> String {
        match &self.text {
            Some(text) => text.to_string(),
            None => self.to_string(),
        }
    }

    /// The time as a `chrono` value; `None` when the server sent text that is not a date-time.
    pub fn into_inner(self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.time
    }
}

impl Timestamp {
    /// What equality, order and hashing compare: the instant, or else the text.
    fn key(&self) -> (Option<chrono::DateTime<chrono::Utc>>, Option<&str>) {
        match self.time {
            Some(time) => (Some(time), None),
            None => (None, self.text.as_deref()),
        }
    }
}

lenient_scalar!(Timestamp, "a timestamp");

/// The time, and whether the text was RFC 3339 (written back as it is decoded).
fn parse_time(text: &str) -> Option<(chrono::DateTime<chrono::Utc>, bool)> {
    let text = text.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some((t.with_timezone(&chrono::Utc), true));
    }
    let naive = text.strip_suffix(" UTC").or_else(|| text.strip_suffix(" Z")).unwrap_or(text);
    for format in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(naive, format) {
            return Some((t.and_utc(), false));
        }
    }
    for format in ["%Y-%m-%d %H:%M:%S%.f %z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(t) = chrono::DateTime::parse_from_str(text, format) {
            return Some((t.with_timezone(&chrono::Utc), false));
        }
    }
    None
}

impl From<chrono::DateTime<chrono::Utc>> for Timestamp {
    fn from(t: chrono::DateTime<chrono::Utc>) -> Self {
        Timestamp { time: Some(t), text: None }
    }
}

/// RFC 3339 in UTC; text that was no date-time, as it was received.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.time, &self.text) {
            (Some(time), _) => f.write_str(&time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
            (None, Some(text)) => f.write_str(text),
            (None, None) => Ok(()),
        }
    }
}

impl std::str::FromStr for Timestamp {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s).ok_or_else(|| format!("`{s}` is not an RFC 3339 or `YYYY-MM-DD HH:MM:SS UTC` timestamp"))
    }
}

/// A calendar date, as a server sent it.
///
/// Decodes `YYYY-MM-DD`, and a date-time (`2024-05-01T10:20:30Z`, which some servers send where
/// their spec says `format: date`) as the date it names. Text that is neither still decodes,
/// so that one malformed value never fails a whole response: [`date`](Self::date) is then
/// `None` and [`text`](Self::text) keeps what was sent. `Display` writes `YYYY-MM-DD`;
/// `Serialize` writes the text as it was received.
#[derive(Debug, Clone)]
pub struct Date {
    date: Option<chrono::NaiveDate>,
    /// The text received, when it was not `YYYY-MM-DD`.
    text: Option<Box<str>>,
}

impl Date {
    /// Parses either accepted form; `None` for text that is neither.
    pub fn parse(text: &str) -> Option<Self> {
        let (date, exact) = parse_date(text)?;
        Some(Date { date: Some(date), text: (!exact).then(|| text.into()) })
    }

    /// Keeps any text: parsed when it is one of the accepted forms, kept as text otherwise.
    pub fn lenient(text: &str) -> Self {
        Date::parse(text).unwrap_or_else(|| Date { date: None, text: Some(text.into()) })
    }

    /// The date; `None` when the server sent text that is not a date.
    pub fn date(&self) -> Option<chrono::NaiveDate> {
        self.date
    }

    /// Whether the text received was a date (see [`date`](Self::date)).
    pub fn is_valid(&self) -> bool {
        self.date.is_some()
    }

    /// The text as received, or the `YYYY-MM-DD` form of a date made here.
    pub fn text(&self) -> String {
        match &self.text {
            Some(text) => text.to_string(),
            None => self.to_string(),
        }
    }

    /// The date as a `chrono` value; `None` when the server sent text that is not a date.
    pub fn into_inner(self) -> Option<chrono::NaiveDate> {
        self.date
    }

    /// What equality, order and hashing compare: the date, or else the text.
    fn key(&self) -> (Option<chrono::NaiveDate>, Option<&str>) {
        match self.date {
            Some(date) => (Some(date), None),
            None => (None, self.text.as_deref()),
        }
    }
}

lenient_scalar!(Date, "a date");

/// The date, and whether the text was exactly `YYYY-MM-DD` (written back as it is decoded).
fn parse_date(text: &str) -> Option<(chrono::NaiveDate, bool)> {
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some((date, text.len() == 10));
    }
    // A date-time: the date it is written with, whatever its offset.
    parse_time(text)?;
    let date = chrono::NaiveDate::parse_from_str(text.trim().get(..10)?, "%Y-%m-%d").ok()?;
    Some((date, false))
}

impl From<chrono::NaiveDate> for Date {
    fn from(date: chrono::NaiveDate) -> Self {
        Date { date: Some(date), text: None }
    }
}

/// `YYYY-MM-DD`; text that was no date, as it was received.
impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.date, &self.text) {
            (Some(date), _) => write!(f, "{}", date.format("%Y-%m-%d")),
            (None, Some(text)) => f.write_str(text),
            (None, None) => Ok(()),
        }
    }
}

impl std::str::FromStr for Date {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Date::parse(s).ok_or_else(|| format!("`{s}` is not a `YYYY-MM-DD` date"))
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

// ---------------------------------------------------------------------------------------------
// Arguments: what operation methods and setters accept, converted once at the boundary.

/// An integer argument of any primitive integer type (`u32`, `u64`, `usize`, `i32`, ...), or a
/// reference to one. The value is checked against the parameter's own type when the request
/// is built: one out of its range fails the call with [`Error::InvalidRequest`](super::Error)
/// naming the parameter, never a panic or a silent wrap.
pub trait IntegerArg {
    /// The value, kept whole until it is checked.
    fn into_integer(self) -> Integer;
}

/// An integer argument before it is checked against its parameter's type.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Integer(i128);

impl Integer {
    /// The value in the parameter's type `T`, or an error naming the parameter.
    pub fn get<T: TryFrom<i128>>(self, name: &str) -> Result<T, super::Error> {
        T::try_from(self.0).map_err(|_| {
            let wanted = std::any::type_name::<T>();
            super::Error::InvalidRequest(format!("parameter `{name}`: {} is out of range for {wanted}", self.0))
        })
    }
}

macro_rules! integer_args {
    ($($t:ty),*) => {$(
        impl IntegerArg for $t {
            fn into_integer(self) -> Integer {
                Integer(i128::from(self))
            }
        }
        impl IntegerArg for &$t {
            fn into_integer(self) -> Integer {
                Integer(i128::from(*self))
            }
        }
    )*};
}
integer_args!(i8, i16, i32, i64, u8, u16, u32, u64);

impl IntegerArg for usize {
    fn into_integer(self) -> Integer {
        // `usize` is at most 64 bits on every target Rust supports: this never saturates.
        Integer(i128::try_from(self).unwrap_or(i128::MAX))
    }
}

impl IntegerArg for isize {
    fn into_integer(self) -> Integer {
        Integer(i128::try_from(self).unwrap_or(i128::MAX))
    }
}

impl IntegerArg for &usize {
    fn into_integer(self) -> Integer {
        (*self).into_integer()
    }
}

impl IntegerArg for &isize {
    fn into_integer(self) -> Integer {
        (*self).into_integer()
    }
}

/// A value converted when the request is built, or why it could not be.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq)]
pub struct Checked<T>(Result<T, String>);

impl<T: Clone> Checked<T> {
    /// The value, or an error naming the parameter.
    pub fn get(&self, name: &str) -> Result<T, super::Error> {
        self.0.clone().map_err(|e| super::Error::InvalidRequest(format!("parameter `{name}`: {e}")))
    }
}

/// A UUID argument: a [`uuid::Uuid`] or a reference to one, or its text (`&str`, `String`),
/// parsed when the request is built; text that is no UUID fails the call with
/// [`Error::InvalidRequest`](super::Error) naming the parameter.
pub trait UuidArg {
    /// The UUID, or why the text is none.
    fn into_uuid(self) -> Checked<uuid::Uuid>;
}

impl UuidArg for uuid::Uuid {
    fn into_uuid(self) -> Checked<uuid::Uuid> {
        Checked(Ok(self))
    }
}

impl UuidArg for &uuid::Uuid {
    fn into_uuid(self) -> Checked<uuid::Uuid> {
        Checked(Ok(*self))
    }
}

impl UuidArg for &str {
    fn into_uuid(self) -> Checked<uuid::Uuid> {
        // The text is not echoed: an id field is sometimes where a secret was pasted by mistake.
        Checked(uuid::Uuid::parse_str(self.trim()).map_err(|e| format!("not a UUID ({e})")))
    }
}

impl UuidArg for String {
    fn into_uuid(self) -> Checked<uuid::Uuid> {
        self.as_str().into_uuid()
    }
}

impl UuidArg for &String {
    fn into_uuid(self) -> Checked<uuid::Uuid> {
        self.as_str().into_uuid()
    }
}

/// A text argument, such as a slug or an id: `&str`, `String`, `&String`, `Box<str>`,
/// `Cow<str>`, or a [`uuid::Uuid`] (written hyphenated, lowercase) or a reference to one.
pub trait TextArg {
    /// The text.
    fn into_text(self) -> String;
}

impl TextArg for &str {
    fn into_text(self) -> String {
        self.to_string()
    }
}

impl TextArg for String {
    fn into_text(self) -> String {
        self
    }
}

impl TextArg for &String {
    fn into_text(self) -> String {
        self.clone()
    }
}

impl TextArg for Box<str> {
    fn into_text(self) -> String {
        self.into()
    }
}

impl TextArg for std::borrow::Cow<'_, str> {
    fn into_text(self) -> String {
        self.into_owned()
    }
}

impl TextArg for uuid::Uuid {
    fn into_text(self) -> String {
        self.hyphenated().to_string()
    }
}

impl TextArg for &uuid::Uuid {
    fn into_text(self) -> String {
        self.hyphenated().to_string()
    }
}

/// A point-in-time argument: a [`Timestamp`], a [`std::time::SystemTime`], or a `chrono`
/// `DateTime` in any time zone (`DateTime<Utc>`, `DateTime<FixedOffset>`, ...), or a reference
/// to one. It is sent in UTC, RFC 3339; a `SystemTime` outside what `chrono` can represent
/// fails the call with [`Error::InvalidRequest`](super::Error) naming the parameter.
pub trait TimeArg {
    /// The time in UTC, or why it has none.
    fn into_time(self) -> Checked<Timestamp>;
}

impl TimeArg for Timestamp {
    fn into_time(self) -> Checked<Timestamp> {
        // Sent as RFC 3339 whatever form it was received in; text that was no time fails.
        match self.time {
            Some(time) => Checked(Ok(Timestamp::from(time))),
            None => Checked(Err(format!("`{self}` is not a date-time"))),
        }
    }
}

impl TimeArg for &Timestamp {
    fn into_time(self) -> Checked<Timestamp> {
        self.clone().into_time()
    }
}

impl<Tz: chrono::TimeZone> TimeArg for chrono::DateTime<Tz> {
    fn into_time(self) -> Checked<Timestamp> {
        Checked(Ok(Timestamp::from(self.with_timezone(&chrono::Utc))))
    }
}

impl<Tz: chrono::TimeZone> TimeArg for &chrono::DateTime<Tz> {
    fn into_time(self) -> Checked<Timestamp> {
        Checked(Ok(Timestamp::from(self.with_timezone(&chrono::Utc))))
    }
}

impl TimeArg for std::time::SystemTime {
    fn into_time(self) -> Checked<Timestamp> {
        // chrono's own conversion panics outside its range: the arithmetic is checked here.
        let (seconds, nanos) = match self.duration_since(std::time::SystemTime::UNIX_EPOCH) {
            Ok(after) => (i64::try_from(after.as_secs()).ok(), after.subsec_nanos()),
            Err(before) => {
                let before = before.duration();
                let whole = i64::try_from(before.as_secs()).ok().map(|s| -s);
                match before.subsec_nanos() {
                    0 => (whole, 0),
                    n => (whole.and_then(|s| s.checked_sub(1)), 1_000_000_000 - n),
                }
            }
        };
        let time = seconds.and_then(|s| chrono::DateTime::from_timestamp(s, nanos));
        Checked(time.map(Timestamp::from).ok_or_else(|| "the time is out of the range a timestamp can hold".to_string()))
    }
}

impl TimeArg for &std::time::SystemTime {
    fn into_time(self) -> Checked<Timestamp> {
        (*self).into_time()
    }
}

#[cfg(test)]
mod argument_tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    #[test]
    fn integers_of_any_type_are_checked_against_the_parameter() {
        assert_eq!(42u64.into_integer().get::<i64>("number").unwrap(), 42);
        assert_eq!((&7usize).into_integer().get::<i32>("n").unwrap(), 7);
        assert_eq!((-3i8).into_integer().get::<i64>("n").unwrap(), -3);
        let error = u64::MAX.into_integer().get::<i64>("number").unwrap_err();
        assert_eq!(error.to_string(), "invalid request: parameter `number`: 18446744073709551615 is out of range for i64");
        assert!((-1i32).into_integer().get::<u32>("per_page").unwrap_err().to_string().contains("`per_page`: -1"));
    }

    #[test]
    fn uuids_from_values_references_and_text() {
        let id = uuid::Uuid::from_u128(0x0190a1b2_c3d4_7e5f_8a9b_000000000042);
        assert_eq!(id.into_uuid().get("id").unwrap(), id);
        assert_eq!((&id).into_uuid().get("id").unwrap(), id);
        assert_eq!("0190a1b2-c3d4-7e5f-8a9b-000000000042".into_uuid().get("id").unwrap(), id);
        assert_eq!(id.to_string().into_uuid().get("id").unwrap(), id);
        let error = "not-a-uuid".into_uuid().get("creator").unwrap_err().to_string();
        assert!(error.starts_with("invalid request: parameter `creator`: not a UUID"), "{error}");
        assert!(!error.contains("not-a-uuid"));
        assert_eq!(id.into_text(), "0190a1b2-c3d4-7e5f-8a9b-000000000042");
    }

    #[test]
    fn timestamps_without_an_offset_are_utc_and_malformed_ones_are_kept_as_text() {
        let naive: Timestamp = serde_json::from_str("\"2018-01-01T00:01:01\"").unwrap();
        assert_eq!(naive.to_string(), "2018-01-01T00:01:01Z");
        assert_eq!(serde_json::to_string(&naive).unwrap(), "\"2018-01-01T00:01:01\"");
        let bad: Timestamp = serde_json::from_str("\"yesterday\"").unwrap();
        assert!(!bad.is_valid() && bad.time().is_none());
        assert_eq!((bad.text(), serde_json::to_string(&bad).unwrap()), ("yesterday".to_string(), "\"yesterday\"".to_string()));
        assert!(bad.into_time().get("since").unwrap_err().to_string().contains("`yesterday` is not a date-time"));
        assert_eq!(naive.into_time().get("t").unwrap().text(), "2018-01-01T00:01:01Z");
    }

    #[test]
    fn dates_accept_a_date_time_and_keep_malformed_text() {
        let exact: Date = serde_json::from_str("\"2024-02-29\"").unwrap();
        assert_eq!(exact.date(), chrono::NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(serde_json::to_string(&exact).unwrap(), "\"2024-02-29\"");
        // A date-time where a date was promised: the date it is written with, the text kept.
        let timed: Date = serde_json::from_str("\"2024-05-01T23:30:00-05:00\"").unwrap();
        assert_eq!(timed.to_string(), "2024-05-01");
        assert_eq!(timed.text(), "2024-05-01T23:30:00-05:00");
        assert_eq!(timed, Date::from(chrono::NaiveDate::from_ymd_opt(2024, 5, 1).unwrap()));
        for text in ["2023-02-29", "01/05/2024", ""] {
            let bad: Date = serde_json::from_value(serde_json::json!(text)).unwrap();
            assert!(!bad.is_valid() && bad.date().is_none(), "{text}");
            assert_eq!(serde_json::to_value(&bad).unwrap(), serde_json::json!(text));
            assert!(text.parse::<Date>().is_err());
        }
        // Text that did not parse sorts after every date.
        let bad = Date::lenient("soon");
        assert!(bad > exact && bad != Date::lenient("later") && bad == Date::lenient("soon"));
    }

    #[test]
    fn times_from_system_time_and_chrono_in_any_zone() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_millis(1_714_558_830_123);
        assert_eq!(at.into_time().get("t").unwrap().to_string(), "2024-05-01T10:20:30.123Z");
        let before = SystemTime::UNIX_EPOCH - Duration::from_millis(1_500);
        assert_eq!(before.into_time().get("t").unwrap().to_string(), "1969-12-31T23:59:58.500Z");
        let offset = chrono::DateTime::parse_from_rfc3339("2024-05-01T12:20:30+02:00").unwrap();
        assert_eq!(offset.into_time().get("t").unwrap().to_string(), "2024-05-01T10:20:30Z");
        assert_eq!((&offset.to_utc()).into_time().get("t").unwrap().to_string(), "2024-05-01T10:20:30Z");
        if let Some(far) = SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(u64::MAX / 2)) {
            let error = far.into_time().get("created_from").unwrap_err().to_string();
            assert!(error.contains("`created_from`: the time is out of the range"), "{error}");
        }
    }
}
