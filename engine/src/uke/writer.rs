//! UKE writer (医科, R02–R06 layout of ../shared/docs/UKE_LAYOUT.md): turns computed claims into a
//! レセプト電算 file. One IR (医療機関情報) at the start, per receipt RE, HO (医保/後期), KO per 公費,
//! SY per 傷病名, then the SI/IY/TO/CO lines of the result, and GO (総件数, 総合計点数) at the end.
//! CP932 or UTF-8, CRLF line ends (the official form; the reader accepts LF too).
//!
//! **算定単位 and merging.** The engine emits its lines per visit day; the lines of one 算定単位 (a
//! 剤, a まるめ group, an item with its own points) share `Line::unit`, and only the last carries the
//! 点数. The writer groups the lines by unit and merges identical units of the month into one run
//! of records, as レセコン do: two units are identical when they have the same 診療識別, 負担区分 and,
//! line by line, the same record kind, code, 数量/使用量, 単価 and 点数 (comments: the same code and
//! text). The merged run carries 回数 = Σ 回数 of the units and, in the 算定日 fields, the 回数 of each
//! day (a 14日分 剤 prescribed on the 3rd and the 17th: 回数 28, day 3 = 14, day 17 = 14). Every
//! record of the run carries the same 回数 and day counts, so Σ 算定日 = 回数 on each record and
//! 点数 × 回数 of the run is the sum over the units merged. 回数 and day counts are N3: a run is
//! closed before either would pass 999, and the rest goes into a further run of the same unit.
//!
//! **Order.** Runs are written in 診療識別 order (11 初診 … 80 その他), within a 診療識別 in the
//! order the engine billed them first. The 診療識別 is written on the first record of each run (as
//! in the sample files) and left blank on the others; 点数 only on the last record of the run.
//!
//! **レセプト種別** (RE 2): see [`receipt_kind`] for the table and the derivation.
//!
//! **Money.** HO 合計点数 = `result.total_points`; HO 負担金額 and the KO amounts come from
//! `result.copay` (its UKE values, `copay.receipt`), and the 負担区分 of each line from
//! `copay.burden_kubun`. Without a copayment (no insurance data), every line is taken as covered by
//! the 医保 and every 公費 of the claim, KO 合計点数 = the total and the yen fields stay empty.
//! RE レセプト特記事項 = `copay.receipt.special_notes` (区ア〜区オ …). A 公費単独 receipt has no HO;
//! GO 総件数 counts HO and KO records, 総合計点数 the main payer's 合計点数 (HO, else the first KO).
//! Lines with negative 点数 (the F200 注3 減点 IY the engine adds) are written as they are, so that
//! Σ 点数 × 回数 = 合計点数.
//!
//! What the claim model does not hold is left empty or taken from [`PatientInfo`]: 氏名, 保険者番号,
//! 記号・番号, カルテ番号. RE 入院年月日 is the claim's `admission_date`. RE 給付割合 (国保), 一部負担金区分,
//! 病棟区分, 診療科 and the comment fields of
//! SI/IY/TO are not written. SY 診療開始日 is the first visit of the month (the claim holds no
//! start date) and 転帰区分 is 1 (継続).
//!
//! **What is refused** (an error naming the receipt; nothing of it is written): a レセプト番号
//! outside 1–999,999; a claim without a visit (no 診療年月); more than 4 公費 (a receipt holds at
//! most 4 KO, 負担区分 has no code for a 5th); a line outside the claim's 診療年月; a field with a
//! comma, a double quote or a line break (UKE fields are unquoted); in CP932, a character without
//! a CP932 code. The engine's own refusals (a claim it rejects, e.g. 入院 without
//! `admission_date`) leave no result to write.

use std::fmt::Write as _;
use std::io::{self, Write};

use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use santei_masters::Date;
use santei_masters::age::reaches;
use santei_masters::text::Encoding;

use super::reader::YearMonth;
use crate::claim::{Claim, Item, Relation, Scheme, Setting, Sex};
use crate::copay::{AgeBand, Copay, IncomeClass};
use crate::result::{ClaimResult, Line, RecordKind};

