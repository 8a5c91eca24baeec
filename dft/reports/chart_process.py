"""Charts drawn into pixels by a second process while this one lays the report out.

matplotlib lays each chart out in Python: the PDF's five charts are half a second of
its writing, a quarter of the whole report on a 1M-deal database. A second process,
started while the report's SQL runs, draws them on the other core while reportlab
lays out the tables (python -m tests.benchmarks, the PDF report row).

The process is started by :func:`start_drawing_process` where a PDF is about to be
written (``dft report``, Save as) and stopped once it is. Without it (one core, a
process that cannot be started, or none asked for, as in most tests), every chart is
drawn here, as before.
If the process dies, the chart is drawn here too: a report never fails for it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import zlib
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from PIL import Image as PILImage

log = logging.getLogger(__name__)

Chart = Callable[..., "Figure"]  # a function of dft.analytics that makes a figure


@dataclass(frozen=True)
class Pixels:
    """A chart drawn: its RGB pixels, row by row, packed, and its size in inches.

    Packed because they cross a pipe: 3 MB of a chart at print resolution is 40 kB
    packed (5 ms each way), and unpacked the other process waited 200 ms a chart
    for this one to read it, a piece at a time between its own work."""

    width: int
    height: int
    packed_rgb: bytes
    inches: tuple[float, float]

    def image(self) -> PILImage.Image:
        """The pixels as an image."""
        from PIL import Image as PILImage

        rgb = zlib.decompress(self.packed_rgb)
        return PILImage.frombuffer("RGB", (self.width, self.height), rgb, "raw", "RGB", 0, 1)


def draw(chart: Chart, args: tuple[Any, ...], options: dict[str, Any], dpi: float) -> Pixels:
    """Make the figure ``chart(*args, **options)`` and draw it at ``dpi``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image as PILImage

    figure = chart(*args, **options)
    figure.set_dpi(dpi)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    rgba = PILImage.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
    rgb = rgba.convert("RGB")
    width, height = figure.get_size_inches()
    packed = zlib.compress(rgb.tobytes(), 1)
    return Pixels(rgb.width, rgb.height, packed, (float(width), float(height)))


def _load_libraries() -> None:
    """The drawing process's start, while the report's SQL runs: what every chart needs."""
    import matplotlib.backends.backend_agg  # noqa: F401
    import PIL.Image  # noqa: F401

    import dft.analytics.charts
    import dft.analytics.insight_charts  # noqa: F401


def _loaded() -> None:
    """A first task, so that the process starts now rather than at the first chart."""


_process: ProcessPoolExecutor | None = None
_started: Future[None] | None = None  # done once the process has loaded its libraries


def start_drawing_process() -> None:
    """Start the process that draws charts, if it is not running and can help: it
    takes most of a second to load matplotlib, so start it before the report's SQL.
    On a single core, it would only take turns with this process: nothing is started."""
    global _process, _started
    if _process is not None or (os.cpu_count() or 1) < 2:
        return
    try:
        # Spawned, never forked: this process may have threads (Qt's, a worker's)
        # whose locks a fork would copy held.
        _process = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_load_libraries,
        )
        _started = _process.submit(_loaded)
    except (OSError, RuntimeError) as error:  # no processes allowed here: draw here
        log.warning(
            "Charts are drawn in this process: the drawing process did not start (%s)", error
        )
        _process = _started = None


def drawing_process_ready(timeout: float | None = None) -> bool:
    """Whether the drawing process runs and has loaded its libraries (waiting up to
    ``timeout`` seconds for it; None: not at all)."""
    if _started is None:
        return False
    if timeout is not None:
        wait([_started], timeout)
    return _started.done() and _started.exception() is None


def stop_drawing_process() -> None:
    """Stop the drawing process now, even while it loads its libraries (a command
    that wrote its report on a small database would otherwise wait for that)."""
    global _process, _started
    if _process is not None:
        # The executor has no public way to stop a worker that is busy loading.
        for worker in list(getattr(_process, "_processes", {}).values()):
            worker.terminate()
        _process.shutdown(wait=True, cancel_futures=True)
    _process = _started = None


def drawing_process_running() -> bool:
    """True when charts are sent to the drawing process."""
    return _process is not None


class OrderedChart:
    """A chart being drawn, by the drawing process when it runs; :meth:`pixels` waits."""

    def __init__(self, chart: Chart, *args: Any, dpi: float, **options: Any) -> None:
        self._order = (chart, args, options, dpi)
        self._future: Future[Pixels] | None = None
        if _process is not None and _can_be_sent(chart, args, options):
            try:
                self._future = _process.submit(draw, chart, args, options, dpi)
            except (BrokenProcessPool, RuntimeError):
                _gave_up()

    def pixels(self) -> Pixels:
        """The chart's pixels, once drawn: here, if there is no drawing process, it is
        still loading its libraries (on a small database, the report is written
        sooner than the process starts), or it was stopped meanwhile."""
        if self._future is not None:
            if self._future.done() or drawing_process_ready():
                try:
                    return self._future.result()
                except CancelledError:
                    pass  # stopped (stop_drawing_process) before it drew this one
                except BrokenProcessPool:
                    _gave_up()
            else:
                self._future.cancel()
        return draw(*self._order)


def _can_be_sent(chart: Chart, args: tuple[Any, ...], options: dict[str, Any]) -> bool:
    """Whether the other process can be sent this chart: a function it finds by name
    (not one made on the fly), with arguments it can rebuild. Else it is drawn here."""
    try:
        pickle.dumps((chart, args, options))
    except (pickle.PicklingError, AttributeError, TypeError):
        return False
    return True


def _gave_up() -> None:
    """The drawing process died (killed, out of memory): charts are drawn here now."""
    global _process, _started
    if _process is None:  # stopped on purpose (stop_drawing_process): nothing to say
        return
    log.warning("The drawing process stopped; charts are drawn in this process")
    _process.shutdown(wait=False, cancel_futures=True)
    _process = _started = None
