//! `cargo xtask bench`: times `explain -A` on generated cluster snapshots against the floor
//! (`serde_json` reading the same file) and a peer (a jq program), then runs the live-mode
//! benchmark of [`crate::live_bench`], and writes the figures to docs/BENCHMARKS.md.
//!
//! Wall time is measured around each child process. Peak RSS is the child's maximum resident
//! set size as `/usr/bin/time -f %M` reports it, in KiB, and CPU time the sum of its user and
//! system times (`%U` and `%S`): the plugin explains on every core, so its CPU time can exceed
//! its wall time.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::{live_bench, snapshot};

/// The page the figures go to, relative to the repository root.
pub(crate) const BENCHMARKS_PAGE: &str = "docs/BENCHMARKS.md";
/// The markers around the part of [`BENCHMARKS_PAGE`] that each run replaces; the text
/// outside them is written by hand.
const START_MARKER: &str = "<!-- cargo xtask bench: start -->";
const END_MARKER: &str = "<!-- cargo xtask bench: end -->";

/// The Workload counts of the two snapshots whose ratio shows whether the cost is linear.
const SMALL: usize = 10_000;
const LARGE: usize = 100_000;

/// The peer: sums the quantities that `status.admission` records per resource over every
/// admitted Workload. It reads Kubernetes quantities with the suffixes the snapshot uses.
const JQ_PROGRAM: &str = r#"
def quantity:
  if endswith("m") then (.[:-1] | tonumber) / 1000
  elif endswith("Ki") then (.[:-2] | tonumber) * 1024
  elif endswith("Mi") then (.[:-2] | tonumber) * 1048576
  elif endswith("Gi") then (.[:-2] | tonumber) * 1073741824
  elif endswith("Ti") then (.[:-2] | tonumber) * 1099511627776
  else tonumber end;
[.items[]
 | select(.kind == "Workload")
 | .status.admission.podSetAssignments[]?
 | .resourceUsage // {}
 | to_entries[]]
| group_by(.key)
| map({key: .[0].key, value: (map(.value | quantity) | add)})
| from_entries
"#;

/// The options of `cargo xtask bench`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Options {
    /// Runs of each command; the median is reported.
    pub(crate) repeats: usize,
    /// Whether only the live-mode benchmark runs (`--live`).
    pub(crate) live_only: bool,
}

impl Options {
    /// Parses the options after the task name: `--repeats N` and `--live`, in any order.
    pub(crate) fn parse(options: &[String], usage: &str) -> Result<Self> {
        let mut parsed = Self {
            repeats: 3,
            live_only: false,
        };
        let mut options = options.iter();
        while let Some(option) = options.next() {
            match option.as_str() {
                "--live" => parsed.live_only = true,
                "--repeats" => {
                    let count = options
                        .next()
                        .with_context(|| format!("missing value after `--repeats`\n\n{usage}"))?;
                    parsed.repeats =
                        count
                            .parse()
                            .ok()
                            .filter(|count| *count > 0)
                            .with_context(|| {
                                format!(
                                    "invalid --repeats `{count}`: expected a whole number above 0"
                                )
                            })?;
                }
                other => bail!(
                    "unknown option `{other}` for `bench`: expected `--repeats N` or \
                     `--live`\n\n{usage}"
                ),
            }
        }
        Ok(parsed)
    }
}

/// A generated snapshot file.
struct SnapshotFile {
    path: PathBuf,
    counts: snapshot::Counts,
    bytes: u64,
}

/// One command measured on one snapshot.
struct Measurement {
    label: String,
    workloads: usize,
    command: String,
    /// The wall time of each run, sorted.
    times: Vec<Duration>,
    /// The peak RSS of each run in KiB, sorted.
    peaks: Vec<u64>,
    /// The CPU time of each run, user and system, sorted.
    cpu_times: Vec<Duration>,
}

impl Measurement {
    fn median_time(&self) -> Duration {
        self.times[self.times.len() / 2]
    }

    fn median_peak(&self) -> u64 {
        self.peaks[self.peaks.len() / 2]
    }

