//! The origin of an object, for messages that point the user at it.

use std::fmt;

/// The place an object was read from: a file, a document in it, and an item of a `List`.
/// For an object read from a cluster, `file` names the context and the resource listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The file path as given, or `<stdin>`; for a cluster, its context and the resource
    /// listed, such as ``context `kind-kind`, workloads.kueue.x-k8s.io``.
    pub file: String,
    /// The 1-based index of the YAML or JSON document in the file; `None` for an object read
    /// from a cluster.
    pub document: Option<usize>,
    /// The 0-based index in the `items` of a `List` document.
    pub item: Option<usize>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(document) = self.document {
            write!(f, ", document {document}")?;
        }
        if let Some(item) = self.item {
            write!(f, ", items[{item}]")?;
        }
        Ok(())
    }
}

/// The kind, namespace and name of an object, as kubectl prints them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectRef {
    /// The object's kind, such as `DeviceClass`.
    pub kind: String,
    /// The namespace of a namespaced object.
    pub namespace: Option<String>,
    /// The object's name; for an object with only `generateName`, that prefix; empty for a
    /// document without a name, such as a Kueue Configuration.
    pub name: String,
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            _ if self.name.is_empty() => f.write_str(&self.kind),
            Some(namespace) => write!(f, "{} {namespace}/{}", self.kind, self.name),
            None => write!(f, "{} {}", self.kind, self.name),
        }
    }
}
