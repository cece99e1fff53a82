//! The general field parser: a record's fields, checked and parsed into the receipt being
//! built ([`Builder`]).

use rust_decimal::Decimal;

use super::UkeError;
use super::model::{
    Burden, DayCounts, Go, Insurance, Line, LineKind, PublicExpense, Receipt, RecordRef, Records,
    Unit, YearMonth, parse_date, trim_field,
};

pub(super) const FIELD_NAMES_SI: [&str; 7] =
    ["", "診療識別", "負担区分", "コード", "数量", "点数", "回数"];

pub(super) struct Ctx<'a> {
    pub(super) file: &'a str,
}

impl Ctx<'_> {
    pub(super) fn err(
        &self,
        rec: RecordRef<'_>,
        i: usize,
        name: &str,
        message: String,
    ) -> UkeError {
        UkeError {
            file: self.file.to_owned(),
            line: rec.line,
            field: Some(format!("{} field {i} ({name})", rec.id())),
            receipt: None,
            message,
            fatal: false,
        }
    }

    fn opt_int<T: std::str::FromStr + TryFrom<u64>>(
        &self,
        rec: RecordRef<'_>,
        i: usize,
        name: &str,
    ) -> Result<Option<T>, UkeError> {
        let raw = rec.get(i);
        // Fast path: plain digits (nearly every field); anything else goes through `FromStr`,
        // which also gives the error.
        if !raw.is_empty() && raw.len() <= 18 && raw.bytes().all(|b| b.is_ascii_digit()) {
            let v = raw.bytes().fold(0u64, |v, b| v * 10 + u64::from(b - b'0'));
            if let Ok(v) = T::try_from(v) {
                return Ok(Some(v));
            }
        }
        let s = trim_field(raw);
        if s.is_empty() {
            return Ok(None);
        }
        s.parse()
            .map(Some)
            .map_err(|_| self.err(rec, i, name, format!("`{s}` is not a number")))
    }

    fn opt_dec(
        &self,
        rec: RecordRef<'_>,
        i: usize,
        name: &str,
    ) -> Result<Option<Decimal>, UkeError> {
        let s = trim_field(rec.get(i));
        if s.is_empty() {
            return Ok(None);
        }
        s.parse::<Decimal>()
            .map(Some)
            .map_err(|_| self.err(rec, i, name, format!("`{s}` is not a number")))
    }

    fn req_int<T: std::str::FromStr + TryFrom<u64>>(
        &self,
        rec: RecordRef<'_>,
        i: usize,
        name: &str,
    ) -> Result<T, UkeError> {
        self.opt_int(rec, i, name)?
            .ok_or_else(|| self.err(rec, i, name, "is empty".into()))
    }
}

/// Record IDs of a 医科 file (../shared/docs/UKE_LAYOUT.md, 記録条件仕様 医科; DPC and 臓器提供
/// records included): read, or knowingly passed over. Any other ID is reported as unknown.
pub const KNOWN_RECORDS: &[&str] = &[
    "IR", "RE", "HO", "KO", "SN", "JD", "MF", "GR", "SY", "SI", "IY", "TO", "CO", "SJ", "KH", "GO",
    "RC", "EX", "JY", "MN", "NI", "TR", "TS", "BU", "SB", "KK", "GA", "HH", "GT", "CD", "SK", "RO",
];

/// The [`KNOWN_RECORDS`] that [`Builder::feed`] reads past without a check of their own (all
/// but RE/IR/GO, which delimit receipts, HO/KO/CO/SI/IY/TO, which it reads, and the
/// [`DPC_RECORDS`], which mark a DPC receipt): the reader's fast path counts their bytes
/// when they are plain ASCII (a test keeps the list in step with `feed`).
pub(super) const PASSIVE_RECORDS: &[[u8; 2]] = &[
    *b"SN", *b"JD", *b"MF", *b"GR", *b"SY", *b"SJ", *b"KH", *b"RC", *b"EX", *b"JY", *b"MN", *b"NI",
    *b"TR", *b"TS", *b"RO",
];

