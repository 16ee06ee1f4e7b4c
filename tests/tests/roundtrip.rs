//! Schema-driven round trips (issue 22, "what compiles must be right on the wire"): seeded
//! instances of the Buildkite spec's component schemas (overlays applied) are decoded into the
//! generated model of the same name, encoded again, and compared with what was decoded.
//!
//! What it guarantees, for each model listed in `MODELS` and each of `SEEDS` instances: a value
//! the schema allows (as `instance` writes one) decodes, and nothing in it is lost or changed by
//! the model: every property comes back with its value (an absent property and `null` count as
//! the same, as the models read them; numbers compare as numbers). What it does not: instances
//! are not checked by an independent validator (the `jsonschema` crate is not a dependency
//! yet), keywords beyond types, formats, enums, `required`, `nullable` and the composition
//! keywords are not honoured (`minimum`, `pattern`, `maxItems`, ...), and request bodies are
//! not covered. See ROUNDTRIP.md.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

/// Instances per model.
const SEEDS: u64 = 24;
/// Nesting beyond which only required properties, empty lists and `null`s are written.
const DEEP: usize = 5;

/// A small, seeded generator (xorshift64*): the same seed gives the same instances.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

struct Spec {
    schemas: Map<String, Value>,
}

impl Spec {
    fn load() -> Self {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
        let (spec, overlays, _) =
            generator::Manifest::load(&root.join("spec/client.yaml")).expect("spec/client.yaml loads");
        let merged = generator::load::merge(&spec, &overlays).expect("the spec and its overlays merge");
        let schemas = merged["components"]["schemas"].as_object().cloned().expect("component schemas");
        Spec { schemas }
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        let mut schema = schema;
        for _ in 0..16 {
            match schema.get("$ref").and_then(Value::as_str) {
                Some(r) => {
                    let key = r.rsplit('/').next().unwrap_or_default();
                    schema = self.schemas.get(key).unwrap_or_else(|| panic!("unresolved {r}"));
                }
                None => break,
            }
        }
        schema
    }

    /// A value the schema allows.
    fn instance(&self, schema: &Value, rng: &mut Rng, depth: usize) -> Value {
        let schema = self.resolve(schema);
        let deep = depth > DEEP;
        if schema.get("nullable") == Some(&Value::Bool(true)) && (deep || rng.chance(15)) {
            return Value::Null;
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array).filter(|v| !v.is_empty()) {
            return values[rng.below(values.len() as u64) as usize].clone();
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            // The parts' objects merged, beside the schema's own properties.
            let mut out = Map::new();
            let own = self.object(schema, rng, depth);
            for part in parts.iter().map(|p| self.instance(p, rng, depth)).chain([own]) {
                match part {
                    Value::Object(map) => out.extend(map),
                    // `allOf: [{$ref: AnEnum}]`, a reference with a description beside it.
                    scalar => return scalar,
                }
            }
            return Value::Object(out);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(alternatives) = schema.get(key).and_then(Value::as_array).filter(|a| !a.is_empty()) {
                let pick = &alternatives[rng.below(alternatives.len() as u64) as usize];
                let mut value = self.instance(pick, rng, depth + 1);
                // Properties beside the alternatives apply to each.
                if let (Value::Object(map), Value::Object(own)) = (&mut value, self.object(schema, rng, depth)) {
                    map.extend(own);
                }
                // A discriminator says which tag value the alternative carries (a shared base
                // may allow every alternative's).
                let reference = pick.get("$ref").and_then(Value::as_str);
                if let (Some(d), Some(reference), Value::Object(map)) =
                    (schema.get("discriminator"), reference, &mut value)
                {
                    let property = d["propertyName"].as_str().unwrap_or_default().to_string();
                    let mapped = d.get("mapping").and_then(Value::as_object).and_then(|m| {
                        m.iter().find(|(_, target)| target.as_str() == Some(reference)).map(|(tag, _)| tag.clone())
                    });
                    let tag = mapped.unwrap_or_else(|| reference.rsplit('/').next().unwrap_or_default().to_string());
                    map.insert(property, json!(tag));
                }
                return value;
            }
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => match schema.get("format").and_then(Value::as_str) {
                Some("date-time") => {
                    json!(format!(
                        "20{:02}-0{}-1{}T0{}:2{}:3{}Z",
                        rng.below(30),
                        1 + rng.below(9),
                        rng.below(9),
                        rng.below(9),
                        rng.below(9),
                        rng.below(9)
                    ))
                }
                Some("date") => json!(format!("20{:02}-0{}-1{}", rng.below(30), 1 + rng.below(9), rng.below(9))),
                Some("uuid") => json!(format!(
                    "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
                    rng.next() as u32,
                    rng.next() as u16,
                    rng.below(0x1000),
                    rng.below(0x1000),
                    rng.next() & 0xffff_ffff_ffff
                )),
                _ => json!(format!("s{}", rng.below(1000))),
            },
            Some("integer") => json!(rng.below(1000)),
            Some("number") => json!(rng.below(1000) as f64 / 4.0),
            Some("boolean") => json!(rng.chance(50)),
            Some("array") => {
                let items = schema.get("items").cloned().unwrap_or(json!({}));
                let n = if deep { 0 } else { rng.below(3) };
                Value::Array((0..n).map(|_| self.instance(&items, rng, depth + 1)).collect())
            }
            Some("object") => Value::Object(self.object(schema, rng, depth).as_object().cloned().unwrap_or_default()),
            None if schema.get("properties").is_some() => self.object(schema, rng, depth),
            // Any value: a string is as good as any other.
            _ => json!(format!("any{}", rng.below(10))),
        }
    }

