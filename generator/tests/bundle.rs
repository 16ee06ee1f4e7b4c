//! Documents in several files: what is read and what is refused. The spec is untrusted input,
//! so every way out of its directory tree, to the network, past the limits or round a loop is
//! refused with a message naming the file and the place that asked; each message is pinned.

use std::path::PathBuf;

use generator::load::Options;
use generator::{generate, Config, Source};

/// A directory of its own under the system's temporary directory, removed when dropped.
struct Tree {
    dir: PathBuf,
}

impl Tree {
    fn new(name: &str) -> Tree {
        let dir = std::env::temp_dir().join(format!("openapi-rust-gen-bundle-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temporary directory");
        Tree { dir }
    }

    fn write(&self, path: &str, text: &str) -> PathBuf {
        let path = self.dir.join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("directories");
        std::fs::write(&path, text).expect("write");
        path
    }

    /// The message of the error generating `spec/openapi.yaml` gives, with the temporary
    /// directory written `<tmp>`.
    fn error(&self, options: Options) -> String {
        let spec = Source::read(&self.dir.join("spec/openapi.yaml")).expect("readable").with_options(options);
        let message = match generate(&spec, &[], &Config::new("bundle")) {
            Ok(_) => panic!("generated, but should have been refused"),
            Err(e) => e.to_string(),
        };
        assert!(!message.contains('\n'), "not one line: {message}");
        let canonical = self.dir.canonicalize().expect("canonical");
        message.replace(&canonical.display().to_string(), "<tmp>").replace(&self.dir.display().to_string(), "<tmp>")
    }

    fn generates(&self, options: Options) -> generator::Generated {
        let spec = Source::read(&self.dir.join("spec/openapi.yaml")).expect("readable").with_options(options);
        generate(&spec, &[], &Config::new("bundle")).unwrap_or_else(|e| panic!("refused: {e}"))
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A root document whose one operation answers with the schema `reference` names.
fn root(reference: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: Bundle, version: '1'}}\npaths:\n  /a:\n    get:\n      operationId: getA\n      \
         responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              \
         schema: {{$ref: '{reference}'}}\n"
    )
}

const SCHEMA: &str = "type: object\nproperties:\n  name: {type: string}\n";

const AT: &str = "#/paths/~1a/get/responses/200/content/application~1json/schema";

#[test]
fn a_reference_above_the_root_directory_is_refused_unless_allowed() {
    let tree = Tree::new("dotdot");
    tree.write("spec/openapi.yaml", &root("../outside.yaml"));
    tree.write("outside.yaml", SCHEMA);
    assert_eq!(
        tree.error(Options::default()),
        format!(
            "<tmp>/spec/openapi.yaml: {AT}: $ref `../outside.yaml` not followed: <tmp>/outside.yaml is outside <tmp>/spec, \
             the directory of the root document; move it there, or allow its directory (`--allow-dir DIR`, `allow_dirs` in the manifest)"
        )
    );
    // Allowed, it is read, and its schema is named after the file.
    let generated = tree.generates(Options { allowed_dirs: vec![tree.dir.clone()], ..Options::default() });
    assert!(generated.api.types.keys().any(|k| *k == "Outside"), "{:?}", generated.api.types.keys());
    // `..` that stays inside the tree is fine.
    tree.write("spec/models/inner.yaml", SCHEMA);
    tree.write("spec/paths/x.yaml", "$ref: '../models/inner.yaml'\n");
    tree.write("spec/openapi.yaml", &root("paths/x.yaml"));
    tree.generates(Options::default());
}

