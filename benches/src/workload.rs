//! Synthetic 外来 UKE workloads built from the real masters: seeded and deterministic (an own
//! splitmix64, so the bytes do not change with a `rand` release), realistic in shape.
//!
//! Each receipt is a `santei.claim/1` [`Claim`]: a patient (age distribution of a 外来 clinic,
//! insurance and 負担割合 by age, a few 公費), 1–4 visits in the month, 初診 or 再診 (the engine adds
//! 外来管理加算 where allowed), 院外 (処方箋料) or 院内 (処方料, 調剤料, 調基 and 1–3 内服 剤 of 1–3
//! drugs, at most 6 銘柄 so that F200 注3 多剤投与 does not apply; the same 剤 on every visit;
//! sometimes a 頓服 or 外用 剤), 検体検査 on some visits (採血, 末梢血液一般 and 3–10 生化学(Ⅰ) items,
//! so that まるめ happens), sometimes 単純撮影 with film or 創傷処置 with a dressing (特定器材). It is
//! computed with the [`Engine`] and written with [`UkeWriter`]. About 20 SI/IY/TO records per
//! receipt.
//!
//! The codes are drawn from the masters valid on the 1st of the month: 内用薬 (剤形 1, 錠・カプセル)
//! and 外用薬 (剤形 6, 枚) of the 医薬品マスター, the 生化学的検査(Ⅰ) items (包括対象検査 1) of the
//! 診療行為マスター, films (特定器材 700… family) and 創傷被覆材 of the 特定器材マスター. Only the
//! families and a few common codes (初診料, 再診料, 処方箋料 …) are named here; points and prices
//! always come from the masters.
//!
//! For very large inputs without computing every claim, [`Block`] generates N distinct receipts
//! once and [`Block::repeat`] streams them k times (a `Read` + `BufRead`), followed by one GO with
//! the totals of the k × N receipts. The レセプト番号 are not renumbered: each copy runs 1…N again
//! (the reader and the recalculation do not need them unique, and N6 caps them at 999,999).

use std::io::{self, BufRead, Read, Write};

use rust_decimal::Decimal;
use santei_engine::claim::{
    Claim, ClaimDisease, DrugUse, Facility, FacilityKind, Insurance, Item, Patient, PublicFund,
    Relation, RxForm, Scheme, Setting, Sex, TimeCategory, Visit,
};
use santei_engine::copay::payer_check_digit;
use santei_engine::masters::{Date, Encoding, MasterSet, PointKind};
use santei_engine::uke::writer::go_record;
use santei_engine::uke::{FacilityHeader, PatientInfo, UkeWriter, YearMonth};
use santei_engine::{CLAIM_FORMAT, ClaimResult, Engine};

/// splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and stable forever.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`; 0 when `n == 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below(u64::from(hi.saturating_sub(lo)) + 1) as u32
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < u64::from(percent)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// An index by weight.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut x = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if x < u64::from(w) {
                return i;
            }
            x -= u64::from(w);
        }
        weights.len() - 1
    }
}

// Common codes (r06 医科診療行為マスター); each is checked against the masters of the month.
const SHOSHIN: u32 = 111000110; // 初診料
const SAISHIN: u32 = 112007410; // 再診料
const MEISAI: u32 = 112015770; // 明細書発行体制等加算
const SHOHOSEN: u32 = 120002910; // 処方箋料（リフィル以外・その他）
const SHOHO: u32 = 120001210; // 処方料（その他）
const CHOZAI_NAI: u32 = 120000710; // 調剤料（内服薬・浸煎薬・屯服薬）
const CHOZAI_GAI: u32 = 120001010; // 調剤料（外用薬）
const CHOKI: u32 = 120001810; // 調剤技術基本料（その他）
const SAIKETSU: u32 = 160095710; // Ｂ－Ｖ (静脈採血)
const CBC: u32 = 160008010; // 末梢血液一般検査
const HBA1C: u32 = 160010010; // ＨｂＡ１ｃ
const CRP: u32 = 160054710; // ＣＲＰ
const URINE: u32 = 160000310; // 尿一般
const XRAY_DIAG: u32 = 170000410; // 単純撮影（イ）の写真診断 (きざみ: 枚数)
const XRAY_DIGITAL: u32 = 170027910; // 単純撮影（デジタル撮影）
const XRAY_ANALOG: u32 = 170001910; // 単純撮影（アナログ撮影）
const WOUND: u32 = 140000610; // 創傷処置（１００ｃｍ２未満）

