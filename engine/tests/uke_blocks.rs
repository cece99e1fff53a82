//! Receipt-aligned blocks (engine/src/uke/blocks.rs): a file cut into blocks and each block
//! recalculated on its own, IR header in front, gives the reader's reports, one item per RE
//! record, with a malformed receipt in its place; a 歯科 file's receipts are refused, not lost.

use santei_engine::Engine;
use santei_engine::masters::{Encoding, MasterCatalog, MasterSet};
use santei_engine::uke::blocks::{self, BlockInput, BlockItem};
use santei_engine::uke::{Item, Recalculator, ReceiptReport, UkeReader};

const GAIRAI: &str = "uke/receiptisan/RECEIPTC_GAIRAI_SAMPLE.UKE";

/// Every item of every block of `bytes`, blocks of about `block_bytes`.
fn by_blocks(calc: &Recalculator<'_>, bytes: &[u8], block_bytes: usize) -> Vec<BlockItem> {
    let split = blocks::split_bytes(bytes, block_bytes);
    let header = &bytes[split.header.start as usize..split.header.end as usize];
    let mut items = Vec::new();
    for b in &split.blocks {
        let before = items.len();
        let facts = blocks::recalc_block(
            calc,
            BlockInput {
                header,
                body: &bytes[b.start as usize..b.end as usize],
                offset: b.start,
                first_line: b.first_line,
                file: "g.UKE",
                encoding: None,
            },
            |i| items.push(i),
        );
        assert_eq!(facts.receipts, b.receipts);
        assert_eq!((items.len() - before) as u64, b.receipts);
        assert_eq!(facts.table.as_deref(), Some("1"), "the IR header is read");
    }
    assert_eq!(items.len() as u64, split.receipts);
    items
}

fn re_starts(bytes: &[u8]) -> Vec<usize> {
    (0..bytes.len())
        .filter(|&i| bytes[i..].starts_with(b"RE,") && (i == 0 || bytes[i - 1] == b'\n'))
        .collect()
}

#[test]
fn blocks_of_the_gairai_sample_give_the_readers_reports() {
    let mut catalog = MasterCatalog::new();
    catalog.insert(MasterSet::load(santei_test_data::path("masters/r02")).expect("r02 masters"));
    let calc = Recalculator::new(&catalog);
    let mut bytes = std::fs::read(santei_test_data::path(GAIRAI)).unwrap();
    // Break the 30th receipt's 診療年月 (bytes: the file is CP932).
    let starts = re_starts(&bytes);
    let at = starts[29];
    let commas: Vec<usize> = (at..bytes.len())
        .filter(|&i| bytes[i] == b',')
        .take(3)
        .collect();
    bytes[commas[2] + 1] = b'X';
    let mut seq: Vec<Result<ReceiptReport, usize>> = Vec::new();
    for item in UkeReader::new(&bytes[..], "g.UKE", Encoding::Cp932) {
        match item {
            Ok(Item::Receipt(r)) => seq.push(Ok(calc.receipt(&r))),
            Err(e) => seq.push(Err(e.line)),
            Ok(_) => {}
        }
    }
    assert_eq!(seq.len(), 75);
    for block_bytes in [1, 8 << 10, 20_000, 1 << 20] {
        let items = by_blocks(&calc, &bytes, block_bytes);
        assert_eq!(items.len(), 75, "block {block_bytes}");
        for (k, (item, want)) in items.iter().zip(&seq).enumerate() {
            match (item, want) {
                (BlockItem::Receipt { offset, report }, Ok(want)) => {
                    assert_eq!(report, want, "receipt {k}, block {block_bytes}");
                    assert_eq!(*offset, starts[k] as u64);
                }
                (
                    BlockItem::Malformed {
                        offset,
                        line,
                        number,
                        error,
                        refused,
                    },
                    Err(err_line),
                ) => {
                    assert_eq!((k, *offset, *refused), (29, at as u64, false));
                    assert_eq!(error.line, *err_line);
                    let re_line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
                    assert_eq!(*line, re_line);
                    assert_eq!(*number, Some(30));
                }
                _ => panic!("receipt {k}: {item:?} vs {want:?}"),
            }
        }
    }
}

#[test]
fn an_unreadable_re_is_one_malformed_item_and_its_neighbours_stay_whole() {
    let engine = Engine::demo().unwrap();
    let calc = Recalculator::with_engine(&engine);
    let receipt = |n: u32| {
        format!(
            "RE,{n},1112,202406,テスト,1,19800101,,,,,,,,\nHO,06132013,1,1,1,75,,,,,,,,,\nSI,12,1,112007410,,75,1{}\n",
            ",".repeat(37)
        )
    };
    let mut text = format!("IR,1,13,1,1234567,,医院,202406,00,\n{}", receipt(1)).into_bytes();
    // Receipt 2's RE line is not UTF-8: the reader cannot decode it.
    let mut bad = receipt(2).into_bytes();
    bad[5] = 0xFF;
    text.extend_from_slice(&bad);
    text.extend_from_slice(receipt(3).as_bytes());
    text.extend_from_slice(b"GO,3,225,99\n");
    let items = by_blocks(&calc, &text, 1);
    let kinds: Vec<&str> = items
        .iter()
        .map(|i| match i {
            BlockItem::Receipt { .. } => "receipt",
            BlockItem::Malformed { .. } => "malformed",
        })
        .collect();
    assert_eq!(kinds, ["receipt", "malformed", "receipt"]);
    if let BlockItem::Malformed { line, number, .. } = &items[1] {
        assert_eq!((*line, *number), (5, Some(2)));
    }
    // The whole file as one block (header inside the body) gives the same.
    let mut whole = Vec::new();
    let facts = blocks::recalc_block(
        &calc,
        BlockInput {
            header: b"",
            body: &text,
            offset: 0,
            first_line: 1,
            file: "t.UKE",
            encoding: Some(Encoding::Utf8),
        },
        |i| whole.push(i),
    );
    assert_eq!(whole.len(), 3);
    assert_eq!(facts.go.and_then(|g| g.total_cases), Some(3));
}

#[test]
fn a_dental_file_is_refused_receipt_by_receipt() {
    let engine = Engine::demo().unwrap();
    let calc = Recalculator::with_engine(&engine);
    let text = "IR,1,13,3,1234567,,歯科医院,202406,00,\nRE,1,1112,202406,テスト,1,19800101,,,,,,,,\nRE,2,1112,202406,テスト,1,19800101,,,,,,,,\nGO,2,0,99\n";
    let mut items = Vec::new();
    blocks::recalc_block(
        &calc,
        BlockInput {
            header: b"",
            body: text.as_bytes(),
            offset: 0,
            first_line: 1,
            file: "d.UKE",
            encoding: None,
        },
        |i| items.push(i),
    );
    assert_eq!(items.len(), 2);
    for i in &items {
        match i {
            BlockItem::Malformed { error, refused, .. } => {
                assert!(*refused);
                assert!(error.message.contains("歯科"), "{}", error.message);
            }
            other => panic!("{other:?}"),
        }
    }
}
