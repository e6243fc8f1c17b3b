"""Reading the run's executed notebooks for the pages and the bilan."""

from __future__ import annotations

import nbformat
import pytest

from qualepref_analysis.batch.pages import notebook_body, read_executed, typeset


def _executed_notebook() -> nbformat.NotebookNode:
    v4 = nbformat.v4
    code = v4.new_code_cell("display(x)", outputs=[
        v4.new_output("display_data", data={"text/html": "<p>IC 95 % : -2</p>"}),
        v4.new_output("stream", name="stdout", text="personne@example.org\n")])
    return v4.new_notebook(cells=[v4.new_markdown_cell("# Titre\n\n## Partie\n\nTexte : oui."), code],
                           metadata={"papermill": {"duration": 1.0}})


def test_an_executed_notebook_reads_as_nbformat_reads_it(tmp_path):
    path = tmp_path / "section.ipynb"
    nbformat.write(_executed_notebook(), path)  # sources written as lists of lines, as on disk
    assert read_executed(path) == nbformat.read(path, as_version=4)
    assert notebook_body(path) == notebook_body(nbformat.read(path, as_version=4))
    assert "personne@example.org" not in notebook_body(path)  # streams never reach a page


def test_a_notebook_of_another_version_is_converted_and_a_broken_one_refused(tmp_path):
    old = tmp_path / "v3.ipynb"
    old.write_text('{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": '
                   '[{"cell_type": "markdown", "metadata": {}, "source": "## Partie"}]}]}', encoding="utf-8")
    assert read_executed(old).nbformat == 4 and read_executed(old).cells[0].source == "## Partie"
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": [', encoding="utf-8")
    with pytest.raises(ValueError):  # json's error: the runner records the section as failed
        read_executed(broken)


def test_typesetting_a_repeated_text_gives_the_same_result():
    # a table's figures recur across thousands of pages; each text is typeset once and reused
    first = typeset("<td>-2,5 %</td><td>-2,5 %</td>")
    assert first == "<td>\u22122,5\u00a0%</td><td>\u22122,5\u00a0%</td>"
    assert typeset("<td>-2,5 %</td>") == "<td>\u22122,5\u00a0%</td>"
