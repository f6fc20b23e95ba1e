"""Type stubs of sequenza (the native module is ``sequenza._sequenza``)."""

import datetime
import os
from typing import Any, Callable, Dict, Iterable, List, Literal, Optional, Tuple, TypedDict, Union

__version__: str

class Finding(TypedDict):
    """One validation finding (returned as a plain ``dict``)."""

    code: str
    severity: Literal["error", "warning"]
    flow: str
    node: Optional[str]
    path: str
    message: str

class FindingCode(TypedDict):
    """One entry of :func:`finding_codes` (returned as a plain ``dict``)."""

    code: str
    severity: Literal["error", "warning"]
    description: str

JsonDocument = Union[str, bytes, Dict[str, Any]]
"""JSON text, UTF-8 bytes, or a dict serialised with ``json.dumps``."""

class SequenzaError(Exception):
    """Base class of every error raised by sequenza: one subclass per error area of the core.
    Attributes are set from the core's error data; those that do not apply are None."""

    area: str
    """The error area: ``"format"``, ``"parse"``, ``"condition"``, ``"segment"``, ``"time"``,
    ``"list"``, ``"import"``, ``"jsonlogic"``, ``"merge"``, ``"flow"``, ``"engine"``, ``"store"``."""
    code: str
    """Stable machine code, e.g. ``"format.invalid"`` (every code is in :func:`error_codes`)."""
    message: str
    """What went wrong, without the location."""
    path: Optional[str]
    """JSON pointer (RFC 6901) of the offending value, ``""`` for the document itself."""
    line: Optional[int]
    """1-based line in the text (for a dict input: in its ``json.dumps`` text)."""
    column: Optional[int]
    """1-based column in the text (for a dict input: in its ``json.dumps`` text)."""
    row: Optional[int]
    """1-based CSV row (the header is row 1)."""
    csv_column: Optional[int]
    """0-based CSV column."""
    column_name: Optional[str]
    """The CSV column's header name (or the import option's name)."""
    byte_offset: Optional[int]
    """Byte offset in the input."""
    node: Optional[str]
    flow: Optional[str]
    contact: Optional[str]
    report: Optional["ImportReport"]
    """What an import that stopped part-way had done (set on a ``CsvImportError`` only)."""
    findings: Optional[List[Dict[str, Any]]]
    expected: Optional[List[str]]
    found: Optional[str]
    operator: Optional[str]

class FlowFormatError(SequenzaError):
    """A flow or field-schema document could not be read.

    ``code`` is ``"format.syntax"``, ``"format.eof"`` or ``"format.invalid"``; ``path``,
    ``line`` and ``column`` are always set.
    """

    path: str
    line: int
    column: int

class ConditionSyntaxError(SequenzaError):
    """Condition text that cannot be parsed (``code`` ``"condition.syntax"``).

    ``line`` and ``column`` (1-based, in characters) locate the offending token; ``path`` is None.
    """

    path: None
    line: int
    column: int
    expected: List[str]
    """What the parser expected there (``"a field name"``, ``"\")\""`` …)."""
    found: str
    """What it found (``"end of input"`` at the end)."""

class ConditionError(SequenzaError):
    """A condition or segment that cannot be evaluated as written.

    ``code`` is e.g. ``"condition.field.unknown"``, ``"condition.type_mismatch"``,
    ``"condition.regex.invalid"``, ``"condition.too_deep"``, ``"condition.jsonlogic.unsupported"``,
    ``"segment.cycle"``; ``path`` is the JSON pointer of the offending part; ``line`` and
    ``column`` are None.
    """

    path: str
    line: None
    column: None

class JsonLogicError(SequenzaError):
    """A JsonLogic rule :func:`jsonlogic_apply` cannot evaluate.

    ``code`` is ``"jsonlogic.unknown_operator"``, ``"jsonlogic.too_deep"`` or
    ``"jsonlogic.invalid_arguments"``; ``path`` is the JSON pointer of the node in the rule.
    """

    path: str
    line: None
    column: None

class TimeError(SequenzaError):
    """A send policy or recurrence that cannot be used as written.

    ``code`` is e.g. ``"time.time.malformed"``, ``"time.zone.unknown"``,
    ``"time.window.ambiguous"``, ``"time.policy.never_allowed"``,
    ``"time.recurrence.frequency_out_of_range"``, ``"time.recurrence.bad_day"``,
    ``"time.recurrence.no_times"``, ``"time.recurrence.never_allowed"``,
    ``"time.recurrence.too_many"``, ``"time.rrule.malformed"``, ``"time.rrule.unsupported"``,
    ``"time.out_of_range"``; ``path`` is the JSON pointer of the offending value in the rule's JSON
    form (``""`` for the whole rule); ``line`` and ``column`` are None.
    """

    path: str
    line: None
    column: None

class SegmentError(ConditionError):
    """A segment problem (area ``segment``: ``segment.cycle``, ``segment.unknown``,
    ``segment.duplicate``); also a :class:`ConditionError`."""

class MergeSyntaxError(SequenzaError):
    """A malformed ``{{ … }}`` merge field (area ``merge``), with ``byte_offset``."""

class FlowError(SequenzaError):
    """A flow that cannot be used as written (area ``flow``)."""

class EngineError(SequenzaError):
    """An input the flow engine refuses (area ``engine``): ``engine.clock.backwards``,
    ``engine.flow.invalid`` (``findings`` lists the errors), ``engine.flow.unknown``,
    ``engine.flow.status``, ``engine.keyword.taken``, ``engine.contact.unknown``,
    ``engine.message.sender_unknown``, ``engine.effect.unknown``,
    ``engine.preview.not_scheduled``, ``engine.preview.inactive``;
    ``path`` (JSON pointer into the input), ``flow``, ``node``, ``contact`` locate it."""

    path: str

