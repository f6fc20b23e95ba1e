"""Shared helpers of the sequenza Python tests."""

from pathlib import Path

import pytest

#: The repository root: bindings-python/tests/conftest.py -> the root is two levels up.
ROOT = Path(__file__).resolve().parents[2]

assert (ROOT / "core" / "Cargo.toml").is_file(), f"{ROOT} does not look like the sequenza root"


def simple_flow(**overrides):
    """A small valid flow as a dict: an event trigger, one SMS send, an exit."""
    flow = {
        "id": "welcome",
        "name": "Welcome",
        "triggers": [{"type": "event", "event": "signup"}],
        "start": "hello",
        "nodes": [
            {"id": "hello", "type": "send", "channel": "sms", "content": {"body": "Ciao {{ first_name }}!"}},
            {"id": "end", "type": "exit"},
        ],
        "edges": [{"from": "hello", "to": "end"}],
    }
    flow.update(overrides)
    return flow


FIELDS = {"fields": [{"key": "first_name", "type": "text"}]}


@pytest.fixture
def flow_dict():
    return simple_flow()
