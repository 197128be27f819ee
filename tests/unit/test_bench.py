"""`make bench` keeps working as the logic it times evolves."""

from __future__ import annotations

import pytest

from tests import bench


def test_bench_runs_every_case(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--iterations", "1"]) == 0

    output = capsys.readouterr().out
    for case in bench.CASES:
        assert case.name in output
