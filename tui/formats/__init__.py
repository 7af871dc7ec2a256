"""One module per format, reader and writer side by side: news pages (``news``), readtui's
JSONL in Prodigy's shape (``jsonl``), doccano's JSONL (``doccano``), spaCy's DocBin
(``docbin``); ``registry`` finds them by suffix or name; ``output`` is where an export goes;
``workers`` builds a large export in worker processes. The names below are the ones the
command line, the service and the tests use."""

from .checks import check_annotations, check_record
from .common import (
    MAX_NESTING,
    SPEAKER_LABEL,
    ExportError,
    ExportSummary,
    ImportProblem,
    Item,
    Record,
    gold,
    gold_annotations,
    value_problem,
)
from .docbin import (
    QUOTES_KEY,
    SPEAKERS_KEY,
    USER_DATA_KEY,
    USER_DATA_VERSION,
    spacy_doc,
    speaker_of,
)
from .doccano import doccano_record
from .encoding import decode
from .jsonl import article_meta, jsonl_line, jsonl_record, read_jsonl, record_to_article
from .news import first_sentence, parse_news, parse_when, read_text_file
from .output import Output, OutputRefused, ReaderGone, output_target, write_atomic
from .registry import (
    FORMATS,
    JSONL_SUFFIXES,
    SUFFIXES,
    TEXT_SUFFIXES,
    expand,
    export,
    read_paths,
    write_records,
)

__all__ = [
    "check_annotations", "check_record", "MAX_NESTING", "SPEAKER_LABEL", "ExportError", "ExportSummary",
    "ImportProblem", "Item", "Record", "gold", "gold_annotations", "value_problem", "QUOTES_KEY", "SPEAKERS_KEY",
    "USER_DATA_KEY", "USER_DATA_VERSION", "spacy_doc", "speaker_of", "doccano_record", "decode", "article_meta",
    "jsonl_line", "jsonl_record", "read_jsonl", "record_to_article", "first_sentence", "parse_news", "parse_when",
    "read_text_file", "Output", "OutputRefused", "ReaderGone", "output_target", "write_atomic", "FORMATS",
    "JSONL_SUFFIXES", "SUFFIXES", "TEXT_SUFFIXES", "expand", "export", "read_paths", "write_records",
]
