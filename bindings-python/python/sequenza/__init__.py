"""sequenza: flows, their validation and their JSON model, backed by the Rust core.

Parse a flow with :meth:`Flow.from_json` (JSON text, UTF-8 bytes or a dict), validate it with
:func:`validate_flow` / :func:`validate_flows` (findings are returned as data, never raised), list
every finding code with :func:`finding_codes` and get the flow JSON Schema with
:func:`flow_schema`. A document that is not a flow raises :class:`FlowFormatError`, a subclass of
:class:`SequenzaError`, with ``code``, ``path``, ``line``, ``column`` and ``message``.
"""

from ._sequenza import (
    Flow,
    FlowFormatError,
    SequenzaError,
    __version__,
    finding_codes,
    flow_schema,
    validate_flow,
    validate_flows,
)

__all__ = [
    "Flow",
    "FlowFormatError",
    "SequenzaError",
    "__version__",
    "finding_codes",
    "flow_schema",
    "validate_flow",
    "validate_flows",
]
