//! Parsing one file of one kind into a [`Table`], and applying change files on top of it.

use std::time::{Duration, Instant};

use crate::csv::Rows;
use crate::error::{DataError, FieldError, LoadError, Position, Warning};
use crate::field::{ChangeKind, Date, EndDate, FieldValue};
use crate::record::MasterRecord;
use crate::table::{Table, Version};

/// What loading one file did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct FileReport {
    pub file: String,
    /// Data rows read (every line of the file).
    pub rows: usize,
    /// Rows that became or changed a version.
    pub applied: usize,
    /// Rows with 変更区分 1 (抹消): dropped as the spec says, listed by code.
    pub erased: Vec<String>,
    /// Rows of a complete file identical to what was already loaded.
    pub unchanged: usize,
    pub new: usize,
    pub changed: usize,
    pub abolished: usize,
    /// The latest 変更年月日 of the file's rows.
    pub latest_change: Option<Date>,
    #[serde(serialize_with = "ser_ms")]
    pub elapsed: Duration,
}

fn ser_ms<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64() * 1000.0)
}

pub(crate) fn pos_of(file: &str, line: usize, e: &FieldError) -> Position {
    Position {
        file: file.to_owned(),
        line,
        column: Some(e.column),
        column_name: Some(e.label),
        byte: None,
    }
}

fn field_err(file: &str, line: usize, e: FieldError) -> LoadError {
    LoadError::data(pos_of(file, line, &e), e.error)
}

fn check_row<R: MasterRecord>(
    file: &str,
    line: usize,
    fields: &[&str],
) -> Result<ChangeKind, LoadError> {
    let n = fields.len();
    let max = R::COLUMNS.len();
    if n < R::MIN_COLUMNS || n > max {
        let expected = if R::MIN_COLUMNS == max {
            max.to_string()
        } else {
            format!("{}–{}", R::MIN_COLUMNS, max)
        };
        return Err(LoadError::data(
            Position {
                file: file.to_owned(),
                line,
                column: None,
                column_name: None,
                byte: None,
            },
            DataError::ColumnCount { expected, found: n },
        ));
    }
    let letter = R::KIND.letter_upper();
    if fields[1] != letter {
        return Err(LoadError::data(
            Position {
                file: file.to_owned(),
                line,
                column: Some(2),
                column_name: Some("マスター種別"),
                byte: None,
            },
            DataError::WrongMasterKind {
                expected: letter,
                found: fields[1].to_owned(),
            },
        ));
    }
    ChangeKind::from_field(fields[0]).ok_or_else(|| {
        LoadError::data(
            Position {
                file: file.to_owned(),
                line,
                column: Some(1),
                column_name: Some("変更区分"),
                byte: None,
            },
            DataError::UnknownChangeKind(fields[0].to_owned()),
        )
    })
}

fn first_version<R: MasterRecord>(record: R) -> Version<R> {
    Version {
        valid_from: record.changed_on().unwrap_or(Date::MIN),
        valid_to: record.abolished_on().last_day(),
        record,
    }
}

/// Loads a complete file (a snapshot: `*_ALL*`, or a 傷病名/修飾語 file).
pub(crate) fn load_base<R: MasterRecord>(
    file: &str,
    text: &str,
) -> Result<(Table<R>, FileReport), LoadError> {
    let start = Instant::now();
    let mut table = Table::with_capacity(text.len() / 256);
    let mut report = FileReport {
        file: file.to_owned(),
        ..Default::default()
    };
    let mut rows = Rows::new(text, file);
    let mut fields = Vec::with_capacity(R::COLUMNS.len());
    while let Some(line) = rows.next_into(&mut fields)? {
        report.rows += 1;
        let kind = check_row::<R>(file, line, &fields)?;
        let record = R::from_fields(&fields).map_err(|e| field_err(file, line, e))?;
        if kind == ChangeKind::Erased {
            report.erased.push(R::KIND.format_code(record.key()));
            continue;
        }
        let code = record.key();
        report.latest_change = report.latest_change.max(record.changed_on());
        if !table.insert_new(code, first_version(record)) {
            return Err(LoadError::data(
                Position {
                    file: file.to_owned(),
                    line,
                    column: Some(3),
                    column_name: None,
                    byte: None,
                },
                DataError::DuplicateCode(R::KIND.format_code(code)),
            ));
        }
        report.applied += 1;
    }
    report.elapsed = start.elapsed();
    Ok((table, report))
}

