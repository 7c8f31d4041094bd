//! The compiler settings of `foundry.toml` (`[profile.default]`), read so that the bindings are
//! compiled exactly as `forge build` compiles them.

use std::path::Path;

use serde::Deserialize;

use crate::Error;

/// The `[profile.default]` keys that decide what the compiler produces. Keys forge would add
/// with a value we do not mirror (`via_ir`, `optimizer_details`, ...) are rejected rather than
/// ignored, so that the bindings can never silently differ from forge's output.
#[derive(Debug, Deserialize)]
pub struct Profile {
    pub src: String,
    pub test: String,
    pub script: String,
    #[serde(default)]
    pub libs: Vec<String>,
    #[serde(default)]
    pub optimizer: bool,
    #[serde(default = "default_runs")]
    pub optimizer_runs: usize,
    pub evm_version: String,
    #[serde(default = "default_bytecode_hash")]
    pub bytecode_hash: String,
    #[serde(default = "default_true")]
    pub cbor_metadata: bool,
    #[serde(default)]
    pub remappings: Vec<String>,
    #[serde(default)]
    pub via_ir: bool,
    #[serde(default)]
    pub optimizer_details: Option<toml::Value>,
    #[serde(default)]
    pub libraries: Vec<String>,
}

fn default_runs() -> usize {
    200
}

fn default_bytecode_hash() -> String {
    "ipfs".to_owned()
}

fn default_true() -> bool {
    true
}

#[derive(Deserialize)]
struct FoundryToml {
    profile: Profiles,
}

#[derive(Deserialize)]
struct Profiles {
    default: Profile,
}

/// Reads `[profile.default]` of the `foundry.toml` at `path`.
pub fn read(path: &Path) -> Result<Profile, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let parsed: FoundryToml =
        toml::from_str(&text).map_err(|e| format!("cannot parse {}: {e}", path.display()))?;
    let profile = parsed.profile.default;
    if profile.via_ir {
        return Err(
            "foundry.toml sets via_ir, which the bindings generator does not mirror".into(),
        );
    }
    if profile.optimizer_details.is_some() {
        return Err(
            "foundry.toml sets optimizer_details, which the bindings generator does not \
                    mirror"
                .into(),
        );
    }
    if !profile.libraries.is_empty() {
        return Err(
            "foundry.toml links libraries, which the bindings generator does not mirror".into(),
        );
    }
    Ok(profile)
}
