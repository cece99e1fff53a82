"""UKE (レセプト電算処理システム) files recalculated into Arrow record batches.

    import santei, santei.uke
    engine = santei.Engine.load_folders(["masters/r02", "masters/r06"])
    report = santei.uke.recalc(engine, "RECEIPTC.UKE")   # a path, or the bytes of a file/block
    report.receipts      # pyarrow.RecordBatch: one row per RE record (status, totals …)
    report.units         # pyarrow.RecordBatch: one row per differing or uncheckable unit
    report.facts         # dict: receipts, counts per status, Σ points, the GO record, the IR 点数表

    split = santei.uke.split("RECEIPTC.UKE", block_bytes=32 << 20)   # receipt-aligned blocks
    for block in split.blocks:
        header, body = santei.uke.read_block("RECEIPTC.UKE", split, block)
        part = santei.uke.recalc(engine, body, header=header, offset=block.start,
                                 first_line=block.first_line, file="RECEIPTC.UKE")

The recalculation is `santei recalc`'s (engine/src/uke/recalc.rs), run in Rust without the GIL;
the columns are filled in Rust and handed to pyarrow as buffers (no Python object per row).
Needs pyarrow (`pip install "santei[arrow]"`); `split` and `read_block` do not.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Tuple, Union

from . import _santei

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow

_Path = Union[str, "os.PathLike[str]"]

#: Default block size of `split`: about 23,000 synthetic 外来 receipts (1.4 KB each), a few
#: tenths of a second of one core's work: large enough that a Spark task's overhead is small,
#: small enough to spread a file over many cores.
DEFAULT_BLOCK_BYTES = 32 << 20

#: Receipt status values: the worst check of the receipt, or why it was not checked.
STATUSES = ("match", "differs", "cannot_check", "malformed", "refused")


@dataclass(frozen=True)
class Block:
    """A receipt-aligned byte range of a file: from an RE record to the next block's first RE
    (the last block runs to the end of the file, GO included)."""

    index: int
    start: int
    end: int
    first_line: int
    """1-based line number of `start`."""
    receipts: int
    """RE records in the block."""


@dataclass(frozen=True)
class Split:
    """A file cut into blocks. `header` is the byte range before the first RE (the IR)."""

    header: Tuple[int, int]
    blocks: List[Block]
    receipts: int
    """RE records in the file (Σ of the blocks')."""
    lines: int
    bytes: int


def split(source: Union[_Path, bytes], *, block_bytes: int = DEFAULT_BLOCK_BYTES) -> Split:
    """Cuts a UKE file (a path, read in 1 MiB chunks) or bytes into blocks of whole receipts,
    each at least `block_bytes` long (8 KiB at least) save the last, on RE boundaries; nothing is
    decoded (CP932 and UTF-8, CRLF or LF). Counts the RE records. The GIL is released."""
    if not isinstance(source, bytes):
        source = os.fspath(source)
    (h0, h1), blocks, receipts, lines, size = _santei._uke_split(source, block_bytes)
    return Split(
        header=(h0, h1),
        blocks=[Block(i, *b) for i, b in enumerate(blocks)],
        receipts=receipts,
        lines=lines,
        bytes=size,
    )


def read_block(path: _Path, split: Split, block: Block) -> Tuple[bytes, bytes]:
    """`(header, body)`: the file's header (IR) and the block's bytes, read from `path`."""
    with open(path, "rb") as f:
        f.seek(split.header[0])
        header = f.read(split.header[1] - split.header[0])
        f.seek(block.start)
        body = f.read(block.end - block.start)
    if len(body) != block.end - block.start:
        raise OSError(f"`{os.fspath(path)}` is shorter than when it was split")
    return header, body


def sniff_encoding(head: bytes) -> str:
    """`"utf8"` or `"cp932"`, guessed from the start of a file as `santei recalc` does."""
    return _santei._uke_sniff(head)


@dataclass
class Report:
    """The recalculation of a UKE file or block."""

    receipts: "pyarrow.RecordBatch"
    """One row per RE record, in file order: file, offset (of the RE), line, receipt
    (レセプト番号), month (診療年月, YYYY-MM), inpatient, claimed_total, computed_total, lines
    (SI/IY/TO records), status (one of STATUSES), matched, differing, cannot_check (check
    counts), error (why a receipt is malformed or refused)."""
    units: "pyarrow.RecordBatch"
    """One row per check that differs or cannot be checked: file, receipt, receipt_line, line,
    kind (procedure, drug, material, day_counts, receipt_total, public_total, rule), status,
    code, section (診療識別), claimed, computed, rule_id, citation, reason."""
    facts: Dict[str, Any] = field(default_factory=dict)
    """receipts (RE records), a count per status, claimed_points and computed_points (Σ over the
    receipts), table (IR 点数表), go ((line, 総件数, 総合計点数) when the input holds the GO
    record), uncovered_months ({"YYYY-MM": receipts} of the 診療年月 no loaded masters cover:
    those receipts were checked against no master), other_records, other_errors."""


def _pa():
    try:
        import pyarrow
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            'santei.uke.recalc returns pyarrow record batches: pip install "santei[arrow]"'
        ) from e
    return pyarrow


