"""Every ```python block of the repository's README.md must run."""

import re

import pytest

from conftest import ROOT

README = ROOT / "README.md"
BLOCK = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def python_blocks():
    return BLOCK.findall(README.read_text(encoding="utf-8"))


def test_readme_has_a_python_block():
    assert python_blocks(), f"{README} has no ```python block"


@pytest.mark.parametrize("index", range(len(python_blocks())))
def test_readme_python_block_runs(index):
    source = python_blocks()[index]
    code = compile(source, f"{README}:python-block-{index}", "exec")
    exec(code, {"__name__": f"readme_block_{index}"})
