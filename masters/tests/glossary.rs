//! GLOSSARY.md must list every master column with its official 項目名.

use santei_masters::{
    ColumnInfo, Comment, Disease, Drug, MasterRecord, Material, Modifier, Procedure,
};

fn check(name: &str, cols: &[ColumnInfo], glossary: &str, missing: &mut Vec<String>) {
    for c in cols {
        let row = format!("| {} | `{}` | {} |", c.no, c.name, c.label);
        if !glossary.contains(&row) {
            missing.push(format!("{name}: {row}"));
        }
    }
}

#[test]
fn every_column_is_in_the_glossary() {
    let g = include_str!("../../GLOSSARY.md");
    let mut missing = Vec::new();
    check("Procedure", Procedure::COLUMNS, g, &mut missing);
    check("Drug", Drug::COLUMNS, g, &mut missing);
    check("Material", Material::COLUMNS, g, &mut missing);
    check("Comment", Comment::COLUMNS, g, &mut missing);
    check("Disease", Disease::COLUMNS, g, &mut missing);
    check("Modifier", Modifier::COLUMNS, g, &mut missing);
    assert!(
        missing.is_empty(),
        "add these rows to GLOSSARY.md:\n{}",
        missing.join("\n")
    );
}

#[test]
fn columns_are_numbered_one_to_n() {
    for cols in [
        Procedure::COLUMNS,
        Drug::COLUMNS,
        Material::COLUMNS,
        Comment::COLUMNS,
        Disease::COLUMNS,
        Modifier::COLUMNS,
    ] {
        for (i, c) in cols.iter().enumerate() {
            assert_eq!(c.no, i + 1, "{}", c.name);
        }
    }
    assert_eq!(Procedure::COLUMNS.len(), 150);
    assert_eq!(Drug::COLUMNS.len(), 42);
    assert_eq!(Material::COLUMNS.len(), 38);
    assert_eq!(Comment::COLUMNS.len(), 30);
    assert_eq!(Disease::COLUMNS.len(), 46);
    assert_eq!(Modifier::COLUMNS.len(), 19);
}
