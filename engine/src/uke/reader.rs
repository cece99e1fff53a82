//! Streaming UKE reader. Reads one line at a time (memory flat in file size), decodes it strictly
//! with [`crate::masters::text::decode`] and splits it with [`crate::masters::csv::Rows`] (the UKE
//! dialect is the unquoted subset of the master CSV dialect). Records are grouped into receipts
//! (RE up to the next RE, IR or GO); every record of a receipt is kept, unknown ones included.
//! A malformed receipt is yielded as an `Err` naming file, line and field, and reading goes on
//! with the next RE.

use std::io::BufRead;

use rust_decimal::Decimal;

use crate::masters::csv::Rows;
use crate::masters::text::{Encoding, decode};
use crate::masters::{Date, LoadError};

/// An error in a UKE file: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UkeError {
    pub file: String,
    /// 1-based line number.
    pub line: usize,
    /// The field, e.g. `SI field 5 (点数)`.
    pub field: Option<String>,
    /// The レセプト番号 of the receipt the error is in, when known.
    pub receipt: Option<u32>,
    pub message: String,
    /// An I/O error: the rest of the file cannot be read.
    pub fatal: bool,
}

impl std::fmt::Display for UkeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)?;
        if let Some(r) = self.receipt {
            write!(f, " (receipt {r})")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for UkeError {}

/// One record as read: its ID (`SI`, `RE` …), 1-based line and all its fields (index 0 = the ID).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

impl Record {
    pub fn id(&self) -> &str {
        self.fields.first().map(String::as_str).unwrap_or("")
    }
    /// Field `i` (index 0 = the ID); `""` when the record is shorter.
    pub fn get(&self, i: usize) -> &str {
        self.fields.get(i).map(String::as_str).unwrap_or("")
    }
}

/// 診療年月 / 請求年月.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct YearMonth {
    pub year: u32,
    pub month: u32,
}

impl YearMonth {
    /// `YYYYMM` (西暦, R02 on) or `GYYMM` (和暦, G 1 明治 … 5 令和).
    pub fn parse(s: &str) -> Option<YearMonth> {
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let (year, month) = match s.len() {
            6 => (s[..4].parse().ok()?, s[4..].parse().ok()?),
            5 => (
                era_year(s.as_bytes()[0] - b'0', s[1..3].parse().ok()?)?,
                s[3..].parse().ok()?,
            ),
            _ => return None,
        };
        // The year must make a calendar date (so `first_day` cannot fail): `000001` is not a month.
        ((1..=12).contains(&month) && Date::from_ymd(year, month, 1).is_some())
            .then_some(YearMonth { year, month })
    }
    pub fn first_day(self) -> Date {
        Date::from_ymd(self.year, self.month, 1).unwrap_or(Date::MIN)
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

fn era_year(era: u8, yy: u32) -> Option<u32> {
    let base = match era {
        1 => 1867,
        2 => 1911,
        3 => 1925,
        4 => 1988,
        5 => 2018,
        _ => return None,
    };
    (yy >= 1).then_some(base + yy)
}

/// A date, `YYYYMMDD` or 和暦 `GYYMMDD`.
pub fn parse_date(s: &str) -> Option<Date> {
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match s.len() {
        8 => Date::parse_yyyymmdd(s),
        7 => Date::from_ymd(
            era_year(s.as_bytes()[0] - b'0', s[1..3].parse().ok()?)?,
            s[3..5].parse().ok()?,
            s[5..].parse().ok()?,
        ),
        _ => None,
    }
}

/// HO 保険者レコード.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Insurance {
    pub line: usize,
    /// 保険者番号, leading/trailing spaces removed (6-digit 国保 numbers are space-padded).
    pub insurer: String,
    pub days: Option<u32>,
    pub points: Option<i64>,
    pub meal_count: Option<u32>,
    pub meal_yen: Option<i64>,
    pub burden_yen: Option<i64>,
}

/// KO 公費レコード.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PublicExpense {
    pub line: usize,
    pub payer: String,
    pub recipient: String,
    pub days: Option<u32>,
    pub points: Option<i64>,
    pub burden_yen: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum LineKind {
    /// SI 診療行為
    Procedure,
    /// IY 医薬品
    Drug,
    /// TO 特定器材
    Material,
}

/// One SI, IY or TO record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Line {
    pub kind: LineKind,
    pub line: usize,
    /// 診療識別 (inherited when blank).
    pub section: u8,
    /// 負担区分.
    pub burden: String,
    pub code: u32,
    /// 数量データ (SI) / 使用量 (IY, TO).
    pub quantity: Option<Decimal>,
    /// 点数: only on the last record of an 算定単位.
    pub points: Option<i64>,
    pub count: u32,
    /// TO 単価 (円).
    pub unit_price: Option<Decimal>,
    /// 算定日: (day, count that day) for the days that carry a count.
    pub days: Vec<(u8, u16)>,
}

