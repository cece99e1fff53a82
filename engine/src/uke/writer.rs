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

mod records;

pub use records::receipt_kind;
use records::*;

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
