//! Emission: the IR to files. Rust files are token streams made with `quote`, parsed with `syn`
//! and printed with `prettyplease`; Cargo.toml and README.md come from `minijinja` templates;
//! the runtime is written out verbatim; `API.md` and `api.json` (the public API listing and the
//! IR, for review) come from [`listing`](crate::listing). Emission decides nothing: it walks the IR.

mod client;
mod docs;
pub(crate) mod examples;
mod mock;

pub(crate) use docs::{code, prose};
mod operations;
mod types;

pub(crate) use types::item_attrs;
mod webhooks;

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use serde::Serialize;

use crate::error::Error;
use crate::features::Features;
use crate::ident::snake_source;
use crate::ir::{Api, AuthKind, Operation, Param, Prim, TypeRef};
use crate::Config;

/// The runtime's source files, relative to `src/runtime/`.
const RUNTIME: &[(&str, &str)] = &[
    ("body.rs", include_str!("../../runtime/body.rs")),
    ("client.rs", include_str!("../../runtime/client.rs")),
    ("error.rs", include_str!("../../runtime/error.rs")),
    ("execute.rs", include_str!("../../runtime/execute.rs")),
    ("items.rs", include_str!("../../runtime/items.rs")),
    ("mock.rs", include_str!("../../runtime/mock.rs")),
    ("locate.rs", include_str!("../../runtime/locate.rs")),
    ("links.rs", include_str!("../../runtime/links.rs")),
    ("mod.rs", include_str!("../../runtime/mod.rs")),
    ("model.rs", include_str!("../../runtime/model.rs")),
    ("pagination.rs", include_str!("../../runtime/pagination.rs")),
    ("raw.rs", include_str!("../../runtime/raw.rs")),
    ("request.rs", include_str!("../../runtime/request.rs")),
    ("response.rs", include_str!("../../runtime/response.rs")),
    ("send.rs", include_str!("../../runtime/send.rs")),
    ("values.rs", include_str!("../../runtime/values.rs")),
    ("waiter.rs", include_str!("../../runtime/waiter.rs")),
];

/// The generated marker of `config`, refused when it could end the comment it stands in (a line
/// break, `-->`) or is not one line of text.
fn marker(config: &Config) -> Result<String, Error> {
    let by = &config.generated_by;
    let message = if by.trim().is_empty() {
        "it is empty"
    } else if by.chars().any(char::is_control) {
        "it holds a line break or another control character"
    } else if by.contains("-->") {
        "it holds `-->`, which would end the HTML comment in API.md and README.md"
    } else {
        return Ok(config.generated_marker());
    };
    Err(Error::Config { field: "generated_by", message: format!("{message}: {by:?}") })
}

/// Formats a token stream as a Rust file with the generated header.
fn format_rust(header: &str, name: &str, tokens: TokenStream) -> Result<String, Error> {
    Ok(format!("{header}\n{}", format_piece(name, tokens)?))
}

/// Formats a piece of the file `name` (the first piece may hold the file's inner attributes, each
/// piece whole items). `types.rs` and `mock.rs`, which grow with the API, are formatted a piece
/// at a time: only one piece's tokens and syntax tree are alive at once, so the heap stays the
/// size of a piece rather than of the file, and the pieces can be shared between threads.
/// `prettyplease` puts nothing between a file's items, so the text is the same as the whole
/// file's.
fn format_piece(name: &str, tokens: TokenStream) -> Result<String, Error> {
    Ok(prettyplease::unparse(&parse_file(name, tokens)?))
}

/// Parses tokens as the items (and inner attributes) of the file `name`.
fn parse_file(name: &str, tokens: TokenStream) -> Result<syn::File, Error> {
    syn::parse2(tokens).map_err(|e| Error::Emit { file: name.to_string(), message: e.to_string() })
}

