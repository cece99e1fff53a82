"""santei.EngineBuilder and the keyword settings of Engine.load / load_folders / demo: the same
settings as `santei calc` and the C API's santei_builder_*, each seen to change the result. On the
official r06 masters (FAILS when ../shared is missing), the golden claim tazai_7shurui_gen (7種類
の内服薬 in 2 剤, F200 注3 90/100) gives 1351点 rounded per 処方 (−132, the default) and 1352点 per
剤 (−131); the rule of ffi/tests/rules/ drops 調剤料 (11点)."""


import pytest

import santei

from shared_data import MASTERS, ROOT, SHARED, require

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
    require(MASTERS / "r06", "the official masters")


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


# ---- Copayment settings and 地方単独 公費 schemes (demo data) --------------------------------

OVER70_NO_CLASS = {
    "format": "santei.claim/1",
    "patient": {"birth_date": "1950-01-01", "sex": "male"},
    "insurance": {"scheme": "kokuho", "burden_percent": 20},
    "visits": [{"date": "2024-06-03", "items": [{"type": "procedure", "code": "112007410"}]}],
}

LOCAL_FUND = {
    "format": "santei.claim/1",
    "patient": {"birth_date": "2016-01-10", "sex": "male"},
    "insurance": {
        "scheme": "kokuho",
        "income_class": "ウ",
        "public_funds": [
            {"law_number": "88", "payer_number": "88130158", "recipient_number": "1234566"}
        ],
    },
    "visits": [{"date": "2024-06-03", "items": [{"type": "procedure", "code": "112007410"}]}],
}

SCHEMES = (
    '[{"law_number":"88","payer_prefix":"8813","name":"子ども医療費助成","patient_percent":0}]'
)


def test_missing_over70_class_changes_the_result():
    b = santei.EngineBuilder().demo()
    r = b.build().calculate(OVER70_NO_CLASS)
    assert "copay" not in r
    assert "CPY-502.income-class-missing" in {f["rule"] for f in r["findings"]}
    r = b.missing_over70_class("from-rate").build().calculate(OVER70_NO_CLASS)
    # 1,270円 × 2割 = 254 → 250; the 区分 is the one without 限度額適用認定証.
    assert (r["copay"]["income_class"], r["copay"]["window_yen"]) == ("一般", 250)
    # The other settings keep it.
    b = b.under70_public_limit("own-class").public_receipt_rounding("yen").ho_copay("always")
    assert b.build().calculate(OVER70_NO_CLASS)["copay"]["window_yen"] == 250
    for method, value in [
        ("missing_over70_class", "guess"),
        ("under70_public_limit", "ウ"),
        ("public_receipt_rounding", "sen"),
        ("ho_copay", "never"),
    ]:
        with pytest.raises(ValueError, match=method.replace("_", "-")):
            getattr(b, method)(value)


def test_local_schemes_text_and_file(tmp_path):
    b = santei.EngineBuilder().demo()
    r = b.build().calculate(LOCAL_FUND)
    assert "copay" not in r
    assert "CPY-506.public-fund-unknown" in {f["rule"] for f in r["findings"]}
    for schemes in (SCHEMES, SCHEMES.encode()):
        r = santei.EngineBuilder().demo().local_schemes(schemes).build().calculate(LOCAL_FUND)
        assert r["copay"]["patient_yen"] == 0
        assert r["copay"]["public_funds"][0]["name"] == "子ども医療費助成"
    f = tmp_path / "schemes.json"
    f.write_text(SCHEMES, encoding="utf-8")
    r = santei.EngineBuilder().demo().local_schemes_file(f).build().calculate(LOCAL_FUND)
    assert r["copay"]["patient_yen"] == 0

    with pytest.raises(ValueError, match="line 2, column"):
        santei.EngineBuilder().local_schemes('[\n  {"law_number": 88}\n]')
    bad = tmp_path / "bad.json"
    bad.write_text('[\n  {"law_number": 88}\n]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="line 2, column") as e:
        santei.EngineBuilder().demo().local_schemes_file(bad).build()
    assert str(bad) in str(e.value)
