"""santei.uke: UKE files and blocks recalculated into pyarrow record batches, and the
receipt-aligned splitter. The numbers of the receiptisan sample are those of `santei recalc`
(README "Recalculating UKE files", engine/tests/uke.rs). Needs pyarrow (`santei[arrow]`); CI
sets SANTEI_REQUIRE_ARROW=1 so that a missing pyarrow fails instead of skipping."""

import os
import threading

import pytest

import santei
import santei.uke as uke

if os.environ.get("SANTEI_REQUIRE_ARROW"):
    import pyarrow as pa
else:
    pa = pytest.importorskip("pyarrow")

from shared_data import SHARED, require

GAIRAI = SHARED / "uke" / "receiptisan" / "RECEIPTC_GAIRAI_SAMPLE.UKE"


@pytest.fixture(scope="module")
def r02() -> santei.Engine:
    require(GAIRAI, "the receiptisan sample")
    return santei.Engine.load(SHARED / "masters" / "r02")


def re_offsets(data: bytes):
    return [i for i in range(len(data)) if data.startswith(b"RE,", i) and (i == 0 or data[i - 1] == 10)]


def test_gairai_sample_as_santei_recalc_reports_it(r02):
    rep = uke.recalc(r02, GAIRAI)
    r = rep.receipts
    assert r.num_rows == 75
    assert r.schema == uke.receipt_schema()
    assert rep.units.schema == uke.unit_schema()
    assert r.column("receipt").to_pylist() == list(range(1, 76))
    assert set(r.column("month").to_pylist()) == {"2021-10"}
    # Every receipt total matches; Σ 合計点数 is the GO 総合計点数 (86,392点, 140 件).
    assert r.column("claimed_total").to_pylist() == r.column("computed_total").to_pylist()
    assert sum(r.column("claimed_total").to_pylist()) == 86392
    assert rep.facts["go"][1:] == (140, 86392)
    assert rep.facts["table"] == "1" and rep.facts["receipts"] == 75
    first = r.slice(0, 1).to_pylist()[0]
    assert (first["offset"], first["line"], first["claimed_total"]) == (43, 2, 13642)
    assert first["file"] == str(GAIRAI)
    # With the rule and derivation checks the sample differs in 44 places (43 年齢加算 due and not
    # billed, one 判断料 twice in a month: D026 注1); 8 SI units cannot be checked.
    units = rep.units.to_pylist()
    differs = [u for u in units if u["status"] == "differs"]
    assert len(differs) == 44
    assert all(u["rule_id"] for u in differs if u["kind"] == "rule")
    si_cannot = [u for u in units if u["status"] == "cannot_check" and u["kind"] == "procedure"]
    assert len(si_cannot) == 8
    assert all(u["reason"] for u in units)
    # Receipt counts agree with the unit rows.
    assert sum(r.column("differing").to_pylist()) == 44
    assert sum(r.column("cannot_check").to_pylist()) == len(units) - 44
    statuses = r.column("status").to_pylist()
    assert statuses.count("differs") == rep.facts["differs"] == 32
    # Points and totals only: no difference at all.
    plain = uke.recalc(r02, GAIRAI, rules=False)
    assert [u for u in plain.units.to_pylist() if u["status"] == "differs"] == []


def test_bytes_path_and_blocks_give_the_same_rows(r02):
    data = GAIRAI.read_bytes()
    whole = uke.recalc(r02, data, file="g.UKE")
    assert whole.receipts.num_rows == 75
    split = uke.split(data, block_bytes=1)  # the 8 KiB floor: several blocks
    assert len(split.blocks) > 2
    assert split.receipts == 75 == len(re_offsets(data))
    header = data[split.header[0] : split.header[1]]
    assert header.startswith(b"IR,") and split.header == (0, 43)
    assert uke.split(GAIRAI, block_bytes=1) == split  # a path reads the same
    # The blocks join back to the file after the header, each starts with an RE, every RE once.
    joined = b"".join(data[b.start : b.end] for b in split.blocks)
    assert header + joined == data
    assert all(data.startswith(b"RE,", b.start) for b in split.blocks)
    assert sum(b.receipts for b in split.blocks) == 75
    parts = []
    for b in split.blocks:
        h, body = uke.read_block(GAIRAI, split, b)
        assert h == header
        assert len(re_offsets(body)) == b.receipts
        rep = uke.recalc(
            r02, body, header=h, offset=b.start, first_line=b.first_line, file="g.UKE"
        )
        assert rep.receipts.num_rows == b.receipts
        # santei reading the two ranges of the file itself gives the same.
        direct = uke.recalc_block(r02, GAIRAI, split, b, file="g.UKE")
        assert direct.receipts.equals(rep.receipts) and direct.units.equals(rep.units)
        parts.append(rep)
    receipts = pa.Table.from_batches([p.receipts for p in parts])
    units = pa.Table.from_batches([p.units for p in parts])
    assert receipts.equals(pa.Table.from_batches([whole.receipts]))
    assert units.equals(pa.Table.from_batches([whole.units]))
    # Only the last block holds the GO.
    assert [p.facts["go"] is not None for p in parts] == [False] * (len(parts) - 1) + [True]