    fn median_cpu_time(&self) -> Duration {
        self.cpu_times[self.cpu_times.len() / 2]
    }
}

/// Builds the programs, generates the snapshots, measures every command and writes
/// [`BENCHMARKS_PAGE`]. With `--live`, runs only the live-mode benchmark.
pub(crate) fn run(root: &Path, options: &Options) -> Result<ExitCode> {
    if options.live_only {
        return live_bench::run(root, options.repeats);
    }

    let release = root.join("target/release");
    cargo(
        root,
        &["build", "--release", "--package", "kubectl-kueue-dra"],
    )?;
    cargo(
        root,
        &[
            "build",
            "--release",
            "--package",
            "xtask",
            "--bin",
            "json-floor",
        ],
    )?;
    let plugin = release.join("kubectl-kueue_dra");
    let floor = release.join("json-floor");

    let mut snapshots = Vec::new();
    for workloads in [SMALL, LARGE] {
        let path = root.join(format!("target/bench/snapshot-{workloads}.json"));
        eprintln!("bench: writing {}", path.display());
        let counts = snapshot::write_file(&path, workloads)?;
        let bytes = fs::metadata(&path)
            .with_context(|| format!("failed to read the size of `{}`", path.display()))?
            .len();
        snapshots.push(SnapshotFile {
            path,
            counts,
            bytes,
        });
    }

    let mut measurements = Vec::new();
    for snapshot in &snapshots {
        let workloads = snapshot.counts.workloads;
        let file = snapshot
            .path
            .to_str()
            .context("the snapshot path is not UTF-8")?;
        let commands: [(&str, &Path, Vec<&str>); 4] = [
            (
                "explain",
                &plugin,
                vec!["explain", "-A", "-f", file, "-o", "json"],
            ),
            ("floor: Value", &floor, vec!["value", file]),
            ("floor: IgnoredAny", &floor, vec!["ignored", file]),
            ("peer: jq", Path::new("jq"), vec![JQ_PROGRAM, file]),
        ];
        for (label, program, args) in commands {
            let measurement = measure(label, workloads, program, &args, options.repeats)?;
            eprintln!(
                "bench: {label} at {workloads} Workloads: {:.2} s, {} MiB",
                measurement.median_time().as_secs_f64(),
                measurement.median_peak() / 1024
            );
            measurements.push(measurement);
        }
    }

    let section = render(&snapshots, &measurements, options.repeats)?;
    let page = root.join(BENCHMARKS_PAGE);
    let existing = fs::read_to_string(&page).unwrap_or_default();
    fs::write(
        &page,
        replace_section(&existing, &section, START_MARKER, END_MARKER),
    )
    .with_context(|| format!("failed to write `{}`", page.display()))?;
    eprintln!("bench: wrote {BENCHMARKS_PAGE}");

    live_bench::run(root, options.repeats)
}

/// Runs cargo in `root` with `args`, and fails unless it succeeds.
pub(crate) fn cargo(root: &Path, args: &[&str]) -> Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(&cargo)
        .args(args)
        .current_dir(root)
        .status()
        .with_context(|| format!("failed to run `cargo {}`", args.join(" ")))?;
    if !status.success() {
        bail!("`cargo {}` failed: {status}", args.join(" "));
    }
    Ok(())
}

