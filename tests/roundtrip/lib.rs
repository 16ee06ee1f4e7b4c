//! The round-trip suite of issue 22 ("what compiles must be right on the wire"): for each
//! checked model of a generated crate, valid JSON instances of its schema are made from a seed,
//! checked by an independent validator (`jsonschema`), decoded into the Rust type, encoded back
//! and compared. Copied into the `round-trip` crate of the workspace of generated crates by
//! `tests/tests/generated_crates.rs`, which also writes that crate's table of types
//! (`tests/roundtrip/table.rs`). `tests/ROUNDTRIP.md` says what it guarantees.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jsonschema::Validator;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

/// A difference that the generated types make by design: counted and reported, never a failure.
pub struct Lossy {
    /// The class of difference, as `diff` names it.
    pub kind: &'static str,
    /// Why it is accepted.
    pub note: &'static str,
}

/// The known, documented lossy mappings.
pub const LOSSY: &[Lossy] = &[
    Lossy {
        kind: "number-spelling",
        note: "a JSON number comes back with the spelling of its Rust type: 3 read into an f64 is written 3.0, \
               1.0 read into an integer is written 1; the value is the same",
    },
    Lossy {
        kind: "f32-precision",
        note: "a `format: float` number is an f32: 0.1 comes back as the nearest f32, 0.10000000149011612",
    },
    Lossy {
        kind: "date-time-text",
        note: "a date-time is a chrono DateTime<Utc>: the same instant comes back in UTC (`Z`), with chrono's \
               choice of fraction digits",
    },
    Lossy {
        kind: "nullable-component-null",
        note: "a component schema that is nullable itself is a Rust type that is not: `null` is the None of \
               the Option<T> at every place that uses it, not a value of T",
    },
    Lossy { kind: "uuid-case", note: "a UUID is a uuid::Uuid: upper-case hex comes back lower-case" },
    Lossy {
        kind: "null-dropped",
        note: "an optional property sent as null reads as None, which is not sent back (null and absent are one \
               value of an Option; only request types distinguish them, as Option<Option<T>>)",
    },
    Lossy {
        kind: "undeclared-extra-dropped",
        note: "a property the schema (for a union, the alternative the value decodes into) does not declare, \
               where it says nothing about additionalProperties, is ignored: only an explicit \
               additionalProperties gives a struct a map to keep it in",
    },
];

/// A failure that is known and tracked: reported as such, so the suite is green while the fix
/// is on its way; the entry goes when the fix lands.
pub struct Known {
    /// The spec (crate name), or `*`.
    pub spec: &'static str,
    /// The type, or `*`.
    pub ty: &'static str,
    /// The failure's kind (`decode`, `branch-confusion`, `lost-property`, `added-property`,
    /// `changed-value`, `encode`).
    pub kind: &'static str,
    /// Only when the instance has this feature (as the instance generator tags it), or `*`.
    pub when: &'static str,
    /// Why, and who fixes it.
    pub note: &'static str,
}

/// Known failures: none since issue 22's union fixes (the table stays for the next one).
pub const KNOWN_FAILING: &[Known] = &[];

/// Instances per spec when `ROUNDTRIP_INSTANCES` does not say.
const DEFAULT_INSTANCES: usize = 300;
/// Instances of each type at least.
const MIN_PER_TYPE: usize = 12;
/// Nesting of generated instances beyond which optional parts are left out.
const MAX_DEPTH: usize = 7;
/// Failures printed per type; the rest are counted.
const PRINTED_PER_TYPE: usize = 3;

/// For a union, which alternative a decoded value is (`None`: its `Unknown`).
pub type Which<'a, T> = Option<&'a dyn Fn(&T) -> Option<usize>>;

/// One spec's checks: load its table, `check` each type, `finish`.
pub struct Spec {
    name: String,
    root: Value,
    relaxed_root: Value,
    types: BTreeMap<String, Entry>,
    per_type: usize,
    base_seed: u64,
    patterns: HashMap<String, Option<Validator>>,
    stats: Stats,
    failures: Vec<String>,
}

struct Entry {
    schema: Value,
    variants: Option<Vec<Value>>,
}

