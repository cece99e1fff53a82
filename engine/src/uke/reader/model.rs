//! The parsed records of a UKE file: [`Record`]/[`Records`], dates, and the [`Receipt`] model.

use rust_decimal::Decimal;

use crate::masters::Date;

/// One record outside a receipt (IR, or a record before the first RE), owned. Records inside a
/// receipt live in the receipt's [`Records`] and are read through [`RecordRef`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub(super) text: String,
    /// Byte ranges of the fields in `text` (index 0 = the ID).
    pub(super) spans: Vec<(u32, u32)>,
}

impl Record {
    pub fn as_ref(&self) -> RecordRef<'_> {
        RecordRef {
            line: self.line,
            text: &self.text,
            spans: &self.spans,
        }
    }
    pub fn id(&self) -> &str {
        self.as_ref().id()
    }
    /// Field `i` (index 0 = the ID); `""` when the record is shorter.
    pub fn get(&self, i: usize) -> &str {
        self.as_ref().get(i)
    }
    pub(super) fn clear(&mut self) {
        self.text.clear();
        self.spans.clear();
    }
}

/// `s` without leading and trailing whitespace, as [`str::trim`]. Most fields are plain ASCII
/// with nothing to trim: one that starts and ends with a printable ASCII byte (never part of a
/// multi-byte character, never whitespace) is `s` itself, without `trim`'s walk over the chars
/// at both ends.
#[inline]
pub(super) fn trim_field(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// A record as read: its ID (`SI`, `RE` …), 1-based line and its fields (index 0 = the ID).
#[derive(Debug, Clone, Copy)]
pub struct RecordRef<'a> {
    pub line: usize,
    text: &'a str,
    spans: &'a [(u32, u32)],
}

impl<'a> RecordRef<'a> {
    pub fn id(&self) -> &'a str {
        self.get(0)
    }
    /// Field `i` (index 0 = the ID); `""` when the record is shorter.
    pub fn get(&self, i: usize) -> &'a str {
        self.spans
            .get(i)
            .map_or("", |&(a, b)| &self.text[a as usize..b as usize])
    }
    /// Number of fields, the ID included.
    pub fn len(&self) -> usize {
        self.spans.len()
    }
    /// True when field `i` is empty or missing (no text is touched).
    pub fn is_blank(&self, i: usize) -> bool {
        self.spans.get(i).is_none_or(|&(a, b)| a == b)
    }
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
    pub fn fields(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        let text = self.text;
        self.spans
            .iter()
            .map(move |&(a, b)| &text[a as usize..b as usize])
    }
}

impl serde::Serialize for RecordRef<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Record", 2)?;
        st.serialize_field("line", &self.line)?;
        st.serialize_field("fields", &self.fields().collect::<Vec<_>>())?;
        st.end()
    }
}

impl serde::Serialize for Record {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.as_ref().serialize(s)
    }
}

/// The records of one receipt in file order, stored in one text buffer (three allocations per
/// receipt however many records and fields it has).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Records {
    pub(super) text: String,
    pub(super) spans: Vec<(u32, u32)>,
    /// Per record: line, text start, first span, end span (spans are relative to the record's
    /// text, so a record is copied in as it is).
    pub(super) recs: Vec<(usize, u32, u32, u32)>,
}

impl Records {
    pub fn len(&self) -> usize {
        self.recs.len()
    }
    pub fn is_empty(&self) -> bool {
        self.recs.is_empty()
    }
    pub fn get(&self, i: usize) -> Option<RecordRef<'_>> {
        let &(line, t, a, b) = self.recs.get(i)?;
        let end = match self.recs.get(i + 1) {
            Some(next) => next.1 as usize,
            None => self.text.len(),
        };
        Some(RecordRef {
            line,
            text: &self.text[t as usize..end],
            spans: &self.spans[a as usize..b as usize],
        })
    }
    pub fn iter(&self) -> impl Iterator<Item = RecordRef<'_>> {
        (0..self.recs.len()).filter_map(|i| self.get(i))
    }
    pub(super) fn push(&mut self, r: &Record) {
        let start = self.text.len() as u32;
        self.text.push_str(&r.text);
        let first = self.spans.len() as u32;
        self.spans.extend_from_slice(&r.spans);
        self.recs
            .push((r.line, start, first, self.spans.len() as u32));
    }
}

