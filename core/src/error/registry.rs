//! Every stable code sequenza produces, as one enum per area, and the one registry of them.

use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::Area;
use crate::flow::validate::Severity;

/// One entry of the code registry: the code, its area, its severity when it is a validation
/// finding, and one line of meaning.
///
/// ```
/// let info = sequenza::error::codes().iter().find(|c| c.code == "flow.node.unreachable").unwrap();
/// assert_eq!(info.severity, Some(sequenza::Severity::Warning));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CodeInfo {
    /// The stable code (`time.zone.unknown`).
    pub code: &'static str,
    /// The area the code belongs to.
    pub area: Area,
    /// The severity of a validation finding with this code; `None` for error codes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// What the code means, in one line.
    pub meaning: &'static str,
}

/// Defines one code enum: its variants, their strings and meanings, and its registry entries.
macro_rules! code_enum {
    (
        $(#[$doc:meta])*
        $name:ident in $area:ident {
            $( $variant:ident = $code:literal : $meaning:literal, )+
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( #[doc = concat!("`", $code, "`: ", $meaning, ".")] $variant, )+
        }

        impl $name {
            /// Every code of this kind.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The registry entries of this kind.
            pub(crate) const INFOS: &'static [CodeInfo] = &[$(
                CodeInfo { code: $code, area: Area::$area, severity: None, meaning: $meaning }
            ),+];

            /// The stable code string.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The area of the code.
            pub const fn area(self) -> Area {
                Area::$area
            }

            /// What the code means, in one line.
            pub const fn meaning(self) -> &'static str {
                match self { $($name::$variant => $meaning),+ }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                $name::ALL
                    .iter()
                    .copied()
                    .find(|c| c.as_str() == text)
                    .ok_or_else(|| serde::de::Error::custom(format!("unknown code `{text}`")))
            }
        }

        code_enum!(@common $name);
    };
    (@common $name:ident) => {
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl From<$name> for &'static str {
            fn from(code: $name) -> &'static str {
                code.as_str()
            }
        }
    };
}

code_enum! {
    /// What kind of format problem a [`FormatError`](crate::FormatError) is.
    ///
    /// ```
    /// assert_eq!(sequenza::FormatCode::Eof.as_str(), "format.eof");
    /// ```
    FormatCode in Format {
        Syntax = "format.syntax": "the text is not well-formed JSON",
        Eof = "format.eof": "the JSON ends too early",
        Invalid = "format.invalid": "well-formed JSON of the wrong shape: a missing field, a wrong type, an unknown variant",
        ColumnMissing = "format.column.missing": "a table lacks a column it needs (the ids; the contact, name or time of events)",
        ColumnType = "format.column.type": "a table column holds a type that cannot be read as what the column is used for",
        ValueMissing = "format.value.missing": "a table column that needs a value in every row (ids, event names and times) has none in one",
    }
}

code_enum! {
    /// The code of condition text that cannot be parsed.
    ///
    /// ```
    /// assert_eq!(sequenza::error::ParseCode::Syntax.as_str(), "condition.syntax");
    /// ```
    ParseCode in Parse {
        Syntax = "condition.syntax": "condition text that cannot be parsed",
    }
}

code_enum! {
    /// The codes of a condition that cannot be evaluated as written.
    ///
    /// ```
    /// use sequenza::error::ConditionCode;
    /// assert_eq!(ConditionCode::TypeMismatch.as_str(), "condition.type_mismatch");
    /// ```
    ConditionCode in Condition {
        FieldUnknown = "condition.field.unknown": "a condition names a profile field the field schema does not declare",
        TypeMismatch = "condition.type_mismatch": "an operator or value does not fit the declared type of its field",
        ValueMissing = "condition.value.missing": "a comparison lacks its value, or `is_set` / `is_empty` has one",
        ValueInvalid = "condition.value.invalid": "a value or operand of the wrong form (a negative count, an empty list, a bad time zone …)",
        RegexInvalid = "condition.regex.invalid": "a pattern is not a valid regular expression",
        DateInvalid = "condition.date.invalid": "a date or relative date that does not exist or cannot be read",
        TooDeep = "condition.too_deep": "a condition nests deeper than the limit",
        JsonLogicUnsupported = "condition.jsonlogic.unsupported": "a JsonLogic rule with no condition equivalent",
    }
}

