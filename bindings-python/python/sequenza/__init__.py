"""sequenza: flows and their validation, conditions and segments, backed by the Rust core.

Flows: parse one with :meth:`Flow.from_json` (JSON text, UTF-8 bytes or a dict), validate it with
:func:`validate_flow` / :func:`validate_flows` (findings are returned as data, never raised), list
every finding code with :func:`finding_codes` and get the flow JSON Schema with
:func:`flow_schema`.

Segments: build a :class:`Segment` from the readable text syntax (:meth:`Segment.parse`), from
condition JSON (:meth:`Segment.from_json`) or from a JsonLogic rule
(:meth:`Segment.from_jsonlogic`); test one contact with :meth:`Segment.matches`, or a whole pandas /
polars / pyarrow table with :meth:`Segment.filter` and :meth:`Segment.count` (read through Arrow,
no Python call per row). :class:`SegmentIndex` keeps membership up to date incrementally, and
:func:`jsonlogic_apply` evaluates JsonLogic rules.

Errors are subclasses of :class:`SequenzaError` with ``code``, ``path``, ``line``, ``column`` and
``message``: :class:`FlowFormatError` (a JSON document that cannot be read),
:class:`ConditionSyntaxError` (condition text), :class:`ConditionError` (a condition or segment that
cannot be evaluated as written) and :class:`JsonLogicError`.
"""

from ._sequenza import (
    ConditionError,
    ConditionSyntaxError,
    Flow,
    FlowFormatError,
    JsonLogicError,
    Segment,
    SegmentIndex,
    SequenzaError,
    __version__,
    finding_codes,
    flow_schema,
    jsonlogic_apply,
    validate_flow,
    validate_flows,
)

__all__ = [
    "ConditionError",
    "ConditionSyntaxError",
    "Flow",
    "FlowFormatError",
    "JsonLogicError",
    "Segment",
    "SegmentIndex",
    "SequenzaError",
    "__version__",
    "finding_codes",
    "flow_schema",
    "jsonlogic_apply",
    "validate_flow",
    "validate_flows",
]
