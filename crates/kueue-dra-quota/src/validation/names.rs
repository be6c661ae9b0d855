//! The name formats that apimachinery's validation helpers check, with the messages of the
//! copies that Kueue vendors: label keys, RFC 1123 labels and subdomains, and C identifiers.
//!
//! The helpers in `k8s.io/apimachinery/pkg/util/validation` (`validation.go`) count lengths
//! in "characters". Since apimachinery v0.35 (Kueue v0.16), label keys are checked by
//! `k8s.io/apimachinery/pkg/api/validate/content` (`kube.go`, `dns.go`, `errors.go`), which
//! counts them in "bytes". Both measure the length of the UTF-8 string, as Go's `len` does.

use super::NameMessages;

/// The pattern of a label key's name part, as printed in messages.
const LABEL_KEY_NAME_PATTERN: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_KEY_NAME_MESSAGE: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_KEY_NAME_EXAMPLES: [&str; 3] = ["MyName", "my.name", "123-abc"];

/// The maximum length of a label key's name part.
const LABEL_KEY_NAME_MAX_LENGTH: usize = 63;

const DNS1123_LABEL_PATTERN: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_LABEL_MESSAGE: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_LABEL_MAX_LENGTH: usize = 63;

const DNS1123_SUBDOMAIN_PATTERN: &str =
    r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1123_SUBDOMAIN_MESSAGE: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_MAX_LENGTH: usize = 253;

const C_IDENTIFIER_PATTERN: &str = "[A-Za-z_][A-Za-z0-9_]*";
const C_IDENTIFIER_MESSAGE: &str = "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'";

/// The unit in which a maximum length is stated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LengthUnit {
    /// `util/validation`'s `MaxLenError`, at every release.
    Characters,
    /// `api/validate/content`'s `MaxLenError`, from apimachinery v0.35.
    Bytes,
}

impl LengthUnit {
    fn word(self) -> &'static str {
        match self {
            Self::Characters => "characters",
            Self::Bytes => "bytes",
        }
    }
}

/// Returns the messages of `content.IsLabelKey`, or of `IsQualifiedName` before apimachinery
/// v0.35, for `value`: empty when it is a valid label key.
///
/// A label key is an optional DNS subdomain prefix and `/`, then a name of at most 63
/// bytes that may contain uppercase letters, `_` and `.`.
pub(super) fn label_key_errors(value: &str, wording: NameMessages) -> Vec<String> {
    let (noun, unit) = match wording {
        NameMessages::QualifiedName => ("a qualified name", LengthUnit::Characters),
        NameMessages::LabelKey => ("a valid label key", LengthUnit::Bytes),
    };
    let name_rule = regex_error(
        LABEL_KEY_NAME_MESSAGE,
        LABEL_KEY_NAME_PATTERN,
        &LABEL_KEY_NAME_EXAMPLES,
    );

    let mut errors = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errors.push("prefix part must be non-empty".to_owned());
            } else {
                let prefix_errors = dns1123_subdomain_errors(prefix, unit);
                errors.extend(
                    prefix_errors
                        .into_iter()
                        .map(|message| format!("prefix part {message}")),
                );
            }
            *name
        }
        // More than one slash is reported alone, whatever the parts contain.
        _ => {
            return vec![format!(
                "{noun} {name_rule} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            )];
        }
    };

    if name.is_empty() {
        errors.push("name part must be non-empty".to_owned());
    } else if name.len() > LABEL_KEY_NAME_MAX_LENGTH {
        errors.push(format!(
            "name part {}",
            max_length_error(LABEL_KEY_NAME_MAX_LENGTH, unit)
        ));
    }
    if !is_label_key_name(name) {
        errors.push(format!("name part {name_rule}"));
    }
    errors
}

/// Returns the messages of `util/validation.IsDNS1123Label` for `value`: empty when it is a
/// lowercase RFC 1123 label of at most 63 characters.
pub(super) fn dns1123_label_errors(value: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if value.len() > DNS1123_LABEL_MAX_LENGTH {
        errors.push(max_length_error(
            DNS1123_LABEL_MAX_LENGTH,
            LengthUnit::Characters,
        ));
    }
    if !is_dns1123_label(value) {
        // A valid subdomain that is not a valid label can only differ by its dots.
        if is_dns1123_subdomain(value) {
            errors.push("must not contain dots".to_owned());
        } else {
            errors.push(regex_error(
                DNS1123_LABEL_MESSAGE,
                DNS1123_LABEL_PATTERN,
                &["my-name", "123-abc"],
            ));
        }
    }
    errors
}

/// Returns the messages of `IsDNS1123Subdomain` for `value`, with the maximum length stated
/// in `unit`: empty when it is a lowercase RFC 1123 subdomain of at most 253 bytes.
pub(super) fn dns1123_subdomain_errors(value: &str, unit: LengthUnit) -> Vec<String> {
    let mut errors = Vec::new();
    if value.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        errors.push(max_length_error(DNS1123_SUBDOMAIN_MAX_LENGTH, unit));
    }
    if !is_dns1123_subdomain(value) {
        errors.push(regex_error(
            DNS1123_SUBDOMAIN_MESSAGE,
            DNS1123_SUBDOMAIN_PATTERN,
            &["example.com"],
        ));
    }
    errors
}

/// Returns the message of `content.IsCIdentifier` for `value`, or `None` when it is a C
/// identifier. The length is not checked.
pub(super) fn c_identifier_error(value: &str) -> Option<String> {
    if is_c_identifier(value) {
        return None;
    }
    Some(regex_error(
        C_IDENTIFIER_MESSAGE,
        C_IDENTIFIER_PATTERN,
        &["my_name", "MY_NAME", "MyName"],
    ))
}