/// 内服薬 銘柄 per patient: below the 7種類 of F200 注3.
const MAX_BRANDS: usize = 6;

/// Codes of the month, drawn from the masters.
#[derive(Debug, Clone)]
pub struct Pools {
    date: Date,
    /// 内用薬 (剤形 1) in 錠/カプセル, priced (金額種別 1), no 麻薬・向精神薬 flags.
    internal: Vec<u32>,
    /// 外用薬 (剤形 6) in 枚 (貼付剤).
    external: Vec<u32>,
    /// 生化学的検査(Ⅰ) (包括対象検査 1) blood items (codes ending in 10; the …50 codes are the
    /// 尿・髄液 variants).
    chem: Vec<u32>,
    /// Films (特定器材 700… family, 枚).
    films: Vec<u32>,
    /// 皮膚欠損用創傷被覆材 (特定器材, cm²).
    dressings: Vec<u32>,
    /// Which of the common codes are valid this month.
    has: Vec<u32>,
}

impl Pools {
    /// The pools of the month starting on `date` from `set`.
    pub fn new(set: &MasterSet, date: Date) -> Pools {
        let mut internal: Vec<u32> = Vec::new();
        let mut external: Vec<u32> = Vec::new();
        for code in set.drugs.codes() {
            let Some(d) = set.drugs.get(code, date) else {
                continue;
            };
            let price = d.price.to_decimal();
            if d.price_kind != 1 || d.narcotic_kind != 0 || price < Decimal::from(5) {
                continue;
            }
            let unit = d.unit_name.as_str();
            if d.dosage_form == 1
                && (unit == "錠" || unit == "カプセル")
                && price <= Decimal::from(300)
            {
                internal.push(code);
            } else if d.dosage_form == 6 && unit == "枚" && price <= Decimal::from(100) {
                external.push(code);
            }
        }
        let mut chem: Vec<u32> = Vec::new();
        for code in set.procedures.codes() {
            let Some(p) = set.procedures.get(code, date) else {
                continue;
            };
            if p.bundled_test_group == 1
                && code % 100 == 10
                && p.point_kind() == PointKind::Points
                && p.aggregation_outpatient == 600
                && p.step_calc == 0
                && p.facility_standards().next().is_none()
                && p.min_age.is_none()
                && p.max_age.is_none()
            {
                chem.push(code);
            }
        }
        let mut films: Vec<u32> = Vec::new();
        let mut dressings: Vec<u32> = Vec::new();
        for code in set.materials.codes() {
            let Some(m) = set.materials.get(code, date) else {
                continue;
            };
            if m.price_kind != 1 || m.material_kind != 0 || m.price.to_decimal().is_zero() {
                continue;
            }
            if code / 1_000_000 == 700 && m.unit_name.as_str() == "枚" {
                films.push(code);
            } else if m.name.as_str().starts_with("皮膚欠損用創傷被覆材（真皮") {
                dressings.push(code);
            }
        }
        let has = [
            SHOSHIN,
            SAISHIN,
            MEISAI,
            SHOHOSEN,
            SHOHO,
            CHOZAI_NAI,
            CHOZAI_GAI,
            CHOKI,
            SAIKETSU,
            CBC,
            HBA1C,
            CRP,
            URINE,
            XRAY_DIAG,
            XRAY_DIGITAL,
            XRAY_ANALOG,
            WOUND,
        ]
        .into_iter()
        .filter(|&c| set.procedures.get(c, date).is_some())
        .collect();
        for v in [
            &mut internal,
            &mut external,
            &mut chem,
            &mut films,
            &mut dressings,
        ] {
            v.sort_unstable();
        }
        Pools {
            date,
            internal,
            external,
            chem,
            films,
            dressings,
            has,
        }
    }

