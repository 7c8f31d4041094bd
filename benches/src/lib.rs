//! Criterion benchmarks of btc-evm-kit. The benches live in `benches/benches/`; the
//! `bench-report` and `execution-report` binaries turn their results into
//! `docs/benchmarks.md`.

use std::path::Path;

/// The median criterion measured for `group/function` under the `criterion` directory, in
/// nanoseconds; `None` if it was not measured.
pub fn median(criterion: &Path, group: &str, function: &str) -> Result<Option<f64>, String> {
    let path = criterion
        .join(group)
        .join(function)
        .join("new/estimates.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(None);
    };
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    json["median"]["point_estimate"]
        .as_f64()
        .map(Some)
        .ok_or_else(|| format!("{}: no median", path.display()))
}

/// The machine a report was measured on, for the tables' headers.
pub mod host {
    use std::process::Command;

    /// The processor architecture (`uname -m`).
    pub fn machine() -> String {
        Command::new("uname")
            .arg("-m")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|| std::env::consts::ARCH.to_string())
    }

    /// The CPU model from `/proc/cpuinfo`.
    pub fn cpu_model() -> String {
        std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|info| {
                info.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, v)| v.trim().to_string())
            })
            .unwrap_or_else(|| "unknown CPU".into())
    }

    /// Total memory from `/proc/meminfo`, in GiB.
    pub fn memory() -> String {
        std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|info| {
                let kib: f64 = info
                    .lines()
                    .find(|l| l.starts_with("MemTotal:"))?
                    .split_whitespace()
                    .nth(1)?
                    .parse()
                    .ok()?;
                Some(format!("{:.0} GiB", kib / 1024.0 / 1024.0))
            })
            .unwrap_or_else(|| "unknown memory".into())
    }

    pub fn load_average() -> String {
        std::fs::read_to_string("/proc/loadavg")
            .ok()
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" / "))
            .unwrap_or_else(|| "unknown".into())
    }

    /// The number of cores available to this process.
    pub fn cores() -> usize {
        std::thread::available_parallelism().map_or(1, usize::from)
    }
}