    /// The schema's own properties: the required ones, and about half of the others (none when
    /// deep); no write-only ones (a server never sends them).
    fn object(&self, schema: &Value, rng: &mut Rng, depth: usize) -> Value {
        let required: BTreeSet<&str> =
            schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        let mut out = Map::new();
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                let resolved = self.resolve(property);
                if resolved.get("writeOnly") == Some(&Value::Bool(true)) {
                    continue;
                }
                if required.contains(name.as_str()) || (depth <= DEEP && rng.chance(50)) {
                    out.insert(name.clone(), self.instance(property, rng, depth + 1));
                }
            }
        }
        if let Some(extra) = schema.get("additionalProperties").filter(|a| a.is_object()) {
            if depth <= DEEP && rng.chance(30) {
                out.insert("extra_key".into(), self.instance(extra, rng, depth + 1));
            }
        }
        Value::Object(out)
    }
}

/// What the models read alike compared alike: `null` and absent properties, and numbers as
/// numbers (`2` and `2.0`).
fn normal(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), normal(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(normal).collect()),
        Value::Number(n) => json!(n.as_f64()),
        other => other.clone(),
    }
}

fn check<T: serde::de::DeserializeOwned + serde::Serialize>(spec: &Spec, name: &str, failures: &mut Vec<String>) {
    let schema = spec.schemas.get(name).unwrap_or_else(|| panic!("no component schema {name}"));
    for seed in 0..SEEDS {
        let mut rng = Rng::new(seed + 1);
        let sent = spec.instance(schema, &mut rng, 0);
        let decoded: T = match serde_json::from_value(sent.clone()) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{name} (seed {seed}) does not decode: {e}\n  {sent}"));
                continue;
            }
        };
        let again = serde_json::to_value(&decoded).expect("a decoded model encodes");
        if normal(&again) != normal(&sent) {
            failures.push(format!("{name} (seed {seed}) changed in a round trip:\n  sent {sent}\n  back {again}"));
        }
    }
}

macro_rules! models {
    ($($name:ident),* $(,)?) => {
        /// The models covered, by component name (each is also the Rust type's name).
        fn check_all(spec: &Spec, failures: &mut Vec<String>) -> usize {
            $( check::<buildkite_api::types::$name>(spec, stringify!($name), failures); )*
            [$(stringify!($name)),*].len()
        }
    };
}

models!(Agent, Annotation, Artifact, Build, Cluster, Emoji, Job, Organization, Pipeline, Team, User);

#[test]
fn seeded_instances_of_each_schema_survive_a_round_trip_through_their_models() {
    let spec = Spec::load();
    let mut failures = Vec::new();
    let models = check_all(&spec, &mut failures);
    assert!(models >= 10);
    assert!(
        failures.is_empty(),
        "{} of {} round trips failed:\n{}",
        failures.len(),
        models as u64 * SEEDS,
        failures.join("\n")
    );
}
