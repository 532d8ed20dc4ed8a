//! Facts the README's "Set up" states, checked against the real build: the
//! Rust version Cargo.toml declares is enough for every locked dependency,
//! and the README names that same version.

use serde_json::Value;

/// `1.85`, `1.85.0` → (1, 85, 0).
fn version(text: &str) -> (u64, u64, u64) {
    let mut parts = text.split('.').map(|part| part.parse::<u64>().unwrap_or(0));
    let mut next = || parts.next().unwrap_or(0);
    (next(), next(), next())
}

fn metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = std::process::Command::new(cargo)
        .args(["metadata", "--locked", "--offline", "--format-version", "1"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON")
}

/// comfy-table 8.0.1 once needed Rust 1.88 while Cargo.toml said 1.85: a
/// user on 1.85 got a build error instead of cargo's clear "requires rustc
/// 1.88". Every package of the lock file counts, dev-dependencies too,
/// because the README's set-up runs the tests.
#[test]
fn declared_rust_version_covers_every_locked_dependency() {
    let declared = version(env!("CARGO_PKG_RUST_VERSION"));
    let metadata = metadata();
    let packages = metadata["packages"].as_array().expect("packages");
    let too_new: Vec<String> = packages
        .iter()
        .filter_map(|package| {
            let needs = package["rust_version"].as_str()?;
            (version(needs) > declared).then(|| {
                format!(
                    "{} {} needs Rust {needs}",
                    package["name"].as_str().unwrap_or("?"),
                    package["version"].as_str().unwrap_or("?")
                )
            })
        })
        .collect();
    assert!(
        too_new.is_empty(),
        "Cargo.toml declares rust-version {}, but {}",
        env!("CARGO_PKG_RUST_VERSION"),
        too_new.join(", ")
    );
}

/// The README's set-up names the version Cargo.toml declares.
#[test]
fn readme_names_the_declared_rust_version() {
    let readme = include_str!("../README.md");
    let expected = format!("Rust {} or newer", env!("CARGO_PKG_RUST_VERSION"));
    assert!(
        readme.contains(&expected),
        "README.md should say {expected:?}"
    );
}

/// Every test file with a test that needs a tool (`#[ignore = "needs
/// ..."]`) is named in the README's set-up and run by .ci/run, so no test
/// is left ignored everywhere.
#[test]
fn every_ignored_test_is_documented_and_run_by_ci() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = include_str!("../README.md");
    let setup = readme
        .split("## Set up")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("a Set up section");
    let ci = std::fs::read_to_string(root.join(".ci/run")).expect(".ci/run");
    let mut files: Vec<String> = std::fs::read_dir(root.join("tests"))
        .expect("tests/")
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .filter(|path| {
            std::fs::read_to_string(path).is_ok_and(|text| text.contains("#[ignore = \"needs "))
        })
        .filter_map(|path| Some(path.file_stem()?.to_str()?.to_owned()))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for file in files {
        assert!(
            setup.contains(&format!("`tests/{file}.rs`")),
            "README's Set up does not say what tests/{file}.rs needs"
        );
        assert!(
            ci.contains(&format!("--test {file} -- --ignored")),
            ".ci/run does not run the ignored tests of tests/{file}.rs"
        );
    }
}