class StoreError(SequenzaError):
    """A store that cannot be read or written (area ``store``)."""

class ErrorCode(TypedDict):
    """One entry of :func:`error_codes` (returned as a plain ``dict``)."""

    code: str
    area: str
    severity: Optional[Literal["error", "warning"]]
    meaning: str

def error_codes() -> List[ErrorCode]:
    """Every error and finding code sequenza produces, with its area, severity and meaning."""

class NaiveDatetimeError(TimeError, ValueError):
    """A naive ``datetime`` (no time zone) where an instant is needed; code
    ``"time.datetime.naive"``, ``path`` None. Also a ``ValueError``."""

    path: None  # type: ignore[assignment]

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Window = Union[Tuple[str, str], Dict[str, str]]
"""A local window: a ``("HH:MM", "HH:MM")`` pair or ``{"start": ..., "end": ...}``."""

class Decision(TypedDict, total=False):
    """What :meth:`SendPolicy.decide` returns (a plain ``dict``)."""

    decision: Literal["allow", "defer", "skip"]
    until: datetime.datetime
    """With ``"defer"``: when the send may go out (aware, UTC)."""

class SendPolicy:
    """Quiet hours, allowed weekdays and allowed hours in a recipient's local time (DST-exact).

    Every argument is optional; windows are ``[start, end)`` and cross midnight when ``end`` is
    before ``start``. ``timezone`` is the zone used when a call gives none (default UTC). Raises
    :class:`TimeError` or :class:`FlowFormatError` with ``code`` and ``path``
    (``/quiet_hours/0/end``).
    """

    def __init__(
        self,
        quiet_hours: Optional[Iterable[Window]] = None,
        weekdays: Optional[Iterable[Weekday]] = None,
        hours: Optional[Iterable[Window]] = None,
        timezone: Optional[str] = None,
        *,
        fallback_timezone: Optional[str] = None,
        outside_window: Optional[Literal["defer", "skip"]] = None,
    ) -> None: ...
    @staticmethod
    def from_json(data: JsonDocument) -> "SendPolicy":
        """Read the flow model's send-policy JSON (text, bytes or dict)."""
    def next_allowed(self, dt: Instant, timezone: Optional[str] = None) -> datetime.datetime:
        """The first instant at or after ``dt`` when a send may go out (aware, UTC)."""
    def is_allowed(self, dt: Instant, timezone: Optional[str] = None) -> bool:
        """Whether a send may go out at ``dt``."""
    def decide(self, dt: Instant, timezone: Optional[str] = None) -> Decision:
        """Allow, defer (with ``until``) or skip a send at ``dt``."""
    @property
    def timezone(self) -> str:
        """The zone used when a call gives none (IANA name)."""
    def to_dict(self) -> Dict[str, Any]:
        """The policy in the flow model's JSON form (a combined policy's combined rule)."""
    def next_allowed_many(self, dts: Any, timezone: Optional[str] = None) -> Any:
        """``next_allowed`` for a list of instants (gives a list of aware UTC datetimes), a
        NumPy ``datetime64`` array read as UTC (gives ``datetime64[us]``; ``NaT`` stays) or Arrow
        timestamps with a zone (pyarrow array / chunked array, polars Series: gives a pyarrow
        ``timestamp[us, UTC]`` array; nulls stay)."""
    def is_allowed_many(self, dts: Any, timezone: Optional[str] = None) -> Any:
        """``is_allowed`` for a list (gives ``list[bool]``), a NumPy ``datetime64`` array
        (gives a ``bool`` array; ``False`` for ``NaT``) or Arrow timestamps (gives a pyarrow
        ``bool`` array)."""
    @staticmethod
    def combine(
        policies: Iterable[Union["SendPolicy", JsonDocument]], timezone: Optional[str] = None
    ) -> "SendPolicy":
        """All the policies together: the stricter wins. Error paths start with the index."""
    def stricter(self, other: Union["SendPolicy", JsonDocument]) -> "SendPolicy":
        """This policy and ``other`` together (keeps this policy's zone)."""

class Recurrence:
    """Every N minutes, weekly at local times, monthly, "the last Monday", yearly — DST-stable.

    ``rule`` is the JSON form (``{"kind": "every", "minutes": 15}`` …); ``timezone`` the zone of
    the local times (default: the policy's zone, else UTC); ``policy`` keeps only the occurrences
    it allows. Raises :class:`TimeError` or :class:`FlowFormatError`.
    """

    def __init__(
        self,
        rule: JsonDocument,
        timezone: Optional[str] = None,
        policy: Union[SendPolicy, JsonDocument, None] = None,
    ) -> None: ...
    @staticmethod
    def from_rrule(
        text: str,
        timezone: Optional[str] = None,
        policy: Union[SendPolicy, JsonDocument, None] = None,
    ) -> "Recurrence":
        """Read an RFC 5545 RRULE (the supported subset)."""
    def next_after(self, dt: Instant) -> datetime.datetime:
        """The first occurrence strictly after ``dt`` (aware, UTC)."""
    def between(self, a: Instant, b: Instant) -> List[datetime.datetime]:
        """Every occurrence in ``[a, b)``, in order (aware, UTC)."""
    def next_after_many(self, dts: Any) -> Any:
        """``next_after`` for a list of instants, a NumPy ``datetime64`` array (read as UTC) or
        Arrow timestamps with a zone (gives a pyarrow ``timestamp[us, UTC]`` array)."""
    def to_rrule(self) -> str:
        """The rule as an RFC 5545 RRULE."""
    def to_dict(self) -> Dict[str, Any]:
        """The rule in its JSON form."""
    @property
    def timezone(self) -> str:
        """The zone of the local times (IANA name)."""

