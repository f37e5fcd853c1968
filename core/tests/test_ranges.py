"""Byte ranges: which part of a file a Range header asks for (RFC 9110 §14.1.2)."""

from __future__ import annotations

import pytest

from core.ranges import Unsatisfiable, byte_range


@pytest.mark.parametrize(("header", "expected"), [
    (None, None),
    ("", None),
    ("bytes=0-99", (0, 99)),
    ("bytes=100-", (100, 999)),  # to the end
    ("bytes=900-5000", (900, 999)),  # past the end: up to it
    ("bytes=-100", (900, 999)),  # the last 100 bytes
    ("bytes=-5000", (0, 999)),  # more than there is: all of it
    ("bytes=999-999", (999, 999)),
    (" bytes=0-0 ", (0, 0)),
    ("bytes=0-99,200-299", None),  # several ranges: the whole file
    ("bytes=99-0", None),  # invalid: ignored
    ("items=0-9", None),  # another unit
    ("bytes=-", None),
    ("bytes=a-b", None),
])
def test_a_range_header_names_the_bytes_to_send(header: str | None, expected: tuple[int, int] | None) -> None:
    assert byte_range(header, 1000) == expected


@pytest.mark.parametrize(("header", "size"), [("bytes=1000-", 1000), ("bytes=5000-6000", 1000),
                                              ("bytes=-0", 1000), ("bytes=0-", 0), ("bytes=-10", 0)])
def test_a_range_beyond_the_file_cannot_be_satisfied(header: str, size: int) -> None:
    with pytest.raises(Unsatisfiable):
        byte_range(header, size)
