//! The floor of `cargo xtask bench`: reads a JSON file into one buffer and deserializes it with
//! `serde_json`, and does nothing else.
//!
//! `json-floor value FILE` builds the whole `serde_json::Value` tree, which is what a program
//! that reads a JSON document without knowing its types does. `json-floor ignored FILE` only
//! checks the syntax (`serde::de::IgnoredAny`), the least work any JSON reader can do.

use std::process::ExitCode;

use serde::de::IgnoredAny;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [mode, path] = args.as_slice() else {
        eprintln!("usage: json-floor value|ignored FILE");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("json-floor: failed to read `{path}`: {error}");
            return ExitCode::from(2);
        }
    };

    let parsed = match mode.as_str() {
        "value" => serde_json::from_slice::<serde_json::Value>(&bytes).map(|value| {
            // Reading one field keeps the tree from being optimized away.
            u8::from(value.get("kind").is_some())
        }),
        "ignored" => serde_json::from_slice::<IgnoredAny>(&bytes).map(|_| 1),
        other => {
            eprintln!("json-floor: unknown mode `{other}`: expected `value` or `ignored`");
            return ExitCode::from(2);
        }
    };
    match parsed {
        Ok(marker) => {
            std::hint::black_box(marker);
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("json-floor: `{path}` is not valid JSON: {error}");
            ExitCode::from(2)
        }
    }
}