#[derive(Default)]
struct Stats {
    types: usize,
    checked: usize,
    rejected: usize,
    not_generated: usize,
    exact: usize,
    lossy: BTreeMap<&'static str, usize>,
    known: BTreeMap<usize, usize>,
    failed: usize,
    branches: BTreeMap<String, BTreeSet<usize>>,
    skipped: Vec<String>,
}

impl Spec {
    /// The table `data/<name>.json` that the harness wrote.
    pub fn load(name: &str) -> Spec {
        let path = format!("{}/data/{name}.json", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let data: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let root = data["root"].clone();
        let mut relaxed_root = root.clone();
        strip_enums(&mut relaxed_root);
        let mut types = BTreeMap::new();
        for t in data["types"].as_array().into_iter().flatten() {
            let variants = t["variants"].as_array().cloned();
            types.insert(t["name"].as_str().unwrap_or_default().to_string(), Entry { schema: t["schema"].clone(), variants });
        }
        let instances =
            std::env::var("ROUNDTRIP_INSTANCES").ok().and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_INSTANCES);
        let per_type = instances.div_ceil(types.len().max(1)).max(MIN_PER_TYPE);
        let base_seed = std::env::var("ROUNDTRIP_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x5eed_2022);
        Spec {
            name: name.to_string(),
            root,
            relaxed_root,
            types,
            per_type,
            base_seed,
            patterns: HashMap::new(),
            stats: Stats::default(),
            failures: Vec::new(),
        }
    }

    /// Checks the generated type `T`, the model of the schema the table calls `ty`. `which`
    /// tells, for a union, which alternative a decoded value is (`None`: its `Unknown`).
    pub fn check<T: DeserializeOwned + Serialize>(&mut self, ty: &str, which: Which<'_, T>) {
        let Some(entry) = self.types.get(ty) else {
            panic!("{}: {ty} is not in the table", self.name);
        };
        self.stats.types += 1;
        let strict = match compile(&self.root, &entry.schema) {
            Ok(v) => v,
            Err(e) => {
                self.stats.skipped.push(format!("{ty}: its schema does not compile as JSON Schema: {e}"));
                return;
            }
        };
        let relaxed = compile(&self.relaxed_root, &entry.schema).ok();
        let variants: Vec<Option<Validator>> = entry
            .variants
            .iter()
            .flatten()
            .map(|s| if s.is_null() { None } else { compile(&self.root, s).ok() })
            .collect();
        let schema = entry.schema.clone();
        let mut printed = 0;
        for i in 0..self.per_type {
            let seed = mix(self.base_seed, ty, i as u64);
            let mode = Mode::of(i);
            let mut generator = Gen { root: &self.root, rng: Rng(seed), mode, patterns: &mut self.patterns, tags: BTreeSet::new() };
            let Some(instance) = generator.value(&schema, 0) else {
                self.stats.not_generated += 1;
                continue;
            };
            let tags = std::mem::take(&mut generator.tags);
            let valid = strict.is_valid(&instance);
            if !(valid || mode.unknown_enums && relaxed.as_ref().is_some_and(|r| r.is_valid(&instance))) {
                self.stats.rejected += 1;
                continue;
            }
            self.stats.checked += 1;
            if std::env::var_os("ROUNDTRIP_DUMP").is_some() {
                println!("{} {ty} seed {seed}: {}", self.name, compact(&instance));
            }
            let mut found: Vec<(&'static str, String)> = Vec::new();
            match serde_json::from_value::<T>(instance.clone()) {
                Err(_) if instance.is_null() => *self.stats.lossy.entry("nullable-component-null").or_default() += 1,
                Err(e) => found.push(("decode", e.to_string())),
                Ok(decoded) => {
                    // The properties the alternative it decoded into declares: a value valid by
                    // the union may carry keys that one alternative does not declare (another
                    // does), which that alternative ignores, as any struct does.
                    let alternative = which.and_then(|which| which(&decoded));
                    let declared = alternative
                        .and_then(|n| entry.variants.as_ref()?.get(n))
                        .map(|schema| declared_properties(&self.root, schema, 0));
                    if let (true, Some(which)) = (valid, which) {
                        if let Some(n) = which(&decoded) {
                            self.stats.branches.entry(ty.to_string()).or_default().insert(n);
                            if let Some(Some(v)) = variants.get(n) {
                                if !v.is_valid(&instance) {
                                    found.push((
                                        "branch-confusion",
                                        format!("decoded as alternative {n}, whose schema rejects the instance"),
                                    ));
                                }
                            }
                        }
                    }
                    match serde_json::to_value(&decoded) {
                        Err(e) => found.push(("encode", e.to_string())),
                        Ok(back) => {
                            let mut diffs = Vec::new();
                            diff(&instance, &back, &mut String::new(), &mut diffs);
                            if diffs.is_empty() && found.is_empty() {
                                self.stats.exact += 1;
                            }
                            for (mut kind, detail) in diffs {
                                let top_level = detail.strip_prefix("lost property /").filter(|k| !k.contains('/'));
                                if let (Some(key), Some(declared)) = (top_level, &declared) {
                                    if !declared.contains(&key.replace("~1", "/").replace("~0", "~")) {
                                        kind = "undeclared-extra-dropped";
                                    }
                                }
                                if LOSSY.iter().any(|l| l.kind == kind) {
                                    *self.stats.lossy.entry(kind).or_default() += 1;
                                } else {
                                    found.push((kind, format!("{detail}; encoded back as {}", compact(&back))));
                                }
                            }
                        }
                    }
                }
            }
            for (kind, detail) in found {
                let known = KNOWN_FAILING.iter().position(|k| {
                    (k.spec == "*" || k.spec == self.name)
                        && (k.ty == "*" || k.ty == ty)
                        && (k.kind == "*" || k.kind == kind)
                        && (k.when == "*" || tags.contains(k.when))
                });
                if let Some(k) = known {
                    *self.stats.known.entry(k).or_default() += 1;
                    continue;
                }
                self.stats.failed += 1;
                if printed < PRINTED_PER_TYPE {
                    printed += 1;
                    self.failures.push(format!(
                        "spec {} type {ty} seed {seed} ({kind}): {detail}\n  instance: {}",
                        self.name,
                        compact(&instance)
                    ));
                }
            }
        }
    }

    /// Prints what was checked and fails on any failure not in `KNOWN_FAILING`.
    pub fn finish(self) {
        let s = &self.stats;
        let lossy: Vec<String> = s.lossy.iter().map(|(k, n)| format!("{k} {n}")).collect();
        let known: Vec<String> =
            s.known.iter().map(|(k, n)| format!("[{k}] {} {} {n}", KNOWN_FAILING[*k].ty, KNOWN_FAILING[*k].kind)).collect();
        let branches: usize = s.branches.values().map(BTreeSet::len).sum();
        println!(
            "round-trip {}: {} types, {} instances checked ({} exact), {} rejected by the validator, {} not \
             generated; union alternatives decoded: {branches}; lossy: [{}]; known failing: [{}]; failures: {}",
            self.name,
            s.types,
            s.checked,
            s.exact,
            s.rejected,
            s.not_generated,
            lossy.join(", "),
            known.join(", "),
            s.failed
        );
        for skipped in &s.skipped {
            println!("  skipped {skipped}");
        }
        assert!(
            self.failures.is_empty(),
            "round-trip failures in {} ({} in all; the first of each type):\n{}",
            self.name,
            s.failed,
            self.failures.join("\n")
        );
    }
}

/// A validator of `schema` (which may `$ref` into the components of `root`).
fn compile(root: &Value, schema: &Value) -> Result<Validator, String> {
    let mut document = Map::new();
    document.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
    document.insert("allOf".into(), json!([schema]));
    if let Some(components) = root.get("components") {
        document.insert("components".into(), components.clone());
    }
    jsonschema::draft202012::new(&Value::Object(document)).map_err(|e| e.to_string())
}

/// Removes the string and integer `enum`s, for instances with values the spec does not list.
fn strip_enums(value: &mut Value) {
    match value {
        Value::Object(object) => {
            let open = object.get("enum").and_then(Value::as_array).is_some_and(|values| {
                values.iter().any(|v| !v.is_null()) && values.iter().all(|v| v.is_null() || v.is_string() || v.is_i64())
            });
            if open {
                object.remove("enum");
            }
            object.values_mut().for_each(strip_enums);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_enums),
        _ => {}
    }
}

/// A per-instance seed from the base seed, the type and the instance's number.
fn mix(base: u64, ty: &str, i: u64) -> u64 {
    let mut h = base ^ 0xcbf2_9ce4_8422_2325;
    for b in ty.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    Rng(h ^ i.wrapping_mul(0x9e37_79b9_7f4a_7c15)).next()
}

/// splitmix64: small, seeded, and enough to vary instances.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn chance(&mut self, one_in: u64) -> bool {
        self.next().is_multiple_of(one_in)
    }
}