Channel = Literal["email", "sms", "web_push", "whatsapp"]
SentEntry = Union[
    Tuple[Instant, Channel], Tuple[Instant, Channel, bool], Dict[str, Any]
]
"""A message already sent: ``(at, channel)``, ``(at, channel, transactional)`` or
``{"at": ..., "channel": ..., "transactional": ...}``."""

def wait_end(
    wait: JsonDocument,
    at: Instant,
    timezone: Optional[str] = None,
    *,
    date: Union[datetime.date, str, None] = None,
    policy: Union[SendPolicy, JsonDocument, None] = None,
) -> datetime.datetime:
    """When a flow's wait node (its JSON form) started at ``at`` ends for a recipient in
    ``timezone`` (default: the policy's zone, else UTC), moved into ``policy``; aware, UTC."""

def local_to_utc(local: Union[datetime.datetime, str], timezone: str) -> datetime.datetime:
    """A naive wall time in ``timezone`` as an aware UTC instant (gap: first instant after it;
    overlap: first occurrence)."""

class ResolvedZone:
    """A recipient's zone and the link of the fallback chain that gave it."""

    @property
    def zone(self) -> str:
        """The IANA zone name."""
    @property
    def source(self) -> Literal["contact", "country", "phone", "flow", "account", "default"]:
        """Which link gave the zone."""
    @property
    def skipped(self) -> List[str]:
        """Earlier links that were present but unusable."""

def resolve_time_zone(
    contact: Optional[JsonDocument],
    flow_zone: Optional[str] = None,
    account_zone: Optional[str] = None,
) -> ResolvedZone:
    """The contact's zone → country → phone → ``flow_zone`` → ``account_zone`` → UTC."""

class FrequencyCaps:
    """At most N messages per channel (or over all channels) in a rolling window, per contact.

    ``caps``: ``[{"channel": "email", "max": 2, "per": {"amount": 1, "unit": "days"}}]``;
    ``when_capped``: ``"defer"`` (default) or ``"skip"``. Raises :class:`TimeError`
    ``time.cap.invalid``.
    """

    def __init__(
        self,
        caps: Optional[Iterable[Dict[str, Any]]] = None,
        *,
        when_capped: Optional[Literal["defer", "skip"]] = None,
    ) -> None: ...
    @staticmethod
    def from_json(data: JsonDocument) -> "FrequencyCaps":
        """Read ``{"caps": [...], "when_capped": ...}``."""
    def decide(
        self,
        history: Optional[Iterable[SentEntry]],
        channel: Channel,
        at: Instant,
        *,
        transactional: bool = False,
    ) -> Decision:
        """Allow, defer (to when the caps free) or skip a message on ``channel`` at ``at``."""
    def frees_at(
        self, history: Optional[Iterable[SentEntry]], channel: Channel, at: Instant
    ) -> datetime.datetime:
        """The first instant at or after ``at`` when one more message fits every cap."""
    def to_dict(self) -> Dict[str, Any]:
        """The caps in their JSON form."""

def plan_send(
    at: Instant,
    channel: Channel,
    *,
    timezone: Optional[str] = None,
    policy: Union[SendPolicy, JsonDocument, None] = None,
    caps: Union[FrequencyCaps, JsonDocument, None] = None,
    history: Optional[Iterable[SentEntry]] = None,
    transactional: bool = False,
) -> Decision:
    """Every check before a send: transactional → caps → send policy in the recipient's zone."""

class Flow:
    """A flow: triggers, nodes joined by labelled edges, and settings. Immutable."""

    @staticmethod
    def from_json(data: JsonDocument) -> "Flow":
        """Parse a flow; raises :class:`FlowFormatError` or ``TypeError``."""
    @property
    def id(self) -> str:
        """The flow's stable id."""
    @property
    def name(self) -> str:
        """The name shown to people."""
    @property
    def status(self) -> Literal["draft", "active", "paused", "archived"]:
        """The life-cycle state."""
    @property
    def version(self) -> int:
        """The version number."""
    def to_json(self, pretty: bool = False) -> str:
        """The canonical JSON form; indented when ``pretty`` is true."""
    def to_dict(self) -> Dict[str, Any]:
        """The canonical JSON form as a dict."""
    def outline(self) -> str:
        """A readable outline: trigger, nodes with their branches, one per line."""

def validate_flow(
    flow: Union[Flow, JsonDocument],
    fields: Optional[JsonDocument] = None,
) -> List[Finding]:
    """Validate one flow; findings are returned, never raised."""

def validate_flows(
    flows: Iterable[Union[Flow, JsonDocument]],
    fields: Optional[JsonDocument] = None,
) -> List[Finding]:
    """Validate a set of flows: each on its own, then the checks across flows."""

Instant = Union[datetime.datetime, str]
"""A timezone-aware ``datetime`` (a naive one raises ``ValueError``) or an RFC 3339 string."""

TableLike = Any
"""A pandas or polars DataFrame, a pyarrow Table, or any object with ``__arrow_c_stream__``."""

class MembershipDelta(TypedDict):
    """A change of segment membership (returned as a plain ``dict``)."""

    contact: str
    segment: str
    change: Literal["entered", "exited"]
    at: datetime.datetime
    """The instant of the evaluation that saw the change (aware, UTC)."""

