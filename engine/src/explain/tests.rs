//! The renderer's text of every variant, written out, and the data form.

use super::*;

fn date(y: u32, m: u32, d: u32) -> Date {
    Date::from_ymd(y, m, d).expect("a calendar date")
}

fn dec(s: &str) -> Decimal {
    s.parse().expect("a decimal")
}

fn pts(h: i64) -> Fixed2 {
    Fixed2::from_hundredths(h)
}

/// Every variant with the text it writes, spelled out.
fn cases() -> Vec<(Explanation, &'static str)> {
    use Explanation as E;
    vec![
        (
            E::MasterRow {
                code: Code(112007410),
                name: "再診料".into(),
                revision: "r2024-06",
                changed_on: date(2024, 6, 1),
                points: pts(7500),
                point_kind: 3,
            },
            "master 112007410 再診料 (r2024-06; 変更年月日 2024-06-01): 新又は現点数 75.00 (点数識別 3)",
        ),
        (
            E::PercentOfBase {
                percent: pts(7000),
                add: true,
                base: 130,
                change: 91,
                rounding: Rounding::HalfUp,
            },
            "70.00% added to the preceding 所定点数 130: 221 → +91 (四捨五入 of the result)",
        ),
        (
            E::PercentOfBase {
                percent: pts(3000),
                add: false,
                base: 100,
                change: -30,
                rounding: Rounding::HalfUp,
            },
            "30.00% taken from the preceding 所定点数 100: 70 → -30 (四捨五入 of the result)",
        ),
        (
            E::Steps {
                quantity: Some(dec("5")),
                lower: 1,
                size: 1,
                step_points: pts(5000),
                points: pts(18500),
                steps: dec("4"),
                exact: dec("385.00"),
                steps_rounding: Rounding::Up,
                rounding: Rounding::HalfUp,
            },
            "きざみ: 数量 5, 下限 1, きざみ値 1, きざみ点数 50.00 → 185.00 + 4 × 50.00 = 385 (切り上げ of the steps, 四捨五入 of the result; 項番30–35)",
        ),
        (
            E::Steps {
                quantity: None,
                lower: 1,
                size: 1,
                step_points: pts(5000),
                points: pts(18500),
                steps: dec("0"),
                exact: dec("185"),
                steps_rounding: Rounding::Up,
                rounding: Rounding::HalfUp,
            },
            "きざみ: 数量 not given (基本点数), 下限 1, きざみ値 1, きざみ点数 50.00 → 185.00 + 0 × 50.00 = 185 (切り上げ of the steps, 四捨五入 of the result; 項番30–35)",
        ),
        (
            E::StepsAboveUpper {
                upper: 6,
                handling: 1,
                capped: true,
            },
            "数量 exceeds the きざみ 上限値 6: 上下限エラー処理 1 → 点数算定式２ (the 上限値 for the 数量)",
        ),
        (
            E::StepsAboveUpper {
                upper: 6,
                handling: 0,
                capped: false,
            },
            "数量 exceeds the きざみ 上限値 6: 上下限エラー処理 0 → 点数算定式１ on the 数量 as given (警告)",
        ),
        (
            E::SameUnit {
                code: "160068410".into(),
                name: "ＥＣＧ１２".into(),
                joined: Joined::Percent,
            },
            "one 算定単位 with 160068410 ＥＣＧ１２ (a % of its 所定点数)",
        ),
        (
            E::SameUnit {
                code: "150000110".into(),
                name: "処置".into(),
                joined: Joined::Outside,
            },
            "one 算定単位 with 150000110 処置 (項番62: outside its 所定点数)",
        ),
        (
            E::SameUnit {
                code: "150000110".into(),
                name: "処置".into(),
                joined: Joined::Base,
            },
            "one 算定単位 with 150000110 処置 (in its 所定点数)",
        ),
        (
            E::Times {
                points: 75,
                times: 2,
            },
            "75点 × 2回",
        ),
        (
            E::BundleMember {
                code: Code(160008010),
                name: "ＡＳＴ".into(),
                revision: "r2024-06",
                points: pts(1700),
                group: 1,
            },
            "master 160008010 ＡＳＴ (r2024-06): 新又は現点数 17.00, 包括対象検査 1 (項番16)",
        ),
        (
            E::DrugAmount {
                code: Code(620000001),
                name: "薬".into(),
                price: pts(1010),
                unit: "錠".into(),
                amount: dec("3"),
                yen: dec("30.300"),
            },
            "620000001 薬: 10.10円/錠 × 3 = 30.3円",
        ),
        (
            E::RxPoints {
                unit: "1剤1日分",
                yen: dec("30.30"),
                points: 3,
                floor: 1,
                rounding: Rounding::HalfDown,
                citation: "告示 F200",
                days: 7,
            },
            "1剤1日分 30.3円 → 3点 (五捨五超入 of 30.3/10; 15円以下は1点; 告示 F200) × 7",
        ),
        (
            E::RxPoints {
                unit: "1回分",
                yen: dec("12.0"),
                points: 1,
                floor: 1,
                rounding: Rounding::HalfDown,
                citation: "告示 F200",
                days: 1,
            },
            "1回分 12円 → 1点 (15円以下; 15円以下は1点; 告示 F200) × 1",
        ),
        (
            E::Material {
                code: Code(700010000),
                name: "材料".into(),
                revision: "r2024-06",
                price: dec("1500.00"),
                unit: "個".into(),
                amount: dec("2"),
                yen: dec("3000.00"),
                divisor: dec("10"),
                material_kind: 1,
                points: Some(300),
                rounding: Rounding::HalfUp,
            },
            "master 700010000 材料 (r2024-06): 1500円/個 × 2 = 3000円 ÷ 10円 (特定器材種別 1, 項番22) → 300点 (四捨五入; 材料価格基準 留意事項)",
        ),
        (
            E::Material {
                code: Code(700010000),
                name: "材料".into(),
                revision: "r2024-06",
                price: dec("1500"),
                unit: "個".into(),
                amount: dec("2"),
                yen: dec("3000"),
                divisor: dec("10"),
                material_kind: 1,
                points: None,
                rounding: Rounding::HalfUp,
            },
            "master 700010000 材料 (r2024-06): 1500円/個 × 2 = 3000円 ÷ 10円 (特定器材種別 1, 項番22) → over the cap (四捨五入; 材料価格基準 留意事項)",
        ),
        (
            E::MaterialCap {
                cap: 250,
                points: 250,
            },
            "上限点数 250 (項番24) → 250点",
        ),
        (
            E::Comment {
                pattern: 10,
                code: Code(810000001),
            },
            "コメント パターン 10 (master 810000001)",
        ),
        (
            E::Derivation {
                reason: "休日加算".into(),
                citation: "第9部 通則5",
            },
            "休日加算 (第9部 通則5)",
        ),
        (
            E::UrgentAddition {
                reason: "時間外 緊急".into(),
                code: Code(160177770),
                name: "時間外緊急院内検査加算".into(),
                points: pts(20000),
                citation: "検査 通則1",
            },
            "時間外 緊急: 160177770 時間外緊急院内検査加算 200.00点 (検査 通則1)",
        ),
        (
            E::TimeAddition {
                code: Code(112007410),
                name: "再診料".into(),
                time: "時間外",
                time_addition: 1,
                kubun_alpha: "A".into(),
                kubun_section: "001".into(),
                min_age: AgeCode::NONE,
                max_age: AgeCode(*b"06"),
            },
            "時間外等加算 for 112007410 再診料 on a 時間外 visit: 時間加算区分 1 in A001 (項番43), 6歳未満",
        ),
        (
            E::AgeAddition {
                base_code: Code(160068410),
                base_name: "ＥＣＧ１２".into(),
                min_age: AgeCode::NONE,
                max_age: AgeCode(*b"B6"),
                code: Code(160000190),
                date: date(2024, 7, 1),
                age: 3,
            },
            "年齢加算 of 160068410 ＥＣＧ１２ (項番100–111: 6歳に達した日の翌月1日未満 → 160000190); age on 2024-07-01: 3歳",
        ),
        (
            E::OutpatientManagement {
                code: Code(112007410),
                name: "再診料".into(),
            },
            "外来管理加算 after 112007410 再診料: no item of the day has 外来管理加算区分 1 (A001 注8; visit.outpatient_management = true)",
        ),
        (
            E::JudgementFee {
                group: 1,
                code: Code(160008010),
                name: "ＡＳＴ".into(),
            },
            "判断料 of group 1 (検査等実施判断グループ区分, 項番51) for 160008010 ＡＳＴ: first test of the group this month (D026: 月1回)",
        ),
        (
            E::RuleAddition {
                rule: "A000.x".into(),
                citation: "告示 A000".into(),
            },
            "added by rule A000.x (告示 A000)",
        ),
        (
            E::JoinedAgeAddition,
            "joined the 算定単位 of its item: a 注による加算 is part of the 所定点数 of the 通則 時間外等加算 (通知 第9部 通則10, 第10部 通則9)",
        ),
        (
            E::WardFee {
                ward: 0,
                from: date(2024, 7, 1),
                day: 3,
                start: date(2024, 7, 1),
            },
            "入院料 of the ward (stay.wards[0], from 2024-07-01), 入院期間 day 3 from the 起算日 2024-07-01",
        ),
        (
            E::Outing {
                date: date(2024, 7, 5),
                citation: "A100 注",
            },
            "外泊 on 2024-07-05 (stay.outings): 15/100 of the 基本点数, no 入院期間加算 (A100 注)",
        ),
        (
            E::AdmissionPeriod {
                code: Code(190077410),
                name: "急性期一般入院料１".into(),
                day: 3,
                start: date(2024, 7, 1),
                lo: 1,
                hi: 14,
                special: true,
                citation: "A100 注3",
            },
            "入院期間加算 of 190077410 急性期一般入院料１: day 3 of the 入院期間 (起算日 2024-07-01) is in 1–14, 特別入院基本料等 (A100 注3)",
        ),
        (
            E::StayAddition {
                name: "診療録管理体制加算",
                standards: vec![101, 102],
                day: 1,
                start: date(2024, 7, 1),
                limit: Limit::FirstDay,
                fee_code: Code(190077410),
                fee_name: "急性期一般入院料１".into(),
                citation: "A207",
                group_citation: "04",
            },
            "診療録管理体制加算 from the 届出 (施設基準コード 101/102), day 1 of the 入院期間 (起算日 2024-07-01): 入院初日に限り; the 04 group of 190077410 急性期一般入院料１ lists it (A207; 04)",
        ),
        (
            E::StayAdditionNote {
                code: Code(190000010),
                name: "加算".into(),
                note_code: 12,
                serial: '1',
                standards: vec![7],
                limit: Limit::Days(14),
                citation: "A207 注",
            },
            "注加算 of 190000010 加算 (注加算コード 12, 通番 1) from the 届出 (施設基準コード 7): 入院した日から起算して14日を限度 (A207 注)",
        ),
        (
            E::UnitPriced {
                lines: 2,
                base: 130,
                percent: dec("70"),
                outside: 5,
                total: 226,
                rounding: Rounding::HalfUp,
                times: 1,
            },
            "算定単位 of 2 lines: 所定点数 130 × (100 + 70)/100 + 5 (項番62: outside the 所定点数) = 226点 (every % on the 所定点数, 四捨五入 once) × 1回",
        ),
        (
            E::UnitPriced {
                lines: 2,
                base: 100,
                percent: dec("-30.0"),
                outside: 0,
                total: 70,
                rounding: Rounding::HalfUp,
                times: 2,
            },
            "算定単位 of 2 lines: 所定点数 100 × (100 − 30)/100 = 70点 (every % on the 所定点数, 四捨五入 once) × 2回",
        ),
        (
            bundle(),
            "まるめ D007: 5項目 (5 of 6 counted: a rule dropped the others) → 93点 (instead of 120点 item by item); 告示 D007 注",
        ),
        (
            E::BundlePercent {
                points: 93,
                percent: dec("70"),
                total: 158,
                rounding: Rounding::HalfUp,
            },
            "算定単位 with its %: 93 × (100 +70)/100 = 158点 (四捨五入 once)",
        ),
        (
            E::BelowBundle {
                kubun: "D007",
                counted: 2,
                of: 2,
                points: 17,
                citation: "告示 D007 注",
            },
            "2項目 of D007: below the まるめ tiers, billed item by item: 17点; 告示 D007 注",
        ),
        (
            E::Polypharmacy {
                kinds: KindsCounted {
                    by_brand: 6,
                    cheap: 1,
                    cheap_yen: 205,
                    mixed: 1,
                    kinds: 8,
                    temporary: 1,
                },
            },
            "F200 注3 (告示 l.10857–10861): 1処方につき7種類以上の内服薬 → 所定点数の100分の90; 種類 per 通知 F200 (6)ア: 6銘柄 (1銘柄ごとに1種類, ア(イ)(ロ)) + 1剤 of 205円以下 per 1日分 (剤ごとに1種類, ア(ニ)) + 1剤 混合 (1種類, ア(ハ)) = 8種類; 1剤 臨時 (2週間以内) not counted (通知 F200 (6)ウ・エ)",
        ),
        (
            E::PolypharmacyBase {
                terms: vec![(12, 14), (3, 7)],
                base: 189,
            },
            "所定点数 = 1処方のうちの全ての内服薬の薬剤料 (通知 F200 (6)イ) = 12点×14 + 3点×7 = 189点",
        ),
        (
            E::PolypharmacyPerPrescription {
                base: 189,
                exact: dec("170.1"),
                reduced: 170,
                rounding: Rounding::HalfUp,
                unit: "処方ごと",
            },
            "189 × 90/100 = 170.1 → 170点 (四捨五入, once over the 処方: 処方ごと); 減点 189 − 170 = 19点",
        ),
        (
            E::PolypharmacyPerRx {
                rxs: vec![
                    RxCut {
                        points: 168,
                        exact: dec("151.2"),
                        reduced: 151,
                    },
                    RxCut {
                        points: 21,
                        exact: dec("18.9"),
                        reduced: 19,
                    },
                ],
                cut: 19,
                rounding: Rounding::HalfUp,
                unit: "剤ごと",
            },
            "168 × 90/100 = 151.2 → 151, 21 × 90/100 = 18.9 → 19 (四捨五入 per 剤: 剤ごと); 減点 19点",
        ),
        (
            E::PolypharmacyLine {
                code: 630010002,
                name: "薬剤料逓減".into(),
                cut: 19,
            },
            "UKE: IY 630010002 薬剤料逓減 (医薬品マスター 金額種別 7 減点) records the 10/100 share, 19 (マスターファイル仕様説明書 R6 (3) 使用方法が特殊なコード 項番4); santei's line carries −19 so the totals subtract it",
        ),
        (
            E::PolypharmacyComment { code: 820000047 },
            "コメント 820000047 （減）: marks the 内服 lines reduced by F200 注3, as real UKE files carry it before them",
        ),
        (
            E::Meal {
                code: Code(197000470),
                name: "食事療養".into(),
                part: "1食につき",
                yen: 670,
                times: 3,
                total: 2010,
                date: date(2024, 7, 1),
                meal_kind: "入院時食事療養(Ⅰ)",
                liquid: true,
                per_meal_limit: true,
            },
            "197000470 食事療養 (1食につき): 670円 × 3 = 2010円 on 2024-07-01 (入院時食事療養(Ⅰ), 流動食のみ, 1日につき3食を限度)",
        ),
        (
            E::MealRow {
                code: Code(197000470),
                points: pts(67000),
                from: date(2024, 6, 1),
                to: date(2025, 3, 31),
                revision: "r2024-06",
            },
            "master 197000470 新又は現点数 670.00 (項番12, 点数識別 1 金額, 円), valid 2024-06-01–2025-03-31 (r2024-06)",
        ),
        (
            E::MealCitation {
                citation: "食事療養 告示",
            },
            "食事療養 告示; 診療識別 97, in yen, outside the 合計点数",
        ),
        (
            E::LivingRow {
                code: 97000110,
                name: "居住費",
                yen: 370,
                count: 2,
                per_day: true,
            },
            "097000110 居住費: 370円 × 2日 = 740円",
        ),
        (
            E::MonthInsured {
                points: 641,
                cost: 6410,
                copay: dec("1923.0"),
                rate: "3割",
                patient: 1923,
                window: 1920,
                days: 1,
            },
            "医療費 641点 × 10円 = 6410円; 一部負担金 1923円 (3割); patient 1923円 for the month, 窓口 1920円 over 1 day(s) (10円未満 四捨五入 per visit: 健保法75条 / 国保法42条の2; to the yen once a limit applies)",
        ),
        (
            E::MonthPublicOnly {
                points: 641,
                cost: 6410,
                patient: 0,
                window: 0,
            },
            "公費単独: 医療費 641点 × 10円 = 6410円, all of it left to the 公費; patient 0円, 窓口 0円",
        ),
        (
            E::PartLimit {
                burden: "2",
                copay: dec("30000"),
                limit: dec("10000.5"),
                why: "公費 上限",
                citation: "健保令42条",
            },
            "負担区分 2: 一部負担金 30000円 capped at 10000.5円 (公費 上限; 健保令42条)",
        ),
        (
            E::HighCost {
                class: "ウ",
                limit: HighCostLimit::Household {
                    base: 80100,
                    threshold: Some(267000),
                    cost: dec("1000000"),
                    rounding: Rounding::HalfUp,
                    halved: false,
                    many_times: None,
                    amount: dec("87430"),
                },
                excess: dec("212570"),
                floor: Some(21000),
            },
            "高額療養費 (ウ): the patient's amounts exceed the limit 80100 + (1000000 − 267000) × 1% (1円未満 四捨五入) = 87430円 by 212570円 (70歳未満: parts with 一部負担金 ≥ 21000円 combined); the insurance pays it",
        ),
        (
            E::HighCost {
                class: "一般",
                limit: HighCostLimit::Household {
                    base: 57600,
                    threshold: None,
                    cost: dec("500000"),
                    rounding: Rounding::HalfUp,
                    halved: true,
                    many_times: Some(22200),
                    amount: dec("22200"),
                },
                excess: dec("1000"),
                floor: None,
            },
            "高額療養費 (一般): the patient's amounts exceed the limit 57600, 75歳到達月 1/2; 多数回該当 22200 = 22200円 by 1000円; the insurance pays it",
        ),
        (
            E::HighCost {
                class: "一般",
                limit: HighCostLimit::Outpatient {
                    limit: dec("18000"),
                },
                excess: dec("500"),
                floor: None,
            },
            "高額療養費 (一般): the patient's amounts exceed the 外来 (個人) limit 18000円 by 500円; the insurance pays it",
        ),
        (
            E::Marucho {
                limit: 10000,
                cut: dec("5000"),
            },
            "特定疾病 (マル長) 10000円/月: 5000円 more paid by the insurance",
        ),
        (
            E::OutpatientAnnualLimit { limit: 144000 },
            "外来特例 年間上限 144000円 (8月〜翌7月) is refunded by the insurer; not applied at the 窓口",
        ),
        (
            E::AnnualLimit {
                limit: 560000,
                low_income_note: true,
                citation: "健保令41条",
            },
            "年間上限 560000円 (8月〜翌7月, of what is left after the monthly limits; 410,000円 for 年収 about 200万円未満) is settled by the insurer; not applied at the 窓口 (健保令41条)",
        ),
        (
            E::FundShare {
                points: 641,
                target: dec("1923"),
                pays: dec("923"),
                keeps: 1000,
                permille: Some(50),
                cap: Some(1000),
            },
            "641点 covered; left to the patient when it applies 1923円; the 公費 pays 923円; the patient keeps 1000円 (5% of the 医療費, 上限 1000円/月)",
        ),
        (
            E::VisitLimited {
                points: 641,
                window: 577,
            },
            "641点 × 10円 = 6410円; a monthly limit applies: the 窓口 collects what is left under it, to the yen (577円)",
        ),
        (
            E::VisitShare {
                points: 641,
                share: dec("1923"),
                rate: "3割",
                after_funds: true,
                window: 1920,
                rounding: Rounding::HalfUp,
            },
            "641点 × 10円 = 6410円; patient share 1923円 (3割, after 公費) → 1920円 (10円未満 四捨五入, 健保法75条)",
        ),
        (
            E::MealStandard {
                count: 9,
                per_meal: 490,
                class: "一般",
                total: 4410,
                patient: 4410,
                citation: "告示",
            },
            "9食 × 標準負担額 490円 (一般) = 4410円; the patient pays 4410円 (not part of the 一部負担金 nor of 高額療養費; 告示)",
        ),
        (
            E::LivingStandard {
                class: "一般",
                food: 4410,
                env: 1110,
                total: 5520,
                patient: 5520,
                citation: "告示",
            },
            "生活療養標準負担額 (一般, 医療区分1): 食費 4410円 + 居住費 1110円 = 5520円; the patient pays 5520円 (not part of the 一部負担金 nor of 高額療養費; 告示)",
        ),
        (
            E::MealBenefit {
                living: false,
                cost: 6030,
                standard: 4410,
                benefit: 1620,
            },
            "入院時食事療養費 (保険者): 費用 6030円 − 標準負担額 4410円 = 1620円 (健保法85条2項; UKE HO 食事・生活療養 合計金額)",
        ),
        (
            E::MealBenefit {
                living: true,
                cost: 6030,
                standard: 4410,
                benefit: 1620,
            },
            "入院時生活療養費 (保険者): 費用 6030円 − 標準負担額 4410円 = 1620円 (健保法85条の2 第2項; UKE HO 食事・生活療養 合計金額)",
        ),
        (
            E::IncomeBandBefore13 {
                class: "標報36万〜41万",
                date: date(2027, 7, 1),
                within: "ウ",
            },
            "所得区分 標報36万〜41万 on 2027-07-01: the 13 区分 start on 2027-08-01; before, the band lies within ウ (健保令42条1項, 標準報酬月額)",
        ),
        (
            E::IncomeClassAssumed {
                class: "一般",
                percent: 20,
            },
            "所得区分 not given: 一般 assumed from 20% (what applies without 限度額適用認定証; chosen by `santei calc --missing-over70-class from-rate`, EngineBuilder::copay_settings with MissingOver70Class::FromRate)",
        ),
        (
            E::BurdenRate {
                tenths: 3,
                why: "就学後〜70歳",
            },
            "負担割合 3割: 就学後〜70歳",
        ),
    ]
}

