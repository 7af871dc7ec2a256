"""The formats by name, both directions: which reader takes a path (by its suffix) and
which writer writes a format; the CLI and the export workers find them here."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Callable, Iterable, Iterator

from ..nlp.tokens import Tokenizer
from ..nlp.tokens import default_tokenizer as _default_tokenizer
from .common import ExportSummary, ImportProblem, Item, Record
from .docbin import spacy_doc
from .doccano import doccano_record
from .jsonl import _json_line, jsonl_line, read_jsonl
from .news import read_text_file
from .output import Output, write_atomic
from .speed import _HAS_MENTION, _KIND, _LABEL, _SPEAKER

TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}


JSONL_SUFFIXES = {".jsonl", ".ndjson"}


def expand(paths: Iterable[str | Path]) -> Iterator[Path | ImportProblem]:
    """Files to import: the paths given, folders walked recursively in name order."""
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES \
                        and not any(part.startswith(".") for part in f.relative_to(p).parts):
                    yield f
        elif p.is_file():
            yield p
        elif p.exists():
            yield ImportProblem(p, "not a regular file")
        else:
            yield ImportProblem(p, "no such file or folder")


def read_paths(paths: Iterable[str | Path]) -> Iterator[Record | ImportProblem]:
    """Every article under ``paths``; problems come back in the stream, never raised."""
    for f in expand(paths):
        if isinstance(f, ImportProblem):
            yield f
            continue
        try:
            raw = f.read_bytes()
        except OSError as exc:
            yield ImportProblem(f, f"cannot read ({exc.strerror or exc})")
            continue
        suffix = f.suffix.lower()
        try:
            if suffix in JSONL_SUFFIXES:
                yield from read_jsonl(f, raw)
            elif suffix in TEXT_SUFFIXES or not f.suffix:
                yield read_text_file(f, raw)
            else:
                yield ImportProblem(f, f"unsupported file type {f.suffix!r} (use .txt, .md or .jsonl)")
        except ImportProblem as exc:
            yield exc


FORMATS = ("jsonl", "spacy", "doccano")


SUFFIXES = {"jsonl": ".jsonl", "spacy": ".spacy", "doccano": ".doccano.jsonl"}


def _counted(items: Iterable[Item], summary: ExportSummary) -> Iterator[Item]:
    labels = summary.labels
    for article, anns in items:
        summary.articles += 1
        labels.update(map(_LABEL, anns))
        kinds = list(map(_KIND, anns))
        summary.entities += kinds.count("entity")
        summary.quotes += kinds.count("quote")
        summary.speakers += sum(map(_HAS_MENTION, filter(None, map(_SPEAKER, anns))))
        yield article, anns


def write_records(items: Iterable[Item], fh: IO[bytes], fmt: str, *,
                  tokenizer: Tokenizer | None = None,
                  on_article: Callable[[], None] = lambda: None) -> ExportSummary:
    """Write ``items`` (already selected) to a binary stream in ``fmt``; checks each record first."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (use one of {', '.join(FORMATS)})")
    summary = ExportSummary()
    tok = tokenizer or (_default_tokenizer() if fmt != "doccano" else None)
    docbin = None
    if fmt == "spacy":
        from spacy.tokens import DocBin

        docbin = DocBin(store_user_data=True)
    for article, anns in _counted(items, summary):
        if fmt == "jsonl":
            fh.write(jsonl_line(article, anns, tok))
        elif fmt == "doccano":
            fh.write(_json_line(doccano_record(article, anns), ascii_only=True))
        else:
            docbin.add(spacy_doc(article, anns, tok))  # type: ignore[union-attr]
        on_article()
    if docbin is not None:
        fh.write(docbin.to_bytes())
    return summary


def export(items: Iterable[Item], output: str | Path | Output, fmt: str = "jsonl", *,
           tokenizer: Tokenizer | None = None, stdout: IO[bytes] | None = None,
           on_article: Callable[[], None] = lambda: None) -> ExportSummary:
    """Write ``items`` (already selected, e.g. by ``gold``) to ``output`` in ``fmt``, all or nothing."""
    return write_atomic(output, lambda fh: write_records(items, fh, fmt, tokenizer=tokenizer,
                                                         on_article=on_article), stdout=stdout)
