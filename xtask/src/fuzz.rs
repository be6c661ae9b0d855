//! `cargo xtask fuzz`: runs every cargo-fuzz target in `fuzz/` one after the other, each from
//! a corpus seeded with the repository's fixtures, and prints the executions of each.
//!
//! The targets need a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`); the
//! rest of the workspace needs neither. Each target runs as one libFuzzer process with one
//! job, so a run takes one core.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use anyhow::{Context, Result, bail};

/// The fuzz targets, in the order they run: the names of the binaries in `fuzz/Cargo.toml`.
const TARGETS: [&str; 5] = ["quantity", "loader", "configuration", "calculator", "cel"];

/// Quantity pairs for the `quantity` target, one per seed file: valid and invalid spellings,
/// every suffix, and values at the int64 and exponent limits.
const QUANTITY_SEEDS: [&str; 16] = [
    "500m\n2Gi",
    "1\n1",
    "0\n-0",
    "1.5\n100u",
    "1.5.3Gi\n1",
    "1e400\n2",
    "9223372036854775807\n1",
    "-9223372036854775808\n-1",
    "1180591620717411303424\n1Ei",
    "0.000000001\n1n",
    "12E\n3P",
    "1e-9\n1E18",
    "+5k\n7M",
    "3Ti\n4Ki",
    "99999999999999999999999999999m\n0.5",
    "1e100000\n1e-100000",
];

/// CEL selectors for the `cel` target, next to the `expression` fields of the fixtures: the
/// expressions of the unit tests in `crates/kueue-dra-quota/src/dra_cel/tests.rs`, which reach
/// the quantity and semver libraries, `cel.bind`, syntax errors and type errors.
const CEL_SEEDS: [&str; 35] = [
    "device.driver ==",
    "gpu.driver == 'x'",
    "isGpu(device)",
    "device.model == 'a100'",
    "device.allowMultipleAllocations",
    "device.driver",
    "1",
    "device.attributes['gpu.nvidia.com'].mig",
    "device.driver == 'gpu.nvidia.com'",
    "device.attributes['gpu.nvidia.com'].profile == '1g.10gb'",
    "device.attributes['gpu.nvidia.com'].index == 3",
    "device.attributes['resource.kubernetes.io'].pcieRoot == 'pci0000:00'",
    "device.attributes['gpu.nvidia.com'].model == 'a100'",
    "has(device.attributes['dra.example.com'].model)",
    "device.attributes['dra.example.com'].model == 'x'",
    "device.capacity['gpu.nvidia.com'].memory.isGreaterThan(quantity('9Gi'))",
    "device.capacity['gpu.nvidia.com'].memory.isLessThan(quantity('9Gi'))",
    "device.capacity['gpu.nvidia.com'].memory.compareTo(quantity('9728Mi')) == 0",
    "device.capacity['gpu.nvidia.com'].memory == quantity('9.5Gi')",
    "quantity('1Gi').add(quantity('512Mi')).compareTo(quantity('1536Mi')) == 0",
    "quantity('1Gi').sub(1).asInteger() == 1073741823",
    "quantity('500m').isInteger()",
    "quantity('-2').sign() == -1",
    "isQuantity('1Gi') && !isQuantity('1 Gi')",
    "quantity('1.5').asInteger() == 1",
    "device.attributes['gpu.nvidia.com'].driverVersion.isGreaterThan(semver('550.0.0'))",
    "device.attributes['gpu.nvidia.com'].driverVersion.compareTo(semver('560.1.0')) < 0",
    "semver('1.2.3').major() == 1 && semver('1.2.3').patch() == 3",
    "semver('v1.2', true).minor() == 2",
    "isSemver('1.2.3') && !isSemver('1.2')",
    "cel.bind(gpu, device.attributes['gpu.nvidia.com'], gpu.type == 'mig' && gpu.index > 1)",
    "device.attributes['gpu.nvidia.com'].profile",
    "device.driver != ''",
    "-",
    "ExampleType{}.in",
];