/// Every file of the generated crate, by path relative to the crate root.
///
/// The work is cut into jobs (runs of models, the mock server, each group's operations, the
/// rest), taken in turn by two threads; token streams are not `Send`, so each job makes its own.
/// The output does not depend on which thread ran what.
pub fn emit(api: &Api, config: &Config) -> Result<BTreeMap<String, String>, Error> {
    let marker = marker(config)?;
    // The first line of every Rust file.
    let header = format!("// {marker}\n");
    let features = Features::new(api);
    let sent = crate::features::sent_models(api);
    let models = api.types.len();
    // The largest job first, so that the last ones, small, even the two threads out.
    let mut jobs = vec![Job::Rest, Job::MockHead];
    jobs.extend(
        (0..MODEL_RUNS)
            .map(|i| Job::Models { first: i == 0, range: models * i / MODEL_RUNS..models * (i + 1) / MODEL_RUNS }),
    );
    jobs.extend(api.groups.iter().flat_map(|g| [Job::Mocks(g), Job::Group(g)]));
    let run = |job: &Job| -> Result<Vec<(String, String)>, Error> {
        Ok(match job {
            Job::Models { first, range } => {
                let mut text = if *first { types::head(&header)? } else { String::new() };
                text.push_str(&types::models(api, &features, &sent, range.clone())?);
                vec![(types::FILE.to_string(), text)]
            }
            Job::MockHead => {
                let crate_ident = config.crate_name.replace('-', "_");
                vec![(MOCK.to_string(), format_rust(&header, MOCK, mock::head(api, &crate_ident, &features))?)]
            }
            Job::Mocks(group) => vec![(MOCK.to_string(), format_piece(MOCK, mock::group(group))?)],
            Job::Group(group) => {
                let path = format!("src/operations/{}.rs", group.name);
                let crate_ident = config.crate_name.replace('-', "_");
                let text = format_rust(&header, &path, operations::file(group, api, &crate_ident))?;
                vec![(path, text)]
            }
            Job::Rest => other_files(api, config, &marker, &header, &features)?.into_iter().collect(),
        })
    };
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    // In the jobs' order: the pieces of `types.rs` and `mock.rs` are appended in turn; any other
    // path made twice is an error, not a file that silently replaces another.
    for output in on_two_threads(&jobs, run) {
        for (path, text) in output? {
            match files.entry(path) {
                Entry::Occupied(mut file) if [types::FILE, MOCK].contains(&file.key().as_str()) => {
                    file.get_mut().push_str(&text)
                }
                Entry::Occupied(file) => {
                    return Err(Error::Emit {
                        file: file.key().clone(),
                        message: "two generated files have this path (two groups of one name?)".into(),
                    })
                }
                Entry::Vacant(file) => {
                    file.insert(text);
                }
            }
        }
    }
    Ok(files)
}

/// How many runs the models are cut into: enough for the two threads to end close together.
const MODEL_RUNS: usize = 16;

/// The mock server's file.
const MOCK: &str = "src/mock.rs";

