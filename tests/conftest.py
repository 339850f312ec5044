"""Shared fixtures; ``--runslow`` enables the statistical checks over many seeds."""

from __future__ import annotations

import pytest


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", help="run slow statistical tests")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="statistical check over many seeds; use --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
