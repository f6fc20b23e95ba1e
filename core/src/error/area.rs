//! The areas errors and codes belong to.

use serde::Serialize;

/// The part of sequenza an error (or a finding code) belongs to.
///
/// Bindings pick their exception class by area; [`Area::as_str`] is the stable name that
/// [`ErrorData`](super::ErrorData) carries as `area`.
///
/// ```
/// use sequenza::error::Area;
/// let err = sequenza::Flow::from_json("{").unwrap_err();
/// assert_eq!(err.area(), Area::Format);
/// assert_eq!(Area::JsonLogic.as_str(), "jsonlogic");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Area {
    /// A JSON document that cannot be read: malformed, ended too early, or of the wrong shape.
    Format,
    /// Condition text (the readable syntax) that cannot be parsed (`condition.syntax`).
    Parse,
    /// A condition that is well-formed but cannot be evaluated as written.
    Condition,
    /// A segment set that cannot be used: an unknown or duplicate segment, segments reading each
    /// other in a circle.
    Segment,
    /// A time rule that cannot be used as written: a time of day, a zone, a send policy, a
    /// recurrence, a wait, a frequency cap.
    Time,
    /// A list operation that cannot be done.
    List,
    /// A CSV file (or import options) that cannot be imported at all, and the rejection codes of
    /// single rows.
    Import,
    /// A JsonLogic rule that cannot be evaluated.
    #[serde(rename = "jsonlogic")]
    JsonLogic,
    /// A malformed `{{ … }}` merge field in message text.
    Merge,
    /// Flow validation findings (`flow.*`, `flows.*`).
    Flow,
    /// The flow engine refused an input (reserved for the engine).
    Engine,
    /// The store failed (reserved for stores).
    Store,
}

impl Area {
    /// Every area, in a stable order.
    ///
    /// ```
    /// assert!(sequenza::error::Area::ALL.contains(&sequenza::error::Area::Time));
    /// ```
    pub const ALL: &'static [Area] = &[
        Area::Format,
        Area::Parse,
        Area::Condition,
        Area::Segment,
        Area::Time,
        Area::List,
        Area::Import,
        Area::JsonLogic,
        Area::Merge,
        Area::Flow,
        Area::Engine,
        Area::Store,
    ];

    /// The stable name: `format`, `parse`, `condition`, `segment`, `time`, `list`, `import`,
    /// `jsonlogic`, `merge`, `flow`, `engine`, `store`.
    ///
    /// ```
    /// assert_eq!(sequenza::error::Area::Condition.as_str(), "condition");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Area::Format => "format",
            Area::Parse => "parse",
            Area::Condition => "condition",
            Area::Segment => "segment",
            Area::Time => "time",
            Area::List => "list",
            Area::Import => "import",
            Area::JsonLogic => "jsonlogic",
            Area::Merge => "merge",
            Area::Flow => "flow",
            Area::Engine => "engine",
            Area::Store => "store",
        }
    }
}

impl std::fmt::Display for Area {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
