//! Field errors rendered as `k8s.io/apimachinery/pkg/util/validation/field` renders them, and
//! the aggregate message Kueue writes on a Workload's conditions.

use std::collections::BTreeSet;
use std::fmt::{self, Write as _};

/// The kind of a field error, as apimachinery's `field.ErrorType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorType {
    /// `Not found`.
    NotFound,
    /// `Required value`.
    Required,
    /// `Duplicate value`.
    Duplicate,
    /// `Invalid value`.
    Invalid,
    /// `Unsupported value`.
    NotSupported,
    /// `Forbidden`.
    Forbidden,
    /// `Too long`.
    TooLong,
    /// `Too many`.
    TooMany,
    /// `Too few`.
    TooFew,
    /// `Internal error`. Kueue retries a Workload whose DRA errors include one.
    Internal,
    /// `Invalid value`, for a value of the wrong type.
    TypeInvalid,
    /// `Too short`.
    TooShort,
}

impl ErrorType {
    /// Returns the label apimachinery prints for the type.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::NotFound => "Not found",
            Self::Required => "Required value",
            Self::Duplicate => "Duplicate value",
            Self::Invalid | Self::TypeInvalid => "Invalid value",
            Self::NotSupported => "Unsupported value",
            Self::Forbidden => "Forbidden",
            Self::TooLong => "Too long",
            Self::TooMany => "Too many",
            Self::TooFew => "Too few",
            Self::Internal => "Internal error",
            Self::TooShort => "Too short",
        }
    }

    /// Returns whether apimachinery prints the bad value after the label.
    fn shows_value(self) -> bool {
        !matches!(
            self,
            Self::Required | Self::Forbidden | Self::TooLong | Self::TooShort | Self::Internal
        )
    }
}

/// The offending value of a field error, by the Go type that held it, which decides how
/// apimachinery prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadValue {
    /// No value is printed, as apimachinery's `omitValue`.
    Omitted,
    /// A Go `nil`, printed as JSON `null`.
    Null,
    /// A Go `string`, printed with `%q`.
    String(String),
    /// A named string type such as `ResourceName` or `DeviceAllocationMode`, printed as JSON.
    TypedString(String),
    /// A Go integer, printed as a number.
    Int(i64),
    /// A Go `bool`.
    Bool(bool),
    /// A `[]ResourceName`, printed as a JSON array such as `["cpu","memory"]`.
    ResourceNames(Vec<String>),
    /// A `map[string]bool`, printed as a JSON object with sorted keys such as
    /// `{"A":true,"B":false}`.
    BoolMap(std::collections::BTreeMap<String, bool>),
}

impl fmt::Display for BadValue {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Omitted => Ok(()),
            Self::Null => formatter.write_str("null"),
            Self::String(text) => formatter.write_str(&go_quote(text)),
            Self::TypedString(text) => formatter.write_str(&go_json_string(text)),
            Self::Int(value) => write!(formatter, "{value}"),
            Self::Bool(value) => write!(formatter, "{value}"),
            Self::ResourceNames(names) => {
                let items: Vec<String> = names.iter().map(|name| go_json_string(name)).collect();
                write!(formatter, "[{}]", items.join(","))
            }
            Self::BoolMap(map) => {
                let items: Vec<String> = map
                    .iter()
                    .map(|(key, value)| format!("{}:{value}", go_json_string(key)))
                    .collect();
                write!(formatter, "{{{}}}", items.join(","))
            }
        }
    }
}

/// One field error: `<field>: <label>[: <value>][: <detail>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The error's type.
    pub error_type: ErrorType,
    /// The field path, such as `spec.podSets[0].template.spec.resourceClaims[0]`.
    pub field: String,
    /// The offending value.
    pub bad_value: BadValue,
    /// The explanation after the value; empty for none.
    pub detail: String,
}