/// The options of `cargo xtask fuzz`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct FuzzOptions {
    /// The maximum run time of each target, in seconds.
    pub(crate) seconds: u64,
    /// The maximum executions of each target; `None` runs until `seconds` have passed.
    pub(crate) runs: Option<u64>,
    /// The targets to run; all of [`TARGETS`] when none are named.
    pub(crate) targets: Vec<String>,
}

impl FuzzOptions {
    /// Parses `--seconds N [--runs N] [TARGET...]`.
    pub(crate) fn parse(options: &[String]) -> Result<Self> {
        let mut seconds = None;
        let mut runs = None;
        let mut targets = Vec::new();
        let mut options = options.iter();
        while let Some(option) = options.next() {
            match option.as_str() {
                "--seconds" => seconds = Some(parse_number("--seconds", options.next())?),
                "--runs" => runs = Some(parse_number("--runs", options.next())?),
                name if TARGETS.contains(&name) => targets.push(name.to_owned()),
                other => bail!(
                    "invalid option or target `{other}`: expected `--seconds N`, `--runs N` \
                     or one of {}",
                    TARGETS.join(", ")
                ),
            }
        }

        let Some(seconds) = seconds else {
            bail!("missing `--seconds N`: the maximum run time of each target");
        };
        if targets.is_empty() {
            targets = TARGETS.iter().map(|&name| name.to_owned()).collect();
        }
        Ok(Self {
            seconds,
            runs,
            targets,
        })
    }
}

fn parse_number(option: &str, value: Option<&String>) -> Result<u64> {
    let value = value.with_context(|| format!("missing value for `{option}`"))?;
    value
        .parse()
        .with_context(|| format!("invalid value `{value}` for `{option}`: expected a whole number"))
}

/// The outcome of one target's run.
struct TargetRun {
    target: String,
    /// `stat::number_of_executed_units` from libFuzzer's final statistics.
    executions: Option<u64>,
    /// The run time libFuzzer reported, in seconds.
    seconds: Option<u64>,
    /// Whether libFuzzer exited with success, that is without a crash, timeout or leak.
    passed: bool,
}

/// Runs every requested target and prints a summary; exits 1 when a target found a crash.
pub(crate) fn run(root: &Path, options: &FuzzOptions) -> Result<ExitCode> {
    check_cargo_fuzz(root)?;

    let mut results = Vec::new();
    for target in &options.targets {
        let seeds = write_seeds(root, target)?;
        let corpus = root.join("fuzz/corpus").join(target);
        fs::create_dir_all(&corpus)
            .with_context(|| format!("failed to create `{}`", corpus.display()))?;
        results.push(run_target(root, target, &corpus, &seeds, options)?);
    }

    println!(
        "\n{:<15} {:>12} {:>8}  result",
        "target", "executions", "seconds"
    );
    for result in &results {
        println!(
            "{:<15} {:>12} {:>8}  {}",
            result.target,
            result.executions.map_or("?".to_owned(), |n| n.to_string()),
            result.seconds.map_or("?".to_owned(), |n| n.to_string()),
            if result.passed {
                "no crash"
            } else {
                "FAILED: see fuzz/artifacts/"
            }
        );
    }

    if results.iter().all(|result| result.passed) {
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::from(1))
    }
}

/// Fails with the install command when cargo-fuzz or the nightly toolchain is missing.
fn check_cargo_fuzz(root: &Path) -> Result<()> {
    let status = Command::new("cargo")
        .args(["+nightly", "fuzz", "--version"])
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .context("failed to run cargo")?;
    if !status.success() {
        bail!(
            "`cargo +nightly fuzz` is not available: install a nightly toolchain \
             (`rustup toolchain install nightly`) and cargo-fuzz (`cargo install cargo-fuzz`)"
        );
    }
    Ok(())
}