/// The largest 回数 and 算定日 count one record can carry (N3).
pub const MAX_COUNT: u32 = 999;

/// The largest レセプト番号 (N6).
pub const MAX_RECEIPT_NUMBER: u32 = 999_999;

/// The 医療機関 of a file: the IR record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacilityHeader {
    /// 審査支払機関: 1 = 社会保険診療報酬支払基金, 2 = 国民健康保険団体連合会.
    pub payer: u8,
    /// 都道府県コード (1–47).
    pub prefecture: u8,
    /// 医療機関コード (7 digits).
    pub code: String,
    /// 医療機関名称 (漢字, up to 40 bytes in the official form; not checked).
    pub name: String,
    /// 請求年月 (usually the month after the 診療年月).
    pub billing_month: YearMonth,
    /// 電話番号.
    pub phone: String,
}

/// Per-receipt data the claim model does not hold. Empty fields are written empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatientInfo {
    /// 氏名 (RE 4).
    pub name: String,
    /// カタカナ氏名 (RE 36).
    pub kana: String,
    /// カルテ番号等 (RE 13).
    pub chart: String,
    /// 保険者番号 (HO 1); a 6-digit 国保 number is right-aligned to 8 with spaces.
    pub insurer: String,
    /// 被保険者証等の記号 (HO 2).
    pub symbol: String,
    /// 被保険者証等の番号 (HO 3).
    pub number: String,
}

/// Writes a UKE file: [`UkeWriter::new`] writes IR, [`UkeWriter::write_receipt`] one receipt,
/// [`UkeWriter::finish`] GO.
pub struct UkeWriter<W: Write> {
    out: W,
    encoding: Encoding,
    /// GO 総件数 so far: HO plus KO records.
    cases: u64,
    /// GO 総合計点数 so far: main-payer 合計点数.
    points: i64,
    receipts: u64,
    text: String,
    bytes: Vec<u8>,
    scratch: Scratch,
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}

/// Rejects what an unquoted UKE field cannot hold.
fn check_text(what: &str, s: &str) -> io::Result<()> {
    // All of them are ASCII, so a byte scan is exact on UTF-8.
    match s
        .bytes()
        .find(|b| matches!(b, b',' | b'"' | b'\r' | b'\n' | 0x1A))
    {
        Some(b) => Err(invalid(format!(
            "{what} `{s}` contains {:?}: a UKE field cannot hold commas, quotes or line breaks",
            b as char
        ))),
        None => Ok(()),
    }
}

fn yyyymm(y: u32, m: u32) -> String {
    format!("{y:04}{m:02}")
}

/// Appends `text` encoded to `out`; an unmappable character is an error naming it.
fn encode_into(text: &str, encoding: Encoding, out: &mut Vec<u8>) -> io::Result<()> {
    if encoding == Encoding::Utf8 || text.is_ascii() {
        out.extend_from_slice(text.as_bytes());
        return Ok(());
    }
    let (bytes, _, had_errors) = encoding_rs::SHIFT_JIS.encode(text);
    if had_errors {
        let bad = text
            .chars()
            .find(|c| encoding_rs::SHIFT_JIS.encode(c.encode_utf8(&mut [0; 4])).2)
            .unwrap_or('?');
        let line = text
            .lines()
            .find(|l| l.contains(bad))
            .unwrap_or("")
            .chars()
            .take(40)
            .collect::<String>();
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{bad:?} (U+{:04X}) has no CP932 code (in `{line}`)",
                bad as u32
            ),
        ));
    }
    out.extend_from_slice(&bytes);
    Ok(())
}