/// Record IDs only 歯科 files have (記録条件仕様（歯科用）: SS 歯科診療行為レコード, HS 傷病名部位レコード;
/// UK 受付情報 in the R08 歯科 schema, ../shared/docs/UKE_LAYOUT.md): a 歯科 file is refused, not
/// read as 医科.
pub const DENTAL_RECORDS: &[&str] = &["HS", "SS", "UK"];

/// Record IDs only DPC (診断群分類別包括評価) receipts have (../shared/docs/UKE_LAYOUT.md: "in DPC
/// files BU/SB/KK/GA/HH/GT/CD/SK"). A receipt with one of them is read, but not recalculated:
/// DPC is out of santei's scope ([`Receipt::dpc`]).
pub const DPC_RECORDS: &[&str] = &["BU", "SB", "KK", "GA", "HH", "GT", "CD", "SK"];

/// The fields of RE that [`Builder::start`] reads: 0 to 18 (the last one [`dpc_group`]'s). When
/// records are not kept, the reader splits no further (a test reads RE records of every length
/// both ways).
pub(super) const RE_FIELDS_READ: usize = 19;

/// A DPC file's RE carries the レセプト総括区分 (記録条件仕様（DPC用） 別表15: 0 総括対象外, 1 総括,
/// 2 総括対象DPC, 3 総括対象医科) where the 医科 RE has its 検索番号 (index 18, N30; blank in
/// the 医科 samples of ../shared/uke). A single digit 1–3 there marks a receipt of a DPC 総括
/// group: the 総括 receipt and its 出来高 (総括対象医科) parts carry no DPC record of their own
/// (../shared/uke/receparser/dpcsample.csv, lines 327, 995, 1068, 1868, 2568, 3102) but are
/// DPC receipts all the same. (0, a single DPC receipt, has its DPC records.)
fn dpc_group(re: RecordRef<'_>) -> bool {
    // The reader splits RE no further when records are not kept.
    const { assert!(18 < RE_FIELDS_READ) };
    matches!(trim_field(re.get(18)), "1" | "2" | "3")
}

/// The SI/IY/TO lines (record ID `id`): their kind and the index of their 算定日 1, the first of
/// the 31 that end the record (../shared/docs/UKE_LAYOUT.md: SI/IY 13–43, TO 17–47). `None` for
/// any other record.
#[inline(always)]
pub(super) fn line_layout(id: &[u8]) -> Option<(LineKind, usize)> {
    match id {
        b"SI" => Some((LineKind::Procedure, 13)),
        b"IY" => Some((LineKind::Drug, 13)),
        b"TO" => Some((LineKind::Material, 17)),
        _ => None,
    }
}

/// Too few fields (a field the reader needs is missing) or more than the layout has: the record
/// is malformed (its receipt is reported with the line, and reading goes on). Trailing empty
/// fields may be left out, as some writers do.
fn check_field_count(c: &Ctx<'_>, rec: RecordRef<'_>) -> Result<(), UkeError> {
    let (min, max, needed) = match (rec.id(), line_layout(rec.id().as_bytes())) {
        // 7 = up to 回数; then up to 算定日 31 (SI/IY 44 fields, TO 48).
        (_, Some((_, day0))) => (7, day0 + 31, "回数"),
        ("HO" | "KO", _) => (6, usize::MAX, "合計点数"),
        ("GO", _) => (3, 4, "総合計点数"),
        _ => return Ok(()),
    };
    let n = rec.len();
    if n < min {
        return Err(c.err(
            rec,
            n,
            "missing",
            format!(
                "{} has {n} field(s); at least {min} are needed (up to field {} {needed})",
                rec.id(),
                min - 1
            ),
        ));
    }
    if n > max {
        return Err(c.err(
            rec,
            max,
            "beyond the layout",
            format!(
                "{} has {n} fields; the 記録条件仕様（医科用） defines {max}",
                rec.id()
            ),
        ));
    }
    Ok(())
}