/// Runs `program` `repeats` times under `/usr/bin/time`, with its output discarded.
fn measure(
    label: &str,
    workloads: usize,
    program: &Path,
    args: &[&str],
    repeats: usize,
) -> Result<Measurement> {
    let rss_file = tempfile_path(label);
    let mut times = Vec::with_capacity(repeats);
    let mut peaks = Vec::with_capacity(repeats);
    let mut cpu_times = Vec::with_capacity(repeats);
    for _ in 0..repeats {
        let started = Instant::now();
        let output = Command::new("/usr/bin/time")
            .arg("-f")
            .arg("%M %U %S")
            .arg("-o")
            .arg(&rss_file)
            .arg(program)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .context("failed to run /usr/bin/time")?;
        let elapsed = started.elapsed();
        if !output.status.success() {
            bail!(
                "`{}` failed with {}: {}",
                program.display(),
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        let report = fs::read_to_string(&rss_file)
            .with_context(|| format!("failed to read `{}`", rss_file.display()))?;
        let (peak, cpu_time) = parse_time_report(&report)?;
        times.push(elapsed);
        peaks.push(peak);
        cpu_times.push(cpu_time);
    }
    let _ = fs::remove_file(&rss_file);
    times.sort();
    peaks.sort_unstable();
    cpu_times.sort();

    let shown_args: Vec<&str> = args
        .iter()
        .map(|arg| if *arg == JQ_PROGRAM { "PROGRAM" } else { *arg })
        .collect();
    Ok(Measurement {
        label: label.to_owned(),
        workloads,
        command: format!("{} {}", program.display(), shown_args.join(" ")),
        times,
        peaks,
        cpu_times,
    })
}

/// Reads what `/usr/bin/time -f "%M %U %S"` wrote: the peak RSS in KiB, and the user and
/// system times in seconds with two decimals, returned as their sum.
fn parse_time_report(report: &str) -> Result<(u64, Duration)> {
    let invalid = || format!("invalid report `{}` from /usr/bin/time", report.trim());
    let [peak, user, system] = report
        .split_whitespace()
        .collect::<Vec<_>>()
        .try_into()
        .map_err(|_| anyhow::anyhow!(invalid()))?;
    let peak: u64 = peak.parse().with_context(invalid)?;
    let seconds = |text: &str| -> Result<Duration> {
        Duration::try_from_secs_f64(text.parse().with_context(invalid)?).with_context(invalid)
    };
    Ok((peak, seconds(user)? + seconds(system)?))
}

fn tempfile_path(label: &str) -> PathBuf {
    let name: String = label
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    std::env::temp_dir().join(format!("xtask-bench-{}-{name}.rss", std::process::id()))
}

fn find<'a>(measurements: &'a [Measurement], label: &str, workloads: usize) -> &'a Measurement {
    measurements
        .iter()
        .find(|measurement| measurement.label == label && measurement.workloads == workloads)
        .unwrap_or_else(|| panic!("{label} at {workloads} Workloads was measured"))
}

fn render(
    snapshots: &[SnapshotFile],
    measurements: &[Measurement],
    repeats: usize,
) -> Result<String> {
    let mut text = String::new();
    writeln!(text, "{START_MARKER}")?;
    writeln!(text, "### Machine\n")?;
    for line in machine_description() {
        writeln!(text, "- {line}")?;
    }
    writeln!(text, "- jq: {}", command_output("jq", &["--version"]))?;

    writeln!(text, "\n### Snapshots\n")?;
    writeln!(text, "| file | Workloads | admitted | objects | size |")?;
    writeln!(text, "|---|---:|---:|---:|---:|")?;
    for snapshot in snapshots {
        let counts = &snapshot.counts;
        writeln!(
            text,
            "| `{}` | {} | {} | {} | {:.1} MB |",
            snapshot
                .path
                .file_name()
                .and_then(|name| name.to_str())
                .unwrap_or_default(),
            counts.workloads,
            counts.admitted,
            counts.objects,
            as_float(snapshot.bytes) / 1e6
        )?;
    }

    writeln!(
        text,
        "\n### Figures\n\nMedian of {repeats} runs each; min and max of the wall time in brackets.\n"
    )?;
    writeln!(
        text,
        "| command | Workloads | wall time (s) | CPU time (s) | peak RSS (MiB) | peak RSS / file size |"
    )?;
    writeln!(text, "|---|---:|---:|---:|---:|---:|")?;
    for measurement in measurements {
        let bytes = snapshots
            .iter()
            .find(|snapshot| snapshot.counts.workloads == measurement.workloads)
            .map_or(1, |snapshot| snapshot.bytes);
        writeln!(
            text,
            "| {} | {} | {:.2} ({:.2}–{:.2}) | {:.2} | {} | {:.2} |",
            measurement.label,
            measurement.workloads,
            measurement.median_time().as_secs_f64(),
            measurement.times[0].as_secs_f64(),
            measurement.times[measurement.times.len() - 1].as_secs_f64(),
            measurement.median_cpu_time().as_secs_f64(),
            measurement.median_peak() / 1024,
            as_float(measurement.median_peak() * 1024) / as_float(bytes)
        )?;
    }

    let ratios = ratios(snapshots, measurements);
    writeln!(text, "\n### Ratios\n")?;
    writeln!(text, "| ratio | value | target |")?;
    writeln!(text, "|---|---:|---|")?;
    for (name, value, target) in ratios {
        writeln!(text, "| {name} | {value:.2} | {target} |")?;
    }

    writeln!(text, "\n### Commands\n")?;
    writeln!(text, "```sh")?;
    for measurement in measurements {
        writeln!(text, "{}", measurement.command)?;
    }
    writeln!(text, "```\n\nThe jq `PROGRAM`:\n\n```jq{JQ_PROGRAM}```")?;
    writeln!(text, "{END_MARKER}")?;
    Ok(text)
}