impl<W: Write> UkeWriter<W> {
    /// Starts a file: checks the header and writes the IR record.
    pub fn new(out: W, facility: &FacilityHeader, encoding: Encoding) -> io::Result<Self> {
        if !matches!(facility.payer, 1 | 2) {
            return Err(invalid(format!(
                "IR 審査支払機関 must be 1 (支払基金) or 2 (国保連), not {}",
                facility.payer
            )));
        }
        if !(1..=47).contains(&facility.prefecture) {
            return Err(invalid(format!(
                "IR 都道府県 must be 1–47, not {}",
                facility.prefecture
            )));
        }
        if facility.code.len() != 7 || !facility.code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(format!(
                "IR 医療機関コード must be 7 digits, not `{}`",
                facility.code
            )));
        }
        check_text("IR 医療機関名称", &facility.name)?;
        check_text("IR 電話番号", &facility.phone)?;
        let mut w = UkeWriter {
            out,
            encoding,
            cases: 0,
            points: 0,
            receipts: 0,
            text: String::with_capacity(8192),
            bytes: Vec::with_capacity(8192),
            scratch: Scratch::default(),
        };
        let bm = facility.billing_month;
        // IR: 1 審査支払機関, 2 都道府県, 3 点数表 (1 医科), 4 医療機関コード, 5 予備, 6 名称,
        // 7 請求年月, 8 マルチボリューム識別 (00), 9 電話番号.
        let _ = write!(
            w.text,
            "IR,{},{:02},1,{},,{},{},00,{}\r\n",
            facility.payer,
            facility.prefecture,
            facility.code,
            facility.name,
            yyyymm(bm.year, bm.month),
            facility.phone
        );
        w.flush_text()?;
        Ok(w)
    }

    fn flush_text(&mut self) -> io::Result<()> {
        self.bytes.clear();
        let encoded = encode_into(&self.text, self.encoding, &mut self.bytes);
        self.text.clear();
        encoded?;
        self.out.write_all(&self.bytes)
    }

    /// Writes one receipt with empty 氏名 and 保険者番号 (see [`UkeWriter::write_receipt_with`]).
    pub fn write_receipt(
        &mut self,
        number: u32,
        claim: &Claim,
        result: &ClaimResult,
    ) -> io::Result<()> {
        self.write_receipt_with(number, claim, result, &PatientInfo::default())
    }

    /// Writes one receipt: RE, HO, KO, SY, then the lines. Bad input (a field with a comma, a
    /// character without CP932 code, a line outside the claim's month …) is an error and writes
    /// nothing of the receipt; only an I/O error of the output can leave part of it written.
    pub fn write_receipt_with(
        &mut self,
        number: u32,
        claim: &Claim,
        result: &ClaimResult,
        info: &PatientInfo,
    ) -> io::Result<()> {
        self.text.clear();
        let text = &mut self.text;
        let scratch = &mut self.scratch;
        let (cases, main_points) = match receipt_text(text, scratch, number, claim, result, info) {
            Ok(v) => v,
            Err(e) => {
                self.text.clear();
                return Err(e);
            }
        };
        self.flush_text()?;
        self.cases += cases;
        self.points += main_points;
        self.receipts += 1;
        Ok(())
    }

    /// GO 総件数 and 総合計点数 of the receipts written so far.
    pub fn totals(&self) -> (u64, i64) {
        (self.cases, self.points)
    }

    /// Receipts written so far.
    pub fn receipts(&self) -> u64 {
        self.receipts
    }

    /// The output (e.g. to measure a `Vec<u8>` so far).
    pub fn get_ref(&self) -> &W {
        &self.out
    }

    /// Writes GO (総件数, 総合計点数, マルチボリューム識別 99 = the last or only volume), flushes
    /// and returns the output.
    pub fn finish(mut self) -> io::Result<W> {
        let _ = write!(self.text, "{}\r\n", go_record(self.cases, self.points));
        self.flush_text()?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// The GO record (without line end): 総件数, 総合計点数, マルチボリューム識別 99.
pub fn go_record(cases: u64, points: i64) -> String {
    format!("GO,{cases},{points},99")
}

/// The age band of the レセプト種別 on `on`: 未就学 until the first 31 March after reaching 6;
/// 高齢受給者 from the 1st of the month after reaching 70; 後期 age from the 75th birthday
/// (the same dates as the copayment, 健保法74条 / 国保法42条 / 高確法50条).
fn band_on(birth: Date, on: Date) -> AgeBand {
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
    let first = claim
        .visits
        .iter()
        .map(|v| v.date)
        .min()
        .unwrap_or(Date::MIN);
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

/// The 負担区分 code (UKE 別表 負担区分コード, ../shared/docs/UKE_LAYOUT.md) of a set of payers:
/// bit 0 = 医保, bit k = 第k公費 (k = 1–4). The table is the inverse of the reader's
/// `recalc::burden_payers`.
fn burden_code(payers: u8) -> &'static str {
    const CODES: [(u8, &str); 31] = [
        (0b00001, "1"),
        (0b00011, "2"),
        (0b00101, "3"),
        (0b00111, "4"),
        (0b00010, "5"),
        (0b00100, "6"),
        (0b00110, "7"),
        (0b01001, "E"),
        (0b10001, "G"),
        (0b01000, "B"),
        (0b10000, "C"),
        (0b01010, "H"),
        (0b10010, "I"),
        (0b01100, "J"),
        (0b10100, "K"),
        (0b11000, "L"),
        (0b01011, "M"),
        (0b10011, "N"),
        (0b01101, "O"),
        (0b10101, "P"),
        (0b11001, "Q"),
        (0b01110, "R"),
        (0b10110, "S"),
        (0b11010, "T"),
        (0b11100, "U"),
        (0b01111, "V"),
        (0b10111, "W"),
        (0b11011, "X"),
        (0b11101, "Y"),
        (0b11110, "Z"),
        (0b11111, "9"),
    ];
    CODES
        .iter()
        .find(|(m, _)| *m == payers)
        .map_or("1", |(_, c)| c)
}

/// One 算定単位 of the result.
struct UnitRef {
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
struct Run {
    unit: u32,
    section: u8,
    count: u32,
    days: [u16; 31],
}

/// Buffers of [`write_lines`], kept by the writer from one receipt to the next.
#[derive(Default)]
struct Scratch {
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
fn claim_item<'c>(claim: &'c Claim, line: &Line) -> Option<&'c Item> {
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

fn material_price(claim: &Claim, line: &Line) -> Option<Decimal> {
    match claim_item(claim, line)? {
        Item::Material { unit_price, .. } => *unit_price,
        _ => None,
    }
}

fn comment_text<'c>(claim: &'c Claim, line: &Line) -> &'c str {
    match claim_item(claim, line) {
        Some(Item::Comment { text, .. }) => text.as_deref().unwrap_or(""),
        _ => "",
    }
}