class Segment:
    """A condition over contacts, with an optional ``id`` and ``name``. Immutable."""

    @staticmethod
    def parse(text: str, id: Optional[str] = None, name: Optional[str] = None) -> "Segment":
        """Parse the readable text syntax; raises :class:`ConditionSyntaxError`."""
    @staticmethod
    def from_json(
        data: JsonDocument, id: Optional[str] = None, name: Optional[str] = None
    ) -> "Segment":
        """Read condition JSON or a segment object ``{"id", "name", "condition"}``;
        raises :class:`FlowFormatError` or ``TypeError``."""
    @staticmethod
    def from_jsonlogic(
        rule: Any, id: Optional[str] = None, name: Optional[str] = None
    ) -> "Segment":
        """Translate a JsonLogic rule; raises :class:`ConditionError`
        (``condition.jsonlogic.unsupported``)."""
    @property
    def id(self) -> Optional[str]:
        """The segment's id, or None."""
    @property
    def name(self) -> Optional[str]:
        """The name shown to people, or None."""
    def to_text(self) -> str:
        """The condition in the readable text syntax."""
    def to_json(self, pretty: bool = False) -> str:
        """The condition as JSON text."""
    def to_dict(self) -> Dict[str, Any]:
        """The condition as a dict."""
    def check(self, fields: Optional[JsonDocument] = None) -> None:
        """Check the condition (against a field schema when given); raises :class:`ConditionError`."""
    def matches(
        self,
        contact: JsonDocument,
        now: Instant,
        events: Optional[Iterable[JsonDocument]] = None,
        default_time_zone: str = "UTC",
        segments: Iterable[str] = (),
    ) -> bool:
        """True when the contact is in the segment at ``now``."""
    def filter(
        self,
        table: Union["ContactTable", TableLike],
        now: Instant,
        *,
        id_column: str = "id",
        events: Optional[TableLike] = None,
        default_time_zone: str = "UTC",
        fields: Optional[JsonDocument] = None,
    ) -> List[Union[str, int]]:
        """The ids of the matching rows of a table, in table order (read through Arrow)."""
    def count(
        self,
        table: Union["ContactTable", TableLike],
        now: Instant,
        *,
        id_column: str = "id",
        events: Optional[TableLike] = None,
        default_time_zone: str = "UTC",
        fields: Optional[JsonDocument] = None,
    ) -> int:
        """How many rows of a table match (``len(filter(...))`` without the list)."""
    def mask(
        self,
        table: Union["ContactTable", TableLike],
        now: Instant,
        *,
        id_column: str = "id",
        events: Optional[TableLike] = None,
        default_time_zone: str = "UTC",
        fields: Optional[JsonDocument] = None,
    ) -> Any:
        """Which rows match: a boolean Arrow array aligned with the table's rows (a
        ``pyarrow.BooleanArray``; without pyarrow an object with ``__arrow_c_array__``)."""
    def __str__(self) -> str:
        """The condition in the readable text syntax."""

# ContactTable (issue 10 §6): a table read once, evaluated by many segments.
class ContactTable:
    """Contacts read once from a table (anything with ``__arrow_c_stream__``: polars, pandas,
    pyarrow, DuckDB results) for ``Segment.filter`` / ``count`` / ``mask``."""

    @staticmethod
    def from_arrow(
        table: TableLike,
        events: Optional[TableLike] = None,
        memberships: Optional[Dict[str, Iterable[Union[str, int]]]] = None,
        segments: Optional[Union["SegmentIndex", Iterable[Union["Segment", JsonDocument]]]] = None,
        *,
        id_column: str = "id",
        tags_column: str = "tags",
        lists_column: str = "lists",
        time_zone_column: str = "time_zone",
        consent_columns: Optional[Dict[str, str]] = None,
        fields: Optional[JsonDocument] = None,
    ) -> "ContactTable":
        """Read the table (and its events: columns ``contact``, ``name``, ``at``, properties).
        ``in_segment`` reads ``memberships`` (segment id -> contact ids), else the definitions
        in ``segments`` (a ``SegmentIndex`` or segments), evaluated at the same ``now``; a segment
        with neither has no members. ``consent_columns`` maps a channel to its column (default
        ``consent_<channel>``; booleans or ``opted_in`` / ``opted_out`` / ``unknown``). Raises
        :class:`FlowFormatError` (``format.column.missing``, ``format.column.type``,
        ``format.value.missing``, ``format.invalid``) or ``TypeError``."""
    def __len__(self) -> int:
        """The number of contacts (rows)."""

class SegmentIndex:
    """Keeps segment membership of contacts up to date, incrementally."""

    def __init__(
        self, fields: Optional[JsonDocument] = None, default_time_zone: str = "UTC"
    ) -> None:
        """An empty index (checking conditions against ``fields`` when given)."""
    def register(
        self, segment: Union[Segment, JsonDocument], now: Optional[Instant] = None
    ) -> List[MembershipDelta]:
        """Register a segment (it needs an id); raises :class:`ConditionError`."""
    def register_all(
        self, segments: Iterable[Union[Segment, JsonDocument]], now: Optional[Instant] = None
    ) -> List[MembershipDelta]:
        """Register several segments that may read each other; all or nothing."""
    def upsert_contact(self, contact: JsonDocument, now: Instant) -> List[MembershipDelta]:
        """Add or replace a contact."""
    def add_event(self, event: JsonDocument, now: Instant) -> List[MembershipDelta]:
        """Add an event."""
    def tick(self, now: Instant) -> List[MembershipDelta]:
        """Re-evaluate what time alone may have changed."""
    def next_wakeup(self) -> Optional[datetime.datetime]:
        """When ``tick`` next has work to do (aware, UTC), or None."""
    def members(self, segment_id: str) -> List[str]:
        """The ids of a segment's members, sorted."""
    def segments_of(self, contact_id: str) -> List[str]:
        """The ids of the segments a contact is in."""
    def is_member(self, segment_id: str, contact_id: str) -> bool:
        """True when the contact is in the segment."""
    def contact_count(self) -> int:
        """How many contacts the index holds."""