impl FieldError {
    /// Builds an `Invalid value` error.
    #[must_use]
    pub fn invalid(
        field: impl Into<String>,
        bad_value: BadValue,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            error_type: ErrorType::Invalid,
            field: field.into(),
            bad_value,
            detail: detail.into(),
        }
    }

    /// Builds a `Not found` error for a Go string value, as `field.NotFound`.
    #[must_use]
    pub fn not_found(field: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            error_type: ErrorType::NotFound,
            field: field.into(),
            bad_value: BadValue::String(value.into()),
            detail: String::new(),
        }
    }

    /// Builds an `Internal error` whose detail is the Go error's message, as
    /// `field.InternalError`.
    #[must_use]
    pub fn internal(field: impl Into<String>, error_message: impl Into<String>) -> Self {
        Self {
            error_type: ErrorType::Internal,
            field: field.into(),
            bad_value: BadValue::Null,
            detail: error_message.into(),
        }
    }

    /// Builds a `Required value` error.
    #[must_use]
    pub fn required(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            error_type: ErrorType::Required,
            field: field.into(),
            bad_value: BadValue::Omitted,
            detail: detail.into(),
        }
    }

    /// Builds a `Duplicate value` error.
    #[must_use]
    pub fn duplicate(field: impl Into<String>, bad_value: BadValue) -> Self {
        Self {
            error_type: ErrorType::Duplicate,
            field: field.into(),
            bad_value,
            detail: String::new(),
        }
    }

    /// Builds a `Too many` error as `field.TooMany`: the count and `must have at most N items`.
    #[must_use]
    pub fn too_many(field: impl Into<String>, actual: i64, max: i64) -> Self {
        let detail = if max >= 0 {
            let items = if max == 1 { "item" } else { "items" };
            format!("must have at most {max} {items}")
        } else {
            "has too many items".to_owned()
        };
        let bad_value = if actual >= 0 {
            BadValue::Int(actual)
        } else {
            BadValue::Omitted
        };
        Self {
            error_type: ErrorType::TooMany,
            field: field.into(),
            bad_value,
            detail,
        }
    }

    /// Returns the message without the field path, as apimachinery's `ErrorBody`.
    #[must_use]
    pub fn body(&self) -> String {
        let mut body = self.error_type.label().to_owned();
        if self.error_type.shows_value() && self.bad_value != BadValue::Omitted {
            let _ = write!(body, ": {}", self.bad_value);
        }
        if !self.detail.is_empty() {
            let _ = write!(body, ": {}", self.detail);
        }
        body
    }

    /// Returns the error with `prefix` and a dot put before its field path.
    #[must_use]
    pub fn with_field_prefix(mut self, prefix: &str) -> Self {
        self.field = format!("{prefix}.{}", self.field);
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}: {}", self.field, self.body())
    }
}

/// Returns the message of `field.ErrorList.ToAggregate().Error()`: one error as itself,
/// several as `[e1, e2]`, each distinct message once, in order.
#[must_use]
pub fn aggregate_message(errors: &[FieldError]) -> String {
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    aggregate_strings(&messages)
}

/// Returns the message of apimachinery's `utilerrors.NewAggregate(errs).Error()` for errors
/// with these messages: one as itself, several as `[e1, e2]`, each distinct message once.
#[must_use]
pub fn aggregate_strings(all: &[String]) -> String {
    let mut seen = BTreeSet::new();
    let mut messages = Vec::new();
    for message in all {
        if seen.insert(message.clone()) {
            messages.push(message.clone());
        }
    }
    match messages.as_slice() {
        [] => String::new(),
        [only] => only.clone(),
        _ => format!("[{}]", messages.join(", ")),
    }
}

/// Returns whether any error is an internal error, which Kueue retries with backoff.
#[must_use]
pub fn has_internal_error(errors: &[FieldError]) -> bool {
    errors
        .iter()
        .any(|error| error.error_type == ErrorType::Internal)
}

/// Quotes `text` as Go's `strconv.Quote` (`%q`) does.
// NOTE: Go escapes every rune that `unicode.IsPrint` rejects. This treats control characters
// and whitespace other than the ASCII space as unprintable, which covers the characters a
// Kubernetes name can hold, but may differ for rare non-ASCII runes.
#[must_use]
pub fn go_quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for character in text.chars() {
        match character {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\u{7}' => quoted.push_str("\\a"),
            '\u{8}' => quoted.push_str("\\b"),
            '\u{c}' => quoted.push_str("\\f"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            '\u{b}' => quoted.push_str("\\v"),
            ' ' => quoted.push(' '),
            _ if character.is_control() || character.is_whitespace() => {
                let code = u32::from(character);
                if code < 0x80 {
                    let _ = write!(quoted, "\\x{code:02x}");
                } else if code <= 0xFFFF {
                    let _ = write!(quoted, "\\u{code:04x}");
                } else {
                    let _ = write!(quoted, "\\U{code:08x}");
                }
            }
            _ => quoted.push(character),
        }
    }
    quoted.push('"');
    quoted
}

