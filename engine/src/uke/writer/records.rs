//! The records of one receipt: レセプト種別, RE/HO/KO/SY and the SI/IY/TO/CO lines of a result.

use super::*;

/// The age band of the レセプト種別 on `on`: 未就学 until the first 31 March after reaching 6;
/// 高齢受給者 from the 1st of the month after reaching 70; 後期 age from the 75th birthday
/// (the same dates as the copayment, 健保法74条 / 国保法42条 / 高確法50条).
pub(super) fn band_on(birth: Date, on: Date) -> AgeBand {
    let six = reaches(birth, 6);
    let preschool_until = Date::from_ymd(
        if six.month() <= 3 {
            six.year()
        } else {
            six.year() + 1
        },
        3,
        31,
    )
    .unwrap_or(Date::MAX);
    let r70 = reaches(birth, 70);
    let from70 = if r70.month() == 12 {
        Date::from_ymd(r70.year() + 1, 1, 1)
    } else {
        Date::from_ymd(r70.year(), r70.month() + 1, 1)
    }
    .unwrap_or(Date::MAX);
    let from75 = reaches(birth, 75).succ();
    if on <= preschool_until {
        AgeBand::Preschool
    } else if on < from70 {
        AgeBand::Under70
    } else if on < from75 {
        AgeBand::From70
    } else {
        AgeBand::From75
    }
}

/// レセプト種別 (RE 2, 4 digits) of a claim: the 「レセプト種別コード」 table (別表) of the
/// 記録条件仕様（医科用）, which encodes the 「保険種別1」「保険種別2」「本人・家族」 boxes of the paper
/// レセプト (記載要領, 昭和51年8月7日 保険発第82号 別紙1). The official PDF is not in ../shared; the
/// table used is the transcription of uke-parser (`code/common/receipt.yml`, 11xx and 12xx) and
/// myclinic-ts (`RezeptShubetsuCodeBase` / `RezeptShubetuCodeOffset`, which add 後期 13xx), checked
/// against the kinds of the receiptisan sample (1112, 1114, 1122, 1124, 1126, 1212):
///
/// - 1st digit 1 = 医科.
/// - 2nd digit: 1 = 医保 (社保・国保) with or without 公費, 2 = 公費単独/公費のみの併用, 3 = 後期高齢者.
/// - 3rd digit: 1 = 単独, 2 = 2者併用 (医保 + 1 公費, or 2 公費), 3 = 3者, 4 = 4者, 5 = 5者. For 公費
///   only: the number of 公費.
/// - 4th digit, 外来 (入院: the odd digit before it, 0 → 9): 医保: 2 本人, 4 未就学者, 6 家族, 8 高齢受給者 一般・低所得者,
///   0 高齢受給者 7割給付 (3割負担); 後期: 8 一般・低所得者, 0 7割給付 (現役並み); 公費: 2.
///
/// Derivation from the claim: `insurance.scheme` gives the 2nd digit (none with 公費 = 公費単独;
/// none without 公費 is written as 医保), `public_funds` (at most 4) the 3rd. The age band (from
/// `copay.age_band`, else from the birth date on the first visit) decides 未就学者 / 高齢受給者; 3割負担
/// (`copay.burden_percent`, else `insurance.burden_percent`, else a 現役並み `income_class`) decides 7割;
/// otherwise `insurance.relation` decides 本人 (also when absent) / 家族.
pub fn receipt_kind(claim: &Claim, copay: Option<&Copay>) -> String {
    let funds = claim.insurance.public_funds.len().min(4);
    let inpatient = claim.setting == Setting::Inpatient;
    let first = claim.first_day().unwrap_or(Date::MIN);
    let band = copay
        .map(|c| c.age_band)
        .unwrap_or_else(|| band_on(claim.patient.birth_date, first));
    let thirty = copay
        .and_then(|c| c.burden_percent)
        .or(claim.insurance.burden_percent)
        .map(|p| p >= 30)
        .unwrap_or_else(|| {
            claim
                .insurance
                .income_class
                .as_deref()
                .and_then(IncomeClass::parse)
                .is_some_and(IncomeClass::is_genekinami)
        });
    let elder_digit = if thirty { 0 } else { 8 };
    let (second, third, fourth) = match claim.insurance.scheme {
        None if funds > 0 => (2, funds, 2),
        Some(Scheme::Kouki) => (3, funds + 1, elder_digit),
        _ => {
            let d = match band {
                AgeBand::Preschool => 4,
                AgeBand::From70 | AgeBand::From75 => elder_digit,
                AgeBand::Under70 => match claim.insurance.relation {
                    Some(Relation::Dependent) => 6,
                    _ => 2,
                },
            };
            (1, funds + 1, d)
        }
    };
    // 入院: the odd digit before the 外来 one (0 → 9).
    let fourth = if inpatient { (fourth + 9) % 10 } else { fourth };
    format!("1{second}{third}{fourth}")
}

