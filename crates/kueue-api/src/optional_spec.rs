//! Reading a custom resource whose `spec` is missing or `null`.
//!
//! Kueue's CRDs do not require `spec`, and a ResourceFlavor without one is common. The root
//! types that kube derives need the field, though. serde reads a missing field by asking
//! the field's type to deserialize an absent option, so a spec type that deserializes
//! through `Option` gets its default value instead of an error.
//!
//! Each spec type derives its serde code with `#[serde(remote = "Self")]`, which turns the
//! derived code into inherent functions, and [`optional_spec_serde!`] implements the serde
//! traits on top of them.

/// Implements `Serialize` and `Deserialize` for a spec type that derives them with
/// `#[serde(remote = "Self")]`, reading a missing or `null` spec as `Default::default()`.
macro_rules! optional_spec_serde {
    ($spec:ident) => {
        impl ::serde::Serialize for $spec {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: ::serde::Serializer,
            {
                $spec::serialize(self, serializer)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $spec {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                /// A spec that is present, read with the derived code.
                struct Present($spec);

                impl<'de> ::serde::Deserialize<'de> for Present {
                    fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
                    where
                        D: ::serde::Deserializer<'de>,
                    {
                        $spec::deserialize(deserializer).map(Present)
                    }
                }

                let present: Option<Present> = ::serde::Deserialize::deserialize(deserializer)?;
                Ok(present.map(|Present(spec)| spec).unwrap_or_default())
            }
        }
    };
}

pub(crate) use optional_spec_serde;
