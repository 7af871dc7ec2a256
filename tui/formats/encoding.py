"""Bytes -> text when the encoding can be known; otherwise a refusal that says why, never mojibake."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from .common import ImportProblem

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Letters of Central European code pages that Windows-1252 reads as symbols inside a word
# ("Za¿ó³æ", "¾e"); Spanish "¿Qué" and "25°C" stay Western.


# Letters of Central European code pages that Windows-1252 reads as symbols inside a word
# ("Za¿ó³æ", "¾e"); Spanish "¿Qué" and "25°C" stay Western.
_SYMBOL_IN_WORD = re.compile(r"[A-Za-zÀ-ÿ][¤¦¬¯±³¶¹¼½¾¿]|[¤¦¬¯±³¶¹¼¾][A-Za-zÀ-ÿ]")


_ICELANDIC = re.compile(r"[ÐÝÞðýþ]")


def _as_western(raw: bytes) -> str | None:
    """Windows-1252 (a superset of Latin-1 for text) when the result reads as a
    Western European language: mostly ASCII letters with some accented ones.
    Cyrillic or Greek bytes read this way give words of accented letters only."""
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = [c for c in text if c.isalpha()]
    accented = sum(ord(c) > 127 for c in letters)
    if not letters or accented > 0.3 * len(letters) or _CONTROL.search(text):
        return None
    # Central European, Baltic and Turkish code pages put letters where Windows-1252 has
    # symbols (¿ ³ ¹ ¾ ...) or the Icelandic letters (ð þ ý): such a reading is not sure.
    if _SYMBOL_IN_WORD.search(text) or _ICELANDIC.search(text):
        return None
    return text


def decode(raw: bytes, path: str | Path) -> str:
    """Bytes -> text when the encoding can be known; otherwise refuse, never guess wildly."""
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(enc)
            except UnicodeDecodeError as exc:
                raise ImportProblem(path, f"starts with a {enc} byte-order mark but is not valid {enc} ({exc.reason})")
    if b"\x00" in raw[:8192]:
        raise ImportProblem(path, "binary file (contains NUL bytes), not text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if _UTF8_MULTIBYTE.search(raw):
        # Valid UTF-8 sequences next to invalid bytes: two encodings in one file.
        # Any single guess would turn one half into mojibake.
        raise ImportProblem(
            path, f"mixes UTF-8 with another encoding (invalid byte {raw[utf8_error.start]:#04x} at "
            f"offset {utf8_error.start}); convert it to UTF-8 first")
    western = _as_western(raw)
    if western is not None:
        return western
    from charset_normalizer import from_bytes

    matches = from_bytes(raw)
    best = matches.best()
    # Trust the detector only when it is sure: no noise, a language recognised, and no
    # other clean reading of the bytes (a different text) nearly as likely. Short
    # single-byte texts often read as well in two scripts; refusing beats mojibake.
    if best is not None and best.chaos == 0.0 and best.coherence > 0.0:
        text = str(best)
        rivals = [m for m in matches if m.chaos == 0.0 and m.coherence >= best.coherence - 0.1
                  and str(m) != text]
        if not rivals and not _CONTROL.search(text):
            return text
    raise ImportProblem(
        path, f"not UTF-8 (byte {raw[utf8_error.start]:#04x} at offset {utf8_error.start}) "
        "and the encoding could not be recognised; convert it to UTF-8 first")