/// An 算定単位: the records up to and including the one carrying the 点数.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unit {
    pub section: u8,
    pub lines: Vec<Line>,
    /// The claimed points of the unit; `None` when no record carried them (an incomplete unit).
    pub points: Option<i64>,
    /// 回数 of the unit (of its last record).
    pub count: u32,
}

impl Unit {
    pub fn line(&self) -> usize {
        self.lines.first().map(|l| l.line).unwrap_or(0)
    }
}

/// One receipt: RE and everything up to the next RE, IR or GO.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Receipt {
    pub line: usize,
    /// レセプト番号.
    pub number: u32,
    /// レセプト種別 (4 digits).
    pub kind: String,
    /// 診療年月.
    pub month: YearMonth,
    pub insurance: Option<Insurance>,
    /// Further HO records (the payer-side variant repeats HO at the end of some receipts).
    pub later_insurance: Vec<Insurance>,
    pub publics: Vec<PublicExpense>,
    pub units: Vec<Unit>,
    /// Every record of the receipt (RE, HO, KO, SI … and unknown ones), in file order.
    pub records: Vec<Record>,
}

impl Receipt {
    /// 入院 (レセプト種別 4th digit odd).
    pub fn is_inpatient(&self) -> bool {
        self.kind
            .as_bytes()
            .get(3)
            .is_some_and(|d| d.is_ascii_digit() && (d - b'0') % 2 == 1)
    }
    /// The 合計点数 of the main payer: HO, else the first KO.
    pub fn claimed_total(&self) -> Option<i64> {
        match &self.insurance {
            Some(h) => h.points,
            None => self.publics.first().and_then(|k| k.points),
        }
    }
    /// Number of HO plus KO records (the GO 総件数 contribution).
    pub fn cases(&self) -> u64 {
        self.insurance.is_some() as u64 + self.publics.len() as u64
    }
}

/// GO 診療報酬請求書レコード.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Go {
    pub line: usize,
    pub total_cases: Option<u64>,
    pub total_points: Option<i64>,
    pub volume: String,
}

/// What the reader yields.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Item {
    /// IR 医療機関情報.
    Facility(Record),
    Receipt(Box<Receipt>),
    Totals(Go),
    /// A record outside any receipt (kept, never dropped).
    Other(Record),
}

/// Guesses the encoding from the start of a file: UTF-8 when it is valid UTF-8 with some
/// non-ASCII text (or a BOM), CP932 otherwise.
pub fn sniff_encoding(head: &[u8]) -> Encoding {
    if head.starts_with(b"\xEF\xBB\xBF") {
        return Encoding::Utf8;
    }
    let valid = match std::str::from_utf8(head) {
        Ok(_) => true,
        // A multi-byte character cut at the end of the sample.
        Err(e) => e.error_len().is_none(),
    };
    if valid && head.iter().any(|b| *b >= 0x80) {
        Encoding::Utf8
    } else {
        Encoding::Cp932
    }
}

struct Pending {
    line: usize,
    records: Vec<Record>,
    error: Option<UkeError>,
}

