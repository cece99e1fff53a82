//! The reader's RE and HO records, dates and recycled receipts: the fast and cut readings of
//! RE and HO against the general reader, and the one-pass date parsing against `str::parse`.

use super::*;

/// RE is split only up to the fields `Builder::start` reads when records are not kept
/// ([`parse::RE_FIELDS_READ`]): RE records of every length, with each read field bad or in its
/// place (a DPC 総括区分 in field 18, text and a quoted field after it), read the same both
/// ways.
#[test]
fn a_cut_re_reads_as_a_whole_one() {
    let mut text = String::new();
    let fields = [
        "RE",
        "1",
        "1112",
        "202110",
        "吉田",
        "2",
        "19551213",
        "",
        "20241001",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "2",
        "x",
        "",
        "",
        "ヨシダ",
        "",
        "\"q,\"",
        "",
    ];
    let mut n = 0;
    for len in 1..=fields.len() {
        for bad in [None, Some(1), Some(2), Some(3), Some(6), Some(18), Some(19)] {
            n += 1;
            let mut f: Vec<String> = fields[..len].iter().map(|s| s.to_string()).collect();
            if len > 1 {
                f[1] = n.to_string();
            }
            if let Some(b) = bad.filter(|&b| b < len) {
                f[b] = "x".to_string();
            }
            text.push_str(&f.join(","));
            text.push_str("\nHO,06132013,1,1,1,73\nSI,12,1,112007410,,73,1\n");
        }
    }
    text.push_str("RE,999,1112,202110,b,1,19800101,,,,,,,,,,,,1,,,");
    let general = general_as_fast(&text);
    let errors = general.iter().filter(|i| i.is_err()).count();
    let dpc = receipts(&general)
        .iter()
        .filter(|r| r.dpc.is_some())
        .count();
    assert!(errors > 20 && dpc > 5, "{errors} errors, {dpc} DPC");
}

/// `trim_field` trims as `str::trim`: ASCII and full-width spaces, tabs, NEL and no-break space
/// (whitespace outside ASCII), non-ASCII text at either end, empty and one-character fields.
#[test]
fn trim_field_is_str_trim() {
    for s in [
        "",
        " ",
        "1",
        " 1",
        "1 ",
        "\t12\t",
        "\u{3000}123\u{3000}",
        "123\u{3000}",
        "\u{85}1",
        "1\u{85}",
        "x\u{a0}",
        "吉田",
        " 吉田 ",
        "a b",
        ",",
        "\u{1a}1",
    ] {
        assert_eq!(super::model::trim_field(s), s.trim(), "{s:?}");
    }
}

