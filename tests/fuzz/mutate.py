"""Hypothesis strategies that damage real inputs the way links and vendors do."""

from __future__ import annotations

from hypothesis import strategies as st

_INTERESTING = (
    b"\n",
    b"\r\n",
    b"\0",
    b"\xff\xfe",
    b"\xc0\xaf",
    b"=",
    b":",
    b"[",
    b"]",
    b"{",
    b"}",
    b"/",
    b"  ",
    b"\t",
    b"-1",
    b"99999999999999999999",
    b"Package [",
    b"User 0:",
    b"granted=true",
    b"Packages:",
    b"- name:",
)


@st.composite
def mutations(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` with a few cuts, insertions, byte flips, repeats and line swaps."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        size = len(data)
        kind = draw(st.sampled_from(["cut", "insert", "flip", "repeat", "drop-line", "truncate"]))
        at = draw(st.integers(min_value=0, max_value=size)) if size else 0
        if kind == "cut" and size:
            del data[at : at + draw(st.integers(min_value=1, max_value=64))]
        elif kind == "insert":
            data[at:at] = draw(st.sampled_from(_INTERESTING) | st.binary(min_size=1, max_size=16))
        elif kind == "flip" and at < size:
            data[at] ^= draw(st.integers(min_value=1, max_value=255))
        elif kind == "repeat" and size:
            piece = bytes(data[at : at + draw(st.integers(min_value=1, max_value=200))])
            data[at:at] = piece * draw(st.integers(min_value=1, max_value=4))
        elif kind == "drop-line":
            start = data.rfind(b"\n", 0, at) + 1
            end = data.find(b"\n", at)
            del data[start : (end + 1) if end >= 0 else len(data)]
        elif kind == "truncate":
            del data[at:]
    return bytes(data)