/// Reads a UKE file one receipt at a time.
pub struct UkeReader<R> {
    input: R,
    file: String,
    encoding: Encoding,
    line: usize,
    buf: Vec<u8>,
    lookahead: Option<Result<Record, UkeError>>,
    pending: Option<Pending>,
    done: bool,
}

impl<R: BufRead> UkeReader<R> {
    pub fn new(input: R, file: impl Into<String>, encoding: Encoding) -> Self {
        UkeReader {
            input,
            file: file.into(),
            encoding,
            line: 0,
            buf: Vec::new(),
            lookahead: None,
            pending: None,
            done: false,
        }
    }

    fn error(&self, line: usize, field: Option<String>, message: String) -> UkeError {
        UkeError {
            file: self.file.clone(),
            line,
            field,
            receipt: None,
            message,
            fatal: false,
        }
    }

    /// The next non-empty record; `None` at the end of the input.
    fn read_record(&mut self) -> Option<Result<Record, UkeError>> {
        loop {
            self.buf.clear();
            match self.input.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => {
                    let mut err = self.error(self.line + 1, None, format!("cannot read: {e}"));
                    err.fatal = true;
                    return Some(Err(err));
                }
            }
            self.line += 1;
            let mut end = self.buf.len();
            if end > 0 && self.buf[end - 1] == b'\n' {
                end -= 1;
            }
            if end > 0 && self.buf[end - 1] == b'\r' {
                end -= 1;
            }
            // `decode` drops a trailing 0x1A (the EOF mark some writers add).
            let text = match decode(&self.buf[..end], self.encoding, &self.file) {
                Ok(t) => t,
                Err(e) => {
                    let msg = match e {
                        LoadError::Data { pos, error } => match pos.byte {
                            Some(b) => format!("{error} (byte {b} of the line)"),
                            None => error.to_string(),
                        },
                        other => other.to_string(),
                    };
                    return Some(Err(self.error(self.line, None, msg)));
                }
            };
            if text.is_empty() {
                continue;
            }
            let mut fields: Vec<&str> = Vec::with_capacity(48);
            let mut rows = Rows::new(&text, &self.file);
            if let Err(e) = rows.next_into(&mut fields) {
                let msg = match e {
                    LoadError::Data { error, .. } => error.to_string(),
                    other => other.to_string(),
                };
                return Some(Err(self.error(self.line, None, msg)));
            }
            return Some(Ok(Record {
                line: self.line,
                fields: fields.into_iter().map(str::to_owned).collect(),
            }));
        }
    }

    fn finish(&mut self, p: Pending) -> Result<Item, UkeError> {
        let number = p.records.first().and_then(|r| r.get(1).trim().parse().ok());
        if let Some(mut e) = p.error {
            e.receipt = number;
            return Err(e);
        }
        parse_receipt(&self.file, p.line, p.records)
            .map(|r| Item::Receipt(Box::new(r)))
            .map_err(|mut e| {
                e.receipt = number;
                e
            })
    }
}

impl<R: BufRead> Iterator for UkeReader<R> {
    type Item = Result<Item, UkeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        loop {
            let next = match self.lookahead.take() {
                Some(r) => Some(r),
                None => self.read_record(),
            };
            let Some(next) = next else {
                self.done = true;
                return self.pending.take().map(|p| self.finish(p));
            };
            let rec = match next {
                Ok(r) => r,
                Err(e) if e.fatal => {
                    self.done = true;
                    return Some(Err(e));
                }
                Err(e) => match &mut self.pending {
                    Some(p) => {
                        p.error.get_or_insert(e);
                        continue;
                    }
                    None => return Some(Err(e)),
                },
            };
            match rec.id() {
                "RE" | "IR" | "GO" if self.pending.is_some() => {
                    let p = self.pending.take().expect("pending");
                    self.lookahead = Some(Ok(rec));
                    return Some(self.finish(p));
                }
                "RE" => {
                    self.pending = Some(Pending {
                        line: rec.line,
                        records: vec![rec],
                        error: None,
                    });
                }
                "IR" => return Some(Ok(Item::Facility(rec))),
                "GO" => return Some(parse_go(&self.file, rec).map(Item::Totals)),
                _ => match &mut self.pending {
                    Some(p) => p.records.push(rec),
                    None => return Some(Ok(Item::Other(rec))),
                },
            }
        }
    }
}