/// Returns the ratios the targets are stated in, each with its name and target.
fn ratios(
    snapshots: &[SnapshotFile],
    measurements: &[Measurement],
) -> [(&'static str, f64, &'static str); 6] {
    let seconds = |label: &str, workloads: usize| {
        find(measurements, label, workloads)
            .median_time()
            .as_secs_f64()
    };
    let cpu_seconds = |label: &str, workloads: usize| {
        find(measurements, label, workloads)
            .median_cpu_time()
            .as_secs_f64()
    };
    let large_bytes = snapshots.last().map_or(1, |snapshot| snapshot.bytes);
    [
        (
            "explain / floor (Value) at 100k",
            seconds("explain", LARGE) / seconds("floor: Value", LARGE),
            "≤ 1.3",
        ),
        (
            "explain / floor (Value) at 100k, in CPU time",
            cpu_seconds("explain", LARGE) / cpu_seconds("floor: Value", LARGE),
            "none",
        ),
        (
            "explain / floor (IgnoredAny) at 100k",
            seconds("explain", LARGE) / seconds("floor: IgnoredAny", LARGE),
            "none",
        ),
        (
            "explain / jq at 100k",
            seconds("explain", LARGE) / seconds("peer: jq", LARGE),
            "< 1",
        ),
        (
            "explain 100k / explain 10k",
            seconds("explain", LARGE) / seconds("explain", SMALL),
            "≤ 11",
        ),
        (
            "explain peak RSS / file size at 100k",
            as_float(find(measurements, "explain", LARGE).median_peak() * 1024)
                / as_float(large_bytes),
            "≤ 2",
        ),
    ]
}

/// Converts a byte count for a ratio or a figure in MB.
#[allow(
    clippy::cast_precision_loss,
    reason = "byte counts of files and processes stay far below 2^52"
)]
fn as_float(count: u64) -> f64 {
    count as f64
}

/// Returns the CPU model, core count, memory, kernel and compiler, each as one line.
pub(crate) fn machine_description() -> Vec<String> {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .map_or_else(
            || "unknown CPU".to_owned(),
            |rest| rest.trim_start_matches([' ', '\t', ':']).to_owned(),
        );
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .map_or_else(|| "unknown".to_owned(), |rest| rest.trim().to_owned());
    vec![
        format!("CPU: {model}, {cores} cores available to the process"),
        format!("memory: {memory}"),
        format!("kernel: {}", command_output("uname", &["-sr"])),
        format!("compiler: {}", command_output("rustc", &["--version"])),
    ]
}

/// Returns the trimmed standard output of a command, or a note that it was not found.
fn command_output(program: &str, args: &[&str]) -> String {
    Command::new(program).args(args).output().ok().map_or_else(
        || format!("`{program}` not found"),
        |output| String::from_utf8_lossy(&output.stdout).trim().to_owned(),
    )
}