code_enum! {
    /// The codes of a segment set that cannot be used.
    ///
    /// ```
    /// assert_eq!(sequenza::error::SegmentCode::Cycle.as_str(), "segment.cycle");
    /// ```
    SegmentCode in Segment {
        Cycle = "segment.cycle": "segments read each other in a circle",
        Unknown = "segment.unknown": "an `in_segment` condition or a call names no registered segment",
        Duplicate = "segment.duplicate": "a segment id is registered twice",
    }
}

code_enum! {
    /// The codes of a time rule that cannot be used as written.
    ///
    /// ```
    /// assert_eq!(sequenza::error::TimeCode::ZoneUnknown.as_str(), "time.zone.unknown");
    /// ```
    TimeCode in Time {
        TimeMalformed = "time.time.malformed": "a time of day is not HH:MM from 00:00 to 23:59",
        ZoneUnknown = "time.zone.unknown": "a time zone is not an IANA zone name known to sequenza",
        WindowAmbiguous = "time.window.ambiguous": "a time window starts and ends at the same time",
        PolicyNeverAllowed = "time.policy.never_allowed": "a send policy allows no minute of any week",
        RecurrenceFrequencyOutOfRange = "time.recurrence.frequency_out_of_range": "a recurrence runs more often than every 5 minutes or less often than every 24 hours",
        RecurrenceBadDay = "time.recurrence.bad_day": "a day of the month, a week number or a date that does not exist",
        RecurrenceNoTimes = "time.recurrence.no_times": "a weekly recurrence without a time of day",
        RecurrenceNeverAllowed = "time.recurrence.never_allowed": "no occurrence of a recurrence is allowed by its send policy",
        RecurrenceTooMany = "time.recurrence.too_many": "more occurrences asked for than the limit",
        RruleMalformed = "time.rrule.malformed": "RRULE text that cannot be read",
        RruleUnsupported = "time.rrule.unsupported": "RRULE text outside the supported subset",
        WaitSpec = "time.wait.spec": "a wait with neither or both of `duration` and `until`",
        WaitDateMissing = "time.wait.date_missing": "a wait until a date field the contact has no date in",
        CapInvalid = "time.cap.invalid": "a frequency cap of zero messages or over a non-positive window",
        OutOfRange = "time.out_of_range": "a date beyond the supported calendar",
        DatetimeNaive = "time.datetime.naive": "a date-time without a UTC offset or zone where an instant is needed (a naive Python `datetime`)",
        SearchExhausted = "time.search.exhausted": "a bounded search found nothing (a validated rule never reaches it)",
    }
}

code_enum! {
    /// The codes of a list operation that cannot be done.
    ///
    /// ```
    /// assert_eq!(sequenza::error::ListCode::Unknown.as_str(), "list.unknown");
    /// ```
    ListCode in List {
        Unknown = "list.unknown": "no list has the id",
        Duplicate = "list.duplicate": "a list with the id exists already",
        NameEmpty = "list.name.empty": "a list name is empty",
        FilterInvalid = "list.filter.invalid": "a source filter that cannot be used (an age band whose minimum is above its maximum, a malformed date …)",
        StaticOnly = "list.static_only": "an operation only a static list allows, or an auto-updating list from a source that cannot update itself",
        ContactUnknown = "list.contact.unknown": "the contact is not in the list",
        FieldInvalid = "list.field.invalid": "a contact's field value does not fit the type the audience's field schema declares",
        FieldRequired = "list.field.required": "a contact leaves a field the audience's field schema requires without a value",
    }
}

code_enum! {
    /// The codes of a CSV file (or import options) that cannot be imported at all.
    ///
    /// ```
    /// assert_eq!(sequenza::error::ImportCode::Empty.as_str(), "import.empty");
    /// ```
    ImportCode in Import {
        Empty = "import.empty": "the file has no rows",
        HeaderDuplicate = "import.header.duplicate": "two header cells have the same name",
        HeaderEmpty = "import.header.empty": "a header cell is empty while the mapping needs names",
        MappingUnknownColumn = "import.mapping.unknown_column": "the mapping names a column the file does not have",
        MappingUnknownField = "import.mapping.unknown_field": "the mapping names a profile field the field schema does not declare",
        MappingDuplicateTarget = "import.mapping.duplicate_target": "two columns are mapped to `id`, `email` or `phone`",
        OptionInvalid = "import.option.invalid": "an unknown or out-of-range import option",
        Io = "import.io": "the reader failed",
    }
}