    /// Sizes of the pools: (内用薬, 外用薬, 生化学(Ⅰ), films, dressings).
    pub fn sizes(&self) -> (usize, usize, usize, usize, usize) {
        (
            self.internal.len(),
            self.external.len(),
            self.chem.len(),
            self.films.len(),
            self.dressings.len(),
        )
    }

    fn has(&self, code: u32) -> bool {
        self.has.contains(&code)
    }
}

const FAMILY: [(&str, &str); 12] = [
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
];
const GIVEN: [(&str, &str); 10] = [
    ("太郎", "タロウ"),
    ("花子", "ハナコ"),
    ("一郎", "イチロウ"),
    ("美咲", "ミサキ"),
    ("健太", "ケンタ"),
    ("陽子", "ヨウコ"),
    ("翔", "ショウ"),
    ("恵", "メグミ"),
    ("大輔", "ダイスケ"),
    ("和子", "カズコ"),
];

fn proc(code: u32) -> Item {
    Item::Procedure {
        code: format!("{code:09}"),
        quantity: None,
        times: 1,
        time: None,
        emergency: false,
        weight_g: None,
    }
}

fn proc_q(code: u32, q: u32) -> Item {
    Item::Procedure {
        code: format!("{code:09}"),
        quantity: Some(Decimal::from(q)),
        times: 1,
        time: None,
        emergency: false,
        weight_g: None,
    }
}

/// 保険者番号 検証番号 (weights 2,1,2,… from the right, digits of the products added).
fn with_check_digit(body: &str) -> String {
    let mut sum = 0u32;
    for (i, b) in body.bytes().rev().enumerate() {
        let v = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
        sum += v / 10 + v % 10;
    }
    format!("{body}{}", (10 - sum % 10) % 10)
}