/// Runs one target with libFuzzer, passing its output through, and reads its final
/// statistics.
fn run_target(
    root: &Path,
    target: &str,
    corpus: &Path,
    seeds: &Path,
    options: &FuzzOptions,
) -> Result<TargetRun> {
    println!("== fuzz {target} for at most {} s", options.seconds);
    let mut command = Command::new("cargo");
    command
        .args(["+nightly", "fuzz", "run", "--sanitizer", "none", target])
        .arg(corpus)
        .arg(seeds)
        .arg("--")
        .arg(format!("-max_total_time={}", options.seconds))
        .arg("-print_final_stats=1")
        .current_dir(root)
        .stderr(Stdio::piped());
    if let Some(runs) = options.runs {
        command.arg(format!("-runs={runs}"));
    }

    let mut child = command
        .spawn()
        .with_context(|| format!("failed to start the fuzz target `{target}`"))?;
    let stderr = child.stderr.take().context("libFuzzer's standard error")?;
    let mut executions = None;
    let mut seconds = None;
    for line in BufReader::new(stderr).lines() {
        let line = line.context("failed to read libFuzzer's output")?;
        eprintln!("{line}");
        if let Some(value) = line.strip_prefix("stat::number_of_executed_units:") {
            executions = value.trim().parse().ok();
        }
        // libFuzzer ends a run with `Done 1234 runs in 60 second(s)`.
        if let Some(rest) = line.strip_prefix("Done ")
            && let Some((_, after)) = rest.split_once(" runs in ")
        {
            seconds = after.split_whitespace().next().and_then(|n| n.parse().ok());
        }
    }
    let status = child
        .wait()
        .with_context(|| format!("failed to wait for the fuzz target `{target}`"))?;

    Ok(TargetRun {
        target: target.to_owned(),
        executions,
        seconds,
        passed: status.success(),
    })
}

/// Writes the seed corpus of `target` under `target/fuzz-seeds/` from the repository's
/// fixtures and returns its directory. The directory is rebuilt on every run, so the seeds
/// follow the fixtures.
fn write_seeds(root: &Path, target: &str) -> Result<PathBuf> {
    let directory = root.join("target/fuzz-seeds").join(target);
    if directory.exists() {
        fs::remove_dir_all(&directory)
            .with_context(|| format!("failed to remove `{}`", directory.display()))?;
    }
    fs::create_dir_all(&directory)
        .with_context(|| format!("failed to create `{}`", directory.display()))?;

    let seeds: Vec<Vec<u8>> = match target {
        "quantity" => QUANTITY_SEEDS
            .iter()
            .map(|seed| seed.as_bytes().to_vec())
            .collect(),
        "configuration" => fixture_files(root)?
            .into_iter()
            .filter(|contents| is_configuration(contents))
            .collect(),
        "calculator" => {
            let mut seeds = example_directories(root)?;
            seeds.extend(fixture_files(root)?);
            seeds
        }
        "cel" => {
            let mut seeds: Vec<Vec<u8>> = CEL_SEEDS
                .iter()
                .map(|seed| seed.as_bytes().to_vec())
                .collect();
            seeds.extend(
                fixture_expressions(root)?
                    .into_iter()
                    .map(String::into_bytes),
            );
            seeds
        }
        _ => fixture_files(root)?,
    };
    for (index, seed) in seeds.iter().enumerate() {
        let path = directory.join(format!("seed-{index:03}"));
        fs::write(&path, seed).with_context(|| format!("failed to write `{}`", path.display()))?;
    }
    Ok(directory)
}

fn is_configuration(contents: &[u8]) -> bool {
    let text = String::from_utf8_lossy(contents);
    text.contains("kind: Configuration") || text.contains("kueue-manager-config")
}

/// Reads every YAML and JSON file under `examples/` and `testdata/`, in path order.
fn fixture_files(root: &Path) -> Result<Vec<Vec<u8>>> {
    let mut paths = Vec::new();
    for directory in ["examples", "testdata"] {
        collect_manifests(&root.join(directory), &mut paths)?;
    }
    paths.sort();
    paths
        .iter()
        .map(|path| fs::read(path).with_context(|| format!("failed to read `{}`", path.display())))
        .collect()
}

/// Returns the CEL expressions of the YAML fixtures under `examples/` and `testdata/`: every
/// string field named `expression`, without duplicates, in path order. Files that are not
/// valid YAML (some fixtures are invalid on purpose) are skipped.
fn fixture_expressions(root: &Path) -> Result<Vec<String>> {
    let mut expressions = Vec::new();
    for contents in fixture_files(root)? {
        let Ok(text) = String::from_utf8(contents) else {
            continue;
        };
        let Ok(documents) = serde_saphyr::from_multiple::<serde_json::Value>(&text) else {
            continue;
        };
        for document in &documents {
            collect_expressions(document, &mut expressions);
        }
    }
    Ok(expressions)
}

