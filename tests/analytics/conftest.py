"""Fixtures of the analytics tests: the hand-built panel and the sample."""

from __future__ import annotations

import pytest
from analytics_helpers import build

import cdop


@pytest.fixture(scope="session")
def small() -> cdop.Dataset:
    return build()


@pytest.fixture(scope="session")
def sample() -> cdop.Dataset:
    return cdop.load_sample()
