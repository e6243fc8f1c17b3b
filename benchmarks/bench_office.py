"""What the office files cost a review, and the Word tables against python-docx's cell-by-cell API.

In one run: the demo review without its office files (``office=False``), then the three office
files written from that review (``write_office_files``), then the Word bilan's tables written two
ways — the package's (each row written as WordprocessingML, parsed once) and the plain python-docx
way (``add_row``, ``cell.paragraphs[0].add_run``, widths cell by cell) as the baseline. Ratios are
within the run; the absolute times depend on the machine.

Last, the Word bilan's charts: 1 000 synthetic PNG charts written by the package (a shape id from a
counter) and by python-docx's ``add_picture`` (which searches the whole document for the ids in use,
quadratic in the number of charts: a review of many sites).

Usage: ``python benchmarks/bench_office.py [--repeat 3] [--charts 1000]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from qualepref_analysis.batch.review import run_review
from qualepref_analysis.io.params import load_params
from qualepref_analysis.io.locations import default_params_dir
from qualepref_analysis.office.blocks import Figure, TableBlock, read_blocks
from qualepref_analysis.office.outputs import write_office_files
from qualepref_analysis.office.word import _add_table, _column_widths, add_blocks, new_document


def naive_tables(tables: list[TableBlock], path: Path) -> None:
    """The baseline: the same tables through python-docx's public API, cell by cell."""
    from docx.shared import Cm, Pt

    document = new_document(title="x", footer="x")
    for table in tables:
        document.add_paragraph(table.caption, style="Caption")
        columns = max(len(table.header), max((len(row) for row in table.rows), default=0), 1)
        grid = document.add_table(rows=0, cols=columns)
        grid.style = "Table Grid"
        widths = _column_widths(table, columns)
        for texts in [list(table.header), *[[cell.text for cell in row] for row in table.rows]]:
            cells = grid.add_row().cells
            for position, text in enumerate(texts[:columns]):
                run = cells[position].paragraphs[0].add_run(text)
                run.font.size = Pt(8.5)
        for row in grid.rows:
            for cell, width in zip(row.cells, widths):
                cell.width = Cm(width)
    document.save(path)


def ours(tables: list[TableBlock], path: Path) -> None:
    document = new_document(title="x", footer="x")
    styles = {style.name: style.style_id for style in document.styles}
    for table in tables:
        _add_table(document, table, styles)
    document.save(path)


def timed(function, *args, **keywords) -> float:
    start = time.perf_counter()
    function(*args, **keywords)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--charts", type=int, default=1000)
    options = parser.parse_args()
    params = load_params(default_params_dir())
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "review"
        start = time.perf_counter()
        result = run_review(out_dir=out, office=False, force=True)
        review_seconds = time.perf_counter() - start
        results = json.loads((out / "results.json").read_text(encoding="utf-8"))
        sites = {code: site.libelle for code, site in params.sites.items()}
        office = [timed(write_office_files, out, bilan=result.bilan, results=results, prefecture=params.prefecture,
                        sites=sites, threshold=params.small_cell_threshold,
                        survey_threshold=params.survey_small_cell_threshold) for _ in range(options.repeat)]
        tables = [b for b in read_blocks(result.bilan.read_text(encoding="utf-8"))
                  if isinstance(b, TableBlock) and not b.figure_data]
        baseline = [timed(naive_tables, tables, Path(folder) / "naive.docx") for _ in range(options.repeat)]
        package = [timed(ours, tables, Path(folder) / "ours.docx") for _ in range(options.repeat)]
    cells = sum(len(t.rows) * max(len(t.header), 1) for t in tables)
    print(f"demo review without office files: {review_seconds:.1f} s")
    print(f"office files (xlsx + 2 docx), median of {options.repeat}: {statistics.median(office):.2f} s "
          f"= {statistics.median(office) / review_seconds:.1%} of the review")
    print(f"Word tables ({len(tables)} tables, {cells} cells): python-docx cell by cell "
          f"{statistics.median(baseline):.2f} s, ours {statistics.median(package):.2f} s, "
          f"ratio {statistics.median(baseline) / statistics.median(package):.1f}×")
    charts = [Figure(_png(i), f"Graphique {i}") for i in range(options.charts)]
    ours_charts = timed(_charts_ours, charts)
    baseline_charts = timed(_charts_add_picture, charts)
    print(f"Word charts ({options.charts}): python-docx add_picture {baseline_charts:.2f} s, ours {ours_charts:.2f} s, "
          f"ratio {baseline_charts / ours_charts:.1f}×")


def _png(seed: int) -> bytes:
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3, 2), dpi=50)
    ax.plot([0, 1, 2], [seed % 7, (seed * 3) % 5, seed % 4])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def _charts_ours(charts: list) -> None:
    document = new_document(title="x", footer="x")
    add_blocks(document, charts)


def _charts_add_picture(charts: list) -> None:
    import io

    from docx.shared import Cm

    document = new_document(title="x", footer="x")
    for chart in charts:
        document.add_paragraph().add_run().add_picture(io.BytesIO(chart.png), width=Cm(8))


if __name__ == "__main__":
    main()