#[test]
fn every_variant_renders_its_sentence() {
    for (e, text) in cases() {
        assert_eq!(e.to_string(), text, "{e:?}");
    }
}

#[test]
fn below_lower_is_the_price_error_text() {
    let (quantity, limit, handling) = (dec("0.5"), dec("1"), 2);
    let e = Explanation::StepsBelowLower {
        quantity,
        limit,
        handling,
    };
    let p = crate::price::PriceError::BelowLower {
        quantity,
        limit,
        handling,
    };
    assert_eq!(e.to_string(), p.to_string());
    assert_eq!(
        e.to_string(),
        "数量 0.5 ≤ 下限値 − きざみ値 = 1 with 上下限エラー処理 2: 点数算定せず（返戻） (医科診療行為マスター 項番35)"
    );
}

#[test]
fn serialized_as_text_unless_data_is_asked() {
    let e = Explanation::Times {
        points: 75,
        times: 2,
    };
    assert_eq!(serde_json::to_string(&e).unwrap(), "\"75点 × 2回\"");
    let data = serialize_as(ExplainForm::Data, || serde_json::to_string(&e).unwrap());
    assert_eq!(data, r#"{"kind":"times","points":75,"times":2}"#);
    // The form is restored.
    assert_eq!(serde_json::to_string(&e).unwrap(), "\"75点 × 2回\"");
    assert_eq!(
        e.to_data(),
        serde_json::json!({"kind": "times", "points": 75, "times": 2})
    );
}

#[test]
fn data_form_names_the_fields_and_the_citation() {
    let e = bundle();
    let v = e.to_data();
    assert_eq!(v["kind"], "bundle");
    assert_eq!(v["citation"], "告示 D007 注");
    assert_eq!(v["points"], 93);
    // Every variant has a data form with its kind.
    for (e, _) in cases() {
        assert!(e.to_data()["kind"].is_string(), "{e:?}");
    }
}

#[test]
fn schema_is_a_string() {
    let schema = schemars::schema_for!(Vec<Explanation>);
    let v = serde_json::to_value(&schema).unwrap();
    assert_eq!(v["type"], "array");
    assert_eq!(v["items"]["type"], "string");
}

/// A D007 まるめ of 5 tests counted out of 6 (告示 D007 注), for the text and the data form.
fn bundle() -> Explanation {
    Explanation::Bundle {
        kubun: "D007",
        counted: 5,
        of: 6,
        points: 93,
        item_by_item: 120,
        citation: "告示 D007 注",
    }
}