/// Encodes `text` as Go's `encoding/json` does, HTML-safe escapes included.
#[must_use]
pub fn go_json_string(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len() + 2);
    encoded.push('"');
    for character in text.chars() {
        match character {
            '"' => encoded.push_str("\\\""),
            '\\' => encoded.push_str("\\\\"),
            '\n' => encoded.push_str("\\n"),
            '\r' => encoded.push_str("\\r"),
            '\t' => encoded.push_str("\\t"),
            '\u{8}' => encoded.push_str("\\b"),
            '\u{c}' => encoded.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(encoded, "\\u{:04x}", u32::from(character));
            }
            _ if u32::from(character) < 0x20 => {
                let _ = write!(encoded, "\\u{:04x}", u32::from(character));
            }
            _ => encoded.push(character),
        }
    }
    encoded.push('"');
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLAIM: &str = "spec.podSets[0].template.spec.resourceClaims[0]";

    #[test]
    fn missing_template_message() {
        let error = FieldError::internal(
            CLAIM,
            "failed to get claim spec for ResourceClaimTemplate missing-template in podset main: resourceclaimtemplates.resource.k8s.io \"missing-template\" not found",
        );

        assert_eq!(
            error.to_string(),
            "spec.podSets[0].template.spec.resourceClaims[0]: Internal error: failed to get claim spec for ResourceClaimTemplate missing-template in podset main: resourceclaimtemplates.resource.k8s.io \"missing-template\" not found"
        );
    }

    #[test]
    fn unmapped_class_message() {
        let error = FieldError::not_found(
            format!("{CLAIM}.resourceClaimTemplateName"),
            "DeviceClass unmapped.example.com is not mapped in DRA configuration for podset main",
        );

        assert_eq!(
            error.to_string(),
            "spec.podSets[0].template.spec.resourceClaims[0].resourceClaimTemplateName: Not found: \"DeviceClass unmapped.example.com is not mapped in DRA configuration for podset main\""
        );
    }

    #[test]
    fn first_available_message() {
        let error = FieldError::invalid(
            "devices.requests[1]",
            BadValue::Null,
            "ResourceClaimTemplate prioritized: FirstAvailable device selection is not supported",
        )
        .with_field_prefix(CLAIM);

        assert_eq!(
            error.to_string(),
            "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[1]: Invalid value: null: ResourceClaimTemplate prioritized: FirstAvailable device selection is not supported"
        );
    }

    #[test]
    fn allocation_mode_all_message() {
        let error = FieldError::invalid(
            format!("{CLAIM}.devices.requests[0].exactly.allocationMode"),
            BadValue::TypedString("All".to_owned()),
            "ResourceClaimTemplate all-gpus: AllocationMode 'All' is not supported",
        );

        assert_eq!(
            error.to_string(),
            "spec.podSets[0].template.spec.resourceClaims[0].devices.requests[0].exactly.allocationMode: Invalid value: \"All\": ResourceClaimTemplate all-gpus: AllocationMode 'All' is not supported"
        );
    }

    #[test]
    fn non_integer_extended_resource_message() {
        let error = FieldError::invalid(
            "spec.podSets[0].template.spec.containers[0].resources.requests.example.com/gpu",
            BadValue::String("1500m".to_owned()),
            "extended resource quantity must be an integer",
        );

        assert_eq!(
            error.to_string(),
            "spec.podSets[0].template.spec.containers[0].resources.requests.example.com/gpu: Invalid value: \"1500m\": extended resource quantity must be an integer"
        );
    }

    #[test]
    fn aggregate_brackets_several_errors() {
        let first = FieldError::required("a", "");
        let second = FieldError::too_many("b", 17, 16);

        let message = aggregate_message(&[first.clone(), second, first]);

        assert_eq!(
            message,
            "[a: Required value, b: Too many: 17: must have at most 16 items]"
        );
    }

    #[test]
    fn aggregate_of_duplicates_is_one_error() {
        let error = FieldError::required("a", "at least one device class name is required");

        let message = aggregate_message(&[error.clone(), error]);

        assert_eq!(
            message,
            "a: Required value: at least one device class name is required"
        );
    }

    #[test]
    fn internal_error_hides_value() {
        let error = FieldError::internal("a", "boom");

        assert_eq!(error.to_string(), "a: Internal error: boom");
        assert!(has_internal_error(&[error]));
    }

    #[test]
    fn values_render_by_go_type() {
        assert_eq!(BadValue::Null.to_string(), "null");
        assert_eq!(
            BadValue::String("a\"b\n".to_owned()).to_string(),
            "\"a\\\"b\\n\""
        );
        assert_eq!(
            BadValue::TypedString("<All>".to_owned()).to_string(),
            "\"\\u003cAll\\u003e\""
        );
        assert_eq!(BadValue::Int(-3).to_string(), "-3");
        assert_eq!(BadValue::Bool(true).to_string(), "true");
        assert_eq!(
            BadValue::ResourceNames(vec!["cpu".to_owned(), "memory".to_owned()]).to_string(),
            "[\"cpu\",\"memory\"]"
        );
        assert_eq!(
            FieldError::duplicate("a", BadValue::String("x".to_owned())).to_string(),
            "a: Duplicate value: \"x\""
        );
    }

    #[test]
    fn go_quote_escapes_unprintable() {
        assert_eq!(go_quote("\u{1}\u{a0}é"), "\"\\x01\\u00a0é\"");
    }
}