/// The 負担区分 code ([`crate::burden`]) of a set of payers: bit 0 = 医保, bit k = 第k公費
/// (k = 1–4); `1` (医保単独) for the empty set.
pub(super) fn burden_code(payers: u8) -> &'static str {
    crate::burden::code(payers).unwrap_or("1")
}

/// One 算定単位 of the result.
pub(super) struct UnitRef {
    /// Its `Line::unit`.
    number: usize,
    /// Its lines: `scratch.order[start..start + len]`.
    start: u32,
    len: u32,
    section: &'static str,
    burden: &'static str,
    times: u32,
    day: usize,
    record: RecordKind,
    /// Hash of what makes two units identical (see [`same_unit`]).
    hash: u64,
}

/// A run of records: a unit (the template) and the counts merged into it.
pub(super) struct Run {
    unit: u32,
    section: u8,
    count: u32,
    days: [u16; 31],
}

/// Buffers of [`write_lines`], kept by the writer from one receipt to the next.
#[derive(Default)]
pub(super) struct Scratch {
    /// Per line of the result: its unit (index into `units`).
    unit_of: Vec<u32>,
    /// Line indexes grouped by unit, units in first-line order.
    order: Vec<u32>,
    units: Vec<UnitRef>,
    by_number: FxHashMap<usize, u32>,
    runs: Vec<Run>,
    /// (hash, run) of the newest run of each unit signature.
    open: Vec<(u64, u32)>,
    sorted: Vec<u32>,
}

/// 単価 of a material line and text of a comment line: read from the claim item the line came from.
pub(super) fn claim_item<'c>(claim: &'c Claim, line: &Line) -> Option<&'c Item> {
    let crate::result::Origin::Claimed { path } = &line.origin else {
        return None;
    };
    let rest = path.strip_prefix("visits[")?;
    let (v, rest) = rest.split_once("].items[")?;
    let (i, _) = rest.split_once(']')?;
    claim
        .visits
        .get(v.parse::<usize>().ok()?)?
        .items
        .get(i.parse::<usize>().ok()?)
}

pub(super) fn material_price(claim: &Claim, line: &Line) -> Option<Decimal> {
    match claim_item(claim, line)? {
        Item::Material { unit_price, .. } => *unit_price,
        _ => None,
    }
}

pub(super) fn comment_text<'c>(claim: &'c Claim, line: &Line) -> &'c str {
    match claim_item(claim, line) {
        Some(Item::Comment { text, .. }) => text.as_deref().unwrap_or(""),
        _ => "",
    }
}

pub(super) fn push_dec(t: &mut String, d: Option<Decimal>) {
    if let Some(d) = d {
        let _ = write!(t, "{}", d.normalize());
    }
}