/// One synthetic patient-month: the claim and what the UKE needs beyond it.
pub fn make_claim(pools: &Pools, rng: &mut SplitMix64) -> (Claim, PatientInfo) {
    let month_start = pools.date;
    let (year, month) = (month_start.year(), month_start.month());
    let last_day = (28..=31)
        .rev()
        .find(|&d| Date::from_ymd(year, month, d).is_some())
        .unwrap_or(28);

    // Patient: the age mix of a 外来 clinic (older patients visit more).
    let band = rng.weighted(&[7, 9, 14, 26, 8, 11, 21, 4]);
    let (lo, hi) = [
        (0, 5),
        (6, 19),
        (20, 39),
        (40, 64),
        (65, 69),
        (70, 74),
        (75, 89),
        (90, 99),
    ][band];
    let age = rng.range(lo, hi);
    let birth =
        Date::from_ymd(year - age - 1, rng.range(1, 12), rng.range(1, 28)).unwrap_or(Date::MIN);
    let sex = if rng.chance(54) {
        Sex::Female
    } else {
        Sex::Male
    };

    // Insurance by age.
    let mut insurance = Insurance::default();
    let pref = rng.range(1, 47);
    let mut info = PatientInfo::default();
    let (fam, fam_kana) = *rng.pick(&FAMILY);
    let (giv, giv_kana) = *rng.pick(&GIVEN);
    info.name = format!("{fam}　{giv}");
    info.kana = format!("{fam_kana} {giv_kana}");
    info.chart = format!("{}", rng.range(1, 99_999));
    info.symbol = format!("{}", rng.range(1, 9999));
    info.number = format!("{}", rng.range(1, 999_999));
    let age_now = santei_engine::age::age_years(birth, month_start);
    if age_now >= 75 {
        insurance.scheme = Some(Scheme::Kouki);
        let (pct, class) =
            [(10, "一般Ⅰ"), (20, "一般Ⅱ"), (30, "現役並みⅠ")][rng.weighted(&[78, 14, 8])];
        insurance.burden_percent = Some(pct);
        insurance.income_class = Some(class.into());
        info.insurer = with_check_digit(&format!("39{pref:02}{:03}", rng.range(1, 999)));
        info.symbol.clear();
    } else {
        let kokuho = rng.chance(40);
        insurance.scheme = Some(if kokuho {
            Scheme::Kokuho
        } else {
            Scheme::Shaho
        });
        insurance.relation = Some(if age_now < 20 || (!kokuho && rng.chance(35)) {
            Relation::Dependent
        } else {
            Relation::Insured
        });
        if age_now >= 70 {
            let genekinami = rng.chance(15);
            insurance.burden_percent = Some(if genekinami { 30 } else { 20 });
            insurance.income_class = Some(
                if genekinami {
                    "現役並みⅠ"
                } else {
                    "一般"
                }
                .into(),
            );
        } else if age_now < 6 {
            insurance.burden_percent = Some(20);
        } else {
            insurance.burden_percent = Some(30);
            if rng.chance(10) {
                insurance.income_class = Some(rng.pick(&["ウ", "エ", "イ"]).to_string());
            }
        }
        info.insurer = if kokuho {
            with_check_digit(&format!("{pref:02}{:03}", rng.range(1, 999)))
        } else {
            with_check_digit(&format!("06{pref:02}{:03}", rng.range(1, 999)))
        };
    }
    // 公費: 難病 (54) alongside the insurance, or 生活保護 (12) alone.
    let fund = rng.below(100);
    if (20..75).contains(&age_now) && fund < 2 {
        insurance.scheme = None;
        insurance.relation = None;
        insurance.burden_percent = None;
        insurance.income_class = None;
        info.insurer.clear();
        info.symbol.clear();
        info.number.clear();
        insurance.public_funds.push(PublicFund {
            law_number: "12".into(),
            payer_number: Some(payer_number("12", pref, rng)),
            recipient_number: Some(format!("{:07}", rng.range(1, 9_999_999))),
            monthly_cap_yen: None,
            covers: None,
            local: None,
        });
    } else if age_now >= 20 && fund < 5 {
        insurance.public_funds.push(PublicFund {
            law_number: "54".into(),
            payer_number: Some(payer_number("54", pref, rng)),
            recipient_number: Some(format!("{:07}", rng.range(1, 9_999_999))),
            monthly_cap_yen: Some(*rng.pick(&[2500, 5000, 10000])),
            covers: None,
            local: None,
        });
        if age_now < 70 && insurance.income_class.is_none() {
            insurance.income_class = Some("ウ".into());
        }
    }

    // Visits: 1–4 distinct days.
    let n_visits = 1 + rng.weighted(&[40, 30, 17, 13]);
    let mut days: Vec<u32> = Vec::with_capacity(n_visits);
    while days.len() < n_visits {
        let d = rng.range(1, last_day);
        if !days.contains(&d) {
            days.push(d);
        }
    }
    days.sort_unstable();

    // The patient's treatment of the month.
    let new_patient = rng.chance(18);
    let in_house = rng.chance(45);
    let chronic = age_now >= 40 || rng.chance(30);
    let rx_share = if chronic { 85 } else { 55 };
    // 1–3 内服 剤 of 1–3 drugs, at most 6 銘柄 in all: F200 注3 (7種類以上, 90/100) is left out,
    // as its 減点 line (IY 630010002) is not recalculated yet.
    let mut regimen: Vec<Vec<(u32, u32)>> = Vec::new();
    let mut brands: Vec<u32> = Vec::new();
    if !pools.internal.is_empty() {
        for _ in 0..1 + rng.weighted(&[30, 45, 25]) {
            let n = 1 + rng.weighted(&[35, 45, 20]);
            let mut drugs: Vec<(u32, u32)> = Vec::new();
            while drugs.len() < n && brands.len() < MAX_BRANDS {
                let code = *rng.pick(&pools.internal);
                if !brands.contains(&code) {
                    brands.push(code);
                    drugs.push((code, rng.range(1, 3)));
                }
            }
            if !drugs.is_empty() {
                regimen.push(drugs);
            }
        }
    }
    let rx_days = *rng.pick(&[7, 14, 14, 28, 28, 30]);
    let tests_share = if chronic { 70 } else { 40 };
    let mut choki_done = false;
    let mut visits = Vec::with_capacity(n_visits);
    for (k, &day) in days.iter().enumerate() {
        let date = Date::from_ymd(year, month, day).unwrap_or(month_start);
        let mut items: Vec<Item> = Vec::new();
        let first = k == 0 && new_patient;
        items.push(proc(if first { SHOSHIN } else { SAISHIN }));
        if !first && pools.has(MEISAI) && rng.chance(60) {
            items.push(proc(MEISAI));
        }
        // 検体検査
        if rng.chance(tests_share) && pools.has(SAIKETSU) {
            items.push(proc(SAIKETSU));
            if rng.chance(80) && pools.has(CBC) {
                items.push(proc(CBC));
            }
            if !pools.chem.is_empty() {
                let n = rng.range(3, 10) as usize;
                let mut chosen: Vec<u32> = Vec::new();
                while chosen.len() < n.min(pools.chem.len()) {
                    let c = *rng.pick(&pools.chem);
                    if !chosen.contains(&c) {
                        chosen.push(c);
                    }
                }
                chosen.sort_unstable();
                items.extend(chosen.into_iter().map(proc));
            }
            for (code, share) in [(HBA1C, 40), (CRP, 35)] {
                if pools.has(code) && rng.chance(share) {
                    items.push(proc(code));
                }
            }
        }
        if pools.has(URINE) && rng.chance(15) {
            items.push(proc(URINE));
        }
        // 画像: 単純撮影, digital or with film.
        let mut film = None;
        if pools.has(XRAY_DIAG) && rng.chance(8) {
            let sheets = rng.range(1, 2);
            items.push(proc_q(XRAY_DIAG, sheets));
            if !pools.films.is_empty() && pools.has(XRAY_ANALOG) && rng.chance(50) {
                items.push(proc_q(XRAY_ANALOG, sheets));
                film = Some((*rng.pick(&pools.films), sheets));
            } else if pools.has(XRAY_DIGITAL) {
                items.push(proc_q(XRAY_DIGITAL, sheets));
            }
        }
        // 処方
        let prescribe = rng.chance(rx_share) && !regimen.is_empty();
        let as_needed = prescribe && rng.chance(12);
        let external = prescribe && !pools.external.is_empty() && rng.chance(12);
        if prescribe && !in_house && pools.has(SHOHOSEN) {
            items.push(proc(SHOHOSEN));
        }
        if prescribe && in_house {
            for code in [SHOHO, CHOZAI_NAI] {
                if pools.has(code) {
                    items.push(proc(code));
                }
            }
            if external && pools.has(CHOZAI_GAI) {
                items.push(proc(CHOZAI_GAI));
            }
            if !choki_done && pools.has(CHOKI) {
                items.push(proc(CHOKI));
                choki_done = true;
            }
        }
        // 処置 last: the engine files a material under the day's last procedure.
        let wound = pools.has(WOUND) && rng.chance(5);
        if wound {
            items.push(proc(WOUND));
        }
        if prescribe && in_house {
            for drugs in &regimen {
                items.push(Item::Rx {
                    form: RxForm::Internal,
                    days: Some(rx_days),
                    drugs: drugs
                        .iter()
                        .map(|&(code, n)| DrugUse {
                            code: format!("{code:09}"),
                            amount: Decimal::from(n),
                        })
                        .collect(),
                    temporary: false,
                    mixed: false,
                });
            }
            if as_needed {
                let code = *rng.pick(&pools.internal);
                items.push(Item::Rx {
                    form: RxForm::AsNeeded,
                    days: Some(rng.range(3, 10)),
                    drugs: vec![DrugUse {
                        code: format!("{code:09}"),
                        amount: Decimal::ONE,
                    }],
                    temporary: false,
                    mixed: false,
                });
            }
            if external {
                let code = *rng.pick(&pools.external);
                items.push(Item::Rx {
                    form: RxForm::External,
                    days: Some(1),
                    drugs: vec![DrugUse {
                        code: format!("{code:09}"),
                        amount: Decimal::from(rng.range(7, 28)),
                    }],
                    temporary: false,
                    mixed: false,
                });
            }
        }
        if let Some((code, sheets)) = film {
            items.push(Item::Material {
                code: format!("{code:09}"),
                amount: Decimal::from(sheets),
                unit_price: None,
            });
        }
        if wound && !pools.dressings.is_empty() && rng.chance(50) {
            items.push(Item::Material {
                code: format!("{:09}", rng.pick(&pools.dressings)),
                amount: Decimal::from(rng.range(5, 60)),
                unit_price: None,
            });
        }
        let time = match rng.below(100) {
            0..=91 => TimeCategory::Regular,
            92..=96 => TimeCategory::Overtime,
            97..=98 => TimeCategory::Holiday,
            _ => TimeCategory::LateNight,
        };
        visits.push(Visit {
            date,
            time,
            department: None,
            outpatient_management: true,
            items,
        });
    }
    let diseases = if chronic && rng.chance(60) {
        vec![ClaimDisease {
            code: (*rng.pick(&["8833421", "2500013", "2720004"])).into(),
            main: true,
        }]
    } else {
        vec![]
    };
    let claim = Claim {
        month: None,
        stay: None,
        format: CLAIM_FORMAT.into(),
        patient: Patient {
            birth_date: birth,
            sex,
            birth_weight_g: None,
        },
        insurance,
        facility: Facility {
            code: Some("1312345".into()),
            kind: FacilityKind::Clinic,
            beds: 0,
            standards: vec![],
            regional_addition: None,
        },
        setting: Setting::Outpatient,
        admission_date: None,
        visits,
        history: vec![],
        meals: vec![],
        diseases,
    };
    (claim, info)
}