def jsonlogic_apply(rule: Any, data: Any = None) -> Any:
    """Evaluate a JsonLogic rule against data; raises :class:`JsonLogicError`."""

def finding_codes() -> List[FindingCode]:
    """Every finding code with its severity and description."""

def flow_schema() -> str:
    """The JSON Schema (draft 2020-12) of a flow document, as JSON text."""

__all__ = [
    "ConditionError",
    "ConditionSyntaxError",
    "EngineError",
    "Flow",
    "FlowError",
    "FlowFormatError",
    "JsonLogicError",
    "MergeSyntaxError",
    "Recurrence",
    "Segment",
    "SegmentError",
    "SegmentIndex",
    "SendPolicy",
    "SequenzaError",
    "StoreError",
    "TimeError",
    "__version__",
    "error_codes",
    "finding_codes",
    "flow_schema",
    "jsonlogic_apply",
    "validate_flow",
    "validate_flows",
]

# ---- lists (issue 5) ----------------------------------------------------------------------------

class ListError(SequenzaError):
    """A list operation that cannot be done (``list.unknown``, ``list.duplicate``,
    ``list.name.empty``, ``list.filter.invalid``, ``list.static_only``, ``list.contact.unknown``);
    ``path`` is the JSON pointer of the offending value (``/source/age``)."""

class ListChange(TypedDict):
    """A contact entered or left a list (returned as a plain ``dict``)."""

    list: str
    contact: str
    change: Literal["entered", "exited"]
    at: datetime.datetime

class TriggerHit(TypedDict):
    """A flow whose list trigger a list change fires (returned as a plain ``dict``)."""

    flow: str
    list: str
    contact: str
    change: Literal["entered", "exited"]
    at: datetime.datetime

class MemberPage(TypedDict):
    """One page of a list's members (returned as a plain ``dict``)."""

    total: int
    offset: int
    contacts: List[Dict[str, Any]]

class Audience:
    """Contacts, their events and activities, the segment index and the contact lists, kept
    consistent; auto-updating lists follow every change. ``now`` is always given."""

    def __init__(
        self, default_time_zone: str = "UTC", fields: Optional[JsonDocument] = None
    ) -> None:
        """An empty audience; ``default_time_zone`` is the zone of contacts without one;
        ``upsert_contact`` enforces the field schema ``fields`` (defaults, types, required)."""
    def upsert_contact(self, contact: JsonDocument, now: Instant) -> List[ListChange]:
        """Add or replace (edit) a contact; returns the list changes."""
    def remove_contact(self, contact_id: str, now: Instant) -> List[ListChange]:
        """Forget a contact and its events; it leaves every list."""
    def record_event(self, event: JsonDocument, now: Instant) -> List[ListChange]:
        """Record an event ``{"contact", "name", "at", "properties"}``."""
    def record(
        self, contact_id: str, activity: JsonDocument, at: Instant, now: Instant
    ) -> List[ListChange]:
        """Record an activity (``{"type": "coupon_downloaded", "coupon": "X"}`` …) done at ``at``."""
    def tick(self, now: Instant) -> List[ListChange]:
        """Re-evaluate the time-relative lists due at ``now``."""
    def next_wakeup(self) -> Optional[datetime.datetime]:
        """When ``tick`` can next change a list (aware, UTC), or None."""
    def contact(self, contact_id: str) -> Optional[Dict[str, Any]]:
        """A contact as a dict (its ``lists`` included), or None."""
    def events(self, contact_id: str) -> List[Dict[str, Any]]:
        """The events of a contact, in arrival order."""
    def contact_count(self) -> int:
        """How many contacts there are."""
    def __len__(self) -> int: ...
    def create_list(self, list: JsonDocument, now: Instant) -> int:
        """Create a list ``{"id", "name", "source", "auto_update"?, "remove_exits"?}``; returns
        how many contacts went in. Raises :class:`ListError`."""
    def rename_list(self, list_id: str, name: str) -> None:
        """Rename a list. Raises :class:`ListError`."""
    def delete_list(self, list_id: str, now: Instant) -> None:
        """Delete a list. Raises :class:`ListError`."""
    def get_list(self, list_id: str) -> Optional[Dict[str, Any]]:
        """A list's JSON form, or None."""
    def lists(self) -> List[Dict[str, Any]]:
        """Every list, in id order."""
    def members(self, list_id: str, offset: int = 0, limit: int = 50) -> MemberPage:
        """One page of a list's members, in id order. Raises :class:`ListError`."""
    def member_ids(self, list_id: str) -> List[str]:
        """The ids of a list's members, sorted."""
    def member_count(self, list_id: str) -> Optional[int]:
        """How many members a list has (None for an unknown list)."""
    def is_member(self, list_id: str, contact_id: str) -> bool:
        """True when the contact is in the list."""
    def add_to_list(self, list_id: str, contact: JsonDocument, now: Instant) -> List[ListChange]:
        """Add a contact (inserted or updated first) to a list by hand."""
    def remove_from_list(self, list_id: str, contact_id: str, now: Instant) -> List[ListChange]:
        """Take a contact out of a list by hand. Raises :class:`ListError`."""