/// What kind of instance to make: the instance's number cycles through them.
#[derive(Clone, Copy)]
struct Mode {
    /// Optional properties: 0 none, 1 all, 2 each by chance.
    density: u8,
    /// Properties the schema does not declare, where it allows them.
    extras: bool,
    /// Values of open enums that the spec does not list.
    unknown_enums: bool,
}

impl Mode {
    fn of(i: usize) -> Mode {
        Mode { density: (i % 3) as u8, extras: i % 4 == 3, unknown_enums: i % 5 == 4 }
    }
}

/// The instance generator.
struct Gen<'a> {
    root: &'a Value,
    rng: Rng,
    mode: Mode,
    patterns: &'a mut HashMap<String, Option<Validator>>,
    /// Features of the instance made, for `Known::when`.
    tags: BTreeSet<&'static str>,
}

const COMPOSITION: &[&str] = &["allOf", "oneOf", "anyOf", "not"];

impl Gen<'_> {
    fn value(&mut self, schema: &Value, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH * 3 {
            return None;
        }
        let object = match schema {
            Value::Bool(true) => return Some(self.free(depth)),
            Value::Object(o) => o,
            _ => return None,
        };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            let target = resolve(self.root, reference)?;
            return self.value(target, depth + 1);
        }
        if let Some(value) = object.get("const") {
            return Some(value.clone());
        }
        if let Some(values) = object.get("enum").and_then(Value::as_array) {
            // A value the spec does not list (valid only for the validator without enums).
            if self.mode.unknown_enums && self.rng.chance(3) {
                if values.iter().any(Value::is_string) {
                    self.tags.insert("unknown-enum");
                    return Some(json!("rt-unknown-value"));
                }
                if values.iter().any(Value::is_i64) {
                    self.tags.insert("unknown-enum");
                    return Some(json!(987_654));
                }
            }
            return values.get(self.rng.below(values.len())).cloned();
        }
        let mut parts = Vec::new();
        let composed = COMPOSITION.iter().any(|k| object.contains_key(*k));
        let shaped = ["type", "properties", "items", "additionalProperties"].iter().any(|k| object.contains_key(*k));
        if shaped || !composed {
            parts.push(self.plain(object, depth, !composed)?);
        }
        if let Some(all) = object.get("allOf").and_then(Value::as_array) {
            for part in all {
                parts.push(self.value(part, depth + 1)?);
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = object.get(key).and_then(Value::as_array) {
                if branches.is_empty() {
                    continue;
                }
                let null = branches.iter().position(|b| b == &json!({"type": "null"}));
                let pick = match null {
                    Some(n) if self.rng.chance(6) => n,
                    Some(n) if branches.len() == 2 => 1 - n,
                    _ => self.rng.below(branches.len()),
                };
                let mut instance = self.value(&branches[pick], depth + 1)?;
                if let (Some(d), Value::Object(fields)) = (object.get("x-rt-discriminator"), &mut instance) {
                    if let Some(tag) = self.tag(d, &branches[pick]) {
                        fields.insert(d["propertyName"].as_str().unwrap_or_default().to_string(), tag);
                    }
                }
                parts.push(instance);
            }
        }
        Some(merge(parts))
    }

    /// The discriminator's value that selects `branch` (a `$ref`): a key of the mapping that
    /// names it, or else the name of the schema; in unknown-enum mode sometimes a tag no
    /// alternative has.
    fn tag(&mut self, discriminator: &Value, branch: &Value) -> Option<Value> {
        discriminator.get("propertyName")?.as_str()?;
        if self.mode.unknown_enums && self.rng.chance(3) {
            self.tags.insert("unknown-tag");
            return Some(json!("rt-unknown-tag"));
        }
        let reference = branch.get("$ref")?.as_str()?;
        let name = reference.rsplit('/').next()?;
        let mapped: Vec<&String> = discriminator
            .get("mapping")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(_, to)| to.as_str().is_some_and(|to| to == reference || to == name))
            .map(|(key, _)| key)
            .collect();
        Some(match mapped.get(self.rng.below(mapped.len())) {
            Some(key) => json!(key),
            None => json!(name),
        })
    }

    fn plain(&mut self, o: &Map<String, Value>, depth: usize, undeclared_required: bool) -> Option<Value> {
        let ty = match o.get("type") {
            Some(Value::String(t)) => t.clone(),
            Some(Value::Array(types)) => {
                let types: Vec<&str> = types.iter().filter_map(Value::as_str).collect();
                let non_null: Vec<&str> = types.iter().copied().filter(|t| *t != "null").collect();
                if non_null.is_empty() || (types.contains(&"null") && self.rng.chance(6)) {
                    "null".to_string()
                } else {
                    non_null[self.rng.below(non_null.len())].to_string()
                }
            }
            _ if o.contains_key("properties") || o.contains_key("additionalProperties") || o.contains_key("required") => {
                "object".to_string()
            }
            _ if o.contains_key("items") => "array".to_string(),
            _ => return Some(self.free(depth)),
        };
        Some(match ty.as_str() {
            "null" => Value::Null,
            "boolean" => Value::Bool(self.rng.chance(2)),
            "integer" => self.integer(o),
            "number" => self.number(o),
            "string" => self.string(o),
            "array" => {
                let min = o.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
                let max = o.get("maxItems").and_then(Value::as_u64).map_or(min + 3, |m| m as usize).min(min + 3);
                let n = if depth > MAX_DEPTH {
                    min
                } else {
                    match self.mode.density {
                        0 => min,
                        1 => max.min(min.max(2)),
                        _ => min + self.rng.below(max.saturating_sub(min) + 1),
                    }
                };
                let items = o.get("items").cloned().unwrap_or(Value::Bool(true));
                let mut out = Vec::new();
                for _ in 0..n {
                    out.push(self.value(&items, depth + 1)?);
                }
                Value::Array(out)
            }
            "object" => {
                let required: Vec<&str> =
                    o.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
                let mut out = Map::new();
                let empty = Map::new();
                let properties = o.get("properties").and_then(Value::as_object).unwrap_or(&empty);
                for (key, schema) in properties {
                    let needed = required.contains(&key.as_str());
                    let wanted = needed
                        || (depth <= MAX_DEPTH
                            && match self.mode.density {
                                0 => false,
                                1 => true,
                                _ => self.rng.chance(2),
                            });
                    if !wanted {
                        continue;
                    }
                    match self.value(schema, depth + 1) {
                        Some(v) => {
                            if v.is_null() {
                                self.tags.insert("null");
                            }
                            out.insert(key.clone(), v);
                        }
                        None if needed => return None,
                        None => {}
                    }
                }
                if undeclared_required {
                    for key in required {
                        if !out.contains_key(key) {
                            out.insert(key.to_string(), json!("rt"));
                        }
                    }
                }
                match o.get("additionalProperties") {
                    Some(Value::Bool(false)) => {}
                    Some(Value::Object(schema)) if !schema.is_empty() => {
                        if self.mode.density != 0 && depth <= MAX_DEPTH && self.rng.chance(2) {
                            for j in 0..1 + self.rng.below(2) {
                                if let Some(v) = self.value(&Value::Object(schema.clone()), depth + 1) {
                                    out.insert(format!("rt-key-{j}"), v);
                                }
                            }
                        }
                    }
                    Some(_) => {
                        if self.mode.extras {
                            self.tags.insert("declared-extra");
                            out.insert("rt-extra".into(), self.free(depth + 1));
                        }
                    }
                    None => {
                        if self.mode.extras {
                            self.tags.insert("undeclared-extra");
                            out.insert("x-rt-undeclared".into(), json!("extra"));
                        }
                    }
                }
                Value::Object(out)
            }
            _ => self.free(depth),
        })
    }

    fn integer(&mut self, o: &Map<String, Value>) -> Value {
        let (mut lo, mut hi): (i128, i128) = match o.get("format").and_then(Value::as_str).unwrap_or("") {
            "int8" => (i8::MIN.into(), i8::MAX.into()),
            "int16" => (i16::MIN.into(), i16::MAX.into()),
            "int32" => (i32::MIN.into(), i32::MAX.into()),
            "uint8" => (0, u8::MAX.into()),
            "uint16" => (0, u16::MAX.into()),
            "uint32" => (0, u32::MAX.into()),
            "uint64" | "uint" => (0, u64::MAX.into()),
            _ => (i64::MIN.into(), i64::MAX.into()),
        };
        if let Some(m) = o.get("minimum").and_then(Value::as_f64) {
            lo = lo.max(m.ceil() as i128);
        }
        if let Some(m) = o.get("exclusiveMinimum").and_then(Value::as_f64) {
            lo = lo.max(m.floor() as i128 + 1);
        }
        if let Some(m) = o.get("maximum").and_then(Value::as_f64) {
            hi = hi.min(m.floor() as i128);
        }
        if let Some(m) = o.get("exclusiveMaximum").and_then(Value::as_f64) {
            hi = hi.min(m.ceil() as i128 - 1);
        }
        let candidates: Vec<i128> =
            [lo, hi, 0, 1, -1, 42, lo + 1, hi - 1].into_iter().filter(|v| *v >= lo && *v <= hi).collect();
        let v = candidates.get(self.rng.below(candidates.len())).copied().unwrap_or(lo);
        match (u64::try_from(v), i64::try_from(v)) {
            (Ok(u), _) => json!(u),
            (_, Ok(i)) => json!(i),
            _ => json!(0),
        }
    }

    fn number(&mut self, o: &Map<String, Value>) -> Value {
        let float = o.get("format").and_then(Value::as_str) == Some("float");
        let candidates: &[f64] = if float {
            &[0.0, 1.5, -2.25, 0.1, 3.0, 3.4028234663852886e38, 1e-7]
        } else {
            &[0.0, 1.5, -2.25, 0.1, 3.0, 1.7976931348623157e308, 5e-324, 123456789.125, -1e-300]
        };
        let lo = o.get("minimum").and_then(Value::as_f64).unwrap_or(f64::MIN);
        let hi = o.get("maximum").and_then(Value::as_f64).unwrap_or(f64::MAX);
        let xlo = o.get("exclusiveMinimum").and_then(Value::as_f64);
        let xhi = o.get("exclusiveMaximum").and_then(Value::as_f64);
        let fits = |v: &f64| *v >= lo && *v <= hi && xlo.is_none_or(|x| *v > x) && xhi.is_none_or(|x| *v < x);
        let ok: Vec<f64> = candidates.iter().copied().filter(fits).collect();
        let v = match ok.get(self.rng.below(ok.len())) {
            Some(v) => *v,
            None => xlo.map_or(lo, |x| x + 0.5),
        };
        if v.fract() == 0.0 && v.abs() < 1e15 && self.rng.chance(2) {
            // The same number spelled as an integer, as servers written in other languages do.
            json!(v as i64)
        } else {
            json!(v)
        }
    }

    fn string(&mut self, o: &Map<String, Value>) -> Value {
        let format: &[&str] = match o.get("format").and_then(Value::as_str).unwrap_or("") {
            "date-time" => &[
                "2024-02-29T23:59:59Z",
                "1970-01-01T00:00:00Z",
                "2024-02-29T12:34:56.789+05:30",
                "2021-06-01T08:00:00.123456789Z",
                "2024-02-29T12:34:56.5-08:00",
                "2024-02-29T12:34:56",
            ],
            "date" => &["2024-02-29", "1970-01-01", "9999-12-31"],
            "uuid" => &[
                "5f0c7c1e-7d5c-4f67-9d3e-1c2b3a4d5e6f",
                "00000000-0000-0000-0000-000000000000",
                "5F0C7C1E-7D5C-4F67-9D3E-1C2B3A4D5E6F",
            ],
            "byte" => &["", "aGVsbG8=", "AAEC/w=="],
            "email" => &["a@example.com"],
            "uri" | "url" => &["https://example.com/a?b=c"],
            "ipv4" => &["127.0.0.1"],
            "ipv6" => &["::1"],
            "hostname" => &["example.com"],
            _ => &[],
        };
        const PLAIN: &[&str] = &[
            "",
            "a",
            "hello world",
            "ünïcödé ✓ 🎉",
            "quote \" backslash \\ newline \n",
            "0",
            "true",
            "null",
            "2024-02-29",
            "abc123",
            "ABC",
            "a-b_c.d",
            "12345",
        ];
        let mut candidates: Vec<String> = if format.is_empty() {
            PLAIN.iter().map(|s| s.to_string()).collect()
        } else {
            format.iter().map(|s| s.to_string()).collect()
        };
        let start = self.rng.below(candidates.len());
        candidates.rotate_left(start);
        let min = o.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = o.get("maxLength").and_then(Value::as_u64).map_or(usize::MAX, |m| m as usize);
        for c in &mut candidates {
            while c.chars().count() < min {
                c.push('x');
            }
            if c.chars().count() > max {
                *c = c.chars().take(max).collect();
            }
        }
        let pick = match o.get("pattern").and_then(Value::as_str) {
            Some(pattern) => {
                let validator = self
                    .patterns
                    .entry(pattern.to_string())
                    .or_insert_with(|| jsonschema::draft202012::new(&json!({"pattern": pattern})).ok());
                match validator {
                    Some(v) => candidates.iter().find(|c| v.is_valid(&json!(c))).cloned(),
                    None => None,
                }
            }
            None => None,
        };
        let s = pick.unwrap_or_else(|| candidates[0].clone());
        if s == "2024-02-29T12:34:56" {
            self.tags.insert("offsetless-date-time");
        }
        Value::String(s)
    }

    /// Any JSON value, for schemas that say nothing.
    fn free(&mut self, depth: usize) -> Value {
        match self.rng.below(if depth > MAX_DEPTH { 4 } else { 6 }) {
            0 => json!("free"),
            1 => json!(7),
            2 => json!(true),
            3 => json!(-1.5),
            4 => json!({"k": "v", "n": [1, null]}),
            _ => json!([1, "two", {"three": 3}]),
        }
    }
}