/// Returns `page` with the section between `start_marker` and `end_marker` replaced by
/// `section`, or with `section` appended when the page lacks the markers.
pub(crate) fn replace_section(
    page: &str,
    section: &str,
    start_marker: &str,
    end_marker: &str,
) -> String {
    let start = page.find(start_marker);
    let end = page
        .find(end_marker)
        .map(|position| position + end_marker.len());
    match (start, end) {
        (Some(start), Some(end)) if start < end => {
            let end = page[end..].strip_prefix('\n').map_or(end, |_| end + 1);
            format!("{}{section}{}", &page[..start], &page[end..])
        }
        _ => format!("{page}{section}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_report_gives_peak_and_cpu_time() {
        let (peak, cpu_time) = parse_time_report("417084 6.86 0.15\n").expect("a valid report");
        assert_eq!(peak, 417_084);
        assert_eq!(cpu_time, Duration::from_millis(7010));
    }

    #[test]
    fn time_report_without_cpu_times_is_rejected() {
        let error = parse_time_report("417084\n").expect_err("one field of three");
        assert_eq!(
            error.to_string(),
            "invalid report `417084` from /usr/bin/time"
        );
    }

    #[test]
    fn time_report_with_text_is_rejected() {
        let error = parse_time_report("417084 6.86 much\n").expect_err("not a number");
        assert_eq!(
            error.to_string(),
            "invalid report `417084 6.86 much` from /usr/bin/time"
        );
    }

    #[test]
    fn section_replaces_marked_text() {
        let page = format!("# Title\n\nbefore\n{START_MARKER}\nold\n{END_MARKER}\nafter\n");
        let section = format!("{START_MARKER}\nnew\n{END_MARKER}\n");
        assert_eq!(
            replace_section(&page, &section, START_MARKER, END_MARKER),
            format!("# Title\n\nbefore\n{START_MARKER}\nnew\n{END_MARKER}\nafter\n")
        );
    }

    #[test]
    fn sections_are_replaced_independently() {
        let live_start = live_bench::START_MARKER;
        let live_end = live_bench::END_MARKER;
        let page = format!(
            "{START_MARKER}\nfiles\n{END_MARKER}\nbetween\n{live_start}\nold\n{live_end}\nend\n"
        );
        let section = format!("{live_start}\nnew\n{live_end}\n");

        let replaced = replace_section(&page, &section, live_start, live_end);

        assert_eq!(
            replaced,
            format!(
                "{START_MARKER}\nfiles\n{END_MARKER}\nbetween\n{live_start}\nnew\n{live_end}\nend\n"
            )
        );
    }

    #[test]
    fn section_is_appended_without_markers() {
        let section = format!("{START_MARKER}\nnew\n{END_MARKER}\n");
        assert_eq!(
            replace_section("# Title\n", &section, START_MARKER, END_MARKER),
            format!("# Title\n{section}")
        );
    }

    fn parse(options: &[&str]) -> Result<Options> {
        let options: Vec<String> = options.iter().map(|option| (*option).to_owned()).collect();
        Options::parse(&options, "usage")
    }

    #[test]
    fn options_default_to_full_run() {
        let options = parse(&[]).expect("no options");
        assert_eq!(
            options,
            Options {
                repeats: 3,
                live_only: false
            }
        );
    }

    #[test]
    fn live_and_repeats_in_any_order() {
        let expected = Options {
            repeats: 5,
            live_only: true,
        };
        assert_eq!(
            parse(&["--live", "--repeats", "5"]).expect("valid"),
            expected
        );
        assert_eq!(
            parse(&["--repeats", "5", "--live"]).expect("valid"),
            expected
        );
    }

    #[test]
    fn repeats_needs_value() {
        let error = parse(&["--live", "--repeats"]).expect_err("no count");
        assert_eq!(
            error.to_string(),
            "missing value after `--repeats`\n\nusage"
        );
    }

    #[test]
    fn unknown_option_is_rejected() {
        let error = parse(&["--remote"]).expect_err("unknown option");
        assert_eq!(
            error.to_string(),
            "unknown option `--remote` for `bench`: expected `--repeats N` or `--live`\n\nusage"
        );
    }

    #[test]
    fn repeats_must_be_positive() {
        let options = ["--repeats".to_owned(), "0".to_owned()];
        let error = Options::parse(&options, "usage").expect_err("zero repeats");
        assert_eq!(
            error.to_string(),
            "invalid --repeats `0`: expected a whole number above 0"
        );
    }
}