def source_condition(source: JsonDocument) -> Segment:
    """The condition a list source compiles to, as a :class:`Segment` without id."""

def list_trigger_hits(
    changes: Iterable[ListChange], flows: Iterable[Union[Flow, JsonDocument]]
) -> List[TriggerHit]:
    """The flows whose list trigger the changes fire, in change order then flow order."""

# ---- CSV import (issue 5) -----------------------------------------------------------------------

CsvSource = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview]
"""A path (read in chunks) or the file's bytes."""

class CsvImportError(SequenzaError):
    """A CSV file or import options that cannot be used at all (``import.empty``,
    ``import.header.duplicate``, ``import.mapping.unknown_column``, ``import.option.invalid`` …).
    ``row``, ``csv_column`` (0-based), ``column_name`` (the option's name for
    ``import.option.invalid``) and ``byte_offset`` locate the problem; ``column`` is None."""

    row: Optional[int]
    csv_column: Optional[int]
    column_name: Optional[str]
    byte_offset: Optional[int]
    report: Optional["ImportReport"]
    """What an import that stopped part-way had done (an ``ImportReport``); only set then."""

class Rejection(TypedDict):
    """One problem of a rejected row (returned as a plain ``dict``)."""

    row: int
    column: Optional[int]
    column_name: Optional[str]
    code: str
    value: str
    message: str

class ImportReport:
    """The outcome of :func:`import_csv`: every data row is counted once in ``imported``,
    ``updated``, ``duplicates`` or ``rejected_rows``."""

    @property
    def rows(self) -> int:
        """Data rows read."""
    @property
    def imported(self) -> int:
        """New contacts written."""
    @property
    def updated(self) -> int:
        """Existing contacts updated."""
    @property
    def duplicates(self) -> int:
        """Rows repeating another row or (policy ``skip``) an existing contact."""
    @property
    def rejected_rows(self) -> int:
        """How many rows were rejected."""
    @property
    def rejected(self) -> List[Rejection]:
        """Every problem of every rejected row."""
    @property
    def duplicate_rows(self) -> List[Dict[str, Any]]:
        """Every duplicate row ``{"row", "of_row", "contact"}``."""
    @property
    def detected(self) -> Dict[str, Any]:
        """The settings used (detected or given)."""
    @property
    def columns(self) -> List[Dict[str, Any]]:
        """The mapping used, one dict per column."""
    @property
    def bytes(self) -> int:
        """Bytes read."""
    @property
    def list_id(self) -> Optional[str]:
        """The list made of the file's contacts (None without an audience)."""
    @property
    def changes(self) -> List[ListChange]:
        """The list changes the import caused."""
    def to_dict(self) -> Dict[str, Any]:
        """The JSON form: the core report plus ``list_id`` and ``changes``."""

def preview_csv(
    source: CsvSource, fields: Optional[JsonDocument] = None, **overrides: Any
) -> Dict[str, Any]:
    """Detected settings, the mapping and the first rows with their problems; nothing written.
    Raises :class:`CsvImportError`."""

def import_csv(
    source: CsvSource,
    *,
    now: Optional[Instant] = None,
    mapping: Optional[Dict[str, Optional[str]]] = None,
    default_region: Optional[str] = None,
    on_progress: Optional[Callable[[int, int], object]] = None,
    audience: Optional[Audience] = None,
    fields: Optional[JsonDocument] = None,
    list_name: Optional[str] = None,
    **options: Any,
) -> ImportReport:
    """Import a CSV file (into ``audience`` as a new list when given). ``default_region`` None
    means ``"IT"``. Raises :class:`CsvImportError`. An import stopped part-way (an exception in
    ``on_progress``, an I/O error) raises with a ``report`` attribute: the :class:`ImportReport`
    of what was written (``list_id`` holding exactly those contacts)."""

def export_csv(
    contacts: Union[Audience, Iterable[JsonDocument]],
    path: Union[None, str, "os.PathLike[str]"] = None,
    *,
    list_id: Optional[str] = None,
) -> Union[str, int]:
    """Contacts (a list of an Audience, or the whole Audience without ``list_id``) as CSV text,
    or written to ``path`` (returns the count)."""

# ---- Flow engine (issue 11) ----------------------------------------------------------------------

class Published(TypedDict):
    """What :meth:`Engine.publish` returns: ``moved`` / ``exited`` count the waiting contacts
    moved onto this version and those that left because their node is gone (``node_removed``)."""

    flow: str
    version: int
    moved: int
    exited: int

class Refusal(TypedDict):
    contact: str
    reason: Literal[
        "unknown_contact",
        "flow_not_active",
        "entry_lists",
        "entry_condition",
        "no_consent",
        "already_enrolled",
        "reentry_never",
        "cooldown",
    ]

class EnrollOutcome(TypedDict):
    """What :meth:`Engine.enroll` returns: who entered, who did not and why."""

    entered: List[str]
    refused: List[Refusal]

class Effect(TypedDict, total=False):
    """One entry of the outbox (absent keys do not apply). Instants are RFC 3339 text."""

    key: str
    """The idempotency key: hand it to the channel so it never sends twice."""
    kind: Literal["send", "api_call", "webhook", "hand_off"]
    flow: str
    version: int
    node: str
    contact: str
    channel: Literal["email", "sms", "whatsapp", "web_push"]
    to: str
    at: str
    template: str
    content: Dict[str, Any]
    """The rendered message (``subject``, ``body``, ``html`` …) of a send or a hand-off."""
    request: Dict[str, Any]
    """The rendered ``{"method", "url", "headers", "body", "timeout_seconds"}`` of an API call
    or a webhook."""
    team: str