#[test]
fn an_absolute_path_is_refused() {
    let tree = Tree::new("absolute");
    let outside = tree.write("outside.yaml", SCHEMA);
    tree.write("spec/openapi.yaml", &root(&outside.display().to_string()));
    let message = tree.error(Options { allowed_dirs: vec![tree.dir.clone()], ..Options::default() });
    assert_eq!(
        message,
        format!(
            "<tmp>/spec/openapi.yaml: {AT}: $ref `<tmp>/outside.yaml` not followed: an absolute path: write it relative to the file that refers to it"
        )
    );
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_leading_out_is_refused() {
    let tree = Tree::new("symlink");
    tree.write("outside/secret.yaml", SCHEMA);
    tree.write("spec/openapi.yaml", &root("models/secret.yaml"));
    std::os::unix::fs::symlink(tree.dir.join("outside"), tree.dir.join("spec/models")).expect("symlink");
    assert_eq!(
        tree.error(Options::default()),
        format!(
            "<tmp>/spec/openapi.yaml: {AT}: $ref `models/secret.yaml` not followed: <tmp>/outside/secret.yaml is outside <tmp>/spec, \
             the directory of the root document; move it there, or allow its directory (`--allow-dir DIR`, `allow_dirs` in the manifest)"
        )
    );
}

#[test]
fn a_remote_reference_is_refused() {
    let tree = Tree::new("remote");
    tree.write("spec/openapi.yaml", &root("https://example.com/schemas.yaml#/Pet"));
    assert_eq!(
        tree.error(Options::default()),
        format!(
            "<tmp>/spec/openapi.yaml: {AT}: $ref `https://example.com/schemas.yaml#/Pet` not followed: a remote reference: \
             download it first (no network at generation time) and refer to the local copy"
        )
    );
}

#[test]
fn too_many_files_and_too_many_bytes_are_refused() {
    let tree = Tree::new("limits");
    let spec = root("a.yaml");
    tree.write("spec/openapi.yaml", &spec);
    tree.write("spec/a.yaml", "type: object\nproperties:\n  b: {$ref: 'b.yaml'}\n");
    tree.write("spec/b.yaml", "type: object\nproperties:\n  c: {$ref: 'c.yaml'}\n");
    tree.write("spec/c.yaml", SCHEMA);
    assert_eq!(
        tree.error(Options { max_files: 2, ..Options::default() }),
        "<tmp>/spec/b.yaml: #/properties/c: $ref `c.yaml` not followed: more than 2 files are referenced; \
         that is the limit (load::Options::max_files)"
    );
    let a = "type: object\nproperties:\n  b: {$ref: 'b.yaml'}\n".len() as u64;
    assert_eq!(
        tree.error(Options { max_bytes: spec.len() as u64 + a, ..Options::default() }),
        format!(
            "<tmp>/spec/a.yaml: #/properties/b: $ref `b.yaml` not followed: the referenced files are more than {} bytes in all; \
             that is the limit (load::Options::max_bytes)",
            spec.len() as u64 + a
        )
    );
    tree.generates(Options { max_files: 3, ..Options::default() });
}

#[test]
fn reference_cycles_that_never_reach_a_value_are_refused() {
    let tree = Tree::new("cycle");
    tree.write("spec/openapi.yaml", &root("a.yaml"));
    tree.write("spec/a.yaml", "$ref: 'b.yaml'\n");
    tree.write("spec/b.yaml", "$ref: 'a.yaml#'\n");
    assert_eq!(
        tree.error(Options::default()),
        format!("{AT}: unresolvable $ref `a.yaml`: a reference cycle that never reaches a value")
    );
    // In one file, through places that are only references.
    let spec = format!("{}x-a: {{$ref: '#/x-b'}}\nx-b: {{$ref: '#/x-a/properties/p'}}\n", root("#/x-a"));
    tree.write("spec/openapi.yaml", &spec);
    assert_eq!(
        tree.error(Options::default()),
        "#/x-a: unresolvable $ref `#/x-b`: a reference cycle that never reaches a value"
    );
}

#[test]
fn a_path_item_that_contains_itself_is_refused() {
    let tree = Tree::new("copy-cycle");
    tree.write(
        "spec/openapi.yaml",
        "openapi: 3.0.3\ninfo: {title: Bundle, version: '1'}\npaths:\n  /a: {$ref: 'paths/a.yaml'}\n",
    );
    tree.write(
        "spec/paths/a.yaml",
        "get:\n  callbacks:\n    again:\n      '{$request.body#/url}': {$ref: 'a.yaml'}\n  responses:\n    '204': {description: none}\n",
    );
    assert_eq!(
        tree.error(Options::default()),
        "unresolvable $ref `a.yaml`: a reference cycle: the value contains itself; make the repeated part a component"
            .replace(
                "unresolvable",
                "<tmp>/spec/paths/a.yaml#/get/callbacks/again/{$request.body#~1url}: unresolvable"
            )
    );
}

#[test]
fn copies_of_copies_are_bounded() {
    // Ten references to a level, ten to that level in the next: a billion laughs in callbacks.
    let mut spec =
        String::from("openapi: 3.0.3\ninfo: {title: Laughs, version: '1'}\npaths:\n  /a: {$ref: '#/x-l/l7'}\nx-l:\n");
    spec.push_str("  l0:\n    get:\n      responses:\n        '204': {description: none}\n");
    for level in 1..=7 {
        spec.push_str(&format!(
            "  l{level}:\n    get:\n      responses:\n        '204': {{description: none}}\n      callbacks:\n"
        ));
        for i in 0..10 {
            spec.push_str(&format!("        c{i}:\n          '{{$url}}': {{$ref: '#/x-l/l{}'}}\n", level - 1));
        }
    }
    // The default bound (a million) is passed the same way, only more slowly.
    let options = Options { max_copied: 10_000, ..Options::default() };
    let message = match generate(&Source::new("laughs.yaml", spec).with_options(options), &[], &Config::new("laughs")) {
        Ok(_) => panic!("a billion laughs generated"),
        Err(e) => e.to_string(),
    };
    assert!(
        message.starts_with("laughs.yaml: #/x-l/l")
            && message.contains("not followed: copying the values references stand for would make more than 10000; make the repeated parts components (the limit is load::Options::max_copied)"),
        "{message}"
    );
}

#[test]
fn a_document_from_text_refers_only_within_itself() {
    let message = match generate(&Source::new("text.yaml", root("other.yaml#/Pet")), &[], &Config::new("text")) {
        Ok(_) => panic!("generated"),
        Err(e) => e.to_string(),
    };
    assert_eq!(
        message,
        format!(
            "text.yaml: {AT}: $ref `other.yaml#/Pet` not followed: the document was not read from a file, so there is no \
             directory to find other files in; read it from its file, or bundle it into one file first"
        )
    );
}

#[test]
fn missing_files_and_places_are_named() {
    let tree = Tree::new("missing");
    tree.write("spec/openapi.yaml", &root("models.yaml#/Nope"));
    tree.write(
        "spec/models.yaml",
        &format!("Pet:\n{}", SCHEMA.lines().map(|l| format!("  {l}\n")).collect::<String>()),
    );
    assert_eq!(
        tree.error(Options::default()),
        format!("{AT}: unresolvable $ref `models.yaml#/Nope`: there is nothing at #/Nope of <tmp>/spec/models.yaml")
    );
    tree.write("spec/openapi.yaml", &root("gone.yaml"));
    let message = tree.error(Options::default());
    assert!(
        message.starts_with(&format!(
            "<tmp>/spec/openapi.yaml: {AT}: $ref `gone.yaml` not followed: cannot read <tmp>/spec/gone.yaml: "
        )),
        "{message}"
    );
    // Only regular files are read (a pipe or a device could be endless).
    tree.write("spec/dir/x.yaml", SCHEMA);
    tree.write("spec/openapi.yaml", &root("dir"));
    assert_eq!(
        tree.error(Options::default()),
        format!("<tmp>/spec/openapi.yaml: {AT}: $ref `dir` not followed: <tmp>/spec/dir is not a regular file")
    );
}

#[test]
fn the_manifest_allows_other_directories() {
    let tree = Tree::new("manifest");
    tree.write("spec/openapi.yaml", &root("../shared/pet.yaml"));
    tree.write("shared/pet.yaml", SCHEMA);
    let manifest = tree.write("spec/client.yaml", "spec: openapi.yaml\ncrate_name: pets\nallow_dirs: [../shared]\n");
    let (spec, overlays, config) = generator::Manifest::load(&manifest).expect("manifest");
    let generated = generate(&spec, &overlays, &config).unwrap_or_else(|e| panic!("refused: {e}"));
    assert!(generated.api.types.keys().any(|k| *k == "Pet"));
    // The bundled spec is one file that generates the same client.
    let bundled = generator::applied_spec(&spec, &overlays).expect("bundles");
    assert!(!bundled.contains("pet.yaml"), "{bundled}");
    let again = generate(&Source::new("bundled.yaml", bundled), &[], &config).expect("the bundled spec generates");
    assert_eq!(again.files, generated.files);
}

#[test]
fn a_missing_component_is_named_as_lowering_names_it() {
    // The description makes the document need bundling; the reference to no component is
    // left to lowering.
    let spec = format!("{}x-text: Hello\n", root("#/components/schemas/Missing"))
        .replace("version: '1'}", "version: '1', description: {$ref: '#/x-text'}}");
    let strict = Config { strict: true, ..Config::new("missing") };
    let message = match generate(&Source::new("missing.yaml", spec), &[], &strict) {
        Ok(_) => panic!("generated"),
        Err(e) => e.to_string(),
    };
    assert_eq!(
        message,
        format!("{AT}: unresolvable $ref `#/components/schemas/Missing`: there is no components.schemas.Missing")
    );
}