/// A receipt given back ([`UkeReader::recycle`]) is built again in place: the same items as
/// without, whatever the receipt given back held (HO twice, KO, DPC, unknown records, records
/// kept or not, more units or fewer, units of many lines or one, an open unit at the end, an
/// error).
#[test]
fn a_recycled_receipt_reads_as_a_new_one() {
    let text = format!(
        "{BODY}\n\
        RE,3,1112,202110,c,1,19800101,,20211001,,,,,,,,,,1\n\
        HO,06132013,1,1,1,73\n\
        HO,06132013,1,1,1,74\n\
        KO,12345678,1234567,,1,73,0\n\
        BU,1\n\
        XX,1\n\
        SI,60,1,160068410,,,1,,,,,,,1\n\
        SI,,1,160093810,,88,1,,,,,,,1\n\
        RE,4,1111,202110,d,2,19800101\n\
        SI,12,1,112007410,,73,1,,,,,,,1\n\
        RE,5,1112,202110,e,1,19800101\n\
        SI,60,1,160000310,,,1,,,,,,,1\n\
        SI,,1,160000410,,,1,,,,,,,1\n\
        SI,,1,160000510,,,1,,,,,,,1\n\
        SI,,1,160000610,,,1,,,,,,,1\n\
        SI,,1,160000710,,,1,,,,,,,1\n\
        SI,,1,160000810,,,1,,,,,,,1\n\
        SI,,1,160000910,,,1,,,,,,,1\n\
        SI,,1,160001010,,,1,,,,,,,1\n\
        SI,,1,160001110,,,1,,,,,,,1\n\
        SI,,1,160001210,,120,1,,,,,,,1\n\
        SI,11,1,111000110,,288,1,,,,,,,1,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,2\n\
        IY,21,1,620004416,1,,56,,,,,,,,,,,,,,,,,,,,,,,,,,,,28\n\
        TO,40,1,700590000,1.5,12,1,,650,,,,,,,,,1\n\
        RE,6,1112,202110,f,1,19800101\n\
        SI,60,1,160000310,,,1,,,,,,,1\n\
        SI,,1,160000410,,33,1,,,,,,,1\n\
        SI,11,1,111000110,,288,1,,,,,,,1\n\
        SI,60,1,160000310,,,1,,,,,,,1\n\
        SI,,1,160000410,,,1,,,,,,,1\n\
        RE,7,1112,202110,g,1,19800101\n\
        SI,60,1,160000310,,,1,,,,,,,1\n\
        SI,,1,160000410,,,1,,,,,,,1\n\
        SI,,1,160000510,,,1,,,,,,,1\n\
        SI,,1,160000610,,,1,,,,,,,1\n\
        SI,,1,160000710,,,1,,,,,,,1\n\
        SI,,1,160000810,,,1,,,,,,,1\n\
        SI,,1,160000910,,,1,,,,,,,1\n\
        SI,,1,160001010,,,1,,,,,,,1\n\
        SI,,1,160001110,,,1,,,,,,,1\n\
        SI,,1,160001210,,,1,,,,,,,1\n\
        SI,,1,160001310,,x,1,,,,,,,1\n\
        SI,11,1,111000110,,288,1,,,,,,,1\n\
        RE,8,1112,202110,h,1,19800101\n\
        IY,21,1,620004416,1,,56,,,,,,,,,,,,,,,,,,,,,,,,,,,,28\n\
        RE,9,1112,202110,i,1,19800101\n\
        SI,60,1,160000310,,,1,,,,,,,1\n\
        SI,,1,160000410,,,1,,,,,,,1\n\
        RE,10,1112,202110,j,1,19800101\n"
    );
    for keep in [true, false] {
        let plain: Vec<_> = UkeReader::new(text.as_bytes(), "t.UKE", Encoding::Utf8)
            .keep_records(keep)
            .collect();
        let mut reader =
            UkeReader::new(text.as_bytes(), "t.UKE", Encoding::Utf8).keep_records(keep);
        let mut recycled = Vec::new();
        while let Some(item) = reader.next() {
            recycled.push(format!("{item:#?}"));
            if let Ok(Item::Receipt(r)) = item {
                reader.recycle(r);
            }
        }
        let plain: Vec<_> = plain.iter().map(|i| format!("{i:#?}")).collect();
        assert_eq!(recycled, plain, "records kept: {keep}");
        assert!(plain.len() >= 11, "{plain:?}");
    }
}

/// HO read by the fast path ([`Builder::feed_insurance_fast`]) as the general way reads it, or
/// refused: every shape of HO, first and repeated, in receipts read with records kept and not.
#[test]
fn insurance_fast_path_reads_as_the_general_reader() {
    let hos = [
        "HO,06132013,1,1,1,73",
        "HO,06364368,7940,404142,2,879,,,,,,,,,",
        "HO,  138057,a,b,1,161,,3,4500,,,120,,,",
        "HO,  138057,記号,番号,1,161,,,,,,,,,",
        "HO,06132013,1,1,1",
        "HO,06132013,1,1,x,73",
        "HO,06132013,1,1,1, 73",
        "HO,06132013,1,1,1,-73",
        "HO,06132013,1,1,4294967296,73",
        "HO,06132013,1,1,1234567890,73",
        "HO,06132013,1,1,123456789,73,,999999999,999999999999999999,,,999999999999999999",
        "HO,06132013,1,1,1,1234567890123456789,,,,,,1",
        "HO,06132013,1,1,1,73,,,,,,1234567890123456789012",
        "HO,\"061\",1,1,1,73",
        "HO,06132013,1,1,1,73,,,,,,,,,\u{1a}",
        "HO,06132013,1,1,1,73\r",
        "HO,06132013,1,1,1,73,,1\t,2",
        "HO,06132013,1,1,,,,   ,,,,  ,",
        "HO,,,,,",
        "HO,,,,,,",
        "HO",
        "HO,06132013,1,1,1,73,,,,,,+5",
    ];
    let mut text = String::new();
    for (k, ho) in hos.iter().enumerate() {
        for (j, second) in ["", "HO,06132013,1,1,2,74\n", hos[(k + 1) % hos.len()]]
            .iter()
            .enumerate()
        {
            text.push_str(&format!("RE,{},1112,202110,b,1,19800101\n", 3 * k + j + 1));
            text.push_str(ho);
            text.push('\n');
            if j == 2 {
                text.push_str(second);
                text.push('\n');
            } else {
                text.push_str(second);
            }
            text.push_str("SI,12,1,112007410,,73,1\n");
        }
    }
    text.push_str("GO,1,1,99\n");
    let general = general_as_fast(&text);
    // Each receipt given back: the next HO's 保険者番号 is written in the text of the one
    // before (`Builder::spare_insurer`), longer or shorter, trimmed or not.
    let mut reader = UkeReader::new(text.as_bytes(), "t.UKE", Encoding::Utf8).keep_records(false);
    let mut recycled = Vec::new();
    while let Some(item) = reader.next() {
        recycled.push(format!("{item:#?}"));
        if let Ok(Item::Receipt(r)) = item {
            reader.recycle(r);
        }
    }
    let plain: Vec<_> = general.iter().map(|i| format!("{i:#?}")).collect();
    assert_eq!(recycled, plain);
    let errors = general.iter().filter(|i| i.is_err()).count();
    let later: usize = receipts(&general)
        .iter()
        .map(|r| r.later_insurance.len())
        .sum();
    assert!(
        errors > 5 && later > 20,
        "{errors} errors, {later} later HO"
    );
    // And the fast path does take the plain ones (the comparison above is not vacuous).
    let rec = re_record();
    let mut b = Builder::start("t", rec.as_ref(), None).unwrap();
    assert!(b.feed_insurance_fast(b"HO,  138057,a,b,1,161,,3,4500,,,120,,,", 2));
    assert!(b.feed_insurance_fast(b"HO,06132013,1,1,1,73", 3));
    assert!(!b.feed_insurance_fast(b"HO,06132013,1,1,1, 73", 4));
    assert!(!b.feed_insurance_fast(b"HO,06132013,1,1,1", 5));
    let r = &b.receipt;
    assert_eq!(
        r.insurance.as_ref().map(|h| h.insurer.as_str()),
        Some("138057")
    );
    assert_eq!(r.later_insurance.len(), 1);
}