/// Builds apimachinery's `RegexError` text: the rule, its examples and the pattern.
///
/// Each example is followed by `", "`, and examples after the first are preceded by
/// `" or "`, so the text has two spaces before each `or`, as Kubernetes prints it.
fn regex_error(message: &str, pattern: &str, examples: &[&str]) -> String {
    if examples.is_empty() {
        return format!("{message} (regex used for validation is '{pattern}')");
    }
    let mut text = format!("{message} (e.g. ");
    for (index, example) in examples.iter().enumerate() {
        if index > 0 {
            text.push_str(" or ");
        }
        text.push('\'');
        text.push_str(example);
        text.push_str("', ");
    }
    text.push_str("regex used for validation is '");
    text.push_str(pattern);
    text.push_str("')");
    text
}

fn max_length_error(max_length: usize, unit: LengthUnit) -> String {
    format!("must be no more than {max_length} {}", unit.word())
}

/// Matches `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`.
fn is_dns1123_label(value: &str) -> bool {
    let bytes = value.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    let is_lower_alphanumeric = |byte: u8| byte.is_ascii_lowercase() || byte.is_ascii_digit();
    is_lower_alphanumeric(first)
        && is_lower_alphanumeric(last)
        && bytes
            .iter()
            .all(|&byte| is_lower_alphanumeric(byte) || byte == b'-')
}

/// Matches the DNS-1123 subdomain pattern: labels joined by single dots.
fn is_dns1123_subdomain(value: &str) -> bool {
    value.split('.').all(is_dns1123_label)
}

/// Matches `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`.
fn is_label_key_name(value: &str) -> bool {
    let bytes = value.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    first.is_ascii_alphanumeric()
        && last.is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|&byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'))
}

/// Matches `^[A-Za-z_][A-Za-z0-9_]*$`.
fn is_c_identifier(value: &str) -> bool {
    let bytes = value.as_bytes();
    let Some(&first) = bytes.first() else {
        return false;
    };
    (first.is_ascii_alphabetic() || first == b'_')
        && bytes
            .iter()
            .all(|&byte| byte.is_ascii_alphanumeric() || byte == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME_RULE: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    #[test]
    fn regex_error_has_two_spaces_before_or() {
        let text = regex_error("bad", "x+", &["a", "b"]);

        assert_eq!(
            text,
            "bad (e.g. 'a',  or 'b', regex used for validation is 'x+')"
        );
    }

    #[test]
    fn label_key_accepts_prefix_and_mixed_case_name() {
        for valid in ["foo.com/device", "My_Name.v1", "a", "example.com/A-b_c.d"] {
            assert!(
                label_key_errors(valid, NameMessages::LabelKey).is_empty(),
                "{valid}"
            );
        }
    }

    #[test]
    fn label_key_empty_name_gets_two_messages() {
        let errors = label_key_errors("", NameMessages::LabelKey);

        assert_eq!(
            errors,
            [
                "name part must be non-empty".to_owned(),
                format!("name part {NAME_RULE}")
            ]
        );
    }

    #[test]
    fn label_key_with_two_slashes_gets_one_message() {
        let label_key = label_key_errors("a/b/c", NameMessages::LabelKey);
        let qualified_name = label_key_errors("a/b/c", NameMessages::QualifiedName);

        assert_eq!(
            label_key,
            [format!(
                "a valid label key {NAME_RULE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            )]
        );
        assert_eq!(
            qualified_name,
            [format!(
                "a qualified name {NAME_RULE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            )]
        );
    }

    #[test]
    fn label_key_length_unit_follows_wording() {
        let long_name = "n".repeat(64);

        let label_key = label_key_errors(&long_name, NameMessages::LabelKey);
        let qualified_name = label_key_errors(&long_name, NameMessages::QualifiedName);

        assert_eq!(label_key, ["name part must be no more than 63 bytes"]);
        assert_eq!(
            qualified_name,
            ["name part must be no more than 63 characters"]
        );
    }

    #[test]
    fn label_key_prefix_errors_are_prefixed() {
        let errors = label_key_errors("Example.com/name", NameMessages::LabelKey);

        assert_eq!(
            errors,
            [
                "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
            ]
        );
        assert_eq!(
            label_key_errors("/name", NameMessages::LabelKey),
            ["prefix part must be non-empty"]
        );
    }

    #[test]
    fn label_key_rejects_trailing_newline() {
        assert!(!label_key_errors("name\n", NameMessages::LabelKey).is_empty());
    }

    #[test]
    fn dns1123_label_reports_dots_alone() {
        assert_eq!(
            dns1123_label_errors("gpu.memory"),
            ["must not contain dots"]
        );
        assert!(dns1123_label_errors("memory").is_empty());
    }

    #[test]
    fn dns1123_label_too_long_reports_characters() {
        let errors = dns1123_label_errors(&"a".repeat(64));

        assert_eq!(errors, ["must be no more than 63 characters"]);
    }

    #[test]
    fn c_identifier_rules() {
        assert_eq!(c_identifier_error("Memory_Bytes"), None);
        assert_eq!(c_identifier_error("_x1"), None);
        assert_eq!(
            c_identifier_error("memory-bytes").as_deref(),
            Some(
                "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex used for validation is '[A-Za-z_][A-Za-z0-9_]*')"
            )
        );
        assert!(c_identifier_error("").is_some());
        assert!(c_identifier_error("1abc").is_some());
    }
}