fn payer_number(law: &str, pref: u32, rng: &mut SplitMix64) -> String {
    let first7 = format!("{law}{pref:02}{:03}", rng.range(1, 999));
    let check = payer_check_digit(&first7).unwrap_or(0);
    format!("{first7}{check}")
}

/// True when every 算定単位 of the result ends with its 点数 (a rule can drop the last member of
/// a まるめ group after the まるめ was computed; such a claim is drawn again).
fn units_complete(result: &ClaimResult) -> bool {
    let lines = &result.lines;
    lines.iter().enumerate().all(|(i, l)| {
        let ends_unit = lines.get(i + 1).is_none_or(|n| n.unit != l.unit);
        !ends_unit || l.points.is_some() || l.record == santei_engine::RecordKind::CO
    })
}

/// The IR header of the generated files: a clinic in 東京都, 請求年月 = the month after `month`.
pub fn facility(month: YearMonth) -> FacilityHeader {
    let billing = if month.month == 12 {
        YearMonth {
            year: month.year + 1,
            month: 1,
        }
    } else {
        YearMonth {
            year: month.year,
            month: month.month + 1,
        }
    };
    FacilityHeader {
        payer: 1,
        prefecture: 13,
        code: "1312345".into(),
        name: "サンテイ合成クリニック".into(),
        billing_month: billing,
        phone: "0312345678".into(),
    }
}

