//! The one renderer of [`Explanation`]: the text of each variant, written when a result is
//! printed or serialized (santei.result/1), and the small display helpers it uses.

use std::fmt::{self, Display, Formatter};

use rust_decimal::Decimal;

use super::{Explanation, HighCostLimit, Joined};

/// An amount in yen: an integer when whole (the usual case), else the exact decimal.
pub(crate) struct Yen(pub(crate) Decimal);

impl Display for Yen {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.0.fract().is_zero() {
            write!(f, "{}", self.0.trunc().normalize())
        } else {
            write!(f, "{}", self.0.normalize())
        }
    }
}

/// The 施設基準コード of a row, `/`-separated.
struct Standards<'a>(&'a [u16]);

impl Display for Standards<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            write!(f, "{s}")?;
        }
        Ok(())
    }
}

/// ` ({n} of {of} counted: a rule dropped the others)` when a rule dropped tests of a まるめ.
struct Dropped(u32, u32);

impl Display for Dropped {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.0 < self.1 {
            write!(
                f,
                " ({} of {} counted: a rule dropped the others)",
                self.0, self.1
            )?;
        }
        Ok(())
    }
}

impl Display for HighCostLimit {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            HighCostLimit::Household {
                base,
                threshold,
                cost,
                rounding,
                halved,
                many_times,
                amount,
            } => {
                f.write_str("limit ")?;
                match threshold {
                    Some(th) => write!(
                        f,
                        "{base} + ({} − {th}) × 1% (1円未満 {})",
                        Yen(*cost),
                        rounding.japanese()
                    )?,
                    None => write!(f, "{base}")?,
                }
                if *halved {
                    f.write_str(", 75歳到達月 1/2")?;
                }
                if let Some(m) = many_times {
                    write!(f, "; 多数回該当 {m}")?;
                }
                write!(f, " = {}円", Yen(*amount))
            }
            HighCostLimit::Outpatient { limit } => {
                write!(f, "外来 (個人) limit {}円", Yen(*limit))
            }
        }
    }
}