Outcome = Literal["delivered", "failed", "bounced"]

class ApiResponse(TypedDict, total=False):
    status: int
    body: Any

class HandlerReply(TypedDict, total=False):
    outcome: Outcome
    response: ApiResponse

Handler = Callable[[Effect], Union[Outcome, HandlerReply, None]]

class EnrollmentView(TypedDict):
    """One contact in one flow."""

    flow: str
    version: int
    contact: str
    node: Optional[str]
    state: Literal["waiting", "finished", "exited"]
    due: Optional[str]
    reason: Optional[str]
    since: str
    entered_at: str

class HistoryEntry(TypedDict, total=False):
    """One step of a contact's history, with the reason of the decision."""

    at: str
    flow: str
    version: int
    contact: str
    node: str
    action: Literal[
        "entered",
        "refused",
        "stepped",
        "branched",
        "sent",
        "deferred",
        "skipped",
        "waiting",
        "goal",
        "finished",
        "exited",
        "acknowledged",
        "engaged",
        "migrated",
        "moved",
        "wait_skipped",
    ]
    reason: str
    effect: str
    by: str

# ---- preview_schedule (issue 12 §2) ----

class PreviewContact(TypedDict):
    """One contact of an automatic send's next check (:meth:`Engine.preview_schedule`)."""

    contact: str
    check_at: str
    would_send_at: Optional[str]
    deferred_by: Optional[Literal["quiet_hours", "send_window", "frequency_cap"]]
    node: Optional[str]
    channel: Optional[str]
    skipped: Optional[str]
    depends_on: Optional[str]

class ScheduleConflict(TypedDict):
    """Another active flow that conflicts with an automatic send
    (:meth:`Engine.schedule_conflicts`)."""

    flow: str
    trigger: int
    reason: Literal["same_condition", "same_check"]
    shared: Optional[int]
    message: str