fn push_dec(t: &mut String, d: Option<Decimal>) {
    if let Some(d) = d {
        let _ = write!(t, "{}", d.normalize());
    }
}

/// Writes the records of one receipt into `t`; returns its GO contribution (HO + KO records, the
/// main payer's 合計点数).
fn receipt_text(
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
    let Some(first) = claim.visits.iter().map(|v| v.date).min() else {
        return Err(invalid(format!(
            "receipt {number}: the claim has no visit, so no 診療年月"
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

fn push_opt(t: &mut String, v: Option<i64>) {
    if let Some(v) = v {
        let _ = write!(t, "{v}");
    }
}

/// Two units are the same 算定単位 for merging: same 診療識別, 負担区分 and, line by line, record
/// kind, code, 数量/使用量, 点数, 単価 (TO) and text (CO).
fn same_unit(claim: &Claim, lines: &[Line], order: &[u32], a: &UnitRef, b: &UnitRef) -> bool {
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

fn unit_hash(claim: &Claim, lines: &[Line], idx: &[u32], section: &str, burden: &str) -> u64 {
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
fn push_count(t: &mut String, n: u32) {
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
fn write_lines(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Engine;
    use crate::uke::{Item as UkeItem, Recalc, Status, UkeReader};
    use santei_masters::{MasterCatalog, MasterSet};

    fn facility() -> FacilityHeader {
        FacilityHeader {
            payer: 1,
            prefecture: 13,
            code: "1234567".into(),
            name: "サンテイ医院".into(),
            billing_month: YearMonth {
                year: 2024,
                month: 8,
            },
            phone: "0312345678".into(),
        }
    }

    fn info() -> PatientInfo {
        PatientInfo {
            name: "算定太郎".into(),
            kana: "サンテイタロウ".into(),
            chart: "42".into(),
            insurer: "138057".into(),
            symbol: "記号".into(),
            number: "１２".into(),
        }
    }

    /// A 2-visit month on the demo masters: 再診 twice (外来管理加算 added by the engine), one
    /// 14日分 内服 剤 of エチゾラム each time (the same 剤: merged), 処方料 on the first visit.
    const CLAIM: &str = r#"{"format":"santei.claim/1",
      "patient":{"birth_date":"1980-01-01","sex":"female"},
      "insurance":{"scheme":"kokuho","relation":"insured","burden_percent":30},
      "visits":[
        {"date":"2024-07-03","items":[{"type":"procedure","code":"112007410"},
          {"type":"procedure","code":"120001210"},
          {"type":"rx","form":"internal","days":14,"drugs":[{"code":"610412026","amount":"3"}]}]},
        {"date":"2024-07-17","items":[{"type":"procedure","code":"112007410"},
          {"type":"rx","form":"internal","days":14,"drugs":[{"code":"610412026","amount":"3"}]}]}
      ]}"#;

    fn day_fields(days: &[(usize, u32)]) -> String {
        (1..=31)
            .map(|d| {
                days.iter()
                    .find(|(dd, _)| *dd == d)
                    .map_or(String::new(), |(_, n)| n.to_string())
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    #[test]
    fn exact_records_for_a_small_claim() {
        let engine = Engine::demo().unwrap();
        let claim = Engine::parse_claim(CLAIM.as_bytes()).unwrap();
        let result = engine.calculate(&claim).unwrap();
        let mut w = UkeWriter::new(Vec::new(), &facility(), Encoding::Utf8).unwrap();
        w.write_receipt_with(1, &claim, &result, &info()).unwrap();
        let bytes = w.finish().unwrap();
        let text = String::from_utf8(bytes).unwrap();

        // Written by hand from UKE_LAYOUT.md: 再診料 75点 (A001) on days 3 and 17; 外来管理加算 52点;
        // 処方料 42点 once; エチゾラム 6.40円 × 3 = 19.2円 → 2点 (五捨五超入) × 28 (14日 + 14日).
        // Total 75×2 + 52×2 + 42 + 2×28 = 352点. 国保 3割 本人 under 70: レセプト種別 1112. No
        // 高額療養費, so no HO 負担金額.
        let d = |days: &[(usize, u32)]| day_fields(days);
        let expected = [
            "IR,1,13,1,1234567,,サンテイ医院,202408,00,0312345678".to_string(),
            format!(
                // Fields 7–12 empty, 13 カルテ番号, 14–35 empty, 36 カタカナ氏名, 37 empty.
                "RE,1,1112,202407,算定太郎,2,19800101,,,,,,,42{}サンテイタロウ,",
                ",".repeat(36 - 13)
            ),
            "HO,  138057,記号,１２,2,352,,,,,,,,,".to_string(),
            format!("SI,12,1,112007410,,75,2,,,,,,,{}", d(&[(3, 1), (17, 1)])),
            format!("SI,12,1,112011010,,52,2,,,,,,,{}", d(&[(3, 1), (17, 1)])),
            format!("IY,21,1,610412026,3,2,28,,,,,,,{}", d(&[(3, 14), (17, 14)])),
            format!("SI,25,1,120001210,,42,1,,,,,,,{}", d(&[(3, 1)])),
            "GO,1,352,99".to_string(),
        ];
        let got: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(got.last(), Some(&""), "CRLF after the last record");
        assert_eq!(got[..got.len() - 1], expected[..], "\n{text}");
        assert_eq!(result.total_points, 352);
        for l in &got[..got.len() - 1] {
            let n = l.split(',').count();
            let want = match &l[..2] {
                "IR" => 10,
                "RE" => 38,
                "HO" => 15,
                "SI" | "IY" => 44,
                "GO" => 4,
                _ => 0,
            };
            assert_eq!(n, want, "{l}");
        }

        // And it reads back and recalculates without a difference.
        let mut catalog = MasterCatalog::new();
        catalog.insert(MasterSet::demo().unwrap());
        let mut recalc = Recalc::new(&catalog);
        let mut seen = 0;
        for item in UkeReader::new(text.as_bytes(), "t.UKE", Encoding::Utf8) {
            match item.unwrap() {
                UkeItem::Receipt(r) => {
                    let rep = recalc.receipt(&r);
                    assert!(!rep.differs(), "{:#?}", rep.checks);
                    assert_eq!(rep.claimed_total, Some(352));
                    seen += 1;
                }
                UkeItem::Totals(go) => {
                    assert!(recalc.totals(&go).iter().all(|c| c.status == Status::Match));
                    seen += 1;
                }
                _ => {}
            }
        }
        assert_eq!(seen, 2);
    }

    #[test]
    fn cp932_output_and_errors() {
        let engine = Engine::demo().unwrap();
        let claim = Engine::parse_claim(CLAIM.as_bytes()).unwrap();
        let result = engine.calculate(&claim).unwrap();
        let mut w = UkeWriter::new(Vec::new(), &facility(), Encoding::Cp932).unwrap();
        w.write_receipt_with(1, &claim, &result, &info()).unwrap();
        // A comma in a name: an error, and nothing of that receipt is written.
        let before = w.get_ref().len();
        let bad = PatientInfo {
            name: "a,b".into(),
            ..info()
        };
        let e = w.write_receipt_with(2, &claim, &result, &bad).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("RE 氏名"), "{e}");
        // A character without CP932 code.
        let bad = PatientInfo {
            name: "😀".into(),
            ..info()
        };
        let e = w.write_receipt_with(2, &claim, &result, &bad).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert_eq!(w.get_ref().len(), before);
        assert_eq!(w.totals(), (1, 352));
        let bytes = w.finish().unwrap();
        let text = santei_masters::text::decode(&bytes, Encoding::Cp932, "t").unwrap();
        assert!(text.contains("RE,1,1112,202407,算定太郎,2,"), "{text}");
        assert!(text.ends_with("GO,1,352,99\r\n"));
        // A bad header.
        let mut f = facility();
        f.code = "12345".into();
        assert!(UkeWriter::new(Vec::new(), &f, Encoding::Utf8).is_err());
    }

    #[test]
    fn receipt_kinds() {
        let mut claim = Engine::parse_claim(CLAIM.as_bytes()).unwrap();
        assert_eq!(receipt_kind(&claim, None), "1112");
        claim.insurance.relation = Some(Relation::Dependent);
        assert_eq!(receipt_kind(&claim, None), "1116");
        claim.patient.birth_date = Date::from_ymd(2020, 5, 1).unwrap();
        assert_eq!(receipt_kind(&claim, None), "1114");
        // 70 in 1953-12: 高齢受給者 from 1954-01; 2割 → 8, 3割 → 0.
        claim.patient.birth_date = Date::from_ymd(1953, 12, 2).unwrap();
        claim.insurance.burden_percent = Some(20);
        assert_eq!(receipt_kind(&claim, None), "1118");
        claim.insurance.burden_percent = Some(30);
        assert_eq!(receipt_kind(&claim, None), "1110");
        claim.insurance.scheme = Some(Scheme::Kouki);
        claim.insurance.burden_percent = Some(10);
        assert_eq!(receipt_kind(&claim, None), "1318");
        claim.insurance.public_funds.push(crate::claim::PublicFund {
            law_number: "54".into(),
            payer_number: None,
            recipient_number: None,
            monthly_cap_yen: None,
            covers: None,
            local: None,
        });
        assert_eq!(receipt_kind(&claim, None), "1328");
        claim.insurance.scheme = None;
        assert_eq!(receipt_kind(&claim, None), "1212");
        claim.setting = Setting::Inpatient;
        assert_eq!(receipt_kind(&claim, None), "1211");
    }
}
