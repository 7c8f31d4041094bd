//! `cargo xtask bindings [--check] [--forge-out DIR]`: compiles `sol/` with foundry-compilers
//! and the settings of `foundry.toml`, and writes (or checks) the artefacts and `sol!`
//! bindings of the `btc-evm-bindings` crate.
//!
//! Output, all generated (do not edit by hand):
//! - `bindings/artifacts/<Contract>.json`: ABI, creation bytecode, deployed bytecode and the
//!   immutable references of one contract, in forge's artefact layout (read by `sol!`);
//! - `bindings/src/generated.rs`: one `sol!` module per contract and the byte offsets of
//!   immutables that the genesis builder fills in.
//!
//! Contracts: every contract of `src` (foundry.toml) with bytecode and an ABI, and the
//! OpenZeppelin proxy contracts the genesis layout uses ([`EXTRA_CONTRACTS`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use foundry_compilers::artifacts::output_selection::OutputSelection;
use foundry_compilers::artifacts::remappings::Remapping;
use foundry_compilers::artifacts::{
    BytecodeHash, ConfigurableContractArtifact, EvmVersion, Optimizer, Settings, SettingsMetadata,
};
use foundry_compilers::solc::{Solc, SolcCompiler, SolcSettings};
use foundry_compilers::{ConfigurableArtifacts, ProjectBuilder, ProjectPathsConfig};
use serde_json::{json, Value};

use crate::{foundry_toml, Error};

/// Contracts outside `src` that the bindings carry: (source path relative to the project root,
/// contract name).
const EXTRA_CONTRACTS: &[(&str, &str)] = &[
    (
        "node_modules/@openzeppelin/contracts/proxy/transparent/TransparentUpgradeableProxy.sol",
        "TransparentUpgradeableProxy",
    ),
    (
        "node_modules/@openzeppelin/contracts/proxy/transparent/ProxyAdmin.sol",
        "ProxyAdmin",
    ),
];

/// Where the bindings crate keeps its generated files, relative to the project root.
const ARTIFACTS_DIR: &str = "bindings/artifacts";
const GENERATED_RS: &str = "bindings/src/generated.rs";

/// One compiled contract, as the bindings keep it.
struct Contract {
    /// Contract name (also the Rust module name).
    name: String,
    /// Source path relative to the project root.
    source: String,
    abi: Value,
    bytecode: String,
    deployed_bytecode: String,
    /// Immutable references of the deployed bytecode: ordinal (by first position) →
    /// (start, length) pairs.
    immutables: BTreeMap<String, Vec<(u32, u32)>>,
}

/// Entry point of `cargo xtask bindings`.
pub fn run(check: bool, forge: bool, forge_out: Option<&Path>) -> Result<(), Error> {
    let root = crate::project_root()?;
    let (contracts, inputs) = compile(&root)?;
    let files = render(&contracts)?;

    if let Some(dir) = forge_out {
        compare_with_forge(&root.join(dir), &contracts)?;
    }
    if forge {
        let dir = std::env::temp_dir().join(format!("btc-evm-xtask-forge-{}", std::process::id()));
        let result = forge_build(&root, &inputs, &dir)
            .and_then(|()| compare_with_forge(&dir.join("out"), &contracts));
        // Best effort: a leftover temporary folder is no reason to fail.
        let _ = std::fs::remove_dir_all(&dir);
        result?;
    }

    if check {
        let differences = diff(&root, &files)?;
        if differences.is_empty() {
            println!("bindings are up to date ({} contracts)", contracts.len());
            Ok(())
        } else {
            for d in &differences {
                eprintln!("  {d}");
            }
            Err(format!(
                "the committed bindings differ from sol/ ({} files); run `cargo xtask bindings`",
                differences.len()
            )
            .into())
        }
    } else {
        write(&root, &files)?;
        println!("wrote bindings of {} contracts", contracts.len());
        Ok(())
    }
}

