"""Every case of the shared condition vectors: condition_text.json, condition_eval.json and
jsonlogic_public.json (formats in core/tests/vectors/README.md).

A file that does not exist fails the suite (at collection); one that exists is run in full.
``SEQUENZA_VECTORS_DIR`` points the runner at another folder.
"""

import json
import math
import os
from pathlib import Path

import pytest

import sequenza
from conftest import ROOT

VECTORS = Path(os.environ.get("SEQUENZA_VECTORS_DIR") or ROOT / "core" / "tests" / "vectors")


def _load(file_name):
    path = VECTORS / file_name
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _missing(file_name, what):
    reason = f"{file_name} does not exist in {VECTORS}"
    raise FileNotFoundError(f"{reason}: a missing vector file fails the suite ({what})")


def entries(file_name, key):
    """pytest params, one per entry of ``vector[key]``; ids say which case."""
    vector = _load(file_name)
    if vector is None:
        return _missing(file_name, key)
    items = vector.get(key) or []
    assert items, f"{file_name} has no {key}"
    return [
        pytest.param(item, id=f"{i}-{item.get('name') or item.get('text') or ''}"[:80])
        for i, item in enumerate(items)
    ]


def public_jsonlogic_cases():
    """The official conformance file: strings are section headers, objects are cases."""
    vector = _load("jsonlogic_public.json")
    if vector is None:
        return _missing("jsonlogic_public.json", "cases")
    params, section = [], ""
    for item in vector:
        if isinstance(item, str):
            section = item.lstrip("# ").strip()
            continue
        label = item.get("description") or json.dumps(item["rule"])
        params.append(pytest.param(item, id=f"{len(params)}-{section}: {label}"[:100]))
    assert params, "jsonlogic_public.json has no cases"
    return params


def same_json(actual, expected):
    """JSON equality where numbers compare as numbers (1 == 1.0) but booleans stay booleans."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(actual) is type(expected) and actual == expected
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        if isinstance(expected, float) and math.isnan(expected):
            return isinstance(actual, float) and math.isnan(actual)
        return actual == expected
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(same_json(a, e) for a, e in zip(actual, expected))
        )
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and actual.keys() == expected.keys()
            and all(same_json(actual[k], expected[k]) for k in expected)
        )
    return type(actual) is type(expected) and actual == expected


# ---- condition_text.json -------------------------------------------------------------------


@pytest.mark.parametrize("case", entries("condition_text.json", "cases"))
def test_condition_text_case(case):
    seg = sequenza.Segment.parse(case["text"])
    # `text` parses to the condition `json` reads as (defaults filled in, e.g. an age's field).
    expected = sequenza.Segment.from_json(case["json"])
    assert seg.to_dict() == expected.to_dict(), case["text"]
    assert json.loads(seg.to_json()) == expected.to_dict()
    printed = case.get("display", case["text"])
    assert seg.to_text() == printed
    assert str(seg) == printed
    assert expected.to_text() == printed
    # The printed text parses back to the same condition.
    assert sequenza.Segment.parse(printed).to_dict() == expected.to_dict()


@pytest.mark.parametrize("case", entries("condition_text.json", "errors"))
def test_condition_text_error(case):
    with pytest.raises(sequenza.ConditionSyntaxError) as info:
        sequenza.Segment.parse(case["text"])
    err = info.value
    assert isinstance(err, sequenza.SequenzaError)
    assert err.code == case["code"], err
    assert (err.line, err.column) == (case["line"], case["column"]), err
    assert err.path is None
    assert isinstance(err.message, str) and err.message
    assert isinstance(err.expected, list) and all(isinstance(x, str) for x in err.expected)
    assert isinstance(err.found, str)


# ---- condition_eval.json -------------------------------------------------------------------


@pytest.mark.parametrize("case", entries("condition_eval.json", "cases"))
def test_condition_eval_case(case):
    seg = sequenza.Segment.from_json(case["condition"])
    kwargs = {}
    if "default_time_zone" in case:
        kwargs["default_time_zone"] = case["default_time_zone"]
    got = seg.matches(
        case["contact"],
        case["now"],
        events=case.get("events") or [],
        segments=case.get("segments") or (),
        **kwargs,
    )
    assert got is case["expect"], case.get("name")


@pytest.mark.parametrize("case", entries("condition_eval.json", "errors"))
def test_condition_eval_error(case):
    seg = sequenza.Segment.from_json(case["condition"])
    with pytest.raises(sequenza.ConditionError) as info:
        seg.check(case.get("fields"))
    err = info.value
    assert err.code == case["code"], err
    assert err.path == case["path"], err
    assert (err.line, err.column) == (None, None)
    assert isinstance(err.message, str) and err.message
    if "fields" not in case:
        # Without a schema, evaluating fails the same way (the condition cannot be compiled).
        with pytest.raises(sequenza.ConditionError) as again:
            seg.matches({"id": "c1"}, "2026-11-25T12:00:00Z")
        assert (again.value.code, again.value.path) == (case["code"], case["path"])


# ---- jsonlogic_public.json -----------------------------------------------------------------


@pytest.mark.parametrize("case", public_jsonlogic_cases())
def test_jsonlogic_public_case(case):
    got = sequenza.jsonlogic_apply(case["rule"], case.get("data"))
    assert same_json(got, case["result"]), (case["rule"], case.get("data"), got)


def test_same_json_is_strict_about_booleans():
    assert same_json(1, 1.0) and same_json([1, {"a": 2.0}], [1.0, {"a": 2}])
    assert not same_json(True, 1) and not same_json(0, False) and not same_json("1", 1)