def _batch(columns: Iterable[tuple]) -> "pyarrow.RecordBatch":
    pa = _pa()
    types = {"int64": pa.int64(), "bool": pa.bool_(), "large_string": pa.large_string()}
    arrays, names = [], []
    for name, kind, length, nulls, validity, buffers in columns:
        bufs = [pa.py_buffer(validity) if validity is not None else None]
        bufs += [pa.py_buffer(b) for b in buffers]
        arrays.append(pa.Array.from_buffers(types[kind], length, bufs, null_count=nulls))
        names.append(name)
    return pa.RecordBatch.from_arrays(arrays, names=names)


def recalc(
    engine: "_santei.Engine",
    source: Union[_Path, bytes],
    *,
    file: Optional[str] = None,
    header: Optional[bytes] = None,
    offset: int = 0,
    first_line: int = 1,
    encoding: str = "auto",
    rules: bool = True,
    hospital: bool = False,
    beds: int = 0,
    standards: Iterable[int] = (),
    header_range: Optional[Tuple[int, int]] = None,
    body_range: Optional[Tuple[int, int]] = None,
) -> Report:
    """Recalculates a UKE file (a path) or an in-memory block of receipts (bytes) with `engine`,
    as `santei recalc` does, and returns the report as Arrow record batches. The GIL is released
    while santei reads and recalculates.

    A block is the bytes of whole receipts (see `split`); give the file's `header` (the IR, for
    the encoding and the 点数表 check), and the block's `offset` and `first_line` so that offsets
    and line numbers are the file's (or give the path with `header_range` and `body_range`, as
    `recalc_block` does: santei reads the two ranges itself). `file` names the input in the report (default: the path,
    or empty). `encoding`: "auto" (guessed from the header, else the start of the input),
    "cp932" or "utf8". `rules=False` checks points and totals only (`--no-rules`); `hospital`,
    `beds` and `standards` (施設基準 codes) are the facility facts some rules ask about
    (`--hospital --beds --standard`).

    Every RE record gives one receipt row: a malformed receipt is a row with status
    "malformed" and the error, a receipt of a file that is not 医科 (IR 点数表 ≠ 1) one with
    status "refused". The GO totals are not checked here (they need the whole file): the GO
    record is in `facts["go"]`.
    """
    if not isinstance(source, bytes):
        source = os.fspath(source)
        if file is None:
            file = source
    receipts, units, facts = _santei._uke_recalc(
        engine,
        source,
        header=header,
        file=file or "",
        offset=offset,
        first_line=first_line,
        encoding=encoding,
        rules=rules,
        hospital=hospital,
        beds=beds,
        standards=list(standards),
        header_range=header_range,
        body_range=body_range,
    )
    return Report(receipts=_batch(receipts), units=_batch(units), facts=facts)


def recalc_block(
    engine: "_santei.Engine", path: _Path, split: Split, block: Block, **options: Any
) -> Report:
    """Recalculates one block of a split file: santei reads the file's header and the block's
    bytes itself (into buffers it reuses from block to block) and numbers offsets and lines as
    in the file. `options` are those of `recalc`."""
    return recalc(
        engine,
        path,
        header_range=split.header,
        body_range=(block.start, block.end),
        first_line=block.first_line,
        **options,
    )


def receipt_schema() -> "pyarrow.Schema":
    """The schema of `Report.receipts`."""
    return _batch(_santei._uke_recalc_empty()[0]).schema


def unit_schema() -> "pyarrow.Schema":
    """The schema of `Report.units`."""
    return _batch(_santei._uke_recalc_empty()[1]).schema


__all__ = [
    "Block",
    "DEFAULT_BLOCK_BYTES",
    "Report",
    "STATUSES",
    "Split",
    "read_block",
    "recalc",
    "recalc_block",
    "receipt_schema",
    "sniff_encoding",
    "split",
    "unit_schema",
]
