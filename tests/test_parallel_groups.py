"""The parallel run keeps each ``xdist_group`` on one worker.

pytest-xdist tells its scheduler a test's group by appending ``@group`` to the test's node id
in the worker. With pytest 9.2 that append no longer takes (pytest-xdist issue 1386, open), and
every group was spread over both workers without a word: fixtures each group exists to build
once were built twice, and tests that share a file of the checkout ran side by side. Hence
the pin below 9.2 in pyproject.toml, and this check, which fails if it happens again.
"""

from __future__ import annotations

import pytest


def test_grouped_tests_carry_their_group_to_the_scheduler(request: pytest.FixtureRequest) -> None:
    if not request.config.getvalue("loadgroup"):  # set in workers by --dist loadgroup
        pytest.skip("not an xdist worker of a --dist loadgroup run (dev.py test runs one)")
    grouped = [item for item in request.session.items if any(item.iter_markers("xdist_group"))]
    assert grouped, "no test is in an xdist_group: the check would prove nothing"
    serial = [item for item in request.session.items if item.get_closest_marker("serial")]
    assert serial, "no test is marked serial: the deadline tests moved or lost their mark"
    assert all(item.nodeid.endswith("@serial") for item in serial), [i.nodeid for i in serial]
    lost = [item.nodeid for item in grouped if "@" not in item.nodeid]
    assert lost == [], (
        f"pytest-xdist ignores the xdist_group of {len(lost)} tests; "
        "use a pytest it supports (see pyproject.toml)"
    )
