"""Progress bars written to a log file (a background ingest, ``2> ingest.log``) come one update a
line, with the count, the rate and the time left; on a pipe (the upload's ingest child, read by
``service.uploads``) they stay tqdm's own carriage-return redraws."""

from __future__ import annotations

import subprocess
import sys

from netlaw import progress

SCRIPT = """
import sys
from netlaw import progress
progress.LOG_INTERVAL_S = 0.0
with progress.bar(total=4, desc="embedding (multilingual)", unit="window", mininterval=0, miniters=1) as b:
    for _ in range(4):
        b.update(1)
"""


def test_a_bar_written_to_a_file_is_one_line_per_update_with_the_time_left(tmp_path):
    log = tmp_path / "ingest.log"
    with log.open("w") as handle:
        subprocess.run([sys.executable, "-c", SCRIPT], stderr=handle, check=True, cwd=progress.__file__.rsplit(
            "/netlaw/", 1)[0])
    text = log.read_text()
    lines = [line for line in text.splitlines() if line.strip()]
    assert "\r" not in text
    assert [line.split("|")[-1].split()[0] for line in lines][-1] == "4/4"
    assert all(line.startswith("embedding (multilingual):") for line in lines)
    assert len(lines) >= 4  # 0/4 … 4/4, each on its own line
    assert "<" in lines[-2]  # elapsed<left


def test_a_bar_on_a_pipe_keeps_tqdm_redraws(tmp_path):
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, check=True,
                          cwd=progress.__file__.rsplit("/netlaw/", 1)[0])
    assert b"\r" in done.stderr  # (bytes: text mode would turn the carriage returns into line ends)
    assert b"4/4" in done.stderr
