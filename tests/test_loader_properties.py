"""Property-based checks of the loader: whatever the cells, rows read = kept + quarantined,
and only QualeprefError escapes."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualepref_analysis import load_dataset
from qualepref_analysis.errors import QualeprefError
from qualepref_analysis.schemas import DATASETS

CELL = st.one_of(
    st.sampled_from(["", "2022-03-14", "14/03/2022", "31/02/2022", "antony", "ANTONY", "prefecture", "courriel",
                     "Réclamation", "information", "3,5", "-1", "1 234", "2022-03", "2022-T4", "4", "0", "=1+1",
                     "qr", "matin", "departement", "pourcent", "conforme", "realisee", "2021", "x" * 300]),
    st.text(alphabet=string.printable + "éèàçœ€\u00a0", max_size=20),
)


@st.composite
def table(draw, name: str):
    spec = DATASETS[name]
    headers = [c.name for c in spec.columns if c.present or draw(st.booleans())]
    if name == "enquetes":
        headers += ["q_global"]
    rows = draw(st.lists(st.lists(CELL, min_size=len(headers), max_size=len(headers) + 1), max_size=12))
    separator = draw(st.sampled_from([",", ";"]))

    def quote(value: str) -> str:
        return '"' + value.replace('"', '""') + '"'

    lines = [separator.join(headers)] + [separator.join(quote(v) for v in row) for row in rows]
    return "\n".join(lines) + "\n", draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), name=st.sampled_from(sorted(DATASETS)))
def test_rows_always_add_up(tmp_path, params, data, name):
    text, encoding = data.draw(table(name))
    path = tmp_path / f"{name}.csv"
    try:
        path.write_bytes(text.encode(encoding))
    except UnicodeEncodeError:
        path.write_bytes(text.encode("utf-8"))
    try:
        loaded = load_dataset(path, params)
    except QualeprefError:
        return
    assert loaded.rows_read == loaded.rows_kept + loaded.rows_quarantined
    assert set(loaded.frame.index).isdisjoint(set(loaded.quarantine["ligne"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_random_bytes_never_crash(tmp_path, params, content, suffix):
    path = tmp_path / f"appels{suffix}"
    path.write_bytes(content)
    try:
        loaded = load_dataset(path, params)
    except QualeprefError:
        return
    assert loaded.rows_read == loaded.rows_kept + loaded.rows_quarantined