code_enum! {
    /// The codes of a row an import rejects (in the import report; not errors).
    ///
    /// ```
    /// assert_eq!(sequenza::error::RejectionCode::EmailInvalid.as_str(), "import.email.invalid");
    /// ```
    RejectionCode in Import {
        RowRagged = "import.row.ragged": "a row has more or fewer cells than the header",
        RowEmpty = "import.row.empty": "no used column of a row has a value",
        QuoteUnterminated = "import.quote.unterminated": "a quoted cell never ends",
        CellTooLarge = "import.cell.too_large": "a cell is larger than the limit",
        EncodingInvalid = "import.encoding.invalid": "a row is not valid text in the file's encoding",
        EmailInvalid = "import.email.invalid": "a cell is not an e-mail address",
        PhoneInvalid = "import.phone.invalid": "a cell is not a valid phone number",
        DateInvalid = "import.date.invalid": "a cell is not a date",
        DatetimeInvalid = "import.datetime.invalid": "a cell is not a date and time",
        NumberInvalid = "import.number.invalid": "a cell is not a number",
        BooleanInvalid = "import.boolean.invalid": "a cell is not yes or no",
        ChoiceInvalid = "import.choice.invalid": "a cell is not one of the field's choices",
        ConsentInvalid = "import.consent.invalid": "a consent cell is not yes or no",
        TimeZoneInvalid = "import.time_zone.invalid": "a cell is not an IANA time zone",
        RowNoIdentity = "import.row.no_identity": "a row has no e-mail, phone or id (and anonymous contacts were not asked for)",
        FieldRequired = "import.field.required": "a required field (without a default) has no value in the row",
        FieldInvalid = "import.field.invalid": "a value does not fit its field's declared type",
    }
}

code_enum! {
    /// The codes of a JsonLogic rule that cannot be evaluated.
    ///
    /// ```
    /// assert_eq!(sequenza::error::JsonLogicCode::TooDeep.as_str(), "jsonlogic.too_deep");
    /// ```
    JsonLogicCode in JsonLogic {
        UnknownOperator = "jsonlogic.unknown_operator": "an object with one key names no JsonLogic operator",
        TooDeep = "jsonlogic.too_deep": "operations and arrays nest deeper than the limit",
        InvalidArguments = "jsonlogic.invalid_arguments": "an operation got arguments it has no answer for",
    }
}

code_enum! {
    /// The code of a malformed merge field.
    ///
    /// ```
    /// assert_eq!(sequenza::error::MergeCode::Malformed.as_str(), "flow.merge_field.malformed");
    /// ```
    MergeCode in Merge {
        Malformed = "flow.merge_field.malformed": "a `{{ … }}` merge field is malformed",
    }
}

code_enum! {
    /// What kind of engine error an [`EngineError`](crate::engine::EngineError) is.
    ///
    /// ```
    /// use sequenza::engine::EngineCode;
    /// assert_eq!(EngineCode::ClockBackwards.as_str(), "engine.clock.backwards");
    /// ```
    EngineCode in Engine {
        ClockBackwards = "engine.clock.backwards": "`now` is earlier than the instant of an input already handled",
        FlowInvalid = "engine.flow.invalid": "a published flow has error findings (they are in `findings`)",
        FlowUnknown = "engine.flow.unknown": "no flow with this id was published",
        FlowStatus = "engine.flow.status": "a status a flow cannot be set to: only active, paused and archived, and an archived flow stays archived",
        KeywordTaken = "engine.keyword.taken": "a keyword already belongs to another active flow",
        ContactUnknown = "engine.contact.unknown": "no contact with this id",
        SenderUnknown = "engine.message.sender_unknown": "an inbound message names no contact and no phone",
        EffectUnknown = "engine.effect.unknown": "an acknowledgement names an effect that is not in the outbox",
        NodeUnknown = "engine.node.unknown": "a node id (of `move_to`, or of a publish call's `node_map`) names no node of the flow version it must be in",
        EnrollmentNotWaiting = "engine.enrollment.not_waiting": "the contact is not waiting in the flow: it never entered, or it finished or exited",
        FlowTaken = "engine.flow.taken": "the new id of a duplicated flow already belongs to a published flow",
        // preview_schedule (issue 12 §2)
        PreviewNotScheduled = "engine.preview.not_scheduled": "a schedule preview asked of a flow that no schedule trigger starts (no automatic send)",
        PreviewInactive = "engine.preview.inactive": "a schedule preview asked of a flow that is not active (paused, draft or archived flows run no check)",
    }
}

