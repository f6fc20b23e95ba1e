"""sequenza: flows and their validation, conditions and segments, backed by the Rust core.

Flows: parse one with :meth:`Flow.from_json` (JSON text, UTF-8 bytes or a dict), validate it with
:func:`validate_flow` / :func:`validate_flows` (findings are returned as data, never raised), list
every finding code with :func:`finding_codes` and get the flow JSON Schema with
:func:`flow_schema`.

Segments: build a :class:`Segment` from the readable text syntax (:meth:`Segment.parse`), from
condition JSON (:meth:`Segment.from_json`) or from a JsonLogic rule
(:meth:`Segment.from_jsonlogic`); test one contact with :meth:`Segment.matches`, or a whole pandas /
polars / pyarrow table with :meth:`Segment.filter`, :meth:`Segment.count` and :meth:`Segment.mask`
(read through Arrow, no Python call per row), best on a :class:`ContactTable` built once with
:meth:`ContactTable.from_arrow`. :class:`SegmentIndex` keeps membership up to date incrementally, and
:func:`jsonlogic_apply` evaluates JsonLogic rules.

Time: :class:`SendPolicy` (quiet hours, allowed weekdays and hours in a recipient's time zone) answers
:meth:`SendPolicy.next_allowed` / :meth:`SendPolicy.is_allowed` for aware datetimes, exactly across
daylight-saving changes; :class:`Recurrence` (every N minutes, weekly, monthly, "the last Monday",
yearly, or an RFC 5545 RRULE) gives :meth:`Recurrence.next_after` and :meth:`Recurrence.between`
(``*_many`` forms take lists or NumPy ``datetime64`` arrays). :func:`wait_end` says when a flow's
wait node ends, :class:`FrequencyCaps` caps messages per channel, :func:`plan_send` runs every
check before a send, :func:`resolve_time_zone` finds a contact's zone through the fallback chain
and :func:`local_to_utc` maps a wall time to an instant. A naive ``datetime`` where an instant is
needed raises :class:`NaiveDatetimeError` (a :class:`TimeError` and a ``ValueError``).

Lists: an :class:`Audience` holds contacts, their events and activities and the contact lists;
lists are created from a source (coupon, fidelity, walk-in, form, newsletter, push, tag, empty,
CSV import) with its filters, and an auto-updating list keeps itself current, every call returning
the list changes it caused. :func:`source_condition` shows the condition a source compiles to and
:func:`list_trigger_hits` matches list changes against the list triggers of flows.

CSV import: :func:`preview_csv` shows the detected settings, the suggested mapping and the first
rows with their problems; :func:`import_csv` imports (into an :class:`Audience`, as a new list) and
returns an :class:`ImportReport` that accounts for every row; :func:`export_csv` writes contacts
back to CSV.

Flow engine: an :class:`Engine` moves contacts through published flows. Every input
(:meth:`Engine.publish`, :meth:`Engine.upsert_contact`, :meth:`Engine.record_event`,
:meth:`Engine.receive_message`, :meth:`Engine.enroll`, :meth:`Engine.tick` …) takes ``now``;
what contacts must receive waits in an outbox (:meth:`Engine.effects`) until acknowledged
(:meth:`Engine.ack`), or :meth:`Engine.deliver` hands it to one handler per channel. The engine
owns its audience: lists, segments and CSV imports into it fire flows; :func:`new_feed_items`
turns a fetched RSS / Atom document into the items :meth:`Engine.feed_items` takes.

Errors: one subclass of :class:`SequenzaError` per error area of the core, with ``area``,
``code``, ``message`` and the location fields that apply (``path``, ``line``, ``column``, ``row``,
``csv_column``, ``column_name``, ``byte_offset``, ``node``, ``flow``, ``contact``):
:class:`FlowFormatError` (format), :class:`ConditionSyntaxError` (parse), :class:`ConditionError`
(condition), :class:`SegmentError` (segment; also a ``ConditionError``), :class:`TimeError`,
:class:`ListError`, :class:`CsvImportError` (import), :class:`JsonLogicError`,
:class:`MergeSyntaxError` (merge), :class:`FlowError`, :class:`EngineError`, :class:`StoreError`.
:func:`error_codes` lists every code with its area, severity and meaning.
"""

from ._sequenza import (
    Audience,
    ConditionError,
    ConditionSyntaxError,
    ContactTable,
    CsvImportError,
    Engine,
    EngineError,
    Flow,
    FlowError,
    FlowFormatError,
    FrequencyCaps,
    ImportReport,
    JsonLogicError,
    ListError,
    MergeSyntaxError,
    NaiveDatetimeError,
    Recurrence,
    ResolvedZone,
    Segment,
    SegmentError,
    SegmentIndex,
    SendPolicy,
    SequenzaError,
    StoreError,
    TimeError,
    __version__,
    error_codes,
    export_csv,
    finding_codes,
    flow_schema,
    import_csv,
    jsonlogic_apply,
    list_trigger_hits,
    local_to_utc,
    new_feed_items,
    plan_send,
    preview_csv,
    resolve_time_zone,
    source_condition,
    validate_flow,
    validate_flows,
    wait_end,
)

__all__ = [
    "Audience",
    "ConditionError",
    "ConditionSyntaxError",
    "ContactTable",
    "CsvImportError",
    "Engine",
    "EngineError",
    "Flow",
    "FlowError",
    "FlowFormatError",
    "FrequencyCaps",
    "ImportReport",
    "JsonLogicError",
    "ListError",
    "MergeSyntaxError",
    "NaiveDatetimeError",
    "Recurrence",
    "ResolvedZone",
    "Segment",
    "SegmentError",
    "SegmentIndex",
    "SendPolicy",
    "SequenzaError",
    "StoreError",
    "TimeError",
    "__version__",
    "error_codes",
    "export_csv",
    "finding_codes",
    "flow_schema",
    "import_csv",
    "jsonlogic_apply",
    "list_trigger_hits",
    "local_to_utc",
    "new_feed_items",
    "plan_send",
    "preview_csv",
    "resolve_time_zone",
    "source_condition",
    "validate_flow",
    "validate_flows",
    "wait_end",
]