pub(super) fn parse_go(file: &str, rec: RecordRef<'_>) -> Result<Go, UkeError> {
    let c = Ctx { file };
    check_field_count(&c, rec)?;
    Ok(Go {
        line: rec.line,
        total_cases: c.opt_int(rec, 1, "総件数")?,
        total_points: c.opt_int(rec, 2, "総合計点数")?,
        volume: rec.get(3).to_owned(),
        // keep the record itself out: GO has no other content
    })
}

/// A receipt being read: each record is parsed as it arrives (while it is still in the cache),
/// the first error wins.
pub(super) struct Builder {
    /// Boxed from the start (it is yielded boxed): the builder moves as a pointer, not as the
    /// receipt's ~400 bytes, and a receipt given back ([`UkeReader::recycle`](super::UkeReader::recycle))
    /// is built again in its box and buffers.
    pub(super) receipt: Box<Receipt>,
    /// Index in `receipt.units` of the unit still open (no record with 点数 yet).
    pub(super) current: Option<usize>,
    /// The units of the receipt so far: the first `units` of `receipt.units`. Those after them
    /// are the units of the receipt given back ([`UkeReader::recycle`](super::UkeReader::recycle)),
    /// each rewritten in place when a unit opens ([`Builder::push_line`]) and the rest dropped by
    /// [`Builder::finish`].
    pub(super) units: usize,
    pub(super) section: Option<u8>,
    /// The 保険者番号 text of the recycled receipt's HO: the HO fast path writes the new one in
    /// its buffer ([`Builder::feed_insurance_fast`]).
    pub(super) spare_insurer: String,
}

