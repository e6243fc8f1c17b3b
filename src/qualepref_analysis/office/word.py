"""``bilan-<year>.docx``: the bilan as an editable Word document, for the secretariat.

Built from the HTML bilan's blocks (:func:`~qualepref_analysis.office.blocks.read_blocks`): the same
headings (Word's heading styles, so that the navigation pane and the table of contents work), the
same sentences, every table as a Word table whose header row repeats on each page, every chart as
a PNG with its alternative text. A4, page numbers « Page n sur N », French as the proofing
language. The values under each chart (collapsed in the HTML, absent from its printout) are left
to the workbook of tables. :func:`new_document` gives the draft of the minutes the same page.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

from qualepref_analysis.io.replacing import save_replacing
from qualepref_analysis.office.blocks import Block, Figure, Heading, PageBreak, Paragraph, TableBlock

__all__ = ["new_document", "add_blocks", "add_table_of_contents", "write_bilan_document", "BLUE"]

#: The colour of the headings and the header rows (the bilan's).
BLUE = "000091"
_TEXT_WIDTH_CM = 17.0  # A4 less two margins of 2 cm
_LIST_STYLES = {"bullet": ("List Bullet", "List Bullet 2", "List Bullet 3"),
                "number": ("List Number", "List Number 2", "List Number 3")}


def _element(tag: str, **attributes: str):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(name), value)
    return element


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A field (``PAGE``, ``NUMPAGES``…) in ``paragraph``: Word computes it, ``placeholder`` shows until then."""
    run = paragraph.add_run()
    run._r.append(_element("w:fldChar", **{"w:fldCharType": "begin"}))
    text = _element("w:instrText", **{"xml:space": "preserve"})
    text.text = f" {instruction} "
    paragraph.add_run()._r.append(text)
    paragraph.add_run()._r.append(_element("w:fldChar", **{"w:fldCharType": "separate"}))
    paragraph.add_run(placeholder)
    paragraph.add_run()._r.append(_element("w:fldChar", **{"w:fldCharType": "end"}))


def new_document(*, title: str, footer: str):
    """An empty Word document on the review's page: A4, 2 cm margins, French, « Page n sur N » at the foot.

    Parameters
    ----------
    title : str
        The document's title (its properties).
    footer : str
        The text before the page number in the footer.
    """
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name, normal.font.size = "Calibri", Pt(10)
    normal.paragraph_format.space_after = Pt(4)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for old in run_defaults.findall(qn("w:lang")):
        run_defaults.remove(old)
    run_defaults.append(_element("w:lang", **{"w:val": "fr-FR", "w:eastAsia": "fr-FR", "w:bidi": "ar-SA"}))
    for level, size in ((1, 16), (2, 13), (3, 11.5), (4, 10.5), (5, 10)):
        style = styles[f"Heading {level}"]
        style.font.color.rgb = RGBColor.from_string(BLUE)
        style.font.size = Pt(size)
        style.font.name = "Calibri"
        style.paragraph_format.keep_with_next = True
    styles["Title"].font.color.rgb = RGBColor.from_string(BLUE)
    styles["Caption"].font.size = Pt(9)
    styles["Caption"].paragraph_format.keep_with_next = True
    document.core_properties.title = title
    document.core_properties.author = "qualepref-analysis"
    document.core_properties.language = "fr-FR"
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    foot.add_run(f"{footer} – Page ")
    _field(foot, "PAGE", "1")
    foot.add_run(" sur ")
    _field(foot, "NUMPAGES", "1")
    for run in foot.runs:
        run.font.size = Pt(8)
    return document


def add_table_of_contents(document, headings: list[Heading], *, depth: int = 2) -> None:
    """A table of contents field (« TOC ») listing ``headings`` down to ``depth``.

    Word fills in the page numbers when it updates the field (the document asks it to on
    opening); until then, and in a program that does not update fields, the entries show
    without them.
    """
    from docx.shared import Cm

    entries = [h for h in headings if h.level <= depth] or [Heading(1, "Sommaire")]
    settings = document.settings.element
    settings.append(_element("w:updateFields", **{"w:val": "true"}))
    for position, heading in enumerate(entries):
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.left_indent = Cm(0.6 * (heading.level - 1))
        paragraph.paragraph_format.space_after = 0
        if position == 0:
            paragraph.add_run()._r.append(_element("w:fldChar", **{"w:fldCharType": "begin"}))
            text = _element("w:instrText", **{"xml:space": "preserve"})
            text.text = f' TOC \\o "1-{depth}" \\h \\z \\u '
            paragraph.add_run()._r.append(text)
            paragraph.add_run()._r.append(_element("w:fldChar", **{"w:fldCharType": "separate"}))
        paragraph.add_run(heading.text)
        if position == len(entries) - 1:
            paragraph.add_run()._r.append(_element("w:fldChar", **{"w:fldCharType": "end"}))


