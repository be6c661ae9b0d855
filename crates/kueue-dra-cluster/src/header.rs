//! The type and name of a JSON object, read from its text without building a tree of the rest.
//!
//! A `kind: List` of 100,000 Workloads is read this way: one pass finds the list's type and
//! the text of each item, and each item is then decoded straight into its Rust type. No
//! `serde_json::Value` tree of the whole file is ever built.

use std::fmt;

use serde::Deserialize;
use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

/// The fields of an object that decide how it is read: its type, its name and, for a list,
/// the text of its items.
#[derive(Debug, Default)]
pub(crate) struct Header<'a> {
    /// `apiVersion`, when it is a non-empty string.
    pub(crate) api_version: Option<String>,
    /// `kind`, when it is a non-empty string.
    pub(crate) kind: Option<String>,
    /// `metadata.name`, when it is a non-empty string.
    pub(crate) name: Option<String>,
    /// `metadata.generateName`, when it is a non-empty string.
    pub(crate) generate_name: Option<String>,
    /// `metadata.namespace`, when it is a non-empty string.
    pub(crate) namespace: Option<String>,
    /// `items`: `None` when the object has no such field.
    pub(crate) items: Option<Items<'a>>,
}

/// The `items` field of an object.
#[derive(Debug)]
pub(crate) enum Items<'a> {
    /// An array, as the text of each element.
    Array(Vec<&'a str>),
    /// Any other JSON value.
    Other,
}

impl<'a> Header<'a> {
    /// Reads the header of the JSON object `text`. Returns `None` when `text` is not an
    /// object or has a top-level field twice, for the caller to read it as a tree instead,
    /// which reports such input as it always has.
    pub(crate) fn parse(text: &'a str) -> Option<Self> {
        if !text.trim_start().starts_with('{') {
            return None;
        }
        let raw: RawHeader<'a> = serde_json::from_str(text).ok()?;
        let metadata = raw
            .metadata
            .and_then(|metadata| serde_json::from_str::<RawMetadata>(metadata.get()).ok())
            .unwrap_or_default();
        Some(Self {
            api_version: raw.api_version.and_then(into_string),
            kind: raw.kind.and_then(into_string),
            name: metadata.name.and_then(into_string),
            generate_name: metadata.generate_name.and_then(into_string),
            namespace: metadata.namespace.and_then(into_string),
            items: raw.items,
        })
    }

    /// Reads the header of a tree; a tree has no item text, so `items` is `None`.
    pub(crate) fn of_tree(document: &Value) -> Header<'static> {
        let text = |value: Option<&Value>| {
            value
                .and_then(Value::as_str)
                .filter(|value| !value.is_empty())
                .map(str::to_owned)
        };
        let metadata = document.get("metadata");
        let field = |name: &str| text(metadata.and_then(|metadata| metadata.get(name)));
        Header {
            api_version: text(document.get("apiVersion")),
            kind: text(document.get("kind")),
            name: field("name"),
            generate_name: field("generateName"),
            namespace: field("namespace"),
            items: None,
        }
    }
}

/// Returns the string of a JSON string value, unless it is empty.
fn into_string(value: Value) -> Option<String> {
    match value {
        Value::String(text) if !text.is_empty() => Some(text),
        _ => None,
    }
}

/// The top-level fields of an object; every other field is skipped without being stored.
#[derive(Deserialize)]
struct RawHeader<'a> {
    #[serde(rename = "apiVersion")]
    api_version: Option<Value>,
    kind: Option<Value>,
    #[serde(borrow)]
    metadata: Option<&'a RawValue>,
    #[serde(borrow)]
    items: Option<Items<'a>>,
}

#[derive(Default, Deserialize)]
struct RawMetadata {
    name: Option<Value>,
    #[serde(rename = "generateName")]
    generate_name: Option<Value>,
    namespace: Option<Value>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Items<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ItemsVisitor)
    }
}

struct ItemsVisitor;

impl<'de> Visitor<'de> for ItemsVisitor {
    type Value = Items<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut sequence: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(sequence.size_hint().unwrap_or(0));
        while let Some(item) = sequence.next_element::<&'de RawValue>()? {
            items.push(item.get());
        }
        Ok(Items::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Items::Other)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Items::Other)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Items::Other)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Items::Other)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Items::Other)
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Items::Other)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Items::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_items_are_read_as_text() {
        let text =
            r#"{"apiVersion": "v1", "items": [{"kind": "Pod"}, {"kind": "Job"}], "kind": "List"}"#;
        let header = Header::parse(text).expect("an object");
        assert_eq!(header.kind.as_deref(), Some("List"));
        let Some(Items::Array(items)) = header.items else {
            panic!("items is an array");
        };
        assert_eq!(items, [r#"{"kind": "Pod"}"#, r#"{"kind": "Job"}"#]);
    }

    #[test]
    fn metadata_fields_are_read() {
        let text = r#"{"kind": "Pod", "metadata": {"namespace": "a", "generateName": "b-", "labels": {"x": "y"}}}"#;
        let header = Header::parse(text).expect("an object");
        assert_eq!(header.namespace.as_deref(), Some("a"));
        assert_eq!(header.generate_name.as_deref(), Some("b-"));
        assert_eq!(header.name, None);
    }

    #[test]
    fn non_string_type_is_absent() {
        let header = Header::parse(r#"{"apiVersion": 1, "kind": ""}"#).expect("an object");
        assert_eq!(header.api_version, None);
        assert_eq!(header.kind, None);
    }

    #[test]
    fn non_array_items_are_other() {
        let header = Header::parse(r#"{"kind": "List", "items": {"a": [1]}}"#).expect("an object");
        assert!(matches!(header.items, Some(Items::Other)));
    }

    #[test]
    fn duplicate_top_level_field_is_not_parsed() {
        assert!(Header::parse(r#"{"kind": "Pod", "kind": "Job"}"#).is_none());
    }

    #[test]
    fn array_is_not_an_object() {
        assert!(Header::parse(r#"[{"kind": "Pod"}]"#).is_none());
    }
}
