"""Property-based checks of the loader: whatever the cells, rows read = kept + quarantined,
and only QualeprefError escapes."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualepref_analysis import load_dataset
from qualepref_analysis.errors import QualeprefError
from qualepref_analysis.io.schemas import DATASETS

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


# --- Real files damaged the ways files get damaged -------------------------------------------
import os  # noqa: E402

from conftest import DEMO_DIR  # noqa: E402

EXAMPLES = int(os.environ.get("QUALEPREF_FUZZ_EXAMPLES", "60"))


def _damage(content: bytes, kind: str, where: float, text: str) -> bytes:
    cut = int(len(content) * where)
    lines = content.split(b"\n")
    line = min(int(len(lines) * where), len(lines) - 1)
    if kind == "truncated":
        return content[:cut]
    if kind == "mixed_encodings":  # the end of the file saved again by another tool
        return content[:cut] + content[cut:].decode("utf-8", "replace").encode("cp1252", "replace")
    if kind == "latin1_accents":
        return content.replace("é".encode(), "é".encode("latin-1"))
    if kind == "wrong_separator":
        return content.replace(b",", b"|")
    if kind == "separator_changes_midway":
        return b"\n".join(lines[:line] + [x.replace(b",", b";") for x in lines[line:]])
    if kind == "huge_field":
        return b"\n".join(lines[:line] + [lines[line] + b"," + b"A" * 200_000] + lines[line + 1:])
    if kind == "empty":
        return b""
    if kind == "header_only":
        return lines[0] + b"\n"
    if kind == "bom_only":
        return b"\xef\xbb\xbf"
    if kind == "duplicated_header":
        first = lines[0].split(b",")
        return b"\n".join([b",".join(first + first[:1])] + lines[1:])
    if kind == "unclosed_quote":
        return b"\n".join(lines[:line] + [b'"' + lines[line]] + lines[line + 1:])
    if kind == "nul_bytes":
        return content[:cut] + b"\x00\x00" + content[cut:]
    if kind == "cr_line_endings":
        return content.replace(b"\n", b"\r")
    if kind == "blank_and_junk_lines":
        return b"\n".join(lines[:line] + [b"", b",,,", text.encode("utf-8", "replace")] + lines[line:])
    if kind == "random_cell_text":
        return b"\n".join(lines[:line] + [lines[line] + text.encode("utf-8", "replace")] + lines[line + 1:])
    raise AssertionError(kind)


DAMAGES = ["truncated", "mixed_encodings", "latin1_accents", "wrong_separator", "separator_changes_midway",
           "huge_field", "empty", "header_only", "bom_only", "duplicated_header", "unclosed_quote", "nul_bytes",
           "cr_line_endings", "blank_and_junk_lines", "random_cell_text"]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(DATASETS)), kinds=st.lists(st.sampled_from(DAMAGES), min_size=1, max_size=3),
       where=st.floats(0, 1), text=st.text(max_size=60))
def test_damaged_real_files(tmp_path, params, name, kinds, where, text):
    content = (DEMO_DIR / f"{name}.csv").read_bytes()
    for kind in kinds:
        content = _damage(content, kind, where, text)
    path = tmp_path / f"{name}.csv"
    path.write_bytes(content)
    try:
        loaded = load_dataset(path, params)
    except QualeprefError as exc:
        assert str(exc).strip() and name in str(exc)  # the message names the file
        return
    assert loaded.rows_read == loaded.rows_kept + loaded.rows_quarantined
    assert set(loaded.frame.index).isdisjoint(set(loaded.quarantine["ligne"]))
    assert loaded.quarantine["motif"].map(lambda m: isinstance(m, str) and bool(m.strip())).all()
