use super::*;
use crate::masters::Date;

fn read(bytes: &[u8]) -> Vec<Result<Item, UkeError>> {
    UkeReader::new(bytes, "t.UKE", Encoding::Utf8).collect()
}

/// The fast path's items (records not kept), the input read through a buffer of `cap` bytes (at
/// most 64 KiB; small ones make lines cross the buffer).
fn read_fast(bytes: &[u8], cap: usize) -> Vec<Result<Item, UkeError>> {
    let input = std::io::BufReader::with_capacity(cap.min(1 << 16), bytes);
    UkeReader::new(input, "t.UKE", Encoding::Utf8)
        .keep_records(false)
        .collect()
}

/// The items with each receipt's records dropped: what the fast path (records not kept) gives.
fn without_records(
    items: impl IntoIterator<Item = Result<Item, UkeError>>,
) -> Vec<Result<Item, UkeError>> {
    items
        .into_iter()
        .map(|item| match item {
            Ok(Item::Receipt(mut r)) => {
                r.records = Records::default();
                Ok(Item::Receipt(r))
            }
            other => other,
        })
        .collect()
}

/// The general reader's items of `text` (records dropped), after asserting that the fast path
/// reads the same through a whole buffer and through reads of 64 bytes (lines cross the buffer).
fn general_as_fast(text: &str) -> Vec<Result<Item, UkeError>> {
    let general = without_records(read(text.as_bytes()));
    for cap in [usize::MAX, 64] {
        let fast = read_fast(text.as_bytes(), cap);
        assert_eq!(
            format!("{fast:#?}"),
            format!("{general:#?}"),
            "buffer {cap}"
        );
    }
    general
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

/// A receipt ending in a GO, then one whose last line (an SI the fast path reads) has no line
/// feed.
const BODY: &str = "IR,1,13,1,1234567,,医院,202111,00,\n\
    RE,1,1112,202110,氏名,1,19800101,,,,,,,,\n\
    HO,  138057,記号,番号,1,161,,,,,,,,,\n\
    SI,60,1,160068410,,,1,,,,,,,1\n\
    SI,,1,160093810,,88,1,,,,,,,1\n\
    SI,12,1,112007410,,73,2,,,,,,,1,,1\n\
    GO,1,161,99\n\
    RE,2,1112,202110,氏名,1,19800101,,,,,,,,\n\
    HO,  138057,記号,番号,1,73,,,,,,,,,\n\
    SI,12,1,112007410,,73,1,,,,,,,1";

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
    let crlf = BODY.replace('\n', "\r\n");
    let variants = [
        BODY.to_owned(),
        crlf.clone(),
        // The EOF mark (../shared/docs/UKE_LAYOUT.md) on a line of its own after the last line
        // feed, or right after the last line.
        crlf + "\r\n\u{1a}",
        format!("{BODY}\u{1a}"),
    ];
    let lf = read(BODY.as_bytes());
    let no_records = without_records(lf.iter().cloned());
    for text in &variants {
        assert_eq!(read(text.as_bytes()), lf, "{text:?}");
        // The fast path (records not kept), from one buffer and from reads of 16 bytes (lines
        // cross the buffer, the last one is read without a line feed).
        for cap in [usize::MAX, 16] {
            let fast = read_fast(text.as_bytes(), cap);
            // As debug text, as the other fast-path tests compare: `Decimal`'s `==` takes 1.5
            // and 1.50 as equal, its text does not.
            assert_eq!(
                format!("{fast:#?}"),
                format!("{no_records:#?}"),
                "{text:?}, buffer {cap}"
            );
        }
    }
    assert_eq!(lf.len(), 4, "{lf:?}");
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
    assert_eq!(
        r.units[1].lines[0].days.iter().collect::<Vec<_>>(),
        vec![(1, 1), (3, 1)]
    );
    assert!(matches!(
        &lf[2],
        Ok(Item::Totals(Go {
            total_cases: Some(1),
            total_points: Some(161),
            ..
        }))
    ));
    let r = receipts(&lf)[1];
    assert_eq!((r.number, r.units.len()), (2, 1));
    assert_eq!(r.units[0].lines[0].line, 10);
    assert_eq!(r.records.iter().last().map(|x| x.line), Some(10));
}

