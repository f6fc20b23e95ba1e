"""Type stubs of sequenza (the native module is ``sequenza._sequenza``)."""

from typing import Any, Dict, Iterable, List, Literal, Optional, TypedDict, Union

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
    """Base class of every error raised by sequenza."""

    code: str
    """Stable machine code, e.g. ``"format.invalid"``."""
    path: Optional[str]
    """JSON pointer (RFC 6901) of the offending value, ``""`` for the document itself."""
    line: Optional[int]
    """1-based line in the JSON text (for a dict input: in its ``json.dumps`` text)."""
    column: Optional[int]
    """1-based column in the JSON text (for a dict input: in its ``json.dumps`` text)."""
    message: str
    """What went wrong, without the location."""

class FlowFormatError(SequenzaError):
    """A flow or field-schema document could not be read.

    ``code`` is ``"format.syntax"``, ``"format.eof"`` or ``"format.invalid"``; ``path``,
    ``line`` and ``column`` are always set.
    """

    path: str
    line: int
    column: int

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

def finding_codes() -> List[FindingCode]:
    """Every finding code with its severity and description."""

def flow_schema() -> str:
    """The JSON Schema (draft 2020-12) of a flow document, as JSON text."""

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
