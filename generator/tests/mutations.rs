//! The generator never panics: mutated specs (fields dropped, types swapped, references broken,
//! names garbled, deep nesting, reference loops) end in `Ok` or in a typed, one-line error.
//! Deterministic: a fixed seed and a bounded number of cases, so CI runs it every time.

use generator::{generate, Config, Source};
use serde_json::{json, Value};

/// xorshift64*: small, deterministic, good enough to pick places.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Every JSON pointer in a document.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        _ => {}
    }
}

const NASTY_NAMES: &[&str] =
    &["", "type", "Self", "self", "🙂", "a/b", "1", "__", "fn", "x-", "Unknown", "new", "send", "café", "A b-c.d"];

fn mutate(doc: &mut Value, rng: &mut Rng) -> &'static str {
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    if all.is_empty() {
        return "empty";
    }
    let target = rng.pick(&all).clone();
    let (parent, key) = target.rsplit_once('/').unwrap_or(("", ""));
    let key = key.replace("~1", "/").replace("~0", "~");
    match rng.below(8) {
        0 => {
            if let Some(Value::Object(map)) = doc.pointer_mut(parent) {
                map.remove(&key);
            } else if let Some(Value::Array(items)) = doc.pointer_mut(parent) {
                if let Ok(i) = key.parse::<usize>() {
                    if i < items.len() {
                        items.remove(i);
                    }
                }
            }
            "drop a field"
        }
        1 => {
            let replacement = [json!(12), json!("text"), json!([1, "a"]), json!({"a": 1}), Value::Null, json!(true)]
                [rng.below(6)]
            .clone();
            if let Some(node) = doc.pointer_mut(&target) {
                *node = replacement;
            }
            "swap a type"
        }
        2 => {
            let reference =
                ["#/components/schemas/Nope", "other.yaml#/x", "#/x", "#", "", "#/components/parameters/Nope"]
                    [rng.below(6)];
            if let Some(node) = doc.pointer_mut(&target) {
                *node = json!({ "$ref": reference });
            }
            "break a reference"
        }
        3 => {
            let name = *rng.pick(NASTY_NAMES);
            if let Some(Value::Object(map)) = doc.pointer_mut(parent) {
                if let Some(v) = map.remove(&key) {
                    map.insert(name.to_string(), v);
                }
            }
            "garble a name"
        }
        4 => {
            let depth = 5 + rng.below(80);
            if let Some(node) = doc.pointer_mut(&target) {
                let mut nested = node.take();
                for i in 0..depth {
                    nested = if i % 2 == 0 {
                        json!({"type": "array", "items": nested})
                    } else {
                        json!({"type": "object", "properties": {"p": nested}})
                    };
                }
                *node = nested;
            }
            "nest deeply"
        }
        5 => {
            if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
                schemas.insert("LoopA".into(), json!({"$ref": "#/components/schemas/LoopB"}));
                schemas.insert("LoopB".into(), json!({"allOf": [{"$ref": "#/components/schemas/LoopA"}]}));
                schemas.insert(
                    "Uses".into(),
                    json!({"type": "object", "properties": {"a": {"$ref": "#/components/schemas/LoopA"}}}),
                );
            }
            "make a reference loop"
        }
        6 => {
            if let Some(node) = doc.pointer_mut(&target) {
                *node = json!({"oneOf": [{"type": "string"}, {"not": {}}, {"allOf": [{"type": "integer"}, {"type": "object", "properties": {"x": {}}}]}], "discriminator": {"propertyName": "x", "mapping": {"a": "#/nope"}}});
            }
            "odd composition"
        }
        _ => {
            if let Some(node) = doc.pointer_mut(&target) {
                *node = json!({"in": "path", "name": "id", "schema": {"type": "string"}, "style": "matrix"});
            }
            "odd parameter"
        }
    }
}

fn seeds() -> Vec<(String, Value)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/corpus");
    let mut out = Vec::new();
    for name in ["petstore.yaml", "petstore-expanded.yaml", "uspto.yaml", "oxide-keeper.json", "oxide-buildomat.json"] {
        let text = std::fs::read_to_string(format!("{dir}/{name}")).expect("corpus spec");
        let value = generator::load::parse_document(&Source::new(name, text)).expect("corpus spec parses");
        out.push((name.to_string(), value));
    }
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures")).expect("fixtures") {
        let path = entry.expect("entry").path();
        // A document in several files: its root alone refers to files a mutated copy has not.
        if path.is_dir() {
            continue;
        }
        let source = Source::read(&path).expect("fixture");
        out.push((source.name.clone(), generator::load::parse_document(&source).expect("fixture parses")));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn mutated_specs_never_panic() {
    let cases: usize = std::env::var("MUTATION_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let seeds = seeds();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut ok, mut err) = (0, 0);
    for case in 0..cases {
        let (name, seed) = &seeds[case % seeds.len()];
        let mut doc = seed.clone();
        let mut what = Vec::new();
        for _ in 0..1 + rng.below(3) {
            what.push(mutate(&mut doc, &mut rng));
        }
        if std::env::var("MUTATION_ONLY").is_ok_and(|only| only != case.to_string()) {
            continue;
        }
        let text = serde_json::to_string(&doc).expect("serializes");
        if std::env::var("MUTATION_DUMP").is_ok() {
            std::fs::write(format!("/tmp/mutation-{case}.json"), &text).expect("dump");
        }
        if std::env::var("MUTATION_TRACE").is_ok() {
            eprintln!("case {case} {name} {what:?}");
        }
        let source = Source::new(format!("{name} (case {case})"), text);
        let result = std::panic::catch_unwind(|| generate(&source, &[], &Config::new("mutant")));
        match result {
            Ok(Ok(_)) => ok += 1,
            Ok(Err(e)) => {
                let message = e.to_string();
                assert!(
                    !message.is_empty() && !message.contains('\n'),
                    "case {case} ({what:?}): bad message {message:?}"
                );
                assert!(
                    message.contains('#') || message.contains(name.as_str()),
                    "case {case}: the error names no place: {message}"
                );
                err += 1;
            }
            Err(_) => panic!("case {case} on {name} panicked after: {what:?}"),
        }
    }
    eprintln!("{cases} mutated specs: {ok} generated, {err} refused with a typed error");
    assert!(ok + err > 0);
}
