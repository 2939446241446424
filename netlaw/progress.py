"""Progress bars that also read well in a log file.

On a terminal (or a pipe that a parent reads, like the upload's ingest child) a bar redraws as
tqdm likes. Written to a file (an ingest run in the background, ``2> ingest.log``) every redraw
would be kept on one endless line, so there the bar redraws every ``LOG_INTERVAL_S`` seconds,
each on its own line, with its rate and the time left.
"""

from __future__ import annotations

import os
import stat
import sys

LOG_INTERVAL_S = 15.0


class _Lines:
    """A file wrapper that turns tqdm's carriage returns into line ends."""

    def __init__(self, stream) -> None:
        self.stream = stream

    def write(self, text: str) -> None:
        for piece in text.replace("\n", "\r").split("\r"):
            if piece.strip():
                self.stream.write(piece.rstrip() + "\n")

    def flush(self) -> None:
        self.stream.flush()


def _to_file(stream) -> bool:
    try:
        return stat.S_ISREG(os.fstat(stream.fileno()).st_mode)
    except (OSError, ValueError, AttributeError):
        return False


def bar(**kwargs):
    """A ``tqdm`` bar on stderr; ``kwargs`` as tqdm's (``total``, ``desc``, ``unit``, ``disable``, ...)."""
    from tqdm import tqdm

    stream = sys.stderr
    if _to_file(stream):
        kwargs.setdefault("mininterval", LOG_INTERVAL_S)
        kwargs.setdefault("maxinterval", LOG_INTERVAL_S * 4)
        kwargs.setdefault("ascii", True)
        kwargs.setdefault("ncols", 120)
        stream = _Lines(stream)
    return tqdm(file=stream, **kwargs)