code_enum! {
    /// What kind of storage failure a [`StoreError`](crate::store::StoreError) is.
    ///
    /// ```
    /// use sequenza::store::StoreCode;
    /// assert_eq!(StoreCode::Unavailable.as_str(), "store.unavailable");
    /// ```
    StoreCode in Store {
        Unavailable = "store.unavailable": "the store cannot be reached or written",
        Conflict = "store.conflict": "a write conflicts with another writer; retry the input",
        Corrupt = "store.corrupt": "the stored data is not what the engine wrote",
    }
}

/// Defines the finding code enum: like `code_enum!`, with an area and a severity per code.
macro_rules! finding_codes {
    (
        $(#[$doc:meta])*
        $name:ident {
            $( $variant:ident = $code:literal, $area:ident, $sev:ident : $meaning:literal, )+
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( #[doc = concat!("`", $code, "` (", stringify!($sev), "): ", $meaning, ".")] $variant, )+
        }

        impl $name {
            /// Every finding code.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The registry entries of the finding codes.
            pub(crate) const INFOS: &'static [CodeInfo] = &[$(
                CodeInfo { code: $code, area: Area::$area, severity: Some(Severity::$sev), meaning: $meaning }
            ),+];

            /// The stable code string.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The area of the code.
            pub const fn area(self) -> Area {
                match self { $($name::$variant => Area::$area),+ }
            }

            /// The severity of a finding with this code.
            pub const fn severity(self) -> Severity {
                match self { $($name::$variant => Severity::$sev),+ }
            }

            /// What the code means, in one line.
            pub const fn meaning(self) -> &'static str {
                match self { $($name::$variant => $meaning),+ }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                $name::ALL
                    .iter()
                    .copied()
                    .find(|c| c.as_str() == text)
                    .ok_or_else(|| serde::de::Error::custom(format!("unknown code `{text}`")))
            }
        }

        code_enum!(@common $name);
    };
}

