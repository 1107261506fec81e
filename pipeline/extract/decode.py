"""Bytes to text: the encoding is detected from the bytes and the page, never assumed."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from pipeline.errors import InputError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Browsers (WHATWG Encoding Standard) read these labels as windows-1252, and so do we.
_WHATWG_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso-8859-15": "cp1252",
}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(frozen=True)
class DecodedText:
    """Decoded text and how the encoding was chosen."""

    text: str
    encoding: str
    method: str  # bom | utf-8 | declared | detected


def _normalise_label(label: str) -> str | None:
    name = label.strip().lower()
    name = _WHATWG_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _declared_encoding(data: bytes) -> str | None:
    head = data[:4096]
    match = _META_CHARSET.search(head) or _XML_DECL.search(head)
    return _normalise_label(match.group(1).decode("ascii", "ignore")) if match else None


def looks_binary(data: bytes) -> bool:
    """True when the bytes are not text (NUL bytes or many control characters in the first 8 KiB)."""
    sample = data[:8192]
    if not sample:
        return False
    if any(sample.startswith(bom) for bom, _ in _BOMS[1:]):
        return False
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return control / len(sample) > 0.05


def decode_bytes(data: bytes) -> DecodedText:
    """Decode a document's bytes; raises InputError for empty or binary content."""
    if not data.strip():
        raise InputError("empty document")
    for bom, name in _BOMS:
        if data.startswith(bom):
            return DecodedText(data.decode(name, errors="replace"), name, "bom")
    if looks_binary(data):
        raise InputError("binary content, not text or HTML")
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", "utf-8")
    except UnicodeDecodeError:
        pass
    declared = _declared_encoding(data)
    if declared and declared not in ("utf-8", "utf_8"):
        try:
            return DecodedText(data.decode(declared), declared, "declared")
        except UnicodeDecodeError:
            pass
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError("could not detect the text encoding")
    encoding = _normalise_label(best.encoding) or best.encoding
    return DecodedText(data.decode(encoding, errors="replace"), encoding, "detected")