/// Writes the records of one receipt into `t`; returns its GO contribution (HO + KO records, the
/// main payer's 合計点数).
pub(super) fn receipt_text(
    t: &mut String,
    scratch: &mut Scratch,
    number: u32,
    claim: &Claim,
    result: &ClaimResult,
    info: &PatientInfo,
) -> io::Result<(u64, i64)> {
    if number == 0 || number > MAX_RECEIPT_NUMBER {
        return Err(invalid(format!(
            "レセプト番号 must be 1–{MAX_RECEIPT_NUMBER} (N6), not {number}"
        )));
    }
    let Some(first) = claim.first_day() else {
        return Err(invalid(format!(
            "receipt {number}: the claim has no visit nor `month`, so no 診療年月"
        )));
    };
    let (year, month) = (first.year(), first.month());
    for (what, s) in [
        ("RE 氏名", &info.name),
        ("RE カタカナ氏名", &info.kana),
        ("RE カルテ番号", &info.chart),
        ("HO 保険者番号", &info.insurer),
        ("HO 記号", &info.symbol),
        ("HO 番号", &info.number),
    ] {
        check_text(what, s)?;
    }
    let copay = result.copay.as_ref();
    let funds = &claim.insurance.public_funds;
    if funds.len() > 4 {
        return Err(invalid(format!(
            "receipt {number}: {} 公費; a receipt holds at most 4 KO",
            funds.len()
        )));
    }
    for f in funds {
        check_text("KO 負担者番号", f.payer_number.as_deref().unwrap_or(""))?;
        check_text("KO 受給者番号", f.recipient_number.as_deref().unwrap_or(""))?;
    }
    let kind = receipt_kind(claim, copay);
    let public_only = kind.as_bytes()[1] == b'2';

    // RE
    let notes: String = copay
        .map(|c| c.receipt.special_notes.iter().take(5).copied().collect())
        .unwrap_or_default();
    let _ = write!(
        t,
        "RE,{number},{kind},{},{},{},{:08},,{},,,{notes},,{},",
        yyyymm(year, month),
        info.name,
        match claim.patient.sex {
            Sex::Male => 1,
            Sex::Female => 2,
        },
        claim.patient.birth_date.yyyymmdd(),
        // 8 入院年月日 (入院 claims).
        claim
            .admission_date
            .map(|d| format!("{:08}", d.yyyymmdd()))
            .unwrap_or_default(),
        info.chart
    );
    // 14 割引点数単価 … 35 (診療科 ×3), 36 カタカナ氏名, 37 患者の状態.
    t.push_str(",,,,,,,,,,,,,,,,,,,,,");
    let _ = write!(t, ",{},\r\n", info.kana);

    // The billed days (a line with points), for 診療実日数 without a copayment.
    let mut billed = [false; 31];
    for l in &result.lines {
        if (l.date.year(), l.date.month()) != (year, month) {
            return Err(invalid(format!(
                "receipt {number}: line {} {} on {} is outside the 診療年月 {year}-{month:02}",
                l.code, l.name, l.date
            )));
        }
        if l.points.is_some() {
            billed[l.date.day() as usize - 1] = true;
        }
    }
    let days = billed.iter().filter(|b| **b).count() as u32;
    let total = result.total_points;

    // HO
    let mut cases = 0u64;
    let mut main_points = total;
    if !public_only {
        let ho = copay.and_then(|c| c.receipt.ho.as_ref());
        let insurer = if !info.insurer.is_empty() && info.insurer.len() < 8 {
            format!("{:>8}", info.insurer)
        } else {
            info.insurer.clone()
        };
        let _ = write!(
            t,
            "HO,{insurer},{},{},{},{total},,",
            info.symbol,
            info.number,
            ho.map_or(days, |h| h.days)
        );
        if let Some(n) = ho.and_then(|h| h.meal_count) {
            let _ = write!(t, "{n}");
        }
        t.push(',');
        if let Some(y) = ho.and_then(|h| h.meal_total_yen) {
            let _ = write!(t, "{y}");
        }
        t.push_str(",,,");
        if let Some(y) = ho.and_then(|h| h.copay_yen) {
            let _ = write!(t, "{y}");
        }
        t.push_str(",,,\r\n");
        cases += 1;
    }

    // KO, in priority order.
    let ko = copay.map(|c| c.receipt.ko.as_slice()).unwrap_or(&[]);
    for (k, f) in funds.iter().enumerate() {
        let rec = ko.get(k);
        let payer = rec
            .and_then(|r| r.payer_number.as_deref())
            .or(f.payer_number.as_deref())
            .unwrap_or("");
        let recipient = rec
            .and_then(|r| r.recipient_number.as_deref())
            .or(f.recipient_number.as_deref())
            .unwrap_or("");
        let points = rec.map_or(total, |r| r.total_points);
        let _ = write!(
            t,
            "KO,{payer},{recipient},,{},{points},",
            rec.map_or(days, |r| r.days)
        );
        if let Some(r) = rec {
            let _ = write!(t, "{}", r.copay_yen);
        }
        t.push(',');
        push_opt(t, rec.and_then(|r| r.outpatient_target_yen));
        t.push(',');
        push_opt(t, rec.and_then(|r| r.inpatient_target_yen));
        t.push_str(",,");
        push_opt(t, rec.and_then(|r| r.meal_count.map(i64::from)));
        t.push(',');
        push_opt(t, rec.and_then(|r| r.meal_total_yen));
        t.push_str("\r\n");
        if k == 0 && public_only {
            main_points = points;
        }
        cases += 1;
    }

    // SY
    for d in &claim.diseases {
        check_text("SY 傷病名コード", &d.code)?;
        let _ = write!(
            t,
            "SY,{},{:08},1,,,{},\r\n",
            d.code,
            first.yyyymmdd(),
            if d.main { "01" } else { "" }
        );
    }

    write_lines(t, scratch, claim, result, copay, funds.len(), public_only)?;
    Ok((cases, main_points))
}