/// A line the fast path refuses is offered to it once when it is whole in the reader's buffer
/// (not again as a raw line, [`fast::TRIES`]) and read the general way once: the same receipts,
/// errors and line numbers as with records kept. A CR inside a field is data: the fast path reads
/// a コメント with one, and refuses a 回数 with one (the general reader reports it).
#[test]
fn a_refused_line_is_offered_once_and_read_the_general_way() {
    let text = "RE,1,1112,202110,a,1,19800101\n\
        HO,06132013,1,1,1,73\n\
        SI,11,1,111000110,,288,1,820100001,あ,,,,,1\n\
        SI,11,1,111000110,,288,1,,\"x\",,,,,1\r\n\
        SI,11,1,111000110,,288,1,,,,,,,12345\n\
        SI,11,1,111000110,,288,1,,a\rb,,,,,1\n\
        SI,11,1,111000110,,288,1,,,,,,,1\n\
        RE,2,1112,202110,b,1,19800101\n\
        SI,11,1,111000110,,288,1\r2,,,,,,,1\n\
        SI,11,1,111000110,,288,1\n\
        RE,3,1112,202110,c,1,19800101\n\
        SI,11,1,111000110,,x288,1\r\n\
        SI,11,1,111000110,,288,1";
    let general = without_records(read(text.as_bytes()));
    let r = receipts(&general);
    assert_eq!(r.len(), 1);
    let lines: Vec<_> = r[0].units.iter().map(|u| u.lines[0].line).collect();
    assert_eq!(lines, [3, 4, 5, 6, 7]);
    assert_eq!(r[0].units[2].lines[0].days.get(1), 12345);
    let errors: Vec<_> = general
        .iter()
        .filter_map(|i| i.as_ref().err())
        .map(|e| (e.line, e.receipt, e.field.as_deref()))
        .collect();
    assert_eq!(
        errors,
        [
            (9, Some(2), Some("SI field 6 (回数)")),
            (12, Some(3), Some("SI field 5 (点数)"))
        ]
    );
    // Every SI line up to a receipt's error is offered: seven, once each from one buffer. From
    // reads of 16 bytes no line is whole in the buffer: each is offered again as a raw line
    // (not from the buffer when it holds less than the record ID and its comma): 13 offers, a
    // fixed count (the reads are deterministic), so a line offered once more fails.
    for (cap, tries) in [(usize::MAX, 7), (16, 13)] {
        fast::TRIES.with(|t| t.set(0));
        let fast = read_fast(text.as_bytes(), cap);
        assert_eq!(
            format!("{fast:#?}"),
            format!("{general:#?}"),
            "buffer {cap}"
        );
        let offered = fast::TRIES.with(|t| t.get());
        assert_eq!(offered, tries, "buffer {cap}");
    }
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

/// The fast SI/IY/TO path (records not kept) and the general one (records kept) read every
/// record shape the same: same receipts, same errors, same line numbers.
#[test]
fn fast_path_reads_as_the_general_reader() {
    let sections = ["11", "", " 11", "011", "256", "99", "x", "1", "1a"];
    let burdens = ["1", "", " ", "12", "E", "\"", "１"];
    let codes = ["112007410", "", "1234567890", "00000001", "-1", "11200741a"];
    let quantities = [
        "",
        "1",
        "1.50",
        "0.0",
        ".5",
        "5.",
        "1.2.3",
        " 2",
        "1234567890123456789",
        "7",
        "12",
        "a",
    ];
    let points = [
        "",
        "73",
        "-5",
        "0",
        "999999999999999999",
        "1e3",
        "7",
        "100",
        "7a",
    ];
    let counts = ["1", "", "4294967296", "2 ", "12", "123", "1x"];
    let tails = [
        ",,,,,,,1",
        ",,,,,,,0,,2,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,",
        ",,,,,,,65536",
        ",,,,,,,1\x1a",
        ",820000001,コメント,,,,,1",
        ",,,,,,,1,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,extra,\"q,\"",
        ",,\"a,b\",,,,,1",
        "",
        // 算定日 31 (SI/IY), then the same with a field after it; five digits; commas only.
        ",,,,,,,1,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,2",
        ",,,,,,,1,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,2,",
        ",,,,,,,,,,,,,,,12345,,,,,,,,9999",
        ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,",
        // Carriage returns that do not end the line (before the line's own end), a line that
        // ends in a コメント field or right after the first 算定日's comma.
        ",,,,,,,1\r",
        ",,,,,,,1\r,2",
        ",,,,,,,\r",
        ",abc",
        ",,,,,,,",
        // One-digit counts at every place of an eight-byte load (read from the load), before
        // a line end, a second digit, a CR or another byte; 31 counts, and 32.
        ",,,,,,,0,1,2,,3,,,4,,,,5,,,,,6,,,,,,7,,,,,,,8,,9",
        ",,,,,,,,,,,,,,1,,,,,,,1,,,,,,,,1,,,,,,,,,12,,,,,1",
        ",,,,,,,1,,,,,,2\r,,3",
        ",,,,,,,1,,,,,,2a,,3",
        ",,,,,,,1,2,3,4,5,6,7,8,9,1,2,3,4,5,6,7,8,9,1,2,3,4,5,6,7,8,9,1,2,3,4",
        ",,,,,,,1,2,3,4,5,6,7,8,9,1,2,3,4,5,6,7,8,9,1,2,3,4,5,6,7,8,9,1,2,3,4,5",
    ];
    let passive = [
        "SY,8833421,20240722,1,,,01,",
        "SY,8833421,20240722,1,,,01,\u{1a}",
        "SY,\"a,b\",1",
        "SY,\"open",
        "SY,傷病名,1",
        "SJ,1",
        "RO,",
        "BU,1",
        "SS,1",
        "XX,1",
        "SY",
        "sy,1",
        "CO,11,1,820000001",
    ];
    let mut text = String::from("RE,1,1112,202110,a,1,19800101\nHO,06132013,1,1,1,73\n");
    // A fixed mix of every variant with every other (SplitMix64-style hash of line and field).
    let pick = |k: usize, field: usize, len: usize| {
        let mut x = (k as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (field as u64) << 32;
        x ^= x >> 31;
        x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x ^= x >> 29;
        // The first variant (valid) most of the time, so that receipts get through.
        if x % 100 < 93 {
            0
        } else {
            (x / 100 % len as u64) as usize
        }
    };
    for k in 0..3000usize {
        if k % 4 == 0 {
            text.push_str(&format!("RE,{},1112,202110,b,1,19800101\n", k + 2));
        }
        let id = ["SI", "IY", "TO"][k % 3];
        let mut line = format!(
            "{id},{},{},{},{},{},{}",
            sections[pick(k, 0, sections.len())],
            burdens[pick(k, 1, burdens.len())],
            codes[pick(k, 2, codes.len())],
            quantities[pick(k, 3, quantities.len())],
            points[pick(k, 4, points.len())],
            counts[pick(k, 5, counts.len())],
        );
        if id == "TO" {
            line.push_str(&format!(
                ",,{},,,,,,,,",
                quantities[pick(k, 6, quantities.len())]
            ));
        }
        line.push_str(tails[pick(k, 7, tails.len())]);
        text.push_str(&line);
        text.push_str(if k % 5 == 0 { "\r\n" } else { "\n" });
        // Records the fast path counts past (SY …) and their look-alikes, between the lines.
        if k % 7 == 3 {
            text.push_str(passive[pick(k, 8, passive.len())]);
            text.push('\n');
        }
    }
    text.push_str("GO,1,1,99\n");
    let general = general_as_fast(&text);
    let ok = receipts(&general);
    let units: usize = ok.iter().map(|r| r.units.len()).sum();
    let errors = general.iter().filter(|i| i.is_err()).count();
    assert!(
        units > 20 && errors > 5,
        "{units} units, {errors} errors: both paths exercised"
    );
    // And the fast path does take the plain lines (the comparison above is not vacuous).
    let rec = re_record();
    let mut b = Builder::start("t", rec.as_ref(), None).unwrap();
    assert!(b.feed_fast(b"SI,11,1,111000110,,288,1,,,,,,,1", 2));
    assert!(b.feed_fast(b"TO,40,1,700590000,1.5,12,1,,650,,,,,,,,,1", 3));
    assert!(!b.feed_fast(b"SI,11,1,111000110,,288,1,820100001,\xe3\x81\x82,,,,,1", 4));
    // The shapes read without the field loops: a blank 診療識別, a one-character 負担区分,
    // a one-digit 使用量, two-digit 点数 and a one-digit 回数 (each before its comma).
    assert!(b.feed_fast(b"IY,,E,620004416,2,12,7,,,,,,,1", 5));
    assert_eq!(b.receipt.units.len(), 3);
    let l = &b.receipt.units[2].lines[0];
    assert_eq!(
        (l.section, l.burden, l.quantity, l.points, l.count),
        (
            40,
            Burden('E'),
            Some(rust_decimal::Decimal::from(2)),
            Some(12),
            7
        )
    );
}

/// From the reader's buffer, the fast path finds the end of the line itself: `\n` or `\r\n`
/// after the line, nothing read past it; a line not whole in the buffer (no `\n` yet, or a `\r`
/// whose `\n` is not read), a line longer than the reader allows, or one ending where the
/// general reader must look, is refused and changes nothing.
#[test]
fn fast_path_finds_the_end_of_the_line_in_a_buffer() {
    let rec = re_record();
    let mut b = Builder::start("t", rec.as_ref(), None).unwrap();
    let line = b"SI,11,1,111000110,,288,1,,,,,,,1";
    let n = line.len();
    let with = |tail: &[u8]| [&line[..], tail].concat();
    for (tail, want) in [
        (
            &b"\nSI,11,1,111000110,,288,1,,,,,,,2\n"[..],
            Some((n, n + 1)),
        ),
        (b"\r\nRE,2", Some((n, n + 2))),
        (b"\n", Some((n, n + 1))),
        (b"", None),
        (b"\r", None),
        (b"\r\r\n", None),
        (b"\rx\n", None),
        // A fifth digit on the day.
        (b"2345\n", None),
        (b"\x1a\n", None),
    ] {
        let units = b.receipt.units.len();
        let got = b.feed_fast_buffered(&with(tail), 2, usize::MAX);
        assert_eq!(got, want, "{tail:?}");
        assert_eq!(b.receipt.units.len(), units + usize::from(want.is_some()));
    }
    // The reader's caps on the length of the line.
    assert_eq!(b.feed_fast_buffered(&with(b"\n"), 2, n - 1), None);
    assert_eq!(b.feed_fast_buffered(&with(b"\n"), 2, n), Some((n, n + 1)));
    // Lines that end before the 算定日 (writers that leave out trailing empty fields) are read
    // as the raw line is: the fields after the end are empty. Not in a field the fast path
    // needs (コード, 回数), nor while the line is not whole in the buffer.
    for (text, ok) in [
        (
            &b"SI,11,1,111000110,,288,1\nSI,11,1,111000110,,288,1,,,,,,,2\n"[..],
            true,
        ),
        (b"SI,11,1,111000110,,288,1\r\n", true),
        (b"SI,11,1,111000110,,288,1,abc\n", true),
        // A CR that does not end the line is data, here in a コメント.
        (b"SI,11,1,111000110,,288,1,,a\rb,,,,,1\n", true),
        (b"TO,40,1,700590000,1.5,12,1,,650\n", true),
        (b"TO,40,1,700590000,1.5,12,1,,650\r\n", true),
        (b"TO,40,1,700590000,1.5,12,1\n", true),
        (b"SI,11,1,111000110,,288\n", false),
        (b"SI,11,1\n", false),
        (b"SI,11,1,111000110,,288,1", false),
        (b"SI,11,1,111000110,,288,1\r", false),
        (b"SI,11,1,111000110,,288,1,abc", false),
    ] {
        let raw = text.split(|&c| c == b'\n').next().unwrap_or_default();
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let got = b.feed_fast_buffered(text, 2, usize::MAX);
        let want = ok.then(|| {
            (
                raw.len(),
                raw.len() + usize::from(text[raw.len()] == b'\r') + 1,
            )
        });
        assert_eq!(got, want, "{text:?}");
        if ok {
            assert!(b.feed_fast(raw, 2), "{text:?}");
        }
    }
}

/// [`PASSIVE_RECORDS`](parse::PASSIVE_RECORDS) are the known records [`Builder::feed`] reads
/// past: feeding one changes nothing, and every other known record (but RE, IR, GO) does.
#[test]
fn passive_records_are_those_feed_reads_past() {
    let rec = re_record();
    let start = Builder::start("t", rec.as_ref(), None).unwrap();
    let before = format!("{:?}", (&start.receipt, start.section, start.current));
    for id in parse::KNOWN_RECORDS
        .iter()
        .filter(|id| !matches!(**id, "RE" | "IR" | "GO"))
    {
        let mut b = Builder::start("t", rec.as_ref(), None).unwrap();
        let mut r = Record::default();
        let line = format!("{id},11,1,112007410,1,1,1,1,1,1,1,1,1,1");
        assert!(load_record(&mut r, line.as_bytes(), 2, Encoding::Utf8, "t", usize::MAX).unwrap());
        let fed = b.feed("t", r.as_ref());
        let same = fed.is_ok() && format!("{:?}", (&b.receipt, b.section, b.current)) == before;
        let listed = parse::PASSIVE_RECORDS.contains(&<[u8; 2]>::try_from(id.as_bytes()).unwrap());
        assert_eq!(same, listed, "{id}");
        assert_eq!(passive(line.as_bytes()), listed, "{id}");
    }
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

/// A loaded RE record (UTF-8) that starts a receipt.
fn re_record() -> Record {
    let mut rec = Record::default();
    assert!(
        load_record(
            &mut rec,
            b"RE,1,1112,202110,a,1,19800101",
            1,
            Encoding::Utf8,
            "t",
            usize::MAX
        )
        .unwrap()
    );
    rec
}

/// The field split of unquoted records (eight bytes at a time) against a plain split on `,`:
/// commas at every offset of a word, runs of them, a `-` after a comma (the byte a borrow-based
/// zero test would mistake), non-ASCII text and records shorter than a word.
#[test]
fn field_split_matches_a_plain_split() {
    let samples = [
        "",
        ",",
        "a",
        "SI,12,1,112007410,,75,2,,,,,,,,,,,,,,,,,,,,,,,,,,,,1,,,,1,,,,,",
        "RE,1,1112,202407,吉田　陽子,2,19551213,,,,,,,28551,,-1,-,,--,ヨシダ ヨウコ,",
        ",,,,,,,,,,,,,,,,,",
        "1234567,",
        "12345678,",
        ",-,-,-,-,-,-,-,-,-",
        "é,ü,日本,,x",
    ];
    let mut cases: Vec<String> = samples.iter().map(|s| s.to_string()).collect();
    for k in 0..20 {
        cases.push(format!("{}{}", "x".repeat(k), ",-,,"));
        cases.push(format!("{}{}", ",".repeat(k), "y"));
    }
    let mut spans = Vec::new();
    for text in &cases {
        // Whole, and cut after each number of fields (RE when records are not kept).
        for max in (1..=40).chain([usize::MAX]) {
            split_fields(text, &mut spans, "t", max).unwrap();
            let got: Vec<&str> = spans
                .iter()
                .map(|&(a, b)| &text[a as usize..b as usize])
                .collect();
            let want: Vec<&str> = text.split(',').take(max).collect();
            assert_eq!(got, want, "{text:?} {max}");
        }
    }
}

mod records;
