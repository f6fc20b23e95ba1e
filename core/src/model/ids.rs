//! Newtype identifiers. In JSON every id is a plain string; in memory shared text (`Arc<str>`),
//! so that cloning one — the engine does at every step — copies a pointer.

use std::fmt;
use std::sync::Arc;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        // Shared text: cloning an id (the engine does at every step) copies a pointer, not the
        // text (`engine-bench`: +45 % steps/s against a `String`).
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[cfg_attr(feature = "schema", schemars(transparent))]
        pub struct $name(#[cfg_attr(feature = "schema", schemars(with = "String"))] Arc<str>);

        impl $name {
            /// Creates the id from anything string-like.
            pub fn new(id: impl Into<String>) -> Self {
                Self(Arc::from(id.into()))
            }
            /// The id as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($name)).field(&&*self.0).finish()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(Arc::from(s))
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(Arc::from(s))
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl serde::de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("an id (a string)")
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        Ok($name::from(v))
                    }
                    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<$name, E> {
                        Ok($name::from(v))
                    }
                }
                d.deserialize_str(Visitor)
            }
        }
    };
}

id_type!(
    /// Identifies a contact.
    ///
    /// ```
    /// use sequenza::model::ContactId;
    /// let id = ContactId::new("c-42");
    /// assert_eq!(id.as_str(), "c-42");
    /// assert_eq!(serde_json::to_string(&id).unwrap(), "\"c-42\"");
    /// ```
    ContactId
);
id_type!(
    /// Identifies a flow (workflow / automation).
    ///
    /// ```
    /// use sequenza::model::FlowId;
    /// assert_eq!(FlowId::from("welcome").to_string(), "welcome");
    /// ```
    FlowId
);
id_type!(
    /// Identifies a node (step) inside one flow. Stable across edits and versions.
    ///
    /// ```
    /// use sequenza::model::NodeId;
    /// assert_eq!(NodeId::new("send-1").as_ref(), "send-1");
    /// ```
    NodeId
);
id_type!(
    /// Identifies a contact list.
    ///
    /// ```
    /// use sequenza::model::ListId;
    /// assert_eq!(ListId::new("vip").as_str(), "vip");
    /// ```
    ListId
);
id_type!(
    /// Identifies a segment.
    ///
    /// ```
    /// use sequenza::model::SegmentId;
    /// assert_eq!(SegmentId::new("lapsed").as_str(), "lapsed");
    /// ```
    SegmentId
);
id_type!(
    /// Identifies a message template kept by the host application.
    ///
    /// ```
    /// use sequenza::model::TemplateId;
    /// assert_eq!(TemplateId::new("welcome-email").as_str(), "welcome-email");
    /// ```
    TemplateId
);
id_type!(
    /// Identifies a team that conversations can be handed off to.
    ///
    /// ```
    /// use sequenza::model::TeamId;
    /// assert_eq!(TeamId::new("sales").as_str(), "sales");
    /// ```
    TeamId
);
