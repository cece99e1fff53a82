"""pytest suite of the santei Python package: the demo data, the official r06 masters in
../shared (FAILS when missing), batches without the GIL, errors with stable codes, and a
deliberate panic (needs a build with the `test-hooks` feature, as .ci/run does)."""

import copy
import datetime
import decimal
import json
import pathlib
import threading

import pytest

import santei
from santei import _santei

from shared_data import MASTERS, ROOT, SHARED, require

# 再診料 75 + 外来管理加算 52 (告示 A001, A001 注8).
SAISHIN = {
    "format": "santei.claim/1",
    "patient": {"birth_date": "1980-01-01", "sex": "female"},
    "visits": [{"date": "2024-06-03", "items": [{"type": "procedure", "code": "112007410"}]}],
}


def typical_visit(seed: int) -> dict:
    """The benches' typical 外来 visit (再診 + 処方箋料 + 1剤 of 3 drugs + 5 検体検査)."""
    return {
        "format": "santei.claim/1",
        "patient": {"birth_date": f"{1940 + seed % 60}-05-20", "sex": "female"},
        "facility": {"kind": "clinic"},
        "visits": [
            {
                "date": f"2024-07-{1 + seed % 28:02}",
                "items": [
                    {"type": "procedure", "code": "112007410"},
                    {"type": "procedure", "code": "120002910"},
                    {
                        "type": "rx",
                        "form": "internal",
                        "days": 14,
                        "drugs": [
                            {"code": "620098801", "amount": "3"},
                            {"code": "620007870", "amount": "1"},
                            {"code": "620002023", "amount": "2"},
                        ],
                    },
                    {"type": "procedure", "code": "160008010"},
                    {"type": "procedure", "code": "160010010"},
                    {"type": "procedure", "code": "160022510"},
                    {"type": "procedure", "code": "160022610"},
                    {"type": "procedure", "code": "160020410"},
                ],
            }
        ],
    }


@pytest.fixture(scope="session")
def r06() -> santei.Engine:
    require(MASTERS / "r06", "the official masters")
    return santei.Engine.load(MASTERS / "r06", updates=MASTERS / "updates")


@pytest.fixture(scope="session")
def demo() -> santei.Engine:
    return santei.Engine.demo()


def test_demo_claim(demo):
    r = demo.calculate(SAISHIN)
    assert r["format"] == "santei.result/1"
    assert r["revision"] == "r2024-06"
    assert r["total_points"] == 127
    assert [(s["section"], s["points"]) for s in r["sections"]] == [("12", 127)]
    assert [(l["code"], l["points"]) for l in r["lines"]] == [("112007410", 75), ("112011010", 52)]
    assert demo.revisions == ["r2024-06", "r2026-06"]  # every embedded demo revision
    assert "r2024-06" in repr(demo)


def test_claim_as_str_bytes_and_python_objects(demo):
    text = json.dumps(SAISHIN)
    assert demo.calculate(text)["total_points"] == 127
    assert demo.calculate(text.encode())["total_points"] == 127
    claim = copy.deepcopy(SAISHIN)
    claim["visits"][0]["date"] = datetime.date(2024, 6, 3)  # dates and Decimals may be objects
    assert demo.calculate(claim)["total_points"] == 127


def test_official_r06_masters(r06):
    assert r06.revisions == ["r2024-06"]
    assert r06.calculate(SAISHIN)["total_points"] == 127
    r = r06.calculate(typical_visit(7))
    assert r["total_points"] > 0
    assert [f for f in r["findings"] if f["severity"] == "error"] == []
    assert r["total_points"] == sum((l.get("points") or 0) * l["times"] for l in r["lines"])
    exact = typical_visit(7)
    exact["visits"][0]["items"][2]["drugs"][0]["amount"] = decimal.Decimal("3")
    assert r06.calculate(exact) == r


def test_explain_false_builds_no_explanation_and_the_same_numbers(r06):
    full = r06.calculate(typical_visit(7))
    lean = r06.calculate(typical_visit(7), explain=False)
    assert all(l["explain"] for l in full["lines"])
    assert all("explain" not in l for l in lean["lines"])
    strip = lambda r: [{k: v for k, v in l.items() if k != "explain"} for l in r["lines"]]
    assert strip(lean) == strip(full)
    assert lean["total_points"] == full["total_points"]
    assert lean["findings"] == full["findings"]
    many = r06.calculate_many([typical_visit(7)], explain=False)
    assert many == [lean]


def test_load_folders_picks_the_revision_by_date():
    engine = santei.Engine.load_folders(
        [(MASTERS / "r06", MASTERS / "updates", SHARED / "etensu" / "r06"), str(MASTERS / "r04")]
    )
    assert engine.revisions == ["r2022-04", "r2024-06"]
    claim = copy.deepcopy(SAISHIN)
    claim["visits"][0]["date"] = "2023-06-05"
    assert engine.calculate(claim)["revision"] == "r2022-04"
    assert engine.calculate(SAISHIN)["revision"] == "r2024-06"