finding_codes! {
    /// The code of a validation finding, carrying its severity.
    ///
    /// ```
    /// use sequenza::{error::FindingCode, Severity};
    /// assert_eq!(FindingCode::NodeUnreachable.severity(), Severity::Warning);
    /// assert_eq!(FindingCode::NodeUnreachable.as_str(), "flow.node.unreachable");
    /// ```
    FindingCode {
        TriggerNone = "flow.trigger.none", Flow, Error: "the flow has no trigger",
        StartMissing = "flow.start.missing", Flow, Error: "`start` names no node of the flow",
        NodeDuplicateId = "flow.node.duplicate_id", Flow, Error: "two nodes share an id",
        EdgeMissingSource = "flow.edge.missing_source", Flow, Error: "an edge leaves a node that does not exist",
        EdgeMissingTarget = "flow.edge.missing_target", Flow, Error: "an edge leads to a node that does not exist",
        EdgeUnknownLabel = "flow.edge.unknown_label", Flow, Error: "an edge label is not a branch of its node",
        EdgeDuplicateLabel = "flow.edge.duplicate_label", Flow, Error: "a node has two edges with the same label",
        BranchMissing = "flow.branch.missing", Flow, Error: "a required branch (yes/no, timeout, failure, a case) has no edge",
        NodeUnreachable = "flow.node.unreachable", Flow, Warning: "no path from the start reaches the node",
        NodeDeadEnd = "flow.node.dead_end", Flow, Warning: "a path ends on a node that is not an exit or a goal",
        CycleNoWait = "flow.cycle.no_wait", Flow, Error: "a loop can repeat without passing a wait, question or menu",
        RandomSplitSum = "flow.random_split.sum", Flow, Error: "random split percentages do not sum to 100",
        BranchDuplicateName = "flow.branch.duplicate_name", Flow, Error: "two cases, variants or options share a name",
        WaitSpec = "time.wait.spec", Time, Error: "a wait needs exactly one of duration / until (event / condition)",
        WaitNonPositive = "flow.wait.non_positive", Flow, Error: "a wait or timeout is zero or negative",
        WaitTooLong = "flow.wait.too_long", Flow, Warning: "a wait or timeout is longer than a year",
        TimeZoneUnknown = "time.zone.unknown", Time, Error: "a time zone is not an IANA zone name",
        TimeMalformed = "time.time.malformed", Time, Error: "a local time is not HH:MM (00:00–23:59)",
        QuietHoursMalformed = "time.window.ambiguous", Time, Error: "a time window starts and ends at the same time",
        ScheduleFrequencyOutOfRange = "time.recurrence.frequency_out_of_range", Time, Error: "an automatic send checks more often than every 5 minutes or less often than every 24 hours",
        ScheduleBadDay = "time.recurrence.bad_day", Time, Error: "a recurrence names a day of the month, a week number or a date that does not exist",
        RecurrenceNoTimes = "time.recurrence.no_times", Time, Error: "a weekly recurrence without a time of day",
        SendMissingContent = "flow.send.missing_content", Flow, Error: "a send has no template and lacks the content its channel needs",
        SendChannelUnsupported = "flow.send.channel_unsupported", Flow, Error: "questions, menus and inbound triggers work on WhatsApp and SMS only",
        MergeFieldMalformed = "flow.merge_field.malformed", Merge, Error: "a `{{ … }}` merge field is malformed",
        MergeFieldUnknown = "flow.merge_field.unknown", Flow, Error: "a merge field names an undeclared profile field",
        FieldUnknown = "flow.field.unknown", Flow, Error: "a node, trigger or condition names an undeclared profile field",
        QuestionInvalidPattern = "flow.question.invalid_pattern", Flow, Error: "an answer pattern is not a valid regular expression",
        OptionsEmpty = "flow.options.empty", Flow, Error: "a choice answer, menu, split or random split has no options",
        ConditionValue = "flow.condition.value", Flow, Error: "a comparison lacks its value, or `is_set`/`is_empty` has one",
        ConditionTooDeep = "flow.condition.too_deep", Flow, Error: "a condition is nested deeper than 64 levels",
        ConditionInvalid = "flow.condition.invalid", Flow, Error: "a condition cannot be evaluated as written: a bad regular expression or date, a type mismatch with the declared field, a malformed operand",
        KeywordEmpty = "flow.keyword.empty", Flow, Error: "a keyword trigger has an empty keyword or none",
        FieldTypeMismatch = "flow.field.type_mismatch", Flow, Error: "a value, an answer or a date check does not fit the declared type of its field",
        ApiTimeoutOutOfRange = "flow.api.timeout_out_of_range", Flow, Error: "an API call timeout is not between 1 and 300 seconds",
        UrlInvalid = "flow.url.invalid", Flow, Error: "an API call, webhook or feed URL is not http(s)",
        FlowsIdDuplicate = "flows.id.duplicate", Flow, Error: "two flows share an id",
        FlowsKeywordDuplicate = "flows.keyword.duplicate", Flow, Error: "two active flows answer the same keyword on the same channel",
        FlowsKeywordOverlap = "flows.keyword.overlap", Flow, Warning: "a message could match keywords of two active flows (one contains or starts with the other)",
        FlowsLaunchCycle = "flows.launch.cycle", Flow, Error: "flows launch each other in a loop",
        FlowsLaunchUnknownFlow = "flows.launch.unknown_flow", Flow, Warning: "a node launches a flow that is not in the set",
        FlowsScheduleConflict = "flows.schedule.conflict", Flow, Warning: "an automatic send has the same start condition as another active flow's trigger, so one can keep the other from starting",
    }
}

/// Merges the registry entries of the code enums: a code string listed by two enums (an error
/// code that validation also reports as a finding) is one entry, with the finding's severity.
fn build() -> Vec<CodeInfo> {
    let parts: &[&[CodeInfo]] = &[
        FormatCode::INFOS,
        ParseCode::INFOS,
        ConditionCode::INFOS,
        SegmentCode::INFOS,
        TimeCode::INFOS,
        ListCode::INFOS,
        ImportCode::INFOS,
        RejectionCode::INFOS,
        JsonLogicCode::INFOS,
        MergeCode::INFOS,
        EngineCode::INFOS,
        StoreCode::INFOS,
        FindingCode::INFOS,
    ];
    let mut out: Vec<CodeInfo> = Vec::new();
    for info in parts.iter().flat_map(|p| p.iter()) {
        match out.iter_mut().find(|c| c.code == info.code) {
            Some(existing) => {
                if existing.severity.is_none() {
                    existing.severity = info.severity;
                }
            }
            None => out.push(*info),
        }
    }
    out
}