impl Display for Explanation {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        use Explanation as E;
        match self {
            E::MasterRow {
                code,
                name,
                revision,
                changed_on,
                points,
                point_kind,
            } => write!(
                f,
                "master {code} {name} ({revision}; 変更年月日 {changed_on}): 新又は現点数 {points} (点数識別 {point_kind})"
            ),
            E::PercentOfBase {
                percent,
                add,
                base,
                change,
                rounding,
            } => write!(
                f,
                "{percent}% {} the preceding 所定点数 {base}: {} → {change:+} ({} of the result)",
                if *add { "added to" } else { "taken from" },
                base.saturating_add(*change),
                rounding.japanese()
            ),
            E::Steps {
                quantity,
                lower,
                size,
                step_points,
                points,
                steps,
                exact,
                steps_rounding,
                rounding,
            } => {
                f.write_str("きざみ: 数量 ")?;
                match quantity {
                    Some(q) => write!(f, "{q}")?,
                    None => f.write_str("not given (基本点数)")?,
                }
                write!(
                    f,
                    ", 下限 {lower}, きざみ値 {size}, きざみ点数 {step_points} → {points} + {steps} × {step_points} = {} ({} of the steps, {} of the result; 項番30–35)",
                    exact.normalize(),
                    steps_rounding.japanese(),
                    rounding.japanese()
                )
            }
            E::StepsAboveUpper {
                upper,
                handling,
                capped: true,
            } => write!(
                f,
                "数量 exceeds the きざみ 上限値 {upper}: 上下限エラー処理 {handling} → 点数算定式２ (the 上限値 for the 数量)"
            ),
            E::StepsAboveUpper {
                upper,
                handling,
                capped: false,
            } => write!(
                f,
                "数量 exceeds the きざみ 上限値 {upper}: 上下限エラー処理 {handling} → 点数算定式１ on the 数量 as given (警告)"
            ),
            E::StepsBelowLower {
                quantity,
                limit,
                handling,
            } => write!(
                f,
                "数量 {quantity} ≤ 下限値 − きざみ値 = {limit} with 上下限エラー処理 {handling}: 点数算定せず（返戻） (医科診療行為マスター 項番35)"
            ),
            E::SameUnit { code, name, joined } => write!(
                f,
                "one 算定単位 with {code} {name}{}",
                match joined {
                    Joined::Outside => " (項番62: outside its 所定点数)",
                    Joined::Percent => " (a % of its 所定点数)",
                    Joined::Base => " (in its 所定点数)",
                }
            ),
            E::Times { points, times } => write!(f, "{points}点 × {times}回"),
            E::BundleMember {
                code,
                name,
                revision,
                points,
                group,
            } => write!(
                f,
                "master {code} {name} ({revision}): 新又は現点数 {points}, 包括対象検査 {group} (項番16)"
            ),
            E::DrugAmount {
                code,
                name,
                price,
                unit,
                amount,
                yen,
            } => write!(
                f,
                "{code} {name}: {price}円/{unit} × {amount} = {}円",
                yen.normalize()
            ),
            E::RxPoints {
                unit,
                yen,
                points,
                floor,
                rounding,
                citation,
                days,
            } => {
                write!(f, "{unit} {}円 → {points}点 (", yen.normalize())?;
                if *yen <= Decimal::from(crate::price::drug::FLOOR_YEN) {
                    f.write_str("15円以下")?;
                } else {
                    write!(f, "{} of {}/10", rounding.japanese(), yen.normalize())?;
                }
                write!(f, "; 15円以下は{floor}点; {citation}) × {days}")
            }
            E::Material {
                code,
                name,
                revision,
                price,
                unit,
                amount,
                yen,
                divisor,
                material_kind,
                points,
                rounding,
            } => {
                write!(
                    f,
                    "master {code} {name} ({revision}): {}円/{unit} × {amount} = {}円 ÷ {divisor}円 (特定器材種別 {material_kind}, 項番22) → ",
                    price.normalize(),
                    yen.normalize()
                )?;
                match points {
                    Some(p) => write!(f, "{p}点")?,
                    None => f.write_str("over the cap")?,
                }
                write!(f, " ({}; 材料価格基準 留意事項)", rounding.japanese())
            }
            E::MaterialCap { cap, points } => {
                write!(f, "上限点数 {cap} (項番24) → {points}点")
            }
            E::Comment { pattern, code } => {
                write!(f, "コメント パターン {pattern} (master {code})")
            }
            E::Derivation { reason, citation } => write!(f, "{reason} ({citation})"),
            E::UrgentAddition {
                reason,
                code,
                name,
                points,
                citation,
            } => write!(f, "{reason}: {code} {name} {points}点 ({citation})"),
            E::TimeAddition {
                code,
                name,
                time,
                time_addition,
                kubun_alpha,
                kubun_section,
                min_age,
                max_age,
            } => write!(
                f,
                "時間外等加算 for {code} {name} on a {time} visit: 時間加算区分 {time_addition} in {kubun_alpha}{kubun_section} (項番43), {}",
                crate::age::describe(*min_age, *max_age)
            ),
            E::AgeAddition {
                base_code,
                base_name,
                min_age,
                max_age,
                code,
                date,
                age,
            } => write!(
                f,
                "年齢加算 of {base_code} {base_name} (項番100–111: {} → {code}); age on {date}: {age}歳",
                crate::age::describe(*min_age, *max_age)
            ),
            E::OutpatientManagement { code, name } => write!(
                f,
                "外来管理加算 after {code} {name}: no item of the day has 外来管理加算区分 1 (A001 注8; visit.outpatient_management = true)"
            ),
            E::JudgementFee { group, code, name } => write!(
                f,
                "判断料 of group {group} (検査等実施判断グループ区分, 項番51) for {code} {name}: first test of the group this month (D026: 月1回)"
            ),
            E::RuleAddition { rule, citation } => write!(f, "added by rule {rule} ({citation})"),
            E::JoinedAgeAddition => f.write_str(
                "joined the 算定単位 of its item: a 注による加算 is part of the 所定点数 of the 通則 時間外等加算 (通知 第9部 通則10, 第10部 通則9)",
            ),
            E::WardFee {
                ward,
                from,
                day,
                start,
            } => write!(
                f,
                "入院料 of the ward (stay.wards[{ward}], from {from}), 入院期間 day {day} from the 起算日 {start}"
            ),
            E::Outing { date, citation } => write!(
                f,
                "外泊 on {date} (stay.outings): 15/100 of the 基本点数, no 入院期間加算 ({citation})"
            ),
            E::AdmissionPeriod {
                code,
                name,
                day,
                start,
                lo,
                hi,
                special,
                citation,
            } => write!(
                f,
                "入院期間加算 of {code} {name}: day {day} of the 入院期間 (起算日 {start}) is in {lo}–{hi}{} ({citation})",
                if *special {
                    ", 特別入院基本料等"
                } else {
                    ""
                }
            ),
            E::StayAddition {
                name,
                standards,
                day,
                start,
                limit,
                fee_code,
                fee_name,
                citation,
                group_citation,
            } => write!(
                f,
                "{name} from the 届出 (施設基準コード {}), day {day} of the 入院期間 (起算日 {start}): {}; the 04 group of {fee_code} {fee_name} lists it ({citation}; {group_citation})",
                Standards(standards),
                limit.describe()
            ),
            E::StayAdditionNote {
                code,
                name,
                note_code,
                serial,
                standards,
                limit,
                citation,
            } => write!(
                f,
                "注加算 of {code} {name} (注加算コード {note_code}, 通番 {serial}) from the 届出 (施設基準コード {}): {} ({citation})",
                Standards(standards),
                limit.describe()
            ),
            E::UnitPriced {
                lines,
                base,
                percent,
                outside,
                total,
                rounding,
                times,
            } => {
                write!(f, "算定単位 of {lines} lines: 所定点数 {base}")?;
                if !percent.is_zero() {
                    write!(
                        f,
                        " × (100 {} {})/100",
                        if percent.is_sign_negative() {
                            "−"
                        } else {
                            "+"
                        },
                        percent.abs().normalize()
                    )?;
                }
                if *outside != 0 {
                    write!(f, " + {outside} (項番62: outside the 所定点数)")?;
                }
                write!(
                    f,
                    " = {total}点 (every % on the 所定点数, {} once) × {times}回",
                    rounding.japanese()
                )
            }
            E::Bundle {
                kubun,
                counted,
                of,
                points,
                item_by_item,
                citation,
            } => write!(
                f,
                "まるめ {kubun}: {counted}項目{} → {points}点 (instead of {item_by_item}点 item by item); {citation}",
                Dropped(*counted, *of)
            ),
            E::BundlePercent {
                points,
                percent,
                total,
                rounding,
            } => write!(
                f,
                "算定単位 with its %: {points} × (100 {:+})/100 = {total}点 ({} once)",
                percent.normalize(),
                rounding.japanese()
            ),
            E::BelowBundle {
                kubun,
                counted,
                of,
                points,
                citation,
            } => write!(
                f,
                "{counted}項目 of {kubun}{}: below the まるめ tiers, billed item by item: {points}点; {citation}",
                Dropped(*counted, *of)
            ),
            E::Polypharmacy { kinds } => write!(
                f,
                "F200 注3 (告示 l.10857–10861): 1処方につき7種類以上の内服薬 → 所定点数の100分の90; 種類 per 通知 F200 (6)ア: {kinds}"
            ),
            E::PolypharmacyBase { terms, base } => {
                f.write_str("所定点数 = 1処方のうちの全ての内服薬の薬剤料 (通知 F200 (6)イ) = ")?;
                for (i, (points, days)) in terms.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" + ")?;
                    }
                    write!(f, "{points}点×{days}")?;
                }
                write!(f, " = {base}点")
            }
            E::PolypharmacyPerPrescription {
                base,
                exact,
                reduced,
                rounding,
                unit,
            } => write!(
                f,
                "{base} × 90/100 = {} → {reduced}点 ({}, once over the 処方: {unit}); 減点 {base} − {reduced} = {}点",
                exact.normalize(),
                rounding.japanese(),
                base - reduced
            ),
            E::PolypharmacyPerRx {
                rxs,
                cut,
                rounding,
                unit,
            } => {
                for (i, r) in rxs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(
                        f,
                        "{} × 90/100 = {} → {}",
                        r.points,
                        r.exact.normalize(),
                        r.reduced
                    )?;
                }
                write!(f, " ({} per 剤: {unit}); 減点 {cut}点", rounding.japanese())
            }
            E::PolypharmacyLine { code, name, cut } => write!(
                f,
                "UKE: IY {code} {name} (医薬品マスター 金額種別 7 減点) records the 10/100 share, {cut} (マスターファイル仕様説明書 R6 (3) 使用方法が特殊なコード 項番4); santei's line carries −{cut} so the totals subtract it"
            ),
            E::PolypharmacyComment { code } => write!(
                f,
                "コメント {code} （減）: marks the 内服 lines reduced by F200 注3, as real UKE files carry it before them"
            ),
            E::Meal {
                code,
                name,
                part,
                yen,
                times,
                total,
                date,
                meal_kind,
                liquid,
                per_meal_limit,
            } => write!(
                f,
                "{code} {name} ({part}): {yen}円 × {times} = {total}円 on {date} ({meal_kind}{}{})",
                if *liquid { ", 流動食のみ" } else { "" },
                if *per_meal_limit {
                    ", 1日につき3食を限度"
                } else {
                    ""
                },
            ),
            E::MealRow {
                code,
                points,
                from,
                to,
                revision,
            } => write!(
                f,
                "master {code} 新又は現点数 {points} (項番12, 点数識別 1 金額, 円), valid {from}–{to} ({revision})"
            ),
            E::MealCitation { citation } => {
                write!(f, "{citation}; 診療識別 97, in yen, outside the 合計点数")
            }
            E::LivingRow {
                code,
                name,
                yen,
                count,
                per_day,
            } => write!(
                f,
                "{code:09} {name}: {yen}円 × {count}{} = {}円",
                if *per_day { "日" } else { "食" },
                yen * i64::from(*count)
            ),
            E::MonthInsured {
                points,
                cost,
                copay,
                rate,
                patient,
                window,
                days,
            } => write!(
                f,
                "医療費 {points}点 × 10円 = {cost}円; 一部負担金 {}円 ({rate}); patient {patient}円 for the month, 窓口 {window}円 over {days} day(s) (10円未満 四捨五入 per visit: 健保法75条 / 国保法42条の2; to the yen once a limit applies)",
                Yen(*copay)
            ),
            E::MonthPublicOnly {
                points,
                cost,
                patient,
                window,
            } => write!(
                f,
                "公費単独: 医療費 {points}点 × 10円 = {cost}円, all of it left to the 公費; patient {patient}円, 窓口 {window}円"
            ),
            E::PartLimit {
                burden,
                copay,
                limit,
                why,
                citation,
            } => write!(
                f,
                "負担区分 {burden}: 一部負担金 {}円 capped at {}円 ({why}; {citation})",
                Yen(*copay),
                Yen(*limit)
            ),
            E::HighCost {
                class,
                limit,
                excess,
                floor,
            } => {
                write!(
                    f,
                    "高額療養費 ({class}): the patient's amounts exceed the {limit} by {}円",
                    Yen(*excess)
                )?;
                if let Some(floor) = floor {
                    write!(f, " (70歳未満: parts with 一部負担金 ≥ {floor}円 combined)")?;
                }
                f.write_str("; the insurance pays it")
            }
            E::Marucho { limit, cut } => write!(
                f,
                "特定疾病 (マル長) {limit}円/月: {}円 more paid by the insurance",
                Yen(*cut)
            ),
            E::OutpatientAnnualLimit { limit } => write!(
                f,
                "外来特例 年間上限 {limit}円 (8月〜翌7月) is refunded by the insurer; not applied at the 窓口"
            ),
            E::AnnualLimit {
                limit,
                low_income_note,
                citation,
            } => write!(
                f,
                "年間上限 {limit}円 (8月〜翌7月, of what is left after the monthly limits{}) is settled by the insurer; not applied at the 窓口 ({citation})",
                if *low_income_note {
                    "; 410,000円 for 年収 about 200万円未満"
                } else {
                    ""
                }
            ),
            E::FundShare {
                points,
                target,
                pays,
                keeps,
                permille,
                cap,
            } => {
                write!(
                    f,
                    "{points}点 covered; left to the patient when it applies {}円; the 公費 pays {}円; the patient keeps {keeps}円",
                    Yen(*target),
                    Yen(*pays)
                )?;
                match (permille, cap) {
                    (Some(p), Some(c)) => write!(
                        f,
                        " ({}% of the 医療費, 上限 {c}円/月)",
                        Decimal::from(*p) / Decimal::from(10)
                    ),
                    (Some(p), None) => write!(
                        f,
                        " ({}% of the 医療費)",
                        Decimal::from(*p) / Decimal::from(10)
                    ),
                    (None, Some(c)) => write!(f, " (上限 {c}円/月)"),
                    (None, None) => Ok(()),
                }
            }
            E::VisitLimited { points, window } => write!(
                f,
                "{points}点 × 10円 = {}円; a monthly limit applies: the 窓口 collects what is left under it, to the yen ({window}円)",
                points.saturating_mul(10)
            ),
            E::VisitShare {
                points,
                share,
                rate,
                after_funds,
                window,
                rounding,
            } => write!(
                f,
                "{points}点 × 10円 = {}円; patient share {}円 ({rate}{}) → {window}円 (10円未満 {}, 健保法75条)",
                points.saturating_mul(10),
                Yen(*share),
                if *after_funds { ", after 公費" } else { "" },
                rounding.japanese()
            ),
            E::MealStandard {
                count,
                per_meal,
                class,
                total,
                patient,
                citation,
            } => write!(
                f,
                "{count}食 × 標準負担額 {per_meal}円 ({class}) = {total}円; the patient pays {patient}円 (not part of the 一部負担金 nor of 高額療養費; {citation})"
            ),
            E::LivingStandard {
                class,
                food,
                env,
                total,
                patient,
                citation,
            } => write!(
                f,
                "生活療養標準負担額 ({class}, 医療区分1): 食費 {food}円 + 居住費 {env}円 = {total}円; the patient pays {patient}円 (not part of the 一部負担金 nor of 高額療養費; {citation})"
            ),
            E::MealBenefit {
                living,
                cost,
                standard,
                benefit,
            } => write!(
                f,
                "{} (保険者): 費用 {cost}円 − 標準負担額 {standard}円 = {benefit}円 ({}; UKE HO 食事・生活療養 合計金額)",
                if *living {
                    "入院時生活療養費"
                } else {
                    "入院時食事療養費"
                },
                if *living {
                    "健保法85条の2 第2項"
                } else {
                    "健保法85条2項"
                }
            ),
            E::IncomeBandBefore13 {
                class,
                date,
                within,
            } => write!(
                f,
                "所得区分 {class} on {date}: the 13 区分 start on 2027-08-01; before, the band lies within {within} (健保令42条1項, 標準報酬月額)"
            ),
            E::IncomeClassAssumed { class, percent } => write!(
                f,
                "所得区分 not given: {class} assumed from {percent}% (what applies without 限度額適用認定証; chosen by `santei calc --missing-over70-class from-rate`, EngineBuilder::copay_settings with MissingOver70Class::FromRate)"
            ),
            E::BurdenRate { tenths, why } => write!(f, "負担割合 {tenths}割: {why}"),
        }
    }
}