/// [`parse_date`] and [`YearMonth::parse`] read each part as the plain `str::parse` of it did.
#[test]
fn dates_parse_as_str_parse_does() {
    let era = |g: u32, yy: u32| -> Option<u32> {
        let base = [0, 1867, 1911, 1925, 1988, 2018].get(g as usize).copied()?;
        (base > 0 && yy >= 1).then_some(base + yy)
    };
    let old_date = |s: &str| -> Option<Date> {
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        match s.len() {
            8 => Date::from_ymd(
                s[..4].parse().ok()?,
                s[4..6].parse().ok()?,
                s[6..].parse().ok()?,
            ),
            7 => Date::from_ymd(
                era(s[..1].parse().ok()?, s[1..3].parse().ok()?)?,
                s[3..5].parse().ok()?,
                s[5..].parse().ok()?,
            ),
            _ => None,
        }
    };
    let old_month = |s: &str| -> Option<YearMonth> {
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let (year, month): (u32, u32) = match s.len() {
            6 => (s[..4].parse().ok()?, s[4..].parse().ok()?),
            5 => (
                era(s[..1].parse().ok()?, s[1..3].parse().ok()?)?,
                s[3..].parse().ok()?,
            ),
            _ => return None,
        };
        ((1..=12).contains(&month) && Date::from_ymd(year, month, 1).is_some())
            .then_some(YearMonth { year, month })
    };
    let mut cases: Vec<String> = [
        "",
        "1",
        "2024",
        "20240",
        "202407",
        "202413",
        "000001",
        "50310",
        "00310",
        "60310",
        "5031",
        "2024071",
        "20240731",
        "20240732",
        "20240229",
        "20230229",
        "19000229",
        "4010108",
        "4010107",
        "3640107",
        "0010101",
        "6010101",
        "5000101",
        "202407a",
        "２０２４０７",
        "2024-07",
        "+20407",
        " 202407",
        "202407 ",
        "99999999",
        "00000000",
        "123456789",
        "１２３",
        "20240७",
        "5\u{0}310",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Every era, year, month and day shape around the edges.
    for g in 0..7 {
        for yy in [0, 1, 31, 64, 99] {
            for mm in [0, 1, 2, 12, 13] {
                cases.push(format!("{g}{yy:02}{mm:02}"));
                for dd in [0, 1, 28, 29, 30, 31, 32] {
                    cases.push(format!("{g}{yy:02}{mm:02}{dd:02}"));
                    cases.push(format!("{}{mm:02}{dd:02}", 1999 + g * 7 + yy));
                }
            }
        }
    }
    for s in &cases {
        assert_eq!(parse_date(s), old_date(s), "{s:?}");
        assert_eq!(YearMonth::parse(s), old_month(s), "{s:?}");
    }
}
