"""santei.EngineBuilder and the keyword settings of Engine.load / load_folders / demo: the same
settings as `santei calc` and the C API's santei_builder_*, each seen to change the result. On the
official r06 masters (FAILS when ../shared is missing), the golden claim tazai_7shurui_gen (7種類
の内服薬 in 2 剤, F200 注3 90/100) gives 1351点 rounded per 処方 (−132, the default) and 1352点 per
剤 (−131); the rule of ffi/tests/rules/ drops 調剤料 (11点)."""

import os
import pathlib

import pytest

import santei

ROOT = pathlib.Path(__file__).resolve().parents[3]
SHARED = pathlib.Path(os.environ.get("SANTEI_SHARED", ROOT.parent / "shared"))
MASTERS = SHARED / "masters"
ETENSU = SHARED / "etensu" / "r06"
RULES = ROOT / "ffi" / "tests" / "rules"

SEVEN_KINDS = {
    "format": "santei.claim/1",
    "patient": {"birth_date": "1950-05-10", "sex": "male"},
    "facility": {"kind": "clinic"},
    "visits": [
        {
            "date": "2024-07-08",
            "items": [
                {"type": "procedure", "code": "112007410"},
                {"type": "procedure", "code": "120000710"},
                {"type": "procedure", "code": "120002610"},
                {
                    "type": "rx",
                    "form": "internal",
                    "days": 28,
                    "drugs": [
                        {"code": c, "amount": "1"}
                        for c in ["620005905", "620002430", "610443014", "610443053", "622404501"]
                    ],
                },
                {
                    "type": "rx",
                    "form": "internal",
                    "days": 28,
                    "drugs": [
                        {"code": "621980701", "amount": "2"},
                        {"code": "622538301", "amount": "2"},
                    ],
                },
            ],
        }
    ],
}


@pytest.fixture(scope="module", autouse=True)
def official_data():
    assert (MASTERS / "r06").is_dir(), (
        f"the official masters are missing: {MASTERS / 'r06'} "
        "(../shared must sit beside the project root, or set SANTEI_SHARED)"
    )


def reduction(result):
    return next(l["points"] for l in result["lines"] if l["code"] == "630010002")


def rule_ids(result):
    return {f.get("rule_id") for f in result["findings"]}


def test_builder_settings_change_the_result():
    b = santei.EngineBuilder().masters(MASTERS / "r06", updates=MASTERS / "updates", etensu=ETENSU)
    r = b.build().calculate(SEVEN_KINDS)
    assert (r["total_points"], reduction(r)) == (1351, -132)

    r = b.polypharmacy_rounding("rx").build().calculate(SEVEN_KINDS)
    assert (r["total_points"], reduction(r)) == (1352, -131)

    r = b.rules_dir(RULES).build().calculate(SEVEN_KINDS)
    assert r["total_points"] == 1352 - 11
    assert "F000.builder-test" in rule_ids(r)
    assert all(l["code"] != "120000710" for l in r["lines"])
    assert "EngineBuilder" in repr(b) and "r06" in repr(b)


def test_load_keywords_are_the_builder_settings():
    e = santei.Engine.load(
        MASTERS / "r06",
        updates=MASTERS / "updates",
        etensu=ETENSU,
        rules=RULES,
        polypharmacy_rounding="rx",
    )
    r = e.calculate(SEVEN_KINDS)
    assert (r["total_points"], reduction(r)) == (1352 - 11, -131)
    e = santei.Engine.load_folders(
        [MASTERS / "r04", (MASTERS / "r06", MASTERS / "updates")],
        rules=[RULES],
        without_bundled_rules=True,
    )
    assert e.revisions == ["r2022-04", "r2024-06"]
    assert e.calculate(SEVEN_KINDS)["total_points"] == 1351 - 11
    assert santei.Engine.demo(polypharmacy_rounding="rx", rules=RULES).revisions == [
        "r2024-06",
        "r2026-06",
    ]


def test_excerpt_revision_and_etensu_by_revision():
    e = (
        santei.EngineBuilder()
        .masters(MASTERS / "r04")
        .masters(MASTERS / "r06")
        .updates(MASTERS / "updates")
        .etensu(ETENSU, revision="r06")
        .encoding("cp932")
        .build()
    )
    assert e.calculate(SEVEN_KINDS)["total_points"] == 1351
    e = santei.Engine.load(MASTERS / "r08-excerpt", complete_prefixes="111,112,113,120,130")
    assert e.revisions == ["r2026-06"]
    e = santei.EngineBuilder().masters(MASTERS / "r08-excerpt").complete_prefixes(["111"]).build()
    assert e.revisions == ["r2026-06"]


def test_builder_errors_name_the_folder(tmp_path):
    with pytest.raises(ValueError):
        santei.EngineBuilder().build()
    with pytest.raises(santei.MastersError) as e:
        santei.EngineBuilder().masters(tmp_path / "missing").build()
    assert e.value.code == "masters.not_a_directory"
    assert e.value.path == str(tmp_path / "missing")
    assert "does not exist" in str(e.value)
    with pytest.raises(santei.MastersError) as e:
        santei.EngineBuilder().demo().etensu(ETENSU).build()
    assert e.value.code == "masters.etensu_ambiguous"
    with pytest.raises(santei.MastersError) as e:
        santei.EngineBuilder().demo().revision("r04").build()
    assert e.value.code == "masters.revision_not_loaded"
    assert "r2022-04 is not loaded" in str(e.value)
    with pytest.raises(santei.RulesError) as e:
        santei.Engine.demo(rules=tmp_path / "no-rules")
    assert e.value.code == "rules.invalid"
    assert e.value.path == str(tmp_path / "no-rules")
    bad = tmp_path / "bad.rules"
    bad.write_text("revision r2024-06\nrule nonsense {\n", encoding="utf-8")
    with pytest.raises(santei.RulesError) as e:
        santei.EngineBuilder().demo().rules_dir(tmp_path).build()
    assert e.value.path.endswith("bad.rules") and e.value.line >= 1
    for bad_setting in [
        lambda b: b.polypharmacy_rounding("per-day"),
        lambda b: b.encoding("latin1"),
        lambda b: b.revision("r99"),
        lambda b: b.complete_prefixes("11x"),
    ]:
        with pytest.raises(ValueError):
            bad_setting(santei.EngineBuilder())
    with pytest.raises(ValueError):
        santei.Engine.load(MASTERS / "r06", polypharmacy_rounding="per-day")