def test_calculate_many_equals_one_by_one(r06):
    claims = [typical_visit(i) for i in range(200)]
    many = r06.calculate_many(claims)
    assert len(many) == 200
    assert many == [r06.calculate(c) for c in claims]


def test_calculate_many_releases_the_gil(r06):
    """While the batch computes, another Python thread keeps running: it could not if the GIL
    were held (the claims are str, so no Python code runs while they are converted)."""
    claims = [json.dumps(typical_visit(i)) for i in range(3000)]
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
        results = r06.calculate_many(claims)
        during = ticks - before
    finally:
        stop.set()
        t.join()
    assert len(results) == 3000
    assert during > 1000, f"the other thread ran {during} times during the batch"


def test_claim_errors_have_stable_codes(demo):
    with pytest.raises(santei.ClaimError) as e:
        demo.calculate('{"format": "santei.claim/1",\n "patient": {')
    assert e.value.code == "claim.json"
    assert e.value.line == 2
    assert e.value.column > 0
    assert isinstance(e.value, santei.SanteiError) and isinstance(e.value, ValueError)

    bad = copy.deepcopy(SAISHIN)
    bad["patient"]["sex"] = "x"
    with pytest.raises(santei.ClaimError) as e:
        demo.calculate(bad)
    assert (e.value.code, e.value.path) == ("claim.value", "patient.sex")
    assert "`x`" in str(e.value)

    two_months = copy.deepcopy(SAISHIN)
    two_months["visits"].append({"date": "2024-07-01", "items": []})
    with pytest.raises(santei.ClaimError) as e:
        demo.calculate(two_months)
    assert (e.value.code, e.value.path) == ("claim.month", "visits[1].date")

    with pytest.raises(TypeError):
        demo.calculate(object())


def test_calculate_many_reports_the_failing_index(demo):
    claims = [SAISHIN, '{"format": "santei.claim/1"', SAISHIN]
    with pytest.raises(santei.ClaimError) as e:
        demo.calculate_many(claims)
    assert (e.value.code, e.value.index) == ("claim.json", 1)
    out = demo.calculate_many(claims, return_exceptions=True)
    assert out[0]["total_points"] == out[2]["total_points"] == 127
    assert isinstance(out[1], santei.ClaimError) and out[1].index == 1


def test_masters_errors_have_stable_codes(tmp_path):
    with pytest.raises(santei.MastersError) as e:
        santei.Engine.load(tmp_path / "missing")
    assert e.value.code == "masters.not_a_directory"
    assert "missing" in e.value.path
    with pytest.raises(santei.MastersError) as e:
        santei.Engine.load(tmp_path)
    assert e.value.code == "masters.missing_required"
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "s_ALL20240531.csv").write_bytes(b"1,2,3\r\n")
    with pytest.raises(santei.MastersError) as e:
        santei.Engine.load(bad)
    assert e.value.code == "masters.data"
    assert (e.value.path, e.value.line) == ("s_ALL20240531.csv", 1)
    with pytest.raises(santei.MastersError) as e:
        santei.Engine.load(MASTERS / "r06", etensu=tmp_path)
    assert e.value.code == "masters.missing_etensu"


def test_a_panic_is_an_exception_and_the_interpreter_goes_on(demo, capfd):
    assert hasattr(_santei, "_test_panic"), "build with `--features test-hooks` for this test"
    with pytest.raises(santei.PanicError) as e:
        _santei._test_panic()
    # The expected panic prints nothing (no message, no backtrace even with RUST_BACKTRACE set).
    assert "deliberate panic" not in capfd.readouterr().err
    assert e.value.code == "panic"
    assert "deliberate panic" in str(e.value)
    assert demo.calculate(SAISHIN)["total_points"] == 127


def test_errors_pickle():
    import pickle

    e = santei.ClaimError("m", "claim.value", "visits", 0, 0, 3)
    f = pickle.loads(pickle.dumps(e))
    assert (type(f), f.code, f.path, f.index) == (santei.ClaimError, "claim.value", "visits", 3)


def test_package_is_typed():
    pkg = pathlib.Path(santei.__file__).parent
    assert (pkg / "py.typed").is_file()
    assert (pkg / "_santei.pyi").is_file()


def test_copayment_comes_with_the_insurance(demo):
    r = demo.calculate((ROOT / "examples" / "claim.json").read_bytes())
    c = r["copay"]
    assert c["medical_cost_yen"] == r["total_points"] * 10  # 医療費 = 点数 × 10円
    assert c["burden_percent"] == 20  # 未就学: 2割
    assert c["window_yen"] == sum(v["window_yen"] for v in c["visits"])
    assert "copay" not in demo.calculate(SAISHIN)  # no insurance in the claim