/// What a generation produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub receipts: u64,
    /// SI, IY and TO records written.
    pub lines: u64,
    /// Bytes written (IR, receipts, GO).
    pub bytes: u64,
    /// GO 総件数 / 総合計点数.
    pub cases: u64,
    pub points: i64,
    /// Claims drawn again because the engine refused them or left a unit without 点数.
    pub redrawn: u64,
}

/// Counts bytes and SI/IY/TO records of what goes through it.
struct Counting<W> {
    inner: W,
    bytes: u64,
    lines: u64,
    /// Position in the current record and its first two bytes.
    col: usize,
    id: [u8; 2],
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        for &b in &buf[..n] {
            match self.col {
                0 | 1 => self.id[self.col] = b,
                2 if b == b',' && matches!(&self.id, b"SI" | b"IY" | b"TO") => self.lines += 1,
                _ => {}
            }
            self.col = if b == b'\n' { 0 } else { self.col + 1 };
        }
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Generates `receipts` receipts of `month` from `seed` and writes a whole UKE file (IR … GO).
pub fn generate<W: Write>(
    engine: &Engine,
    seed: u64,
    receipts: u32,
    month: YearMonth,
    out: W,
    encoding: Encoding,
) -> io::Result<(W, Stats)> {
    let date = month.first_day();
    let set = engine.masters_for(date).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("no masters loaded for {month}"),
        )
    })?;
    if receipts > santei_engine::uke::writer::MAX_RECEIPT_NUMBER {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{receipts} receipts: レセプト番号 is N6 (at most 999,999 per file); use Block::repeat"
            ),
        ));
    }
    let pools = Pools::new(set, date);
    let mut rng = SplitMix64::new(seed);
    let counting = Counting {
        inner: out,
        bytes: 0,
        lines: 0,
        col: 0,
        id: [0; 2],
    };
    let mut w = UkeWriter::new(counting, &facility(month), encoding)?;
    let mut redrawn = 0;
    for n in 1..=receipts {
        let mut tries = 0;
        loop {
            let (claim, info) = make_claim(&pools, &mut rng);
            match engine.calculate(&claim) {
                Ok(result) if units_complete(&result) => {
                    w.write_receipt_with(n, &claim, &result, &info)?;
                    break;
                }
                _ => {
                    redrawn += 1;
                    tries += 1;
                    if tries == 1000 {
                        return Err(io::Error::other(format!(
                            "receipt {n}: 1000 claims in a row could not be computed on the {month} masters"
                        )));
                    }
                }
            }
        }
    }
    let (cases, points) = w.totals();
    let counting = w.finish()?;
    Ok((
        counting.inner,
        Stats {
            receipts: u64::from(receipts),
            lines: counting.lines,
            bytes: counting.bytes,
            cases,
            points,
            redrawn,
        },
    ))
}

