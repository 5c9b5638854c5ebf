"""Transparent huge pages for the engine's own large arrays (Linux), asked for by ``madvise``.

At 100,000 components the engine reads some fifty arrays of 0.1-5 MB at random
nodes and edges (``docs/benchmarks.md``, "s-scale"): with 4 KB pages nearly every such
read also misses the TLB (its reach is a few MB), and a page walk costs about as much
as the cache miss itself. On a 2 MB page the same reads share one TLB entry per 2 MB.
Linux gives anonymous memory huge pages either always or, the common setting
(``/sys/kernel/mm/transparent_hugepage/enabled`` = ``madvise``), only where the program
asked with ``madvise(MADV_HUGEPAGE)`` (kernel documentation,
``admin-guide/mm/transhuge.rst``). :func:`advise` asks for it on buffers the engine
allocated itself and on nothing else: only the whole 2 MB pages *inside* each buffer
(a buffer under 4 MB may hold one or none), so no other memory of the process changes
its policy. The buffers are already written (the arrays are built filled), so it then
asks the kernel to collapse those pages now (``MADV_COLLAPSE``, Linux 6.1) rather than
whenever ``khugepaged`` passes by. Where any of this is missing (another system or
processor, an older kernel, THP switched off) it does nothing: the run is the same,
byte for byte, only the memory layout differs.

The arrays are :mod:`librt.vecs` vectors, whose item buffer is exported through the
buffer protocol (``PyObject_GetBuffer``): its address and length come from there, not
from any knowledge of the vector's layout.
"""

from __future__ import annotations

import ctypes
import platform
import sys
from collections.abc import Iterable
from functools import cache
from typing import Any

HUGE_PAGE = 2 << 20
"""The x86-64 and arm64 (4 KB base pages) size of a transparent huge page, in bytes."""
MADV_HUGEPAGE = 14
MADV_COLLAPSE = 25
"""``madvise`` advice values of ``<asm-generic/mman-common.h>`` (used on :data:`MACHINES`)."""
MACHINES = ("x86_64", "aarch64")
"""Processors whose Linux uses those values and 2 MB huge pages; elsewhere nothing is asked."""


class _PyBuffer(ctypes.Structure):
    """``Py_buffer`` of the C API (``Include/cpython/object.h``, stable since 3.3)."""

    _fields_ = [
        ("buf", ctypes.c_void_p),
        ("obj", ctypes.c_void_p),
        ("len", ctypes.c_ssize_t),
        ("itemsize", ctypes.c_ssize_t),
        ("readonly", ctypes.c_int),
        ("ndim", ctypes.c_int),
        ("format", ctypes.c_char_p),
        ("shape", ctypes.c_void_p),
        ("strides", ctypes.c_void_p),
        ("suboffsets", ctypes.c_void_p),
        ("internal", ctypes.c_void_p),
    ]


def _span(array: object) -> tuple[int, int]:
    """Address and length in bytes of the buffer ``array`` exports ((0, 0): none)."""
    view = _PyBuffer()
    get = ctypes.pythonapi.PyObject_GetBuffer
    get.argtypes = [ctypes.py_object, ctypes.POINTER(_PyBuffer), ctypes.c_int]
    release = ctypes.pythonapi.PyBuffer_Release
    release.argtypes = [ctypes.POINTER(_PyBuffer)]
    if get(array, ctypes.byref(view), 0) != 0:  # PyBUF_SIMPLE: contiguous bytes
        return 0, 0
    try:
        return view.buf or 0, view.len
    finally:
        release(ctypes.byref(view))


def advise(arrays: Iterable[object]) -> int:
    """Ask for huge pages on the whole 2 MB pages inside each of ``arrays``' buffers.

    Returns the bytes advised (0 where the system offers no such thing). Errors of
    ``madvise`` are ignored: the advice is a hint, the run does not depend on it.
    Buffers under 2 MB (every one of a small graph's) cost a length check, no more.
    """
    if sys.platform != "linux" or platform.machine() not in MACHINES:
        return 0
    advised = 0
    for array in arrays:
        try:
            with memoryview(array) as whole:  # type: ignore[arg-type]  # TypeError: none
                if whole.nbytes < HUGE_PAGE:
                    continue
            start, length = _span(array)
        except (TypeError, BufferError, ValueError):
            continue
        low = -(-start // HUGE_PAGE) * HUGE_PAGE  # the first huge page boundary inside
        high = (start + length) // HUGE_PAGE * HUGE_PAGE
        madvise = _madvise()
        if madvise is None or not start or high <= low:
            continue
        if madvise(low, high - low, MADV_HUGEPAGE) == 0:
            madvise(low, high - low, MADV_COLLAPSE)  # fails on kernels before 6.1: a hint
            advised += high - low
    return advised


@cache
def _madvise() -> Any:
    """The C library's ``madvise`` (None where it has none)."""
    try:
        madvise = ctypes.CDLL(None, use_errno=True).madvise
    except (OSError, AttributeError):
        return None
    madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    madvise.restype = ctypes.c_int
    return madvise