/// A piece of [`emit`]'s work.
enum Job<'a> {
    /// The models at these indices, in `types.rs`; the first run starts the file.
    Models { first: bool, range: std::ops::Range<usize> },
    /// The start of `mock.rs`.
    MockHead,
    /// A group's mocks, in `mock.rs` (after the start and the groups before it).
    Mocks(&'a crate::ir::Group),
    /// A group's operations file.
    Group(&'a crate::ir::Group),
    /// Every other file.
    Rest,
}

/// `run` of every job, in the jobs' order, the jobs taken in turn by this thread and one more
/// (or by this one alone when no thread can be started).
fn on_two_threads<J: Sync, T: Send>(jobs: &[J], run: impl Fn(&J) -> T + Sync) -> Vec<T> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(i) else { return done };
            done.push((i, run(job)));
        }
    };
    let mut done: Vec<(usize, T)> = std::thread::scope(|scope| {
        let helper = std::thread::Builder::new()
            .name("openapi-rust-gen-emit".into())
            .stack_size(crate::STACK_SIZE)
            .spawn_scoped(scope, work);
        let mut done = work();
        if let Ok(helper) = helper {
            done.extend(helper.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        done
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, output)| output).collect()
}

/// Every file but `types.rs`, `mock.rs` and the groups' operations.
fn other_files(
    api: &Api,
    config: &Config,
    marker: &str,
    header: &str,
    features: &Features,
) -> Result<BTreeMap<String, String>, Error> {
    let rust_file = |name: &str, tokens: TokenStream| format_rust(header, name, tokens);
    let mut files = BTreeMap::new();
    let mut lib = client::lib_rs();
    if let Some(hooks) = &api.webhooks {
        let cfg = Features::group_cfg(crate::features::WEBHOOKS);
        lib.extend(quote::quote! {
            #cfg
            pub mod webhooks;
        });
        files.insert("src/webhooks/mod.rs".to_string(), rust_file("src/webhooks/mod.rs", webhooks::file(hooks))?);
        files.insert(
            "src/webhooks/verify.rs".to_string(),
            format!("{header}\n{}", webhooks::verify_source(hooks.scheme.signature.is_some())),
        );
    }
    // The typed mock server, behind the `mock` feature (its dependency is optional).
    lib.extend(quote::quote! {
        #[cfg(feature = "mock")]
        pub mod mock;
    });
    files.insert("src/lib.rs".to_string(), rust_file("src/lib.rs", lib)?);
    files.insert("src/client.rs".to_string(), rust_file("src/client.rs", client::client_rs(api, config, features))?);
    files.insert("src/operations/mod.rs".to_string(), rust_file("src/operations/mod.rs", client::operations_mod(api))?);
    for (name, source) in RUNTIME {
        files.insert(format!("src/runtime/{name}"), format!("{header}\n{source}"));
    }
    files.insert(
        "Cargo.toml".to_string(),
        template("Cargo.toml", include_str!("../../templates/Cargo.toml.j2"), api, config)?,
    );
    // The licence its Cargo.toml declares, so that the crate can be packaged and published.
    files.insert("LICENSE-MIT".to_string(), include_str!("../../LICENSE-MIT").to_string());
    files.insert("LICENSE-APACHE".to_string(), include_str!("../../LICENSE-APACHE").to_string());
    // The crate is formatted by prettyplease; rustfmt must leave it as generated.
    files.insert("rustfmt.toml".to_string(), format!("# {marker}\ndisable_all_formatting = true\n"));
    files.insert(
        "README.md".to_string(),
        template("README.md", include_str!("../../templates/README.md.j2"), api, config)?,
    );
    // What a reviewer reads first, and what the next regeneration compares its IR with.
    files.insert(crate::listing::LISTING_FILE.to_string(), crate::listing::markdown(api, config));
    files.insert(crate::listing::IR_FILE.to_string(), crate::listing::IrFile::new(api, config).to_json()?);
    Ok(files)
}

#[derive(Serialize)]
struct TemplateContext<'a> {
    marker: &'a str,
    crate_name: &'a str,
    crate_ident: String,
    crate_version: &'a str,
    description: String,
    title: &'a str,
    version: &'a str,
    groups: &'a [crate::ir::Group],
    operation_count: usize,
    group_count: usize,
    type_count: usize,
    bearer: bool,
    rate_limits: bool,
    paginated: bool,
    /// Whether an operation answers a stream of items (3.2's `itemSchema`).
    item_streams: bool,
    example: Option<String>,
    /// A paginated operation's call, for the guide's pages example.
    list_example: Option<String>,
    /// An operation's call and its error enum's path, for the guide's errors example.
    error_example: Option<(String, String)>,
    /// An operation's call and its first waiter's method, for the guide's waiting example.
    wait_example: Option<(String, String)>,
    /// The environment variable `Client::from_env` reads.
    token_env: Option<&'a str>,
    webhooks: bool,
    /// The places of the spec left out, as (pointer, what became of it).
    left_out: Vec<(&'a str, &'static str)>,
}

/// A call for the README's example: the first operation whose required parameters are all
/// strings or integers, with placeholder arguments.
fn example_call(api: &Api) -> Option<String> {
    example_where(api, |_| true).map(|(call, _, _)| call)
}

/// The first operation that `wanted` accepts and whose required parameters are all strings or
/// integers: its call with placeholder arguments (identifiers as Rust source writes them,
/// argument text made of identifiers), its group and the operation.
fn example_where(api: &Api, wanted: impl Fn(&Operation) -> bool) -> Option<(String, &crate::ir::Group, &Operation)> {
    api.groups.iter().flat_map(|g| g.operations.iter().map(move |o| (g, o))).find_map(|(group, op)| {
        if op.body.as_ref().is_some_and(|b| b.required) || op.deprecated || !wanted(op) {
            return None;
        }
        let args: Option<Vec<String>> = op
            .params
            .iter()
            .filter(|p: &&Param| p.required)
            .map(|p| match &p.ty {
                TypeRef::Prim(Prim::String) => Some(format!("\"{}\"", p.rust_name.replace('_', "-"))),
                TypeRef::Prim(Prim::I32 | Prim::I64 | Prim::U32 | Prim::U64) => Some("1".to_string()),
                _ => None,
            })
            .collect();
        let call = format!("{}().{}({})", snake_source(&group.name), snake_source(&op.method_name), args?.join(", "));
        Some((call, group, op))
    })
}

