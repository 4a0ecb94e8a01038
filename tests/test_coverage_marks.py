"""The suite's own marks do what they say (see docs/development/coverage.md)."""

from __future__ import annotations

import sys

import pytest


@pytest.mark.untraced
def test_an_untraced_test_runs_with_no_tracer_installed() -> None:
    # Under an xdist worker a measured run has two coverage instances (coverage's
    # subprocess .pth and pytest-cov's): pausing only the current one left the other
    # tracing, and the heaviest laws ran at two to three times their cost.
    assert sys.gettrace() is None