/// Compiles `src` and `script` of foundry.toml plus [`EXTRA_CONTRACTS`] and returns the
/// contracts the bindings carry, sorted by name, and the input files.
fn compile(root: &Path) -> Result<(Vec<Contract>, Vec<PathBuf>), Error> {
    let profile = foundry_toml::read(&root.join("foundry.toml"))?;

    let solc_path = root.join("scripts/solc");
    let solc = Solc::new(&solc_path).map_err(|e| {
        format!(
            "cannot run {}: {e} (did you run `npm ci`?)",
            solc_path.display()
        )
    })?;

    let remappings = profile
        .remappings
        .iter()
        .map(|r| Remapping::from_str(r).map_err(|e| format!("remapping {r}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    let paths = ProjectPathsConfig::builder()
        .root(root)
        .sources(root.join(&profile.src))
        .tests(root.join(&profile.test))
        .scripts(root.join(&profile.script))
        .libs(profile.libs.iter().map(|l| root.join(l)))
        .remappings(remappings)
        .build_with_root(root);

    let evm_version = EvmVersion::from_str(&profile.evm_version)?;
    let bytecode_hash = BytecodeHash::from_str(&profile.bytecode_hash)?;
    let settings = Settings {
        optimizer: Optimizer {
            enabled: Some(profile.optimizer),
            runs: Some(profile.optimizer_runs),
            ..Default::default()
        },
        metadata: Some(SettingsMetadata {
            use_literal_content: None,
            bytecode_hash: Some(bytecode_hash),
            cbor_metadata: Some(profile.cbor_metadata),
        }),
        evm_version: Some(evm_version),
        output_selection: OutputSelection::common_output_selection(
            [
                "abi",
                "evm.bytecode.object",
                "evm.deployedBytecode.object",
                "evm.deployedBytecode.immutableReferences",
            ]
            .map(String::from),
        ),
        ..Default::default()
    };

    let project = ProjectBuilder::<SolcCompiler, ConfigurableArtifacts>::default()
        .paths(paths)
        .settings(SolcSettings {
            settings,
            ..Default::default()
        })
        .ephemeral()
        .no_artifacts()
        .offline()
        .build(SolcCompiler::Specific(solc))?;

    let src_dir = root.join(&profile.src);
    let mut inputs = sol_files(&src_dir)?;
    let script_dir = root.join(&profile.script);
    if script_dir.is_dir() {
        inputs.extend(sol_files(&script_dir)?);
    }
    inputs.extend(EXTRA_CONTRACTS.iter().map(|(path, _)| root.join(path)));

    let output = project.compile_files(inputs.clone())?;
    if output.has_compiler_errors() {
        return Err(format!("compilation failed:\n{output}").into());
    }

    let mut contracts = Vec::new();
    for (id, artifact) in output.into_artifacts() {
        let source = id
            .source
            .strip_prefix(root)
            .unwrap_or(&id.source)
            .to_path_buf();
        let wanted = source.starts_with(&profile.src)
            || EXTRA_CONTRACTS
                .iter()
                .any(|(p, n)| Path::new(p) == source && *n == id.name);
        if !wanted {
            continue;
        }
        if let Some(contract) = contract(&id.name, &source, &artifact)? {
            contracts.push(contract);
        }
    }
    contracts.sort_by(|a, b| a.name.cmp(&b.name));
    for pair in contracts.windows(2) {
        if let [a, b] = pair {
            if a.name == b.name {
                return Err(format!(
                    "two contracts named {} ({}, {})",
                    a.name, a.source, b.source
                )
                .into());
            }
        }
    }
    for (_, name) in EXTRA_CONTRACTS {
        if !contracts.iter().any(|c| c.name == *name) {
            return Err(format!("{name} is missing from the compiler output").into());
        }
    }
    Ok((contracts, inputs))
}

/// Runs `forge build` (through `scripts/forge`) on `inputs` with the project's foundry.toml, writing
/// its artefacts to `dir/out`.
fn forge_build(root: &Path, inputs: &[PathBuf], dir: &Path) -> Result<(), Error> {
    // The platform binary, not the npm launcher (which loses forge's exit code).
    let forge = root.join("scripts/forge");
    println!("running {} build into {}", forge.display(), dir.display());
    let status = std::process::Command::new(&forge)
        .current_dir(root)
        .env("FOUNDRY_SOLC", root.join("scripts/solc"))
        .arg("build")
        .arg("--out")
        .arg(dir.join("out"))
        .arg("--cache-path")
        .arg(dir.join("cache"))
        .args(inputs)
        .status()
        .map_err(|e| {
            format!(
                "cannot run {}: {e} (did you run `npm ci`?)",
                forge.display()
            )
        })?;
    if !status.success() {
        return Err(format!("forge build failed ({status})").into());
    }
    Ok(())
}

/// Every `.sol` file below `dir`, sorted.
fn sol_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "sol") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The bindings' view of one artefact; `None` for what cannot be deployed or called (abstract
/// contracts, interfaces, libraries with internal functions only).
fn contract(
    name: &str,
    source: &Path,
    artifact: &ConfigurableContractArtifact,
) -> Result<Option<Contract>, Error> {
    let abi = serde_json::to_value(artifact.abi.clone().unwrap_or_default())?;
    let object = |b: Option<&foundry_compilers::artifacts::CompactBytecode>| {
        b.and_then(|b| b.object.as_bytes())
            .map(|b| format!("0x{}", hex_lower(b)))
    };
    let bytecode = object(artifact.bytecode.as_ref()).unwrap_or_default();
    let deployed = artifact.deployed_bytecode.as_ref();
    let deployed_bytecode = object(deployed.and_then(|d| d.bytecode.as_ref())).unwrap_or_default();
    let abi_empty = abi.as_array().is_none_or(Vec::is_empty);
    if bytecode.len() <= 2 || abi_empty {
        return Ok(None);
    }
    // The compiler keys immutables by AST id, which depends on the other files compiled
    // alongside; the bindings number them by first position instead, so they stay stable.
    let mut by_position: Vec<Vec<(u32, u32)>> = deployed
        .map(|d| {
            d.immutable_references
                .values()
                .map(|offsets| offsets.iter().map(|o| (o.start, o.length)).collect())
                .collect()
        })
        .unwrap_or_default();
    by_position
        .iter_mut()
        .for_each(|offsets| offsets.sort_unstable());
    by_position.sort_unstable();
    let immutables = by_position
        .into_iter()
        .enumerate()
        .map(|(i, offsets)| (i.to_string(), offsets))
        .collect();
    Ok(Some(Contract {
        name: name.to_owned(),
        source: source.to_string_lossy().replace('\\', "/"),
        abi,
        bytecode,
        deployed_bytecode,
        immutables,
    }))
}

fn hex_lower(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        // Writing to a String cannot fail.
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The generated files: path relative to the project root → content.
fn render(contracts: &[Contract]) -> Result<BTreeMap<PathBuf, String>, Error> {
    let mut files = BTreeMap::new();
    for c in contracts {
        let mut immutable_refs = serde_json::Map::new();
        for (id, offsets) in &c.immutables {
            let list = offsets
                .iter()
                .map(|(s, l)| json!({"start": s, "length": l}))
                .collect();
            immutable_refs.insert(id.clone(), Value::Array(list));
        }
        let artifact = json!({
            "abi": c.abi,
            "bytecode": {"object": c.bytecode},
            "deployedBytecode": {
                "object": c.deployed_bytecode,
                "immutableReferences": immutable_refs,
            },
        });
        let mut text = serde_json::to_string_pretty(&artifact)?;
        text.push('\n');
        files.insert(
            Path::new(ARTIFACTS_DIR).join(format!("{}.json", c.name)),
            text,
        );
    }
    files.insert(PathBuf::from(GENERATED_RS), generated_rs(contracts)?);
    Ok(files)
}

/// `bindings/src/generated.rs`: the `sol!` modules and the immutable offsets.
fn generated_rs(contracts: &[Contract]) -> Result<String, Error> {
    let mut s = String::new();
    s.push_str(
        "// @generated by `cargo xtask bindings` from sol/ and foundry.toml. Do not edit.\n\
         //\n\
         // One `sol!` module per contract, read from the artefact JSON in `artifacts/`.\n\n",
    );
    for c in contracts {
        writeln!(s, "alloy_sol_types::sol!(")?;
        writeln!(
            s,
            "    /// Bindings of `{}` (`{}`): types, calls, events, errors,",
            c.name, c.source
        )?;
        writeln!(
            s,
            "    /// `BYTECODE` (creation code) and `DEPLOYED_BYTECODE` (runtime code)."
        )?;
        writeln!(s, "    #[allow(missing_docs)]")?;
        writeln!(s, "    #[sol(all_derives)]")?;
        writeln!(s, "    {},", c.name)?;
        writeln!(s, "    \"artifacts/{}.json\"", c.name)?;
        writeln!(s, ");\n")?;
    }
    for c in contracts.iter().filter(|c| !c.immutables.is_empty()) {
        let offsets: Vec<String> = c
            .immutables
            .values()
            .flatten()
            .map(|(start, length)| format!("({start}, {length})"))
            .collect();
        let const_name = format!("{}_IMMUTABLES", screaming_snake(&c.name));
        writeln!(
            s,
            "/// (start, length) of every immutable of `{}` in its `DEPLOYED_BYTECODE`.",
            c.name
        )?;
        if c.immutables.len() == 1 {
            writeln!(s, "/// The contract has exactly one immutable variable.")?;
        }
        writeln!(
            s,
            "pub const {const_name}: &[(usize, usize)] = &[{}];\n",
            offsets.join(", ")
        )?;
        writeln!(
            s,
            "/// Number of distinct immutable variables of `{}`.",
            c.name
        )?;
        writeln!(
            s,
            "pub const {}_IMMUTABLE_VARIABLES: usize = {};\n",
            screaming_snake(&c.name),
            c.immutables.len()
        )?;
    }
    while s.ends_with("\n\n") {
        s.pop();
    }
    Ok(s)
}

/// `TransparentUpgradeableProxy` → `TRANSPARENT_UPGRADEABLE_PROXY`.
fn screaming_snake(name: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for ch in name.chars() {
        if ch.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
        out.push(ch.to_ascii_uppercase());
    }
    out
}

/// Differences between the committed files and `files`, one line each.
fn diff(root: &Path, files: &BTreeMap<PathBuf, String>) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    for (path, fresh) in files {
        match std::fs::read_to_string(root.join(path)) {
            Err(_) => out.push(format!("missing: {}", path.display())),
            Ok(committed) if committed != *fresh => out.push(format!(
                "differs: {} ({})",
                path.display(),
                describe(&committed, fresh)
            )),
            Ok(_) => {}
        }
    }
    let dir = root.join(ARTIFACTS_DIR);
    if dir.is_dir() {
        for entry in std::fs::read_dir(&dir)? {
            let path = Path::new(ARTIFACTS_DIR).join(entry?.file_name());
            if !files.contains_key(&path) {
                out.push(format!(
                    "stale (no such contract any more): {}",
                    path.display()
                ));
            }
        }
    }
    Ok(out)
}

/// What differs between two versions of a generated file: for artefacts the parts (ABI,
/// bytecode sizes), otherwise the first differing line.
fn describe(committed: &str, fresh: &str) -> String {
    if let (Ok(a), Ok(b)) = (
        serde_json::from_str::<Value>(committed),
        serde_json::from_str::<Value>(fresh),
    ) {
        let mut parts = Vec::new();
        if a["abi"] != b["abi"] {
            parts.push("abi".to_owned());
        }
        for key in ["bytecode", "deployedBytecode"] {
            let (x, y) = (&a[key]["object"], &b[key]["object"]);
            if x != y {
                let len = |v: &Value| v.as_str().map_or(0, |s| s.len().saturating_sub(2) / 2);
                parts.push(format!("{key}: {} -> {} bytes", len(x), len(y)));
            }
            if a[key]["immutableReferences"] != b[key]["immutableReferences"] {
                parts.push(format!("{key}.immutableReferences"));
            }
        }
        if parts.is_empty() {
            parts.push("formatting".to_owned());
        }
        return parts.join(", ");
    }
    let line = committed
        .lines()
        .zip(fresh.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| committed.lines().count().min(fresh.lines().count()));
    format!("first difference at line {}", line + 1)
}

/// Writes `files` and removes artefacts of contracts that no longer exist.
fn write(root: &Path, files: &BTreeMap<PathBuf, String>) -> Result<(), Error> {
    let dir = root.join(ARTIFACTS_DIR);
    std::fs::create_dir_all(&dir)?;
    for entry in std::fs::read_dir(&dir)? {
        let path = Path::new(ARTIFACTS_DIR).join(entry?.file_name());
        if !files.contains_key(&path) {
            std::fs::remove_file(root.join(&path))?;
        }
    }
    for (path, content) in files {
        let full = root.join(path);
        if std::fs::read_to_string(&full).ok().as_deref() != Some(content.as_str()) {
            std::fs::write(&full, content)?;
            println!("  {}", path.display());
        }
    }
    Ok(())
}

/// Checks that `forge build`'s artefacts in `out` (`<File>.sol/<Contract>.json`) carry the
/// same ABI and bytecode as the fresh compilation, for every contract present there.
fn compare_with_forge(out: &Path, contracts: &[Contract]) -> Result<(), Error> {
    let mut compared = 0;
    let mut mismatches = Vec::new();
    for c in contracts {
        let file = Path::new(&c.source)
            .file_name()
            .ok_or("source without file name")?;
        let path = out.join(file).join(format!("{}.json", c.name));
        let Ok(text) = std::fs::read_to_string(&path) else {
            println!("forge output: {} not present, skipped", c.name);
            continue;
        };
        let forge: Value = serde_json::from_str(&text)?;
        compared += 1;
        let mut parts = Vec::new();
        if forge["abi"] != c.abi {
            parts.push("abi");
        }
        if forge["bytecode"]["object"].as_str() != Some(c.bytecode.as_str()) {
            parts.push("bytecode");
        }
        if forge["deployedBytecode"]["object"].as_str() != Some(c.deployed_bytecode.as_str()) {
            parts.push("deployedBytecode");
        }
        if parts.is_empty() {
            println!("forge output: {} identical", c.name);
        } else {
            mismatches.push(format!("{}: {}", c.name, parts.join(", ")));
        }
    }
    if !mismatches.is_empty() {
        return Err(format!(
            "forge build output in {} differs (stale? run `scripts/forge build`): {}",
            out.display(),
            mismatches.join("; ")
        )
        .into());
    }
    if compared == 0 {
        return Err(format!("no forge artefacts found in {}", out.display()).into());
    }
    println!("forge output: {compared} contracts identical to the bindings");
    Ok(())
}