/// The one registry: every code sequenza produces, with its area, its severity (for validation
/// findings) and one line of meaning. Each code appears once.
///
/// ```
/// let codes = sequenza::error::codes();
/// let info = codes.iter().find(|c| c.code == "time.cap.invalid").unwrap();
/// assert_eq!(info.area, sequenza::error::Area::Time);
/// assert_eq!(info.severity, None);
/// // A rule that validation also reports as a finding has one code, with the finding's severity.
/// let zone = codes.iter().find(|c| c.code == "time.zone.unknown").unwrap();
/// assert_eq!(zone.severity, Some(sequenza::Severity::Error));
/// assert!(codes.iter().any(|c| c.code == "format.syntax"));
/// ```
pub fn codes() -> &'static [CodeInfo] {
    static CODES: OnceLock<Vec<CodeInfo>> = OnceLock::new();
    CODES.get_or_init(build)
}

/// One entry of [`finding_codes`]: what `findingCodes()` / `finding_codes()` give in every
/// binding (`{code, severity, description}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FindingCodeInfo {
    /// The stable code (`flow.node.unreachable`).
    pub code: &'static str,
    /// The severity every finding with this code has.
    pub severity: Severity,
    /// What the code means, in one line.
    pub description: &'static str,
}

/// Every validation finding code with its severity and meaning, in registry order.
///
/// ```
/// let all = sequenza::error::finding_codes();
/// let info = all.iter().find(|c| c.code == "flow.node.unreachable").unwrap();
/// assert_eq!(info.severity, sequenza::Severity::Warning);
/// ```
pub fn finding_codes() -> Vec<FindingCodeInfo> {
    FindingCode::ALL
        .iter()
        .map(|c| FindingCodeInfo {
            code: c.as_str(),
            severity: c.severity(),
            description: c.meaning(),
        })
        .collect()
}

/// The registry entry of a code string, if it is one.
///
/// ```
/// let info = sequenza::error::code_info("jsonlogic.too_deep").unwrap();
/// assert_eq!(info.area.as_str(), "jsonlogic");
/// assert!(sequenza::error::code_info("no.such.code").is_none());
/// ```
pub fn code_info(code: &str) -> Option<&'static CodeInfo> {
    codes().iter().find(|c| c.code == code)
}

/// The code of a [`ConditionError`](crate::ConditionError): a condition code, or a segment code
/// for a problem of the segment set a condition reads.
///
/// ```
/// use sequenza::error::{Area, ConditionCode, ConditionErrorCode, SegmentCode};
/// let code = ConditionErrorCode::from(SegmentCode::Cycle);
/// assert_eq!((code.as_str(), code.area()), ("segment.cycle", Area::Segment));
/// assert_eq!(ConditionErrorCode::from(ConditionCode::TooDeep), "condition.too_deep");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ConditionErrorCode {
    /// A condition that cannot be evaluated as written.
    Condition(ConditionCode),
    /// A segment set that cannot be used.
    Segment(SegmentCode),
}

impl ConditionErrorCode {
    /// The stable code string.
    ///
    /// ```
    /// use sequenza::error::{ConditionCode, ConditionErrorCode};
    /// assert_eq!(ConditionErrorCode::Condition(ConditionCode::TooDeep).as_str(), "condition.too_deep");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            ConditionErrorCode::Condition(c) => c.as_str(),
            ConditionErrorCode::Segment(c) => c.as_str(),
        }
    }

    /// The area: [`Area::Condition`] or [`Area::Segment`].
    ///
    /// ```
    /// use sequenza::error::{Area, ConditionCode, ConditionErrorCode};
    /// assert_eq!(ConditionErrorCode::Condition(ConditionCode::TooDeep).area(), Area::Condition);
    /// ```
    pub const fn area(self) -> Area {
        match self {
            ConditionErrorCode::Condition(c) => c.area(),
            ConditionErrorCode::Segment(c) => c.area(),
        }
    }
}

impl From<ConditionCode> for ConditionErrorCode {
    fn from(code: ConditionCode) -> Self {
        ConditionErrorCode::Condition(code)
    }
}

impl From<SegmentCode> for ConditionErrorCode {
    fn from(code: SegmentCode) -> Self {
        ConditionErrorCode::Segment(code)
    }
}

code_enum!(@common ConditionErrorCode);

/// A code enum in the JSON Schema: a string, one of its codes.
#[cfg(feature = "schema")]
macro_rules! code_schema {
    ($($name:ident: $description:literal),+) => {$(
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let codes: Vec<&str> = $name::ALL.iter().map(|c| c.as_str()).collect();
                schemars::json_schema!({ "description": $description, "type": "string", "enum": codes })
            }
        }
    )+};
}

#[cfg(feature = "schema")]
code_schema!(
    FindingCode: "The stable code of a validation finding (each code has one severity).",
    RejectionCode: "The stable code of a row an import rejects (in the import report and the preview)."
);
