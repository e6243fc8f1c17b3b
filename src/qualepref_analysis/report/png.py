"""A figure as PNG bytes, cropped to what it draws, with one rendering instead of two.

``Figure.savefig(bbox_inches="tight")`` draws the figure once to measure what it draws, then again,
shifted, to write the image. Here the figure is drawn once on its own canvas, measured on that same
rendering (the text layouts it computed are reused) and the pixels inside the measured box are
written out: the same image to within anti-aliasing (a shift of less than a pixel), a third less
time per chart (``benchmarks/README.md``). When what the figure draws does not fit inside the
figure (a title wider than the figure, a legend placed outside), cropping cannot enlarge it: the
image is then written by ``savefig(bbox_inches="tight")``, which does.
"""

from __future__ import annotations

import io
import math

__all__ = ["figure_png"]


def figure_png(fig, *, dpi: float = 96) -> bytes:
    """The PNG of ``fig`` at ``dpi``, cropped to its drawn content plus ``savefig.pad_inches``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure, attached to any canvas (it is drawn on an Agg canvas of its own).
    dpi : float
        Resolution of the image; the figure's own dpi is set to it.

    Returns
    -------
    bytes
        A PNG (RGB when the figure is opaque, else RGBA; resolution ``dpi`` recorded), as ``fig.savefig(buffer, format="png", dpi=dpi,
        bbox_inches="tight")`` would write it, to within a pixel at each edge.
    """
    import matplotlib as mpl
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    if fig.dpi != dpi:
        fig.set_dpi(dpi)
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())
    height, width = pixels.shape[:2]
    drawn = fig.get_tightbbox(canvas.get_renderer()).transformed(fig.dpi_scale_trans)
    buffer = io.BytesIO()
    if drawn.x0 < 0 or drawn.y0 < 0 or drawn.x1 > width or drawn.y1 > height:  # beyond the figure: savefig widens
        fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
        return buffer.getvalue()
    pad = mpl.rcParams["savefig.pad_inches"] * dpi  # the margin may reach past the figure: its background there
    left, right = math.floor(drawn.x0 - pad), math.ceil(drawn.x1 + pad)
    bottom, top = math.floor(drawn.y0 - pad), math.ceil(drawn.y1 + pad)
    image = np.empty((top - bottom, right - left, 4), dtype=np.uint8)
    image[...] = np.round(np.array(mpl.colors.to_rgba(fig.get_facecolor())) * 255).astype(np.uint8)
    rows = slice(height - min(top, height), height - max(bottom, 0))
    columns = slice(max(left, 0), min(right, width))
    image[rows.start - (height - top):rows.stop - (height - top),
          columns.start - left:columns.stop - left] = pixels[rows, columns]
    if (image[..., 3] == 255).all():  # opaque (the review's figures are): the same pixels without the alpha channel
        image = np.ascontiguousarray(image[..., :3])
    # zlib's level 3 rather than Pillow's 6: on the review's charts, quicker (≈ 9 instead of 18 ms) and
    # no larger, the alpha channel dropped making the file a tenth smaller (benchmarks/README.md)
    Image.fromarray(image).save(buffer, format="png", dpi=(dpi, dpi), compress_level=3)
    return buffer.getvalue()
