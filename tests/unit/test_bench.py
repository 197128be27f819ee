"""`make bench` keeps working as the logic it times evolves."""

from __future__ import annotations

import pytest

from tests import bench


def test_bench_runs_every_case(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--iterations", "1"]) == 0

    output = capsys.readouterr().out
    for case in bench.CASES:
        assert case.name in output


def test_encryption_bench_prints_every_figure(capsys: pytest.CaptureFixture[str]) -> None:
    from tests import bench_encryption

    bench_encryption.main(["--iterations", "3"])  # the verdict depends on the machine; the figures must be there

    output = capsys.readouterr().out
    for line in ("encrypted", "plain Rasa", "typical turn", "encryption per turn (p50)"):
        assert line in output