impl serde::Serialize for Records {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
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
        let (year, month) = match *s.as_bytes() {
            [_, _, _, _, _, _] => {
                let v = digits(s)?;
                (v / 100, v % 100)
            }
            [g, _, _, _, _] => {
                let v = digits(s)?;
                (era_year(g - b'0', v / 100 % 100)?, v % 100)
            }
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

/// The value of a field of ASCII digits only (at most 8 of them: dates and months); `None`
/// for any other. Read in one pass: a test that every byte is a digit, then a `str::parse` of
/// each part, cost some 170 instructions more per receipt (its RE 診療年月 and 生年月日;
/// callgrind of `santei recalc` on 10,000 receipts of benches' `gen_uke`).
#[inline]
fn digits(s: &str) -> Option<u32> {
    if s.len() > 8 {
        return None;
    }
    s.bytes().try_fold(0u32, |v, b| {
        let d = b.wrapping_sub(b'0');
        (d <= 9).then(|| v * 10 + u32::from(d))
    })
}

/// A date, `YYYYMMDD` or 和暦 `GYYMMDD`.
pub fn parse_date(s: &str) -> Option<Date> {
    match *s.as_bytes() {
        [_, _, _, _, _, _, _, _] => {
            let v = digits(s)?;
            Date::from_ymd(v / 10000, v / 100 % 100, v % 100)
        }
        [g, _, _, _, _, _, _] => {
            let v = digits(s)?;
            Date::from_ymd(era_year(g - b'0', v / 10000 % 100)?, v / 100 % 100, v % 100)
        }
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
    pub burden: Burden,
    pub code: u32,
    /// 数量データ (SI) / 使用量 (IY, TO).
    pub quantity: Option<Decimal>,
    /// 点数: only on the last record of an 算定単位.
    pub points: Option<i64>,
    pub count: u32,
    /// TO 単価 (円).
    pub unit_price: Option<Decimal>,
    /// 算定日: the count on each day of the month.
    pub days: DayCounts,
}

/// 負担区分 (one character: `1` 医保単独, `2` 医保+第1公費 … `9`, `E`, `G` …; see
/// [`crate::burden::payers`]). `' '` when the field is blank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Burden(pub char);

impl Burden {
    pub fn is_blank(self) -> bool {
        self.0 == ' '
    }
}

/// The 算定日 fields of a line: how many times it was done on each day of the month.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct DayCounts {
    counts: [u16; 31],
    /// Bit d−1 set when day d has a count.
    mask: u32,
    total: u32,
}

impl DayCounts {
    /// Sets the count of `day` (1–31).
    #[inline]
    pub fn set(&mut self, day: u8, count: u16) {
        let Some(i) = usize::from(day).checked_sub(1).filter(|&i| i < 31) else {
            return;
        };
        self.total = self.total - u32::from(self.counts[i]) + u32::from(count);
        self.counts[i] = count;
        if count > 0 {
            self.mask |= 1 << i;
        } else {
            self.mask &= !(1 << i);
        }
    }
    /// From the counts of days 1–31, the days with a count (bit d−1 for day d) and Σ counts, for
    /// the reader's fast path (which sets each day once); the caller keeps them consistent.
    #[inline]
    pub(super) fn from_parts(counts: [u16; 31], mask: u32, total: u32) -> DayCounts {
        debug_assert_eq!(
            mask,
            counts
                .iter()
                .enumerate()
                .fold(0, |m, (i, &c)| m | u32::from(c > 0) << i)
        );
        debug_assert_eq!(total, counts.iter().map(|&c| u32::from(c)).sum::<u32>());
        DayCounts {
            counts,
            mask,
            total,
        }
    }
    /// The count on `day` (1–31).
    pub fn get(&self, day: u8) -> u16 {
        self.counts
            .get(usize::from(day).wrapping_sub(1))
            .copied()
            .unwrap_or(0)
    }
    /// (day, count) for the days with a count, in day order.
    pub fn iter(&self) -> impl Iterator<Item = (u8, u16)> + '_ {
        let mut mask = self.mask;
        std::iter::from_fn(move || {
            if mask == 0 {
                return None;
            }
            let i = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            Some((i as u8 + 1, self.counts[i]))
        })
    }
    /// Σ counts.
    pub fn total(&self) -> u32 {
        self.total
    }
    pub fn is_empty(&self) -> bool {
        self.mask == 0
    }
    /// The days with a count as bits (bit d−1 for day d).
    pub fn mask(&self) -> u32 {
        self.mask
    }
    /// Number of days with a count.
    pub fn len(&self) -> usize {
        self.mask.count_ones() as usize
    }
}

impl std::fmt::Debug for DayCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl serde::Serialize for DayCounts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// An 算定単位: the records up to and including the one carrying the 点数.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unit {
    pub section: u8,
    /// The records of the unit (most units are one record: kept inline, no allocation).
    pub lines: smallvec::SmallVec<[Line; 1]>,
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
    /// RE 男女区分 (1 男, 2 女; 0 when blank or not a number).
    pub sex: u8,
    /// RE 生年月日, when it is a date.
    pub birth: Option<Date>,
    /// RE 入院年月日 (入院 receipts), when it is a date.
    pub admission: Option<Date>,
    pub insurance: Option<Insurance>,
    /// Further HO records (the payer-side variant repeats HO at the end of some receipts).
    pub later_insurance: Vec<Insurance>,
    pub publics: Vec<PublicExpense>,
    pub units: Vec<Unit>,
    /// Every record of the receipt (RE, HO, KO, SI … and unknown ones), in file order; empty
    /// when the reader was told not to keep them ([`UkeReader::keep_records`]).
    pub records: Records,
    /// Records of a type the 医科 layout does not have (../shared/docs/UKE_LAYOUT.md): how many,
    /// and the line and ID of the first. They are not read; the caller reports them.
    pub unknown_records: u32,
    pub first_unknown: Option<(usize, String)>,
    /// The line and ID of the receipt's first DPC record ([`DPC_RECORDS`](super::DPC_RECORDS)):
    /// a DPC (診断群分類) receipt, which santei does not recalculate.
    pub dpc: Option<(usize, String)>,
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