/// One instance from the instances of the parts of an `allOf` (and of the chosen alternative):
/// objects merge, the first part's keys winning; otherwise the first part is it.
fn merge(parts: Vec<Value>) -> Value {
    let mut parts = parts.into_iter();
    let Some(first) = parts.next() else {
        return Value::Null;
    };
    let Value::Object(mut out) = first else {
        return first;
    };
    for part in parts {
        if let Value::Object(more) = part {
            for (k, v) in more {
                out.entry(k).or_insert(v);
            }
        }
    }
    Value::Object(out)
}

/// The property names a schema declares, its references and `allOf` parts followed.
fn declared_properties(root: &Value, schema: &Value, depth: usize) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if depth > 16 {
        return out;
    }
    if let Some(target) = schema.get("$ref").and_then(Value::as_str).and_then(|r| resolve(root, r)) {
        out.extend(declared_properties(root, target, depth + 1));
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        out.extend(properties.keys().cloned());
    }
    for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        out.extend(declared_properties(root, part, depth + 1));
    }
    out
}

/// The schema a `$ref` in the document names (a URI fragment of a JSON pointer).
fn resolve<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    let mut bytes = Vec::new();
    let raw = pointer.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' && i + 2 < raw.len() {
            if let Ok(b) = u8::from_str_radix(std::str::from_utf8(&raw[i + 1..i + 3]).ok()?, 16) {
                bytes.push(b);
                i += 3;
                continue;
            }
        }
        bytes.push(raw[i]);
        i += 1;
    }
    root.pointer(&String::from_utf8(bytes).ok()?)
}

