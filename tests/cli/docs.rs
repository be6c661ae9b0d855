//! The console examples of the docs: each `$ kubectl kueue-dra ...` command runs, and prints
//! what the page shows, with the exit code the page's `$ echo $?` shows.

use std::process::{Command, Stdio};

use crate::harness::{binary, repo_root, wait};

/// One command of a console block, with the output and exit code the page shows.
#[derive(Debug)]
struct Example {
    args: Vec<String>,
    stdout: String,
    code: i32,
}

/// Reads the `console` blocks of `text`. A command starts with `$ kubectl kueue-dra`; the
/// lines up to `$ echo $?` are its standard output, and the line after that its exit code.
fn examples(text: &str) -> Vec<Example> {
    let mut examples = Vec::new();
    let mut in_console = false;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line == "```console" {
            in_console = true;
            continue;
        }
        if line == "```" {
            in_console = false;
            continue;
        }
        let Some(command) = line
            .strip_prefix("$ kubectl kueue-dra ")
            .filter(|_| in_console)
        else {
            continue;
        };

        let mut stdout = String::new();
        for output_line in lines.by_ref() {
            if output_line == "$ echo $?" {
                break;
            }
            stdout.push_str(output_line);
            stdout.push('\n');
        }
        let code = lines
            .next()
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("`{command}` has no exit code after `$ echo $?`"));
        examples.push(Example {
            args: command.split_whitespace().map(str::to_owned).collect(),
            stdout,
            code,
        });
    }
    examples
}

#[test]
fn ci_doc_commands_match() {
    let path = repo_root().join("docs/ci-check-config.md");
    let text = std::fs::read_to_string(&path).expect("the page is readable");
    let examples = examples(&text);
    assert_eq!(examples.len(), 3, "{examples:?}");

    for example in examples {
        let mut command = Command::new(binary());
        command
            .args(&example.args)
            .current_dir(repo_root())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let output = wait(command, None);
        let command_line = example.args.join(" ");
        assert_eq!(
            output.stdout, example.stdout,
            "`{command_line}` prints other output"
        );
        assert_eq!(
            output.code,
            Some(example.code),
            "`{command_line}`: {}",
            output.stderr
        );
    }
}