/// `value` as a TOML basic string: quoted, with quotes, backslashes and control characters
/// escaped, so no value can end the string or start a new key.
fn toml_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The emitters' sources and the templates: what makes the client's code besides the runtime.
const EMITTERS: &[&str] = &[
    include_str!("client.rs"),
    include_str!("docs.rs"),
    include_str!("examples.rs"),
    include_str!("mock.rs"),
    include_str!("mod.rs"),
    include_str!("operations.rs"),
    include_str!("types.rs"),
    include_str!("webhooks.rs"),
    include_str!("../rust.rs"),
    include_str!("../../templates/Cargo.toml.j2"),
    include_str!("../../templates/README.md.j2"),
];

/// A digest of the client's own code (the runtime the crate carries, the emitters and the
/// templates), recorded in `api.json`: when it differs from the previous file's, the client
/// changed in a way the IR comparison cannot see, and the change report says so. FNV-1a (64
/// bits), written out here: std's hashers may change between Rust releases.
pub fn client_code_digest() -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes.iter().chain([0xff].iter()) {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for (name, text) in RUNTIME {
        eat(name.as_bytes());
        eat(text.as_bytes());
    }
    for text in EMITTERS {
        eat(text.as_bytes());
    }
    format!("{hash:016x}")
}

fn template(name: &str, source: &str, api: &Api, config: &Config) -> Result<String, Error> {
    let mut env = minijinja::Environment::new();
    env.set_keep_trailing_newline(true);
    // Spec text reaches these files only through filters: `toml` (a TOML string, quoted and
    // escaped), `prose` (one line of Markdown prose), `code` (an inline code span), `ident` (a
    // snake name as Rust source writes it, `r#` and all). The README is also the crate's rustdoc.
    env.add_filter("toml", |value: String| toml_string(&value));
    env.add_filter("prose", |value: String| docs::prose(&value));
    env.add_filter("code", |value: String| docs::code(&value));
    env.add_filter("ident", |value: String| snake_source(&value));
    let err = |e: minijinja::Error| Error::Template { name: name.to_string(), message: e.to_string() };
    env.add_template(name, source).map_err(err)?;
    let description = format!("Typed async client for the {} (generated from its OpenAPI description)", api.title);
    let context = TemplateContext {
        marker: &config.generated_marker(),
        crate_name: &config.crate_name,
        crate_ident: config.crate_name.replace('-', "_"),
        crate_version: &config.crate_version,
        description,
        title: &api.title,
        version: &api.version,
        groups: &api.groups,
        operation_count: api.groups.iter().map(|g| g.operations.len()).sum(),
        group_count: api.groups.len(),
        type_count: api.types.len(),
        bearer: api.auth.iter().any(|a| matches!(a.kind, AuthKind::Bearer)),
        rate_limits: !api.rate_limits.is_empty(),
        paginated: api.groups.iter().flat_map(|g| &g.operations).any(|o| o.pagination.is_some()),
        item_streams: api
            .groups
            .iter()
            .flat_map(|g| &g.operations)
            .any(|o| matches!(o.output, crate::ir::Output::Single { body: crate::ir::Body::Items { .. } })),
        example: example_call(api),
        list_example: example_where(api, |op| op.pagination.is_some()).map(|(call, _, _)| call),
        error_example: example_where(api, |op| op.errors.is_some()).and_then(|(call, group, op)| {
            let errors = op.errors.as_ref()?;
            Some((call, format!("operations::{}::{}", snake_source(&group.name), errors.type_name)))
        }),
        wait_example: example_where(api, |op| !op.waiters.is_empty())
            .and_then(|(call, _, op)| Some((call, snake_source(&op.waiters.first()?.method_name)))),
        token_env: config.token_env.as_deref(),
        webhooks: api.webhooks.is_some(),
        left_out: api.left_out.iter().map(|l| (l.pointer.as_str(), l.fate.describe())).collect(),
    };
    env.get_template(name).and_then(|t| t.render(context)).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::{marker, toml_string};
    use crate::Config;

    #[test]
    fn the_marker_names_the_command_and_stays_in_its_comment() {
        let mut config = Config::new("x");
        assert_eq!(marker(&config).unwrap(), "@generated by `openapi-rust-gen`: do not edit.");
        config.generated_by = "`cargo xtask regen`".into();
        assert_eq!(marker(&config).unwrap(), "@generated by `cargo xtask regen`: do not edit.");
        for bad in ["", " ", "`x`\nfn main() {}", "`x`\r", "`x` -->"] {
            config.generated_by = bad.into();
            assert!(marker(&config).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn toml_strings_cannot_end_early() {
        assert_eq!(toml_string("plain"), "\"plain\"");
        assert_eq!(toml_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(toml_string("x\ny = 1\r\u{7}"), "\"x\\ny = 1\\r\\u0007\"");
    }
}
