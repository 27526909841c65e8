"""make train hands freed heap memory back before its memory-heavy steps, wherever the C library can."""

from __future__ import annotations

import pytest

from training import train


class Glibc:
    def __init__(self) -> None:
        self.trims: list[int] = []

    def malloc_trim(self, pad: int) -> int:
        self.trims.append(pad)
        return 1


class Musl:  # a C library without malloc_trim
    pass


def test_freed_memory_is_trimmed_to_nothing_kept_in_reserve(monkeypatch):
    libc = Glibc()
    monkeypatch.setattr(train.ctypes, "CDLL", lambda name: libc)
    train.release_freed_memory()
    assert libc.trims == [0]


def no_libc(name):
    raise OSError(f"{name}: cannot open shared object file")


@pytest.mark.parametrize("cdll", [no_libc, lambda name: Musl()], ids=["no libc.so.6", "no malloc_trim"])
def test_a_c_library_that_cannot_trim_is_no_error(monkeypatch, cdll):
    asked = []

    def load(name):
        asked.append(name)
        return cdll(name)

    monkeypatch.setattr(train.ctypes, "CDLL", load)
    train.release_freed_memory()  # the library was asked for, and its absence raised nothing
    assert asked == ["libc.so.6"]