/// The differences between an instance and what its decoded value encodes to, by kind.
fn diff(a: &Value, b: &Value, path: &mut String, out: &mut Vec<(&'static str, String)>) {
    if a == b {
        return;
    }
    let at = |path: &str| if path.is_empty() { "/".to_string() } else { path.to_string() };
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let kind = match (x.as_f64(), y.as_f64()) {
                _ if x.is_f64() == y.is_f64() && !x.is_f64() => "changed-value",
                (Some(fx), Some(fy)) if !x.is_f64() || !y.is_f64() => {
                    // One is an integer: the same value only if the float is that integer.
                    let (int, float) = if x.is_f64() { (y, fx) } else { (x, fy) };
                    let same = float.fract() == 0.0
                        && (int.as_i64().map(|i| i as f64 == float && float as i128 == i as i128).unwrap_or(false)
                            || int.as_u64().map(|u| u as f64 == float && float as i128 == u as i128).unwrap_or(false));
                    if same {
                        "number-spelling"
                    } else {
                        "changed-value"
                    }
                }
                (Some(fx), Some(fy)) if (fx as f32) as f64 == fy => "f32-precision",
                _ => "changed-value",
            };
            out.push((kind, format!("{} at {}: {x} became {y}", kind, at(path.as_str()))));
        }
        (Value::String(x), Value::String(y)) => {
            let kind = match (instant(x), instant(y)) {
                (Some(p), Some(q)) if p == q => "date-time-text",
                _ if x.len() == 36 && x.eq_ignore_ascii_case(y) => "uuid-case",
                _ => "changed-value",
            };
            out.push((kind, format!("{kind} at {}: {x:?} became {y:?}", at(path.as_str()))));
        }
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                let len = path.len();
                path.push('/');
                path.push_str(&k.replace('~', "~0").replace('/', "~1"));
                match y.get(k) {
                    Some(w) => diff(v, w, path, out),
                    None if v.is_null() => out.push(("null-dropped", path.clone())),
                    None if k == "x-rt-undeclared" => out.push(("undeclared-extra-dropped", path.clone())),
                    None => out.push(("lost-property", format!("lost property {path}"))),
                }
                path.truncate(len);
            }
            for k in y.keys().filter(|k| !x.contains_key(*k)) {
                out.push(("added-property", format!("added property {}/{k}", path)));
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                let len = path.len();
                path.push_str(&format!("/{i}"));
                diff(v, w, path, out);
                path.truncate(len);
            }
        }
        _ => out.push(("changed-value", format!("at {}: {} became {}", at(path.as_str()), compact(a), compact(b)))),
    }
}

/// An RFC 3339 date-time as (seconds since 1970 UTC, nanoseconds); an offset-less one as UTC.
fn instant(text: &str) -> Option<(i64, u32)> {
    let b = text.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> { text.get(r)?.parse().ok() };
    let (y, mo, d, h, mi, s) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &text[19..];
    let mut nanos = 0u32;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits: String = fraction.chars().take_while(char::is_ascii_digit).collect();
        rest = &fraction[digits.len()..];
        let padded: String = digits.chars().chain(std::iter::repeat('0')).take(9).collect();
        nanos = padded.parse().ok()?;
    }
    let offset = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            let hours: i64 = rest.get(1..3)?.parse().ok()?;
            let minutes: i64 = rest.get(4..6)?.parse().ok()?;
            sign * (hours * 3600 + minutes * 60)
        }
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 86_400 + h * 3600 + mi * 60 + s - offset, nanos))
}

/// A value as one line of JSON, cut short.
fn compact(value: &Value) -> String {
    let mut text = value.to_string();
    if text.len() > 1500 {
        let mut end = 1500;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push_str("...");
    }
    text
}