pub(super) fn push_opt(t: &mut String, v: Option<i64>) {
    if let Some(v) = v {
        let _ = write!(t, "{v}");
    }
}

/// Two units are the same 算定単位 for merging: same 診療識別, 負担区分 and, line by line, record
/// kind, code, 数量/使用量, 点数, 単価 (TO) and text (CO).
pub(super) fn same_unit(
    claim: &Claim,
    lines: &[Line],
    order: &[u32],
    a: &UnitRef,
    b: &UnitRef,
) -> bool {
    if a.section != b.section || a.burden != b.burden || a.len != b.len {
        return false;
    }
    let la = &order[a.start as usize..(a.start + a.len) as usize];
    let lb = &order[b.start as usize..(b.start + b.len) as usize];
    la.iter().zip(lb).all(|(&i, &j)| {
        let (x, y) = (&lines[i as usize], &lines[j as usize]);
        x.record == y.record
            && x.code == y.code
            && x.quantity == y.quantity
            && x.points == y.points
            && match x.record {
                RecordKind::TO => material_price(claim, x) == material_price(claim, y),
                RecordKind::CO => comment_text(claim, x) == comment_text(claim, y),
                _ => true,
            }
    })
}

pub(super) fn unit_hash(
    claim: &Claim,
    lines: &[Line],
    idx: &[u32],
    section: &str,
    burden: &str,
) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    section.hash(&mut h);
    burden.hash(&mut h);
    for &i in idx {
        let l = &lines[i as usize];
        (l.record as u8).hash(&mut h);
        l.code.hash(&mut h);
        l.quantity.map(|q| q.normalize()).hash(&mut h);
        l.points.hash(&mut h);
        match l.record {
            RecordKind::TO => material_price(claim, l).map(|q| q.normalize()).hash(&mut h),
            RecordKind::CO => comment_text(claim, l).hash(&mut h),
            _ => {}
        }
    }
    h.finish()
}

/// Appends a count (no `fmt` machinery: this is the hot loop of the 算定日 fields).
pub(super) fn push_count(t: &mut String, n: u32) {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        t.push(b as char);
    }
}

