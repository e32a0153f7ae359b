"""Cached markup kept compressed in pieces that join into one gzip response without compressing again.

Each piece is raw deflate ended with a sync flush (`squeeze`): a run of non-final blocks ending on
a byte boundary that refers to nothing before it, so pieces compressed separately are one valid
deflate stream when laid end to end. A scorecard's body (its pieces and plan blocks joined) is
sent to a browser that accepts gzip as it is kept (`gzip_around`): only the page's own header and
footer, which differ per user, are compressed per request, and the CRC is taken over the
uncompressed bytes.
"""

from __future__ import annotations

import re
import struct
import zlib

from django.http import HttpRequest

ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as Django's GZipMiddleware reads Accept-Encoding
# A gzip member's header: magic, deflate, no flags, no time, fastest, unknown OS (RFC 1952).
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x04\xff"


def squeeze(data: bytes, level: int = 1) -> bytes:
    """`data` as a joinable deflate piece, at zlib's fastest level unless told otherwise."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


def inflate(pieces: bytes) -> bytes:
    """The bytes of one or more joined pieces."""
    return zlib.decompressobj(-zlib.MAX_WBITS).decompress(pieces)


def accepts_gzip(request: HttpRequest) -> bool:
    return bool(ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def gzip_around(head: bytes, body: bytes, deflated_body: bytes, tail: bytes) -> bytes:
    """A gzip stream of `head + body + tail`, with `body` already compressed as `deflated_body`."""
    closing = zlib.compressobj(1, zlib.DEFLATED, -zlib.MAX_WBITS)
    crc = zlib.crc32(tail, zlib.crc32(body, zlib.crc32(head)))
    size = (len(head) + len(body) + len(tail)) & 0xFFFFFFFF
    return b"".join(
        (
            GZIP_HEADER,
            squeeze(head),
            deflated_body,
            closing.compress(tail) + closing.flush(zlib.Z_FINISH),
            struct.pack("<II", crc, size),
        )
    )