impl Builder {
    /// From the RE record, in `spare` (a receipt read before, given back) when there is one.
    /// An error past the レセプト番号 carries it ([`UkeError::receipt`]): the reader reports the
    /// receipt by it and reads it nowhere else.
    pub(super) fn start(
        file: &str,
        re: RecordRef<'_>,
        spare: Option<Box<Receipt>>,
    ) -> Result<Builder, UkeError> {
        let c = Ctx { file };
        let number = c.req_int(re, 1, "レセプト番号")?;
        let err = |i, name, message| UkeError {
            receipt: Some(number),
            ..c.err(re, i, name, message)
        };
        let kind = trim_field(re.get(2));
        if kind.len() != 4 || !kind.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err(2, "レセプト種別", format!("`{kind}` is not 4 digits")));
        }
        let month = YearMonth::parse(trim_field(re.get(3))).ok_or_else(|| {
            err(
                3,
                "診療年月",
                format!("`{}` is neither YYYYMM nor GYYMM", re.get(3)),
            )
        })?;
        let dpc = dpc_group(re).then(|| (re.line, "RE".to_owned()));
        let sex = trim_field(re.get(5)).parse().unwrap_or(0);
        let birth = parse_date(trim_field(re.get(6)));
        let admission = parse_date(trim_field(re.get(8)));
        let mut spare_insurer = String::new();
        let receipt = match spare {
            Some(mut r) => {
                // Every field set again (no `..`: a field added to `Receipt` must be set here
                // too); the buffers keep their capacity.
                let Receipt {
                    line: r_line,
                    number: r_number,
                    kind: r_kind,
                    month: r_month,
                    sex: r_sex,
                    birth: r_birth,
                    admission: r_admission,
                    insurance,
                    later_insurance,
                    publics,
                    // Kept: rewritten in place as units open (`push_line`), the rest dropped
                    // when the receipt is done (`finish`).
                    units: _,
                    records,
                    unknown_records,
                    first_unknown,
                    dpc: r_dpc,
                } = &mut *r;
                *r_line = re.line;
                *r_number = number;
                r_kind.clear();
                r_kind.push_str(kind);
                *r_month = month;
                *r_sex = sex;
                *r_birth = birth;
                *r_admission = admission;
                spare_insurer = insurance.take().map(|h| h.insurer).unwrap_or_default();
                later_insurance.clear();
                publics.clear();
                *records = Records::default();
                *unknown_records = 0;
                *first_unknown = None;
                *r_dpc = dpc;
                r
            }
            None => Box::new(Receipt {
                line: re.line,
                number,
                kind: kind.to_owned(),
                month,
                sex,
                birth,
                admission,
                insurance: None,
                later_insurance: Vec::new(),
                publics: Vec::new(),
                // A typical 外来 receipt has 10–20 units: start there instead of growing 4 times.
                units: Vec::with_capacity(16),
                records: Records::default(),
                unknown_records: 0,
                first_unknown: None,
                dpc,
            }),
        };
        Ok(Builder {
            receipt,
            current: None,
            units: 0,
            section: None,
            spare_insurer,
        })
    }

    pub(super) fn feed(&mut self, file: &str, rec: RecordRef<'_>) -> Result<(), UkeError> {
        let c = Ctx { file };
        check_field_count(&c, rec)?;
        if let Some((kind, day0)) = line_layout(rec.id().as_bytes()) {
            return self.feed_line(&c, rec, kind, day0);
        }
        let r = &mut self.receipt;
        match rec.id() {
            "HO" => {
                let ho = Insurance {
                    line: rec.line,
                    insurer: trim_field(rec.get(1)).to_owned(),
                    days: c.opt_int(rec, 4, "診療実日数")?,
                    points: c.opt_int(rec, 5, "合計点数")?,
                    meal_count: c.opt_int(rec, 7, "食事療養回数")?,
                    meal_yen: c.opt_int(rec, 8, "食事療養合計金額")?,
                    burden_yen: c.opt_int(rec, 11, "負担金額")?,
                };
                self.add_insurance(ho);
            }
            "KO" => r.publics.push(PublicExpense {
                line: rec.line,
                payer: trim_field(rec.get(1)).to_owned(),
                recipient: trim_field(rec.get(2)).to_owned(),
                days: c.opt_int(rec, 4, "診療実日数")?,
                points: c.opt_int(rec, 5, "合計点数")?,
                burden_yen: c.opt_int(rec, 6, "負担金額")?,
            }),
            "CO" => {
                if let Some(s) = c.opt_int::<u8>(rec, 1, "診療識別")? {
                    self.section = Some(s);
                }
            }
            id if DENTAL_RECORDS.contains(&id) => {
                return Err(c.err(
                    rec,
                    0,
                    "レコード識別情報",
                    format!(
                        "`{id}` is a 歯科 record: santei recalculates 医科 files (IR 点数表 1) only"
                    ),
                ));
            }
            id if DPC_RECORDS.contains(&id) => {
                if r.dpc.is_none() {
                    r.dpc = Some((rec.line, id.to_owned()));
                }
            }
            id if KNOWN_RECORDS.contains(&id) => {}
            id => {
                r.unknown_records += 1;
                if r.first_unknown.is_none() {
                    r.first_unknown = Some((rec.line, id.to_owned()));
                }
            }
        }
        Ok(())
    }

    /// An HO record read. The payer-side variant repeats HO at the end of some receipts; the
    /// first is the claim, later ones are kept in `later_insurance`.
    pub(super) fn add_insurance(&mut self, ho: Insurance) {
        let r = &mut self.receipt;
        if r.insurance.is_none() {
            r.insurance = Some(ho);
        } else {
            r.later_insurance.push(ho);
        }
    }

    /// An SI/IY/TO line ([`line_layout`]): parsed and added to the receipt ([`Builder::push_line`]).
    fn feed_line(
        &mut self,
        c: &Ctx<'_>,
        rec: RecordRef<'_>,
        kind: LineKind,
        day0: usize,
    ) -> Result<(), UkeError> {
        if let Some(s) = c.opt_int::<u8>(rec, 1, FIELD_NAMES_SI[1])? {
            self.section = Some(s);
        }
        let Some(sec) = self.section else {
            return Err(c.err(
                rec,
                1,
                FIELD_NAMES_SI[1],
                "blank on the first line of the receipt".into(),
            ));
        };
        let mut days = DayCounts::default();
        for d in 0..31u8 {
            let i = day0 + d as usize;
            if rec.is_blank(i) {
                continue;
            }
            if let Some(n) = c.opt_int::<u16>(rec, i, "算定日")? {
                days.set(d + 1, n);
            }
        }
        let burden = {
            let b = trim_field(rec.get(2));
            let mut chars = b.chars();
            match (chars.next(), chars.next()) {
                (None, _) => Burden(' '),
                (Some(ch), None) => Burden(ch),
                _ => {
                    return Err(c.err(
                        rec,
                        2,
                        FIELD_NAMES_SI[2],
                        format!("`{b}` is not one character"),
                    ));
                }
            }
        };
        let l = Line {
            kind,
            line: rec.line,
            section: sec,
            burden,
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
        self.push_line(l);
        Ok(())
    }

    /// Adds a parsed SI/IY/TO line to the current 算定単位; the line carrying the 点数 closes it.
    /// A unit is placed in the receipt when it opens, built around its first line (most units
    /// are that one line), and later lines are added where it is. Inlined into the fast path,
    /// where the line is built in place.
    #[inline(always)]
    pub(super) fn push_line(&mut self, l: Line) {
        let r = &mut self.receipt;
        let sec = l.section;
        self.section = Some(sec);
        // A change of 診療識別 closes an incomplete unit.
        if self.current.is_some_and(|i| r.units[i].section != sec) {
            self.current = None;
        }
        let done = l.points.is_some();
        match self.current {
            Some(i) => {
                let u = &mut r.units[i];
                u.points = l.points;
                u.count = l.count;
                // A unit of several lines (one 剤, or a 包括 検査 group: its 点数 on the last line
                // only, ../shared/docs/UKE_LAYOUT.md) is most often a 検体検査 まるめ (D007 and the
                // like) of 5–10 lines (in a file of 10,000 receipts from benches' `gen_uke`: 13,900 such units
                // against 114,000 of one line): room for 8 when the second line comes saves the
                // reallocations of growing 2 → 4 → 8 (a measured choice, not a limit of the
                // layout: a larger unit still grows).
                if u.lines.len() == 1 {
                    u.lines.reserve_exact(7);
                }
                u.lines.push(l);
            }
            None => {
                let n = self.units;
                match r.units.get_mut(n) {
                    // A unit of the receipt given back ([`Builder::units`]): written over where
                    // it is, its first line too (one copy of the line). A push copied the line,
                    // then the unit, into place, with a `memcpy` call each (callgrind of `santei recalc --jobs 1` on
                    // 10,000 receipts of benches' `gen_uke`: 44,062 → 43,530 instructions per
                    // receipt). Its other lines are dropped; a spilled buffer is kept for the
                    // lines to come.
                    Some(u) => {
                        u.section = sec;
                        u.points = l.points;
                        u.count = l.count;
                        u.lines.truncate(1);
                        match u.lines.first_mut() {
                            Some(first) => *first = l,
                            None => u.lines.push(l),
                        }
                    }
                    None => r.units.push(Unit {
                        section: sec,
                        points: l.points,
                        count: l.count,
                        lines: smallvec::SmallVec::from_buf([l]),
                    }),
                }
                self.units = n + 1;
                self.current = Some(n);
            }
        }
        if done {
            self.current = None;
        }
    }

    pub(super) fn finish(mut self, records: Records) -> Box<Receipt> {
        // The units of the receipt given back that were not written over.
        self.receipt.units.truncate(self.units);
        self.receipt.records = records;
        self.receipt
    }
}
