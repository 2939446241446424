"""The answer benchmark's regression gate (latency and memory live there, not in timed tests)."""

from __future__ import annotations

from benchmarks.answer_bench import compare, main

BASELINE = {"peak_rss_mb": 1000.0, "backends": {"extractive": {"p50": 0.2, "p95": 1.0, "ttft_p50": None}}}


def run(p50: float, p95: float) -> list[dict]:
    return [{"backend": "extractive", "p50": p50, "p95": p95, "ttft_p50": None, "ttft_p95": None}]


def test_a_figure_more_than_the_allowed_share_worse_is_reported():
    assert compare(run(0.2, 1.0), 1000, BASELINE, 50, 0.1) == []
    assert compare(run(0.29, 1.49), 1400, BASELINE, 50, 0.1) == []  # within 50 %
    worse = compare(run(0.2, 1.6), 1000, BASELINE, 50, 0.1)
    assert len(worse) == 1
    assert worse[0].startswith("extractive p95: 1.600 s vs baseline 1.000 s (+60 %")
    assert compare(run(0.2, 1.0), 1600, BASELINE, 50, 0.1)[0].startswith("peak RSS: 1600 MB")


def test_small_absolute_changes_and_unknown_backends_do_not_fail():
    assert compare(run(0.28, 1.0), 1000, BASELINE, 10, 0.1) == []  # +40 % but only 0.08 s
    assert compare([{"backend": "local", "p50": 9.0, "p95": 9.0}], 1000, BASELINE, 50, 0.1) == []


def test_the_benchmark_documents_its_gate(capsys):
    import pytest

    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert "--max-worse" in out
    assert "--write-baseline" in out