def _png_width_cm(png: bytes) -> float:
    """A PNG's width at 96 dpi (the dpi the charts are drawn at), in cm."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        return _TEXT_WIDTH_CM
    width = struct.unpack(">I", png[16:20])[0]
    return width / 96 * 2.54


def _picture(document, png: bytes, width):
    """A picture's ``w:inline`` element, its shape id from a counter kept on the document.

    python-docx's ``add_picture`` numbers a shape by searching the whole document for the ids in
    use, so that a bilan of many sites (thousands of charts) took quadratic time.
    """
    from docx.oxml.shape import CT_Inline

    rId, image = document.part.get_or_add_image(io.BytesIO(png))
    cx, cy = image.scaled_dimensions(width, None)
    shape_id = getattr(document, "_qualepref_shapes", 1000) + 1
    document._qualepref_shapes = shape_id
    return CT_Inline.new_pic_inline(shape_id, rId, image.filename, cx, cy)


def _add_figure(document, figure: Figure, pair=None):
    """Add a chart; a chart of a series joins the previous one's paragraph (``pair``) when it has room.

    Returns the paragraph a next chart of the series may join, or ``None``.
    """
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    limit = _TEXT_WIDTH_CM / 2 - 0.7 if figure.pair else _TEXT_WIDTH_CM * 0.9  # two and a space fit a line
    width = min(_png_width_cm(figure.png), limit)
    joins = pair is not None
    paragraph = pair if joins else document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_together = True
    if joins:
        paragraph.add_run(" ")
    inline = _picture(document, figure.png, Cm(width))
    paragraph.add_run()._r.add_drawing(inline)
    properties = inline.docPr
    properties.set("descr", figure.alt)  # the alternative text a screen reader gives
    properties.set("title", figure.alt.split(". ")[0][:250])
    return paragraph if figure.pair and not joins else None


def _row_xml(texts: list[str], widths: list[float], numeric: set[int], *, size: float, header: bool,
             keep: bool = False) -> str:
    """One table row as WordprocessingML: fixed widths, right-aligned numbers, a white-on-blue header.

    ``keep``: the row stays on the page of the next one (a short table is not split).

    Written as text and parsed once per row: python-docx's cell-by-cell calls cost a second per bilan.
    """
    from xml.sax.saxutils import escape

    half_points = round(size * 2)
    row_properties = '<w:tblHeader w:val="true"/>' if header else '<w:cantSplit w:val="true"/>'  # header: repeated
    cells = []
    for position, width in enumerate(widths):
        text = texts[position] if position < len(texts) else ""
        shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{BLUE}"/>' if header else ""
        align = '<w:jc w:val="right"/>' if position in numeric and not (header and position == 0) else ""
        font = (f'<w:b/><w:color w:val="FFFFFF"/>' if header else "") + f'<w:sz w:val="{half_points}"/>'
        run = f'<w:r><w:rPr>{font}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
        cells.append(f'<w:tc><w:tcPr><w:tcW w:w="{round(width / 2.54 * 1440)}" w:type="dxa"/>{shade}</w:tcPr>'
                     f'<w:p><w:pPr>{"<w:keepNext/>" if keep else ""}<w:spacing w:after="0"/>{align}</w:pPr>'
                     f'{run}</w:p></w:tc>')
    return f'<w:tr {_NAMESPACE}><w:trPr>{row_properties}</w:trPr>{"".join(cells)}</w:tr>'


#: A table of at most this many rows is kept on one page.
_SHORT_TABLE = 20
_NAMESPACE = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _add_table(document, table: TableBlock, styles: dict[str, str]) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import parse_xml
    from docx.shared import Cm

    if table.caption:
        _paragraph(document, table.caption, styles["Caption"])
    columns = max(len(table.header), max((len(row) for row in table.rows), default=0), 1)
    numeric = {position for row in table.rows for position, cell in enumerate(row) if cell.numeric}
    grid = document.add_table(rows=0, cols=columns)
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    size = 8.5 if columns <= 6 else 7.5
    widths = _column_widths(table, columns)
    for column, width in zip(grid.columns, widths):
        column.width = Cm(width)  # the grid, which LibreOffice reads
    short = len(table.rows) <= _SHORT_TABLE
    rows = ([_row_xml(list(table.header), widths, numeric, size=size, header=True, keep=True)] if table.header else [])
    rows += [_row_xml([cell.text for cell in source], widths, numeric, size=size, header=False,
                      keep=short and position < len(table.rows) - 1)
             for position, source in enumerate(table.rows)]
    for row in rows:
        grid._tbl.append(parse_xml(row))
    _paragraph(document, "", None).paragraph_format.space_after = 0


def _paragraph(document, text: str, style_id: str | None):
    """A paragraph with a style given by its id (python-docx's lookup by name is slow on a long document)."""
    paragraph = document.add_paragraph(text)
    if style_id:
        paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = style_id
    return paragraph


def _column_widths(table: TableBlock, columns: int) -> list[float]:
    """Column widths in cm that fill the text width, in proportion to what each column holds.

    A column's weight is its longest cell (at most 32 characters: a longer text wraps) or its
    header's longest word (bold: a third wider), whichever is larger.
    """
    weights = []
    for position in range(columns):
        cells = [row[position].text for row in table.rows if position < len(row)]
        header = table.header[position] if position < len(table.header) else ""
        longest_word = max((len(word) for word in header.split()), default=0)
        weights.append(max(min(max((len(text) for text in cells), default=0), 32), 1.3 * longest_word, 3))
    total = sum(weights)
    return [max(_TEXT_WIDTH_CM * weight / total, 1.2) for weight in weights]


def add_blocks(document, blocks: list[Block]) -> None:
    """Append the bilan's blocks to ``document`` (headings, paragraphs, tables, figures, page breaks).

    The cover's lines (``cover``, ``title``) are expected to have been written already.
    """
    from docx.shared import Pt, RGBColor

    styles = {style.name: style.style_id for style in document.styles}
    previous_break = True
    pair = None  # the paragraph of a series of like charts, two per row
    for block in blocks:
        if isinstance(block, Paragraph) and block.kind in ("cover", "title"):
            continue
        if isinstance(block, TableBlock) and block.figure_data:
            continue  # a chart's values: in the workbook of tables, and in the chart's alternative text
        if not (isinstance(block, Figure) and block.pair):
            pair = None
        if isinstance(block, PageBreak):
            if not previous_break:
                document.add_page_break()
            previous_break = True
            continue
        previous_break = False
        if isinstance(block, Heading):
            _paragraph(document, block.text, styles[f"Heading {min(block.level, 9)}"])
        elif isinstance(block, Paragraph):
            style = None
            if block.kind in _LIST_STYLES:
                style = styles[_LIST_STYLES[block.kind][min(block.depth, 2)]]
            paragraph = _paragraph(document, "", style)
            for run in block.runs:
                written = paragraph.add_run(run.text)
                written.bold, written.italic = run.bold or None, run.italic or None
                if block.kind == "small":
                    written.font.size = Pt(8)
                    written.font.color.rgb = RGBColor.from_string("666666")
        elif isinstance(block, TableBlock):
            _add_table(document, block, styles)
        elif isinstance(block, Figure):
            pair = _add_figure(document, block, pair)


def write_bilan_document(blocks: list[Block], path: Path, *, title: str) -> Path:
    """Write the bilan's blocks as a Word document at ``path`` and return it.

    Parameters
    ----------
    blocks : list
        :func:`~qualepref_analysis.office.blocks.read_blocks` of the HTML bilan.
    path : Path
        The ``.docx`` to write (replaced whole).
    title : str
        The document's title, in its properties and its footer.
    """
    from docx.enum.text import WD_BREAK
    from docx.shared import Pt, RGBColor

    document = new_document(title=title, footer=title)
    cover = [block for block in blocks if isinstance(block, Paragraph) and block.kind in ("cover", "title")]
    for line in cover:
        if line.kind == "title":
            document.add_paragraph(line.text, style="Title")
        else:
            document.add_paragraph(line.text)
    contents = document.add_paragraph().add_run("Sommaire")  # not a heading: the contents do not list themselves
    contents.bold, contents.font.size, contents.font.color.rgb = True, Pt(16), RGBColor.from_string(BLUE)
    add_table_of_contents(document, [block for block in blocks if isinstance(block, Heading)])
    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    add_blocks(document, blocks)
    return save_replacing(Path(path), document.save)