const FIELD_NAMES_SI: [&str; 7] = ["", "診療識別", "負担区分", "コード", "数量", "点数", "回数"];

struct Ctx<'a> {
    file: &'a str,
}

impl Ctx<'_> {
    fn err(&self, rec: &Record, i: usize, name: &str, message: String) -> UkeError {
        UkeError {
            file: self.file.to_owned(),
            line: rec.line,
            field: Some(format!("{} field {i} ({name})", rec.id())),
            receipt: None,
            message,
            fatal: false,
        }
    }

    fn opt_int<T: std::str::FromStr>(
        &self,
        rec: &Record,
        i: usize,
        name: &str,
    ) -> Result<Option<T>, UkeError> {
        let s = rec.get(i).trim();
        if s.is_empty() {
            return Ok(None);
        }
        s.parse()
            .map(Some)
            .map_err(|_| self.err(rec, i, name, format!("`{s}` is not a number")))
    }

    fn opt_dec(&self, rec: &Record, i: usize, name: &str) -> Result<Option<Decimal>, UkeError> {
        let s = rec.get(i).trim();
        if s.is_empty() {
            return Ok(None);
        }
        s.parse::<Decimal>()
            .map(Some)
            .map_err(|_| self.err(rec, i, name, format!("`{s}` is not a number")))
    }

    fn req_int<T: std::str::FromStr>(
        &self,
        rec: &Record,
        i: usize,
        name: &str,
    ) -> Result<T, UkeError> {
        self.opt_int(rec, i, name)?
            .ok_or_else(|| self.err(rec, i, name, "is empty".into()))
    }
}

fn parse_go(file: &str, rec: Record) -> Result<Go, UkeError> {
    let c = Ctx { file };
    Ok(Go {
        line: rec.line,
        total_cases: c.opt_int(&rec, 1, "総件数")?,
        total_points: c.opt_int(&rec, 2, "総合計点数")?,
        volume: rec.get(3).to_owned(),
        // keep the record itself out: GO has no other content
    })
}

