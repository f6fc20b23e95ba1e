//! Newtype identifiers. In JSON every id is a plain string.

use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// Creates the id from anything string-like.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }
            /// The id as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
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