class Engine:
    """The flow engine: contacts move through published flows; what they must receive waits as
    effects in an outbox until acknowledged. Every input takes ``now`` (an aware ``datetime``
    or RFC 3339 text), which may never go backwards. Results are dicts in the core's JSON form
    (instants as RFC 3339 text); :meth:`next_wakeup` returns a ``datetime``."""

    def __init__(
        self,
        default_time_zone: Optional[str] = None,
        fields: Optional[JsonDocument] = None,
        caps: Union[None, FrequencyCaps, JsonDocument] = None,
    ) -> None:
        """``default_time_zone`` (IANA, ``UTC`` when None) is the zone of contacts without one.
        Raises :class:`TimeError` ``time.zone.unknown`` (at ``/default_time_zone``) or
        ``time.cap.invalid`` (at ``/caps/<i>/...``)."""
    def publish(
        self,
        flow: Union[Flow, JsonDocument],
        now: Instant,
        in_flight: Literal["migrate", "pin"] = "migrate",
        node_map: Optional[Dict[str, str]] = None,
    ) -> Published:
        """Publish a flow (a new version of it when already published). Contacts inside move
        onto it by node id (``node_map``: old node id → new node id for nodes that are gone,
        else they exit with ``node_removed``), or stay on their version with ``in_flight="pin"``.
        Raises :class:`EngineError` ``engine.flow.invalid`` / ``engine.keyword.taken`` /
        ``engine.node.unknown``."""
    def set_status(
        self, flow_id: str, status: Literal["active", "paused", "archived"], now: Instant
    ) -> None:
        """Pause, resume or archive a flow."""
    def upsert_contact(self, contact: JsonDocument, now: Instant) -> None:
        """Insert or replace a contact; the triggers it fires run."""
    def remove_contact(self, contact_id: str, now: Instant) -> None:
        """Remove a contact: it exits every flow. Raises ``engine.contact.unknown``."""
    def record_event(self, event: JsonDocument, now: Instant) -> None:
        """Record an event ``{"contact", "name", "at", "properties"}``."""
    def record_activity(
        self, contact_id: str, activity: JsonDocument, at: Instant, now: Instant
    ) -> None:
        """Record an activity (``{"type": "coupon_downloaded", "coupon": "X"}`` …) done at
        ``at``; the triggers it fires run."""
    def receive_message(self, message: JsonDocument, now: Instant) -> None:
        """Receive an inbound message ``{"channel", "from" | "contact", "text", "media", "at",
        "ad"}``."""
    def enroll(self, flow_id: str, contact_ids: List[str], now: Instant) -> EnrollOutcome:
        """Enroll contacts by id (a manual start)."""
    def enroll_matching(self, flow_id: str, now: Instant) -> EnrollOutcome:
        """Enroll every contact matching the flow's manual filter (or entry restriction)."""
    def feed_items(
        self, url: str, items: List[Dict[str, Any]], now: Instant
    ) -> EnrollOutcome:
        """New feed items ``{"id", "title", "link", "published", "summary"}`` start the flows
        with a ``feed`` trigger on ``url``."""
    def tick(self, now: Instant) -> int:
        """Run everything due up to ``now``; returns the number of steps run."""
    def next_wakeup(self) -> Optional[datetime.datetime]:
        """When :meth:`tick` next has something to do (aware, UTC), or None."""
    def effects(self) -> List[Effect]:
        """The outbox, oldest first."""
    def ack(
        self,
        key: str,
        outcome: Outcome,
        now: Instant,
        response: Optional[Union[ApiResponse, JsonDocument]] = None,
    ) -> None:
        """Acknowledge an effect; ``response`` answers an API call. Raises
        ``engine.effect.unknown``."""
    def deliver(self, handlers: Dict[str, Handler], now: Instant) -> int:
        """Tick, then call ``handlers[route](effect)`` for each effect (route: the channel,
        ``"http"`` for API calls and webhooks, ``"hand_off"``) and acknowledge what it returns
        (None leaves the effect in the outbox). Returns how many were acknowledged."""
    def enrollments(
        self, flow: Optional[str] = None, contact: Optional[str] = None
    ) -> List[EnrollmentView]:
        """Enrollments, optionally of one flow and / or one contact."""
    def stats(self, flow_id: str) -> Dict[str, Any]:
        """A flow's statistics: totals, ``refused``, ``goals_by_name``, ``nodes``, ``days``."""
    def history(self, contact_id: str, flow: Optional[str] = None) -> List[HistoryEntry]:
        """A contact's history, oldest first, each step with its reason."""
    def contact(self, contact_id: str) -> Optional[Dict[str, Any]]:
        """A contact as a dict, or None."""
    def register_segment(self, segment: Union[Segment, JsonDocument], now: Instant) -> int:
        """Register a segment (its entries and exits fire flows); returns its size."""
    def create_list(self, list: JsonDocument, now: Instant) -> int:
        """Create a list; returns how many contacts went in. Raises :class:`ListError`."""
    def delete_list(self, list_id: str, now: Instant) -> None:
        """Delete a list."""
    def rename_list(self, list_id: str, name: str, now: Instant) -> None:
        """Rename a list."""
    def add_to_list(self, list_id: str, contact_id: str, now: Instant) -> None:
        """Add a known contact to a list by hand; list triggers fire."""
    def remove_from_list(self, list_id: str, contact_id: str, now: Instant) -> None:
        """Take a contact out of a list by hand; list triggers fire."""
    def member_ids(self, list_id: str) -> List[str]:
        """The ids of a list's members, sorted."""
    def import_csv(
        self,
        source: CsvSource,
        now: Instant,
        *,
        list_name: Optional[str] = None,
        enroll: Optional[str] = None,
        mapping: Optional[Dict[str, Optional[str]]] = None,
        default_region: Optional[str] = None,
        on_progress: Optional[Callable[[int, int], object]] = None,
        **options: Any,
    ) -> Tuple[ImportReport, Optional[EnrollOutcome]]:
        """Import a CSV file into the engine's audience as a new list (its list changes fire
        flows); with ``enroll`` the imported contacts enter that flow."""
    # ---- versions and contacts in flight (issue 12) ----
    def duplicate(self, flow_id: str, new_id: str, now: Instant) -> Dict[str, Any]:
        """Duplicate a flow as a draft (version 1) without inbound keywords and without media
        attachments; returns the new flow. Raises ``engine.flow.unknown`` / ``engine.flow.taken``."""
    def skip_wait(
        self, flow_id: str, contact_id: str, now: Instant, by: Optional[str] = None
    ) -> None:
        """End a waiting contact's wait now; recorded in its history with ``by``. Raises
        ``engine.enrollment.not_waiting``."""
    def move_to(
        self,
        flow_id: str,
        contact_id: str,
        node_id: str,
        now: Instant,
        by: Optional[str] = None,
    ) -> None:
        """Move a waiting contact to a node, which runs now; recorded with ``by``. Raises
        ``engine.enrollment.not_waiting`` / ``engine.node.unknown`` / ``engine.flow.status``."""
    def cancel(
        self, flow_id: str, contact_id: str, now: Instant, by: Optional[str] = None
    ) -> None:
        """Take a waiting contact out of a flow (reason ``cancelled``); recorded with ``by``."""
    # ---- preview_schedule (issue 12 §2) ----
    def preview_schedule(self, flow_id: str, now: Instant) -> List[PreviewContact]:
        """Simulate an automatic send: the contacts its next check selects, each with when the
        first message would reach them (``would_send_at``, after quiet hours, send windows,
        zones and frequency caps across every flow) and why it is later (``deferred_by``), or
        why they get none (``skipped``). Changes nothing. Raises :class:`EngineError`
        ``engine.preview.not_scheduled`` / ``engine.preview.inactive`` /
        ``engine.flow.unknown``."""
    def schedule_conflicts(self, flow_id: str, now: Instant) -> List[ScheduleConflict]:
        """The other active flows that conflict with the flow's automatic send: the same start
        condition (one keeps the other from starting) or the same check over the same
        contacts (they share the frequency caps)."""
    # perf: batch inputs (issue 12 §3)
    def upsert_contacts(
        self, contacts: Union[Iterable[JsonDocument], TableLike], now: Instant
    ) -> int:
        """Insert or replace many contacts as ONE input (as one ``upsert_contact`` each, in
        order): dicts / JSON texts, or an Arrow table (columns ``id``, ``email``, ``phone``,
        ``tags``, one per field). A bad item refuses the whole batch; its error's ``path`` starts
        with the item's index. Returns how many were written."""
    def record_events(
        self, events: Union[Iterable[JsonDocument], TableLike], now: Instant
    ) -> int:
        """Record many events as ONE input (as one ``record_event`` each, in order): dicts /
        JSON texts, or an Arrow table (columns ``contact``, ``name``, ``at``, one per property).
        Returns how many were recorded."""

def new_feed_items(document: str, seen: List[str] = ...) -> List[Dict[str, Any]]:
    """The items of an RSS 2.0 / Atom document whose ids are not in ``seen``, in document order
    (``{"id", "title", "link", "published", "summary"}``), for :meth:`Engine.feed_items`."""