/// N generated receipts in memory, to be streamed many times ([`Block::repeat`]).
#[derive(Debug, Clone)]
pub struct Block {
    ir: Vec<u8>,
    body: Vec<u8>,
    /// Statistics of one copy of the block (bytes without IR and GO).
    pub stats: Stats,
}

impl Block {
    /// Generates `receipts` receipts (see [`generate`]) and keeps them.
    pub fn generate(
        engine: &Engine,
        seed: u64,
        receipts: u32,
        month: YearMonth,
        encoding: Encoding,
    ) -> io::Result<Block> {
        let (bytes, mut stats) = generate(engine, seed, receipts, month, Vec::new(), encoding)?;
        let ir_end = bytes.iter().position(|&b| b == b'\n').map_or(0, |p| p + 1);
        // The GO record is the last line.
        let go_start = bytes[..bytes.len().saturating_sub(2)]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(ir_end, |p| p + 1);
        stats.bytes = (go_start - ir_end) as u64;
        Ok(Block {
            ir: bytes[..ir_end].to_vec(),
            body: bytes[ir_end..go_start].to_vec(),
            stats,
        })
    }

    /// The receipts (RE … up to GO, without IR and GO).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// A UKE file of IR, the receipts `times` times, and a GO with the totals of all copies.
    pub fn repeat(&self, times: u64) -> Repeat<'_> {
        let go = format!(
            "{}\r\n",
            go_record(self.stats.cases * times, self.stats.points * times as i64)
        )
        .into_bytes();
        Repeat {
            block: self,
            go,
            part: 0,
            pos: 0,
            left: times,
        }
    }

    /// Bytes of [`Block::repeat`]`(times)`.
    pub fn repeated_len(&self, times: u64) -> u64 {
        let go =
            go_record(self.stats.cases * times, self.stats.points * times as i64).len() as u64 + 2;
        self.ir.len() as u64 + self.body.len() as u64 * times + go
    }
}