/// Applies a change file (sparse rows: a 変更 row fills only the columns that changed) or a newer
/// complete file on top of `table`.
///
/// Semantics (from the published files; the 仕様説明書 does not describe the change files):
/// - 3 新規 / 2 復活 / 0 in a complete file: a full row. A new code gets a first version; a known
///   code whose row differs gets a new version from its 変更年月日.
/// - 5 変更 with 変更年月日 D: the version covering D is split at D and the non-empty fields are
///   applied from D on (to later versions too). Without 変更年月日 the row is a correction of the
///   newest version, applied in place.
/// - 9 廃止: the newest version ends on the row's 廃止年月日; later versions are dropped.
/// - 1 抹消: the code is removed; reported in [`FileReport::erased`].
///
/// A change for an unknown code is a warning (with file and line), never silently skipped.
pub(crate) fn apply_changes<R: MasterRecord>(
    table: &mut Table<R>,
    file: &str,
    text: &str,
    warnings: &mut Vec<Warning>,
) -> Result<FileReport, LoadError> {
    let start = Instant::now();
    let mut report = FileReport {
        file: file.to_owned(),
        ..Default::default()
    };
    let mut rows = Rows::new(text, file);
    let mut fields = Vec::with_capacity(R::COLUMNS.len());
    let changed_col = R::CHANGED_ON_COLUMN;
    let abolished_col = R::ABOLISHED_ON_COLUMN;
    while let Some(line) = rows.next_into(&mut fields)? {
        report.rows += 1;
        let kind = check_row::<R>(file, line, &fields)?;
        let code = R::key_of_fields(&fields).map_err(|e| field_err(file, line, e))?;
        let date_at = |col: usize, label: &'static str| -> Result<Option<Date>, LoadError> {
            let s = fields.get(col - 1).copied().unwrap_or("");
            if s.is_empty() {
                return Ok(None);
            }
            match EndDate::parse(s) {
                Some(d) => Ok(d.0),
                None => Err(field_err(
                    file,
                    line,
                    FieldError {
                        column: col,
                        label,
                        error: DataError::BadField {
                            value: s.to_owned(),
                            expected: "a date YYYYMMDD",
                        },
                    },
                )),
            }
        };
        match kind {
            ChangeKind::Erased => {
                table.remove(code);
                report.erased.push(R::KIND.format_code(code));
            }
            ChangeKind::New | ChangeKind::Restored | ChangeKind::Unchanged => {
                let record = R::from_fields(&fields).map_err(|e| field_err(file, line, e))?;
                if !table.contains(code) {
                    table.insert_new(code, first_version(record));
                    report.new += 1;
                    report.applied += 1;
                    continue;
                }
                if table.latest(code) == Some(&record) {
                    report.unchanged += 1;
                    continue;
                }
                let from = record.changed_on().unwrap_or(Date::MIN);
                let versions = table.versions_mut(code).expect("present");
                split_and_set(versions, from, |r| *r = record.clone());
                report.changed += 1;
                report.applied += 1;
            }
            ChangeKind::Changed => {
                let Some(versions) = table.versions_mut(code) else {
                    warnings.push(Warning {
                        message: format!(
                            "`{file}` line {line}: 変更 for {} `{}`, which is not in the base master; row not applied",
                            R::KIND.japanese(),
                            R::KIND.format_code(code)
                        ),
                    });
                    continue;
                };
                // Validate the whole patch once before touching anything.
                let mut probe = versions.last().expect("non-empty").record.clone();
                probe.patch(&fields).map_err(|e| field_err(file, line, e))?;
                match date_at(changed_col, "変更年月日")? {
                    None => {
                        let last = versions.last_mut().expect("non-empty");
                        last.record = probe;
                    }
                    Some(from) => {
                        split_and_set(versions, from, |r| {
                            // Fields were validated on `probe`; patching a sibling cannot fail
                            // differently, but keep the error-free path explicit.
                            let _ = r.patch(&fields);
                        });
                    }
                }
                report.changed += 1;
                report.applied += 1;
            }
            ChangeKind::Abolished => {
                let last_day = date_at(abolished_col, "廃止年月日")?;
                let Some(versions) = table.versions_mut(code) else {
                    warnings.push(Warning {
                        message: format!(
                            "`{file}` line {line}: 廃止 of {} `{}`, which is not in the base master; row not applied",
                            R::KIND.japanese(),
                            R::KIND.format_code(code)
                        ),
                    });
                    continue;
                };
                let last_day = last_day.unwrap_or(Date::MAX);
                versions.retain(|v| v.valid_from <= last_day);
                if versions.is_empty() {
                    table.remove(code);
                } else {
                    let last = versions.last_mut().expect("non-empty");
                    last.valid_to = last.valid_to.min(last_day);
                    let sparse: Vec<&str> = (1..=R::COLUMNS.len())
                        .map(|c| {
                            if c == abolished_col {
                                fields[c - 1]
                            } else {
                                ""
                            }
                        })
                        .collect();
                    last.record
                        .patch(&sparse)
                        .map_err(|e| field_err(file, line, e))?;
                }
                report.abolished += 1;
                report.applied += 1;
            }
        }
    }
    report.elapsed = start.elapsed();
    Ok(report)
}

/// Makes the records valid from `from` on reflect `set`: the version covering `from` is split
/// there (or changed in place when it starts on `from`), and every later version is changed too.
fn split_and_set<R: MasterRecord>(
    versions: &mut Vec<Version<R>>,
    from: Date,
    set: impl Fn(&mut R),
) {
    let idx = versions.iter().rposition(|v| v.valid_from <= from);
    match idx {
        Some(i) if versions[i].valid_from < from && from <= versions[i].valid_to => {
            let mut tail = versions[i].clone();
            versions[i].valid_to = from.pred();
            tail.valid_from = from;
            set(&mut tail.record);
            versions.insert(i + 1, tail);
            for v in &mut versions[i + 2..] {
                set(&mut v.record);
            }
        }
        Some(i) if versions[i].valid_from < from => {
            // `from` is after the end of version i (a gap): start a new version there.
            let mut tail = versions[i].clone();
            tail.valid_from = from;
            tail.valid_to = Date::MAX.min(tail.record.abolished_on().last_day());
            set(&mut tail.record);
            versions.insert(i + 1, tail);
            for v in &mut versions[i + 2..] {
                set(&mut v.record);
            }
        }
        Some(i) => {
            for v in &mut versions[i..] {
                set(&mut v.record);
            }
        }
        None => {
            // Before the first version: the change applies to all of them.
            for v in versions.iter_mut() {
                set(&mut v.record);
            }
        }
    }
}