/// The SI/IY/TO/CO records: units grouped, identical units merged across days (module doc).
pub(super) fn write_lines(
    t: &mut String,
    sc: &mut Scratch,
    claim: &Claim,
    result: &ClaimResult,
    copay: Option<&Copay>,
    funds: usize,
    public_only: bool,
) -> io::Result<()> {
    let lines = &result.lines;
    let kubun = copay
        .map(|c| c.burden_kubun.as_slice())
        .filter(|k| k.len() == lines.len());
    // Without a copayment every line is covered by the 医保 (if any) and every 公費.
    let default_burden = {
        let funds_mask = ((1u8 << funds.min(4)) - 1) << 1;
        burden_code(funds_mask | u8::from(!public_only))
    };

    // Units, in first-line order; the unit's 回数 and 負担区分 are those of its last line (the one
    // with the 点数).
    sc.units.clear();
    sc.by_number.clear();
    sc.unit_of.clear();
    for (i, l) in lines.iter().enumerate() {
        let burden = kubun.map_or(default_burden, |k| k[i]);
        let u = match sc.units.last() {
            Some(last) if last.number == l.unit => sc.units.len() - 1,
            _ => *sc.by_number.entry(l.unit).or_insert_with(|| {
                sc.units.push(UnitRef {
                    number: l.unit,
                    start: 0,
                    len: 0,
                    section: l.section,
                    burden,
                    times: l.times,
                    day: l.date.day() as usize,
                    record: l.record,
                    hash: 0,
                });
                (sc.units.len() - 1) as u32
            }) as usize,
        };
        let unit = &mut sc.units[u];
        unit.len += 1;
        unit.times = l.times;
        unit.burden = burden;
        sc.unit_of.push(u as u32);
    }
    // Group the line indexes by unit (a counting sort that keeps the line order).
    let mut start = 0;
    for u in sc.units.iter_mut() {
        u.start = start;
        start += u.len;
        u.len = 0;
    }
    sc.order.clear();
    sc.order.resize(lines.len(), 0);
    for (i, &u) in sc.unit_of.iter().enumerate() {
        let unit = &mut sc.units[u as usize];
        sc.order[(unit.start + unit.len) as usize] = i as u32;
        unit.len += 1;
    }
    for u in sc.units.iter_mut() {
        let idx = &sc.order[u.start as usize..(u.start + u.len) as usize];
        u.hash = unit_hash(claim, lines, idx, u.section, u.burden);
    }

    // Merge identical units into runs.
    sc.runs.clear();
    sc.open.clear();
    for (ui, u) in sc.units.iter().enumerate() {
        let section = u.section.parse::<u8>().unwrap_or(80);
        let open = sc.open.iter().position(|&(h, r)| {
            h == u.hash
                && same_unit(
                    claim,
                    lines,
                    &sc.order,
                    &sc.units[sc.runs[r as usize].unit as usize],
                    u,
                )
        });
        let new_run = |runs: &mut Vec<Run>| {
            runs.push(Run {
                unit: ui as u32,
                section,
                count: 0,
                days: [0; 31],
            });
            (runs.len() - 1) as u32
        };
        if u.record == RecordKind::CO {
            // Comments carry no count: identical ones are written once.
            if open.is_none() {
                let r = new_run(&mut sc.runs);
                sc.open.push((u.hash, r));
            }
            continue;
        }
        let mut slot = open;
        let mut left = u.times;
        let day = u.day - 1;
        while left > 0 {
            let run = match slot {
                Some(o) => {
                    let r = sc.open[o].1;
                    let run = &sc.runs[r as usize];
                    if run.count < MAX_COUNT && u32::from(run.days[day]) < MAX_COUNT {
                        r
                    } else {
                        let r = new_run(&mut sc.runs);
                        sc.open[o].1 = r;
                        r
                    }
                }
                None => {
                    let r = new_run(&mut sc.runs);
                    sc.open.push((u.hash, r));
                    slot = Some(sc.open.len() - 1);
                    r
                }
            };
            let r = &mut sc.runs[run as usize];
            let n = left
                .min(MAX_COUNT - r.count)
                .min(MAX_COUNT - u32::from(r.days[day]));
            r.count += n;
            r.days[day] += n as u16;
            left -= n;
        }
    }
    sc.sorted.clear();
    sc.sorted.extend(0..sc.runs.len() as u32);
    let runs = &sc.runs;
    sc.sorted.sort_by_key(|&r| (runs[r as usize].section, r));

    for &ri in &sc.sorted {
        let r = &sc.runs[ri as usize];
        let u = &sc.units[r.unit as usize];
        let idx = &sc.order[u.start as usize..(u.start + u.len) as usize];
        let last = idx.len() - 1;
        let points = idx.iter().rev().find_map(|&li| lines[li as usize].points);
        for (k, &li) in idx.iter().enumerate() {
            let l = &lines[li as usize];
            let section = if k == 0 { l.section } else { "" };
            let id = match l.record {
                RecordKind::SI => "SI",
                RecordKind::IY => "IY",
                RecordKind::TO => "TO",
                RecordKind::CO => "CO",
            };
            check_text("line code", &l.code)?;
            t.push_str(id);
            t.push(',');
            t.push_str(section);
            t.push(',');
            t.push_str(u.burden);
            t.push(',');
            t.push_str(&l.code);
            t.push(',');
            if l.record == RecordKind::CO {
                let text = comment_text(claim, l);
                check_text("CO 文字データ", text)?;
                t.push_str(text);
                t.push_str("\r\n");
                continue;
            }
            push_dec(t, l.quantity);
            t.push(',');
            if k == last {
                // A 減点 drug (医薬品マスター 金額種別 7, e.g. 630010002 薬剤料逓減（９０／１００）)
                // carries a negative 点数 in santei's result; the receipt records the amount
                // deducted, as a positive 点数 (マスターファイル仕様説明書 (3) 4: 所定点数の
                // 10/100 に相当する点数を記録する), and the reader subtracts it.
                let recorded = match (l.record, points) {
                    (RecordKind::IY, Some(p)) if p < 0 => Some(-p),
                    (_, p) => p,
                };
                push_opt(t, recorded);
            }
            t.push(',');
            push_count(t, r.count);
            if l.record == RecordKind::TO {
                // 7 単位コード, 8 単価 (購入価格 items), 9 予備, 10 商品名, 11–16 コメント.
                t.push_str(",,");
                push_dec(t, material_price(claim, l));
                t.push_str(",,,,,,,,");
            } else {
                // 7–12 コメント.
                t.push_str(",,,,,,");
            }
            // 算定日 1–31: one field each, empty on the days without a count.
            const COMMAS: &str = ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,";
            let mut empty = 0;
            for &n in &r.days {
                if n == 0 {
                    empty += 1;
                } else {
                    t.push_str(&COMMAS[..=empty]);
                    empty = 0;
                    push_count(t, u32::from(n));
                }
            }
            t.push_str(&COMMAS[..empty]);
            t.push_str("\r\n");
        }
    }
    Ok(())
}
