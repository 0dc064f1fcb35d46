"""The notebooks run top to bottom (sampled, so they take seconds)."""

from __future__ import annotations

import nbformat
import pytest
from conftest import CONFIGS, ROOT
from nbclient import NotebookClient

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path, monkeypatch):
    monkeypatch.setenv("KARMASIM_CONFIGS", str(CONFIGS))
    monkeypatch.setenv("KARMASIM_NOTEBOOK_SCALE", "800")
    monkeypatch.delenv("MPLBACKEND", raising=False)  # other tests' Agg must not reach the kernel
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={
        "metadata": {"path": str(tmp_path)}}).execute()  # fmt: skip
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert sum(o.output_type == "display_data" for o in outputs) >= 2  # the plots
