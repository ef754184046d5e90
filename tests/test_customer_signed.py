"""Signed figures on the Customer 360 page: a value that rounds to zero is '0.00', never '-0.00'."""

import pytest

from dashboards.customers import _signed


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "—"),
        (-0.001, "0.00"),
        (0.004, "0.00"),
        (0, "0.00"),
        (-0.006, "-0.01"),
        (0.126, "+0.13"),
        (-1.5, "-1.50"),
    ],
)
def test_signed_values(value, shown):
    assert _signed(value) == shown