def test_a_malformed_receipt_is_a_row_in_its_place(r02):
    data = bytearray(GAIRAI.read_bytes())
    at = re_offsets(bytes(data))[29]
    # Receipt 30's 診療年月 (RE field 4) becomes `X…`: bytes, the file is CP932.
    commas = [i for i in range(at, len(data)) if data[i] == ord(",")][:3]
    data[commas[2] + 1] = ord("X")
    for block_bytes in (1, 1 << 20):
        split = uke.split(bytes(data), block_bytes=block_bytes)
        rows = []
        for b in split.blocks:
            rep = uke.recalc(
                r02,
                bytes(data[b.start : b.end]),
                header=bytes(data[: split.header[1]]),
                offset=b.start,
                first_line=b.first_line,
            )
            rows += rep.receipts.to_pylist()
        assert len(rows) == 75
        bad = rows[29]
        assert (bad["status"], bad["receipt"], bad["offset"]) == ("malformed", 30, at)
        assert bad["claimed_total"] is None and "診療年月" in bad["error"]
        assert [r["status"] for r in rows].count("malformed") == 1
        assert rows[30]["receipt"] == 31 and rows[30]["status"] != "malformed"


def test_a_dental_file_is_refused_receipt_by_receipt():
    text = (
        "IR,1,13,3,1234567,,歯科医院,202406,00,\n"
        "RE,1,1112,202406,テスト,1,19800101,,,,,,,,\n"
        "RE,2,1112,202406,テスト,1,19800101,,,,,,,,\n"
        "GO,2,0,99\n"
    ).encode()
    rep = uke.recalc(santei.Engine.demo(), text)
    assert rep.receipts.column("status").to_pylist() == ["refused", "refused"]
    assert all("歯科" in e for e in rep.receipts.column("error").to_pylist())
    assert rep.facts["refused"] == 2


def test_recalc_releases_the_gil(r02):
    """While santei recalculates, another Python thread keeps running."""
    data = GAIRAI.read_bytes()
    split = uke.split(data)
    header = data[: split.header[1]]
    body = data[split.header[1] :].split(b"GO,")[0] * 100  # 7,500 receipts
    ticks = 0
    stop = threading.Event()

    def spin():
        nonlocal ticks
        while not stop.is_set():
            ticks += 1

    t = threading.Thread(target=spin)
    t.start()
    try:
        before = ticks
        rep = uke.recalc(r02, body, header=header)
        during = ticks - before
    finally:
        stop.set()
        t.join()
    assert rep.receipts.num_rows == 7500
    assert during > 1000, f"the other thread ran {during} times during the recalculation"


def test_errors_are_plain():
    with pytest.raises(OSError, match="cannot read"):
        uke.split("/nonexistent/file.UKE")
    with pytest.raises(ValueError, match="encoding"):
        uke.recalc(santei.Engine.demo(), b"", encoding="latin1")
    assert uke.sniff_encoding("IR,1,13,1,1,,医院".encode()) == "utf8"
    assert uke.sniff_encoding(b"IR,1,13,1") == "cp932"


def test_months_no_master_covers_are_counted():
    # The sample is 2021-10; the demo data covers 2024-06 on.
    rep = uke.recalc(santei.Engine.demo(), GAIRAI)
    assert rep.facts["uncovered_months"] == {"2021-10": 75}
