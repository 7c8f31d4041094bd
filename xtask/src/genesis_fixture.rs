//! `cargo xtask genesis-fixture [--check]`: runs the forge genesis script
//! (`sol/script/Genesis.s.sol`) once per parameter set and writes (or checks) the alloc files
//! the Rust genesis builder is tested against.
//!
//! Parameter sets live in `system-contracts/tests/data/forge-genesis/<case>.env.json`: a JSON
//! object of the script's environment variables (`GENESIS_OWNER`, ...; `{}` for the defaults).
//! The script's `vm.dumpState` output for each is stored, re-indented, as `<case>.alloc.json`
//! next to it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::Error;

/// Fixture folder, relative to the project root.
const FIXTURE_DIR: &str = "system-contracts/tests/data/forge-genesis";
/// The forge script, relative to the project root.
const SCRIPT: &str = "sol/script/Genesis.s.sol";

/// Entry point of `cargo xtask genesis-fixture`.
pub fn run(root: &Path, check: bool) -> Result<(), Error> {
    let dir = root.join(FIXTURE_DIR);
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".env.json"))
        .collect();
    cases.sort();
    if cases.is_empty() {
        return Err(format!("no <case>.env.json in {}", dir.display()).into());
    }

    let mut differing = Vec::new();
    for env_file in cases {
        let name = env_file
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".env.json"))
            .ok_or("bad case file name")?
            .to_owned();
        let env: BTreeMap<String, String> =
            serde_json::from_str(&std::fs::read_to_string(&env_file)?)
                .map_err(|e| format!("{}: {e}", env_file.display()))?;
        let alloc = forge_alloc(root, &name, &env)?;
        let mut text = serde_json::to_string_pretty(&alloc)?;
        text.push('\n');
        let target = dir.join(format!("{name}.alloc.json"));
        let committed = std::fs::read_to_string(&target).ok();
        if committed.as_deref() == Some(text.as_str()) {
            println!("{name}: up to date ({} accounts)", count(&alloc));
        } else if check {
            differing.push(target.display().to_string());
        } else {
            std::fs::write(&target, text)?;
            println!(
                "{name}: wrote {} ({} accounts)",
                target.display(),
                count(&alloc)
            );
        }
    }
    if !differing.is_empty() {
        return Err(format!(
            "the forge genesis output differs from the committed fixtures: {}; run `cargo xtask \
             genesis-fixture`",
            differing.join(", ")
        )
        .into());
    }
    Ok(())
}

fn count(alloc: &Value) -> usize {
    alloc.as_object().map_or(0, |o| o.len())
}

/// Runs the genesis script with `env` and returns the state it dumped.
fn forge_alloc(root: &Path, name: &str, env: &BTreeMap<String, String>) -> Result<Value, Error> {
    // The platform binary, not the npm launcher (which loses forge's exit code).
    let forge = root.join("scripts/forge");
    // The script may only write below sol/out (foundry.toml fs_permissions).
    let out = root.join(format!(
        "sol/out/xtask-genesis-{name}-{}.json",
        std::process::id()
    ));
    let mut command = Command::new(&forge);
    command
        .current_dir(root)
        .env("FOUNDRY_SOLC", root.join("scripts/solc"))
        .arg("script")
        .arg(SCRIPT);
    // Only the case's parameters: nothing inherited from the caller's environment.
    for (key, _) in std::env::vars() {
        if key.starts_with("GENESIS_") {
            command.env_remove(key);
        }
    }
    command.env("GENESIS_ALLOC_OUT", &out).envs(env);
    println!("{name}: running forge script {SCRIPT}");
    let output = command
        .output()
        .map_err(|e| format!("cannot run {}: {e} (npm ci?)", forge.display()))?;
    if !output.status.success() {
        return Err(format!(
            "forge script failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    let text = std::fs::read_to_string(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    // Best effort: the dump is a temporary file under sol/out (ignored by git).
    let _ = std::fs::remove_file(&out);
    Ok(serde_json::from_str(&text)?)
}
