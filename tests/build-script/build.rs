//! Generates the pets client from `pets.yaml` into `OUT_DIR/pets.rs`.

use std::path::{Path, PathBuf};

use generator::{generate, Config, Source};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo::rerun-if-changed=pets.yaml");
    let spec = Source::read(Path::new("pets.yaml"))?;
    // The crate's own name: the examples in the generated docs (doctests) name it.
    let mut config = Config::new(std::env::var("CARGO_PKG_NAME")?);
    config.strict = true;
    let generated = generate(&spec, &[], &config)?;
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out.join("pets.rs"), generator::write::single_file(&generated.files)?)?;
    // The generated code's cargo features, as cfgs: every group of operations, and rustls.
    for line in generator::write::build_script_cfgs(&generated.files, &["rustls-tls"]) {
        println!("{line}");
    }
    Ok(())
}