fn collect_expressions(value: &serde_json::Value, expressions: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(fields) => {
            for (name, field) in fields {
                if let ("expression", serde_json::Value::String(expression)) =
                    (name.as_str(), field)
                {
                    if !expressions.contains(expression) {
                        expressions.push(expression.clone());
                    }
                } else {
                    collect_expressions(field, expressions);
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                collect_expressions(item, expressions);
            }
        }
        _ => {}
    }
}

/// Joins the files of each directory under `examples/` into one multi-document seed, so that
/// one input gives the calculator a Configuration, DeviceClasses and a workload together.
fn example_directories(root: &Path) -> Result<Vec<Vec<u8>>> {
    let examples = root.join("examples");
    let mut directories: Vec<PathBuf> = fs::read_dir(&examples)
        .with_context(|| format!("failed to read `{}`", examples.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_dir())
        .collect();
    directories.sort();

    let mut seeds = Vec::new();
    for directory in directories {
        let mut paths = Vec::new();
        collect_manifests(&directory, &mut paths)?;
        paths.sort();
        let mut seed = Vec::new();
        for path in paths {
            let contents =
                fs::read(&path).with_context(|| format!("failed to read `{}`", path.display()))?;
            seed.extend_from_slice(b"---\n");
            seed.extend_from_slice(&contents);
            seed.push(b'\n');
        }
        seeds.push(seed);
    }
    Ok(seeds)
}

fn collect_manifests(directory: &Path, paths: &mut Vec<PathBuf>) -> Result<()> {
    let entries = fs::read_dir(directory)
        .with_context(|| format!("failed to read `{}`", directory.display()))?;
    for entry in entries {
        let path = entry
            .with_context(|| format!("failed to read `{}`", directory.display()))?
            .path();
        if path.is_dir() {
            collect_manifests(&path, paths)?;
        } else if path.extension().is_some_and(|extension| {
            extension == "yaml" || extension == "yml" || extension == "json"
        }) {
            paths.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|&value| value.to_owned()).collect()
    }

    #[test]
    fn options_default_to_every_target() {
        let options = FuzzOptions::parse(&strings(&["--seconds", "60"])).expect("valid options");
        assert_eq!(options.seconds, 60);
        assert_eq!(options.runs, None);
        assert_eq!(options.targets, strings(&TARGETS));
    }

    #[test]
    fn options_name_targets_and_runs() {
        let options = FuzzOptions::parse(&strings(&["--seconds", "5", "--runs", "1000", "loader"]))
            .expect("valid options");
        assert_eq!(options.runs, Some(1000));
        assert_eq!(options.targets, strings(&["loader"]));
    }

    #[test]
    fn options_require_seconds() {
        let error = FuzzOptions::parse(&strings(&["loader"])).expect_err("no --seconds");
        assert!(
            error.to_string().starts_with("missing `--seconds N`"),
            "{error}"
        );
    }

    #[test]
    fn options_reject_unknown_target() {
        let error =
            FuzzOptions::parse(&strings(&["--seconds", "1", "regex"])).expect_err("unknown target");
        assert!(
            error
                .to_string()
                .starts_with("invalid option or target `regex`"),
            "{error}"
        );
    }

    #[test]
    fn every_target_has_seeds() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("the workspace root");
        assert!(!fixture_files(root).expect("fixtures").is_empty());
        assert!(
            fixture_files(root)
                .expect("fixtures")
                .iter()
                .any(|contents| is_configuration(contents))
        );
        assert_eq!(
            example_directories(root).expect("examples").len(),
            fs::read_dir(root.join("examples"))
                .expect("examples")
                .count()
        );
        assert!(
            fixture_expressions(root)
                .expect("fixtures")
                .contains(&"device.driver == 'gpu.example.com'".to_owned())
        );
    }
}