fn parse_receipt(file: &str, line: usize, records: Vec<Record>) -> Result<Receipt, UkeError> {
    let c = Ctx { file };
    let re = &records[0];
    let number = c.req_int(re, 1, "レセプト番号")?;
    let kind = re.get(2).trim().to_owned();
    if kind.len() != 4 || !kind.bytes().all(|b| b.is_ascii_digit()) {
        return Err(c.err(re, 2, "レセプト種別", format!("`{kind}` is not 4 digits")));
    }
    let month = YearMonth::parse(re.get(3).trim()).ok_or_else(|| {
        c.err(
            re,
            3,
            "診療年月",
            format!("`{}` is neither YYYYMM nor GYYMM", re.get(3)),
        )
    })?;
    let mut insurance = None;
    let mut later_insurance = Vec::new();
    let mut publics = Vec::new();
    let mut units: Vec<Unit> = Vec::new();
    let mut current: Option<Unit> = None;
    let mut section: Option<u8> = None;
    for rec in &records[1..] {
        match rec.id() {
            "HO" => {
                let ho = Insurance {
                    line: rec.line,
                    insurer: rec.get(1).trim().to_owned(),
                    days: c.opt_int(rec, 4, "診療実日数")?,
                    points: c.opt_int(rec, 5, "合計点数")?,
                    meal_count: c.opt_int(rec, 7, "食事療養回数")?,
                    meal_yen: c.opt_int(rec, 8, "食事療養合計金額")?,
                    burden_yen: c.opt_int(rec, 11, "負担金額")?,
                };
                // The payer-side variant repeats HO at the end of some receipts; the first is
                // the claim, later ones are kept in `later_insurance`.
                if insurance.is_none() {
                    insurance = Some(ho);
                } else {
                    later_insurance.push(ho);
                }
            }
            "KO" => publics.push(PublicExpense {
                line: rec.line,
                payer: rec.get(1).trim().to_owned(),
                recipient: rec.get(2).trim().to_owned(),
                days: c.opt_int(rec, 4, "診療実日数")?,
                points: c.opt_int(rec, 5, "合計点数")?,
                burden_yen: c.opt_int(rec, 6, "負担金額")?,
            }),
            "CO" => {
                if let Some(s) = c.opt_int::<u8>(rec, 1, "診療識別")? {
                    section = Some(s);
                }
            }
            id @ ("SI" | "IY" | "TO") => {
                let (kind, day0) = match id {
                    "SI" => (LineKind::Procedure, 13),
                    "IY" => (LineKind::Drug, 13),
                    _ => (LineKind::Material, 17),
                };
                if let Some(s) = c.opt_int::<u8>(rec, 1, FIELD_NAMES_SI[1])? {
                    section = Some(s);
                }
                let Some(sec) = section else {
                    return Err(c.err(
                        rec,
                        1,
                        FIELD_NAMES_SI[1],
                        "blank on the first line of the receipt".into(),
                    ));
                };
                let mut days = Vec::new();
                for d in 0..31u8 {
                    let i = day0 + d as usize;
                    if let Some(n) = c.opt_int::<u16>(rec, i, "算定日")? {
                        if n > 0 {
                            days.push((d + 1, n));
                        }
                    }
                }
                let l = Line {
                    kind,
                    line: rec.line,
                    section: sec,
                    burden: rec.get(2).trim().to_owned(),
                    code: c.req_int(rec, 3, FIELD_NAMES_SI[3])?,
                    quantity: c.opt_dec(rec, 4, FIELD_NAMES_SI[4])?,
                    points: c.opt_int(rec, 5, FIELD_NAMES_SI[5])?,
                    count: c.req_int(rec, 6, FIELD_NAMES_SI[6])?,
                    unit_price: if kind == LineKind::Material {
                        c.opt_dec(rec, 8, "単価")?
                    } else {
                        None
                    },
                    days,
                };
                // A change of 診療識別 closes an incomplete unit.
                if let Some(u) = current.take_if(|u| u.section != sec) {
                    units.push(u);
                }
                let u = current.get_or_insert_with(|| Unit {
                    section: sec,
                    lines: Vec::new(),
                    points: None,
                    count: l.count,
                });
                let done = l.points.is_some();
                u.points = l.points;
                u.count = l.count;
                u.lines.push(l);
                if done {
                    units.extend(current.take());
                }
            }
            _ => {}
        }
    }
    units.extend(current.take());
    Ok(Receipt {
        line,
        number,
        kind,
        month,
        insurance,
        later_insurance,
        publics,
        units,
        records,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Vec<Result<Item, UkeError>> {
        UkeReader::new(bytes, "t.UKE", Encoding::Utf8).collect()
    }

    fn receipts(items: &[Result<Item, UkeError>]) -> Vec<&Receipt> {
        items
            .iter()
            .filter_map(|i| match i {
                Ok(Item::Receipt(r)) => Some(&**r),
                _ => None,
            })
            .collect()
    }

    const BODY: &str = "IR,1,13,1,1234567,,医院,202111,00,\n\
        RE,1,1112,202110,氏名,1,19800101,,,,,,,,\n\
        HO,  138057,記号,番号,1,161,,,,,,,,,\n\
        SI,60,1,160068410,,,1,,,,,,,1\n\
        SI,,1,160093810,,88,1,,,,,,,1\n\
        SI,12,1,112007410,,73,2,,,,,,,1,,1\n\
        GO,1,161,99\n";

    #[test]
    fn wareki_dates() {
        assert_eq!(
            YearMonth::parse("42805"),
            Some(YearMonth {
                year: 2016,
                month: 5
            })
        );
        assert_eq!(
            YearMonth::parse("50310"),
            Some(YearMonth {
                year: 2021,
                month: 10
            })
        );
        assert_eq!(
            YearMonth::parse("202110"),
            Some(YearMonth {
                year: 2021,
                month: 10
            })
        );
        assert_eq!(YearMonth::parse("62805"), None);
        assert_eq!(YearMonth::parse("42813"), None);
        assert_eq!(parse_date("3170801"), Date::from_ymd(1942, 8, 1));
        assert_eq!(parse_date("4010108"), Date::from_ymd(1989, 1, 8));
        assert_eq!(parse_date("19911121"), Date::from_ymd(1991, 11, 21));
        assert_eq!(parse_date("4280231"), None);
    }

    #[test]
    fn lf_crlf_and_eof_mark_read_the_same() {
        let lf = read(BODY.as_bytes());
        let crlf = read(BODY.replace('\n', "\r\n").as_bytes());
        let mut eof = BODY.replace('\n', "\r\n").into_bytes();
        eof.push(0x1A);
        let eof = read(&eof);
        assert_eq!(lf, crlf);
        assert_eq!(lf, eof);
        assert_eq!(lf.len(), 3, "{lf:?}");
        let r = receipts(&lf)[0];
        assert_eq!(
            r.month,
            YearMonth {
                year: 2021,
                month: 10
            }
        );
        // Space-padded 国保 保険者番号.
        assert_eq!(r.insurance.as_ref().unwrap().insurer, "138057");
        // Two units: a まるめ of two codes (点数 on the last), then 再診料 × 2 with per-day counts.
        assert_eq!(r.units.len(), 2);
        assert_eq!(r.units[0].lines.len(), 2);
        assert_eq!((r.units[0].section, r.units[0].points), (60, Some(88)));
        assert_eq!(r.units[1].count, 2);
        assert_eq!(r.units[1].lines[0].days, vec![(1, 1), (3, 1)]);
        assert!(matches!(
            &lf[2],
            Ok(Item::Totals(Go {
                total_cases: Some(1),
                total_points: Some(161),
                ..
            }))
        ));
    }

    #[test]
    fn malformed_receipt_is_reported_and_the_next_one_read() {
        let text = "RE,1,1112,202113,a,1,19800101\n\
            HO,06132013,1,1,1,73,,,,,,,,,\n\
            SI,12,1,112007410,,73,1\n\
            RE,2,1112,202110,b,1,19800101\n\
            HO,06132013,1,1,1,73,,,,,,,,,\n\
            SI,12,1,112007410,,x73,1\n\
            RE,3,1112,202110,c,1,19800101\n\
            HO,06132013,1,1,1,73,,,,,,,,,\n\
            XX,kept\n\
            SI,12,1,112007410,,73,1\n";
        let items = read(text.as_bytes());
        assert_eq!(items.len(), 3);
        let Err(e) = &items[0] else { panic!() };
        assert_eq!((e.line, e.receipt), (1, Some(1)));
        assert_eq!(e.field.as_deref(), Some("RE field 3 (診療年月)"));
        let Err(e) = &items[1] else { panic!() };
        assert_eq!((e.line, e.receipt), (6, Some(2)));
        assert_eq!(e.field.as_deref(), Some("SI field 5 (点数)"));
        assert_eq!(
            e.to_string(),
            "t.UKE:6 (receipt 2): SI field 5 (点数): `x73` is not a number"
        );
        let r = receipts(&items);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].number, 3);
        assert!(r[0].records.iter().any(|x| x.id() == "XX" && x.line == 9));
    }

    #[test]
    fn bad_bytes_are_an_error_with_the_line() {
        let mut bytes = b"RE,1,1112,202110,a,1,19800101\nHO,1,".to_vec();
        bytes.extend_from_slice(&[0xFF, 0xFE]);
        bytes.extend_from_slice(b",1,1,73\nRE,2,1112,202110,b,1,19800101\n");
        let items = read(&bytes);
        assert_eq!(items.len(), 2);
        let Err(e) = &items[0] else { panic!() };
        assert_eq!((e.line, e.receipt), (2, Some(1)));
        assert!(matches!(&items[1], Ok(Item::Receipt(r)) if r.number == 2));
    }
}