/// The stream of [`Block::repeat`]: `Read` and `BufRead`, no copy of the block.
pub struct Repeat<'a> {
    block: &'a Block,
    go: Vec<u8>,
    /// 0 = IR, 1 = body, 2 = GO, 3 = end.
    part: u8,
    pos: usize,
    /// Copies of the body still to start (the current one included while in part 1).
    left: u64,
}

impl Repeat<'_> {
    fn current(&self) -> &[u8] {
        match self.part {
            0 => &self.block.ir,
            1 => &self.block.body,
            2 => &self.go,
            _ => &[],
        }
    }

    /// Moves past finished parts.
    fn settle(&mut self) {
        while self.part < 3 && self.pos >= self.current().len() {
            self.pos = 0;
            match self.part {
                0 => self.part = if self.left > 0 { 1 } else { 2 },
                1 => {
                    self.left -= 1;
                    if self.left == 0 {
                        self.part = 2;
                    }
                }
                _ => self.part = 3,
            }
            if self.part == 1 && self.block.body.is_empty() {
                self.left = 0;
                self.part = 2;
            }
        }
    }
}

impl Read for Repeat<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Repeat<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.settle();
        let pos = self.pos;
        Ok(&self.current()[pos..])
    }
    fn consume(&mut self, amt: usize) {
        self.pos += amt;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_reference_values() {
        // splitmix64 from seed 0: the published first outputs.
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        let mut r = SplitMix64::new(7);
        assert!((0..1000).all(|_| r.below(10) < 10));
        assert_eq!(r.range(5, 5), 5);
    }

    #[test]
    fn check_digits() {
        // 06132013 (協会けんぽ 東京): body 0613201 → 3.
        assert_eq!(with_check_digit("0613201"), "06132013");
    }

    #[test]
    fn repeat_streams_the_block_k_times() {
        let block = Block {
            ir: b"IR\r\n".to_vec(),
            body: b"RE,1\r\nSI,x\r\n".to_vec(),
            stats: Stats {
                receipts: 1,
                lines: 1,
                bytes: 12,
                cases: 2,
                points: 10,
                redrawn: 0,
            },
        };
        let mut out = String::new();
        block.repeat(3).read_to_string(&mut out).unwrap();
        assert_eq!(
            out,
            "IR\r\nRE,1\r\nSI,x\r\nRE,1\r\nSI,x\r\nRE,1\r\nSI,x\r\nGO,6,30,99\r\n"
        );
        assert_eq!(block.repeated_len(3), out.len() as u64);
        let mut out = String::new();
        block.repeat(0).read_to_string(&mut out).unwrap();
        assert_eq!(out, "IR\r\nGO,0,0,99\r\n");
        // Through BufRead lines.
        let n = block.repeat(1000).lines().count();
        assert_eq!(n, 1 + 2000 + 1);
    }
}
