//! Ten thousand commands under `limit(8, ...)`: every one runs and is
//! reported, nothing hangs, in a test binary of its own (it starts 10,000
//! processes, which would be measured with the timings of
//! tests/commands.rs).

#![cfg(target_os = "linux")]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

#[test]
fn ten_thousand_commands_under_a_limit_of_8() {
    let commands = vec!["exec('true')"; 10_000].join(", ");
    let file = std::env::temp_dir().join(format!("saywhen-tenk-{}.sw", std::process::id()));
    std::fs::write(&file, format!("limit(8, {commands})")).unwrap();
    let start = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_saywhen"))
        .args(["run", "--format", "json", "--file", file.to_str().unwrap()])
        .stdin(Stdio::null())
        .output()
        .expect("saywhen runs");
    let wall = start.elapsed();
    std::fs::remove_file(&file).ok();
    assert!(output.status.success(), "{output:?}");
    // 9 s alone (debug build, 2 cores); minutes on a machine busy building.
    assert!(wall < Duration::from_secs(600), "{wall:?}");
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    let nodes = document["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 10_001);
    assert!(nodes.iter().all(|n| n["status"] == "done"));
}
