//! What changed between two revisions' masters (改定差分): per kind, the codes added, abolished,
//! renamed, with new points (or prices), with other columns changed, and the unchanged count.
//!
//! Each code is compared as two versions: the one in force on the last day of the old revision
//! (its period ends the day before the next 改定), and the one in force on the first day of the
//! new revision; a code whose new version starts later (a 新設 of a later date) is compared with
//! its first version after that day, and a code with no version on the old end with its newest
//! old version. The counts add up, per kind:
//!
//! - old rows = unchanged + changed (points + renamed + other) + abolished;
//! - new rows = unchanged + changed + added + rows of the new set that only carry a 廃止 (a code
//!   of the old set whose new row is abolished by the new revision's first day).
//!
//! A partial set (an excerpt: [`Coverage::Partial`], or the demo subset) lacks most codes of its revision, so a code
//! it lacks is not "abolished": the comparison is then restricted to the code prefixes the
//! excerpt holds completely ([`DiffOptions::prefixes`]), and the rows outside them are counted
//! apart, never listed as changes.

use serde::Serialize;

use crate::MasterKind;
use crate::field::{Date, Fixed2};
use crate::kinds::comment::Comment;
use crate::kinds::drug::Drug;
use crate::kinds::material::Material;
use crate::kinds::procedure::Procedure;
use crate::record::MasterRecord;
use crate::revision::Revision;
use crate::set::{Coverage, MasterSet};
use crate::table::{Table, Version};

/// The kinds a diff can compare: those with `*_ALL*` complete files.
pub const DIFF_KINDS: [MasterKind; 4] = [
    MasterKind::Procedure,
    MasterKind::Drug,
    MasterKind::Material,
    MasterKind::Comment,
];

/// What to compare.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// Kinds to compare, in this order (default: s, y, t, c).
    pub kinds: Vec<MasterKind>,
    /// Compare only codes starting with one of these (`111`, `120` …). Empty: every code, which
    /// is refused when either set is partial (its missing codes would read as abolished/added).
    pub prefixes: Vec<String>,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            kinds: DIFF_KINDS.to_vec(),
            prefixes: Vec::new(),
        }
    }
}

/// Why two sets cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiffError {
    #[error(
        "the new set ({new}) does not come after the old one ({old}): give the older revision first"
    )]
    NotLater {
        old: &'static str,
        new: &'static str,
    },
    #[error(
        "the {side} set ({revision}) is an excerpt ({label}) with no code prefixes declared \
         complete: a code it lacks may still exist in {revision}, so it cannot be called abolished \
         or new; give the code prefixes the excerpt holds completely (e.g. 111,112,113,120,130)"
    )]
    PartialWithoutPrefixes {
        side: &'static str,
        revision: &'static str,
        /// The excerpt's label (`excerpt`, `demo`).
        label: String,
    },
    #[error("{kind} cannot be compared (only s, y, t, c)")]
    Kind { kind: MasterKind },
    #[error("bad code prefix `{0}`: expected 1 to 9 digits")]
    Prefix(String),
}

/// The whole comparison.
#[derive(Debug, Clone, Serialize)]
pub struct MasterDiff {
    pub old: Side,
    pub new: Side,
    /// Which codes were compared.
    pub scope: Scope,
    pub kinds: Vec<KindDiff>,
}

/// One of the two sets.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    pub revision: Revision,
    /// The day whose versions are compared: the old revision's last day, the new one's first.
    pub as_of: Date,
    /// `complete` or the excerpt's description.
    pub coverage: String,
    pub partial: bool,
}

/// Which codes were compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scope {
    /// Every code of both sets.
    All,
    /// Only codes starting with one of `prefixes`.
    Prefixes {
        prefixes: Vec<String>,
        /// Why: one of the sets is an excerpt, or the user asked.
        reason: String,
    },
}

impl Scope {
    fn covers(&self, code: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Prefixes { prefixes, .. } => {
                prefixes.iter().any(|p| code.starts_with(p.as_str()))
            }
        }
    }
}

/// How a code changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// In the new set only (新設).
    Added,
    /// In the old set, and absent from the new one or abolished by its first day (廃止).
    Abolished,
    /// 点数 (医科診療行為) or 金額 (医薬品, 特定器材) or its 識別/種別 changed; the name may have
    /// changed too ([`ItemChange::renamed`]).
    Points,
    /// The name changed (医科診療行為 省略漢字名称, 医薬品/特定器材 漢字名称, コメント文), not the
    /// points.
    Renamed,
    /// Neither the name nor the points: other columns ([`ItemChange::columns`]).
    Other,
}

impl Change {
    /// `added`, `abolished`, `points`, `renamed`, `other`.
    pub fn id(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Abolished => "abolished",
            Change::Points => "points",
            Change::Renamed => "renamed",
            Change::Other => "other",
        }
    }

    /// The heading in Japanese.
    pub fn japanese(self) -> &'static str {
        match self {
            Change::Added => "新設",
            Change::Abolished => "廃止",
            Change::Points => "点数・金額の変更",
            Change::Renamed => "名称の変更",
            Change::Other => "その他の項目の変更",
        }
    }
}

/// One code's version on one side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemState {
    pub name: String,
    /// 点数 or 金額 (`291.00`), with its 点数識別 / 金額種別; `None` for コメント.
    pub amount: Option<Fixed2>,
    pub amount_kind: Option<u8>,
    /// The version compared: its first and last valid day.
    pub valid_from: Date,
    pub valid_to: Date,
}

/// One changed code.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemChange {
    pub kind: MasterKind,
    /// The official code (9 digits).
    pub code: String,
    pub change: Change,
    pub old: Option<ItemState>,
    pub new: Option<ItemState>,
    /// For [`Change::Points`]: the name changed as well.
    pub renamed: bool,
    /// 項目名 of the other columns that changed (bookkeeping columns such as 変更年月日, 旧点数
    /// and 公表順序番号 are not compared).
    pub columns: Vec<&'static str>,
}

/// A column the old file edition did not fill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewColumn {
    /// 項番.
    pub no: usize,
    /// 項目名.
    pub label: &'static str,
    /// New rows (in the scope) with a value in it.
    pub rows: usize,
}

/// The comparison of one kind.
#[derive(Debug, Clone, Serialize)]
pub struct KindDiff {
    pub kind: MasterKind,
    /// Codes of the old set within the scope.
    pub old_rows: usize,
    /// Codes of the new set within the scope.
    pub new_rows: usize,
    /// Codes outside the scope (not compared), old and new.
    pub old_outside: usize,
    pub new_outside: usize,
    pub unchanged: usize,
    /// Of the abolished codes, those the new set still lists (with a 廃止年月日 before its first
    /// day), which count among its rows.
    pub abolished_listed_in_new: usize,
    /// Codes only in the new set whose every version ended before its first day (neither added
    /// nor abolished); they count among its rows.
    pub new_already_ended: usize,
    /// Columns empty in every old row and filled in some new row: new in the newer edition of
    /// the file (医薬品 一般名コード at r06, 医科診療行為 項番132– at r08), not compared; with the
    /// number of new rows that fill them.
    pub new_columns: Vec<NewColumn>,
    pub added: Vec<ItemChange>,
    pub abolished: Vec<ItemChange>,
    pub points: Vec<ItemChange>,
    pub renamed: Vec<ItemChange>,
    pub other: Vec<ItemChange>,
}

impl KindDiff {
    /// Codes present in both and changed: points + renamed + other.
    pub fn changed(&self) -> usize {
        self.points.len() + self.renamed.len() + self.other.len()
    }

    /// True when old rows = unchanged + changed + abolished and new rows = unchanged + changed +
    /// added + the rows of the new set that only carry a 廃止 or an ended code.
    pub fn adds_up(&self) -> bool {
        self.old_rows == self.unchanged + self.changed() + self.abolished.len()
            && self.new_rows
                == self.unchanged
                    + self.changed()
                    + self.added.len()
                    + self.abolished_listed_in_new
                    + self.new_already_ended
    }

    /// Every change, in the order: points, renamed, other, added, abolished; codes ascending
    /// within each.
    pub fn changes(&self) -> impl Iterator<Item = &ItemChange> {
        self.points
            .iter()
            .chain(&self.renamed)
            .chain(&self.other)
            .chain(&self.added)
            .chain(&self.abolished)
    }
}

/// Compares `old` with `new` (a later revision). See the module documentation.
pub fn diff(
    old: &MasterSet,
    new: &MasterSet,
    options: &DiffOptions,
) -> Result<MasterDiff, DiffError> {
    if new.revision.effective_from <= old.revision.effective_from {
        return Err(DiffError::NotLater {
            old: old.revision.id,
            new: new.revision.id,
        });
    }
    for p in &options.prefixes {
        if p.is_empty() || p.len() > 9 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DiffError::Prefix(p.clone()));
        }
    }
    let scope = scope(old, new, &options.prefixes)?;
    let old_as_of = old
        .revision
        .until()
        .unwrap_or_else(|| new.revision.effective_from.pred());
    let new_as_of = new.revision.effective_from;
    let side = |set: &MasterSet, as_of| Side {
        revision: set.revision,
        as_of,
        coverage: set.coverage.describe(),
        partial: set.coverage != Coverage::Complete,
    };
    let ctx = Ctx {
        old_as_of,
        new_as_of,
        scope: &scope,
    };
    let mut kinds = Vec::with_capacity(options.kinds.len());
    for &kind in &options.kinds {
        kinds.push(match kind {
            MasterKind::Procedure => ctx.table(&old.procedures, &new.procedures),
            MasterKind::Drug => ctx.table(&old.drugs, &new.drugs),
            MasterKind::Material => ctx.table(&old.materials, &new.materials),
            MasterKind::Comment => ctx.table(&old.comments, &new.comments),
            other => return Err(DiffError::Kind { kind: other }),
        });
    }
    Ok(MasterDiff {
        old: side(old, old_as_of),
        new: side(new, new_as_of),
        scope,
        kinds,
    })
}

/// The codes to compare: the prefixes asked for; else, when a set is an excerpt, the prefixes it
/// was declared complete for (both declared, when both are excerpts); else every code.
fn scope(old: &MasterSet, new: &MasterSet, asked: &[String]) -> Result<Scope, DiffError> {
    let sides = [("old", old), ("new", new)];
    let partial: Vec<_> = sides
        .iter()
        .filter(|(_, s)| s.coverage != Coverage::Complete)
        .collect();
    let excerpts = || {
        partial
            .iter()
            .map(|(side, s)| format!("the {side} set ({}) is an excerpt", s.revision.id))
            .collect::<Vec<_>>()
            .join(" and ")
    };
    if !asked.is_empty() {
        return Ok(Scope::Prefixes {
            prefixes: asked.to_vec(),
            reason: if partial.is_empty() {
                "asked for".to_owned()
            } else {
                format!(
                    "{}: only the code ranges it holds completely are compared; a code outside them is neither abolished nor new",
                    excerpts()
                )
            },
        });
    }
    let mut declared: Option<Vec<String>> = None;
    for (side, set) in &partial {
        let (label, ps) = match &set.coverage {
            Coverage::Partial {
                label,
                complete_prefixes,
            } => (label.as_str(), complete_prefixes.clone()),
            // The demo subset holds a few hand-picked rows: no range of it is complete.
            Coverage::Demo => ("demo", Vec::new()),
            Coverage::Complete => continue,
        };
        if ps.is_empty() {
            return Err(DiffError::PartialWithoutPrefixes {
                side,
                revision: set.revision.id,
                label: label.to_owned(),
            });
        }
        declared = Some(match declared {
            None => ps,
            Some(d) => d.into_iter().filter(|p| ps.contains(p)).collect(),
        });
    }
    Ok(match declared {
        None => Scope::All,
        Some(prefixes) => Scope::Prefixes {
            prefixes,
            reason: format!(
                "{}: only the code ranges declared complete for it are compared; a code outside them is neither abolished nor new",
                excerpts()
            ),
        },
    })
}

/// What the diff needs of a record beyond [`MasterRecord`].
trait Compared: MasterRecord {
    /// (点数識別 or 金額種別, 点数 or 金額), `None` for a kind without one.
    fn amount(&self) -> Option<(u8, Fixed2)>;
    /// Columns (field names) left out of "other": the name and amount (compared on their own),
    /// and what every 改定 rewrites (変更区分, 変更年月日, 旧点数, 名称変更区分, 公表順序番号).
    const NOT_OTHER: &'static [&'static str];
}

const BOOKKEEPING: [&str; 6] = [
    "change_kind",
    "changed_on",
    "publication_order",
    "kanji_name_changed",
    "kana_name_changed",
    "master_kind",
];

impl Compared for Procedure {
    fn amount(&self) -> Option<(u8, Fixed2)> {
        Some((self.point_kind, self.points))
    }
    const NOT_OTHER: &'static [&'static str] = &[
        "abbr_name",
        "abbr_name_len",
        "point_kind",
        "points",
        "old_point_kind",
        "old_points",
    ];
}

impl Compared for Drug {
    fn amount(&self) -> Option<(u8, Fixed2)> {
        Some((self.price_kind, self.price))
    }
    const NOT_OTHER: &'static [&'static str] = &[
        "name",
        "name_len",
        "price_kind",
        "price",
        "old_price_kind",
        "old_price",
    ];
}

impl Compared for Material {
    fn amount(&self) -> Option<(u8, Fixed2)> {
        Some((self.price_kind, self.price))
    }
    const NOT_OTHER: &'static [&'static str] = &[
        "name",
        "name_len",
        "price_kind",
        "price",
        "old_price_kind",
        "old_price",
    ];
}

impl Compared for Comment {
    fn amount(&self) -> Option<(u8, Fixed2)> {
        None
    }
    const NOT_OTHER: &'static [&'static str] = &["text", "text_len"];
}

struct Ctx<'a> {
    old_as_of: Date,
    new_as_of: Date,
    scope: &'a Scope,
}

/// Values that mean "nothing" whichever edition wrote them: an empty optional column of an older
/// file equals a `0` of a newer one.
fn blank(v: &str) -> bool {
    matches!(v, "" | "0" | "0.00")
}

impl Ctx<'_> {
    fn table<R: Compared>(&self, old: &Table<R>, new: &Table<R>) -> KindDiff {
        let mut d = KindDiff {
            kind: R::KIND,
            old_rows: 0,
            new_rows: 0,
            old_outside: 0,
            new_outside: 0,
            unchanged: 0,
            abolished_listed_in_new: 0,
            new_already_ended: 0,
            new_columns: Vec::new(),
            added: Vec::new(),
            abolished: Vec::new(),
            points: Vec::new(),
            renamed: Vec::new(),
            other: Vec::new(),
        };
        let mut old_codes: Vec<u32> = old.codes().collect();
        old_codes.sort_unstable();
        let mut new_codes: Vec<u32> = new.codes().collect();
        new_codes.sort_unstable();
        // Columns no old row fills, counted over the new rows.
        let columns = R::COLUMNS.len();
        let mut old_filled = vec![false; columns];
        for v in old_codes
            .iter()
            .filter(|c| self.scope.covers(&R::KIND.format_code(**c)))
            .flat_map(|c| old.versions(*c))
        {
            for (i, (_, value)) in v.record.values().iter().enumerate() {
                old_filled[i] |= !blank(value);
            }
        }
        let mut new_filled = vec![0usize; columns];
        for v in new_codes
            .iter()
            .filter(|c| self.scope.covers(&R::KIND.format_code(**c)))
            .filter_map(|c| new.versions(*c).last())
        {
            for (i, (_, value)) in v.record.values().iter().enumerate() {
                new_filled[i] += usize::from(!blank(value));
            }
        }
        let skip: Vec<bool> = (0..columns)
            .map(|i| !old_filled[i] && new_filled[i] > 0)
            .collect();
        d.new_columns = (0..columns)
            .filter(|&i| skip[i])
            .map(|i| NewColumn {
                no: R::COLUMNS[i].no,
                label: R::COLUMNS[i].label,
                rows: new_filled[i],
            })
            .collect();
        for code in old_codes {
            let text = R::KIND.format_code(code);
            if !self.scope.covers(&text) {
                d.old_outside += 1;
                continue;
            }
            d.old_rows += 1;
            let Some(o) = old_version(old, code, self.old_as_of) else {
                continue;
            };
            let n = new_version(new, code, self.new_as_of);
            match n {
                None => {
                    if !new.versions(code).is_empty() {
                        d.abolished_listed_in_new += 1;
                    }
                    d.abolished.push(ItemChange {
                        kind: R::KIND,
                        code: text,
                        change: Change::Abolished,
                        old: Some(state(o)),
                        new: new.versions(code).last().map(state),
                        renamed: false,
                        columns: Vec::new(),
                    });
                }
                Some(n) => {
                    let renamed = o.record.name() != n.record.name();
                    let points = o.record.amount() != n.record.amount();
                    let columns = other_columns(&o.record, &n.record, &skip);
                    let change = if points {
                        Change::Points
                    } else if renamed {
                        Change::Renamed
                    } else if !columns.is_empty() {
                        Change::Other
                    } else {
                        d.unchanged += 1;
                        continue;
                    };
                    let item = ItemChange {
                        kind: R::KIND,
                        code: text,
                        change,
                        old: Some(state(o)),
                        new: Some(state(n)),
                        renamed: renamed && points,
                        columns,
                    };
                    match change {
                        Change::Points => d.points.push(item),
                        Change::Renamed => d.renamed.push(item),
                        _ => d.other.push(item),
                    }
                }
            }
        }
        for code in new_codes {
            let text = R::KIND.format_code(code);
            if !self.scope.covers(&text) {
                d.new_outside += 1;
                continue;
            }
            d.new_rows += 1;
            if !old.versions(code).is_empty() {
                continue;
            }
            match new_version(new, code, self.new_as_of) {
                Some(n) => d.added.push(ItemChange {
                    kind: R::KIND,
                    code: text,
                    change: Change::Added,
                    old: None,
                    new: Some(state(n)),
                    renamed: false,
                    columns: Vec::new(),
                }),
                None => d.new_already_ended += 1,
            }
        }
        d
    }
}

/// The old version: in force on `as_of`, else the newest before it, else the newest.
fn old_version<R: MasterRecord>(t: &Table<R>, code: u32, as_of: Date) -> Option<&Version<R>> {
    t.version(code, as_of)
        .or_else(|| {
            t.versions(code)
                .iter()
                .rev()
                .find(|v| v.valid_from <= as_of)
        })
        .or_else(|| t.versions(code).last())
}

/// The new version: in force on `as_of`, else the first that starts after it; `None` when every
/// version ended before `as_of` (abolished by then).
fn new_version<R: MasterRecord>(t: &Table<R>, code: u32, as_of: Date) -> Option<&Version<R>> {
    t.version(code, as_of).or_else(|| {
        t.versions(code)
            .iter()
            .find(|v| v.valid_from > as_of && v.is_valid_on(v.valid_from))
    })
}

fn state<R: Compared>(v: &Version<R>) -> ItemState {
    let amount = v.record.amount();
    ItemState {
        name: v.record.name().to_owned(),
        amount: amount.map(|a| a.1),
        amount_kind: amount.map(|a| a.0),
        valid_from: v.valid_from,
        valid_to: v.valid_to,
    }
}

fn other_columns<R: Compared>(old: &R, new: &R, skip: &[bool]) -> Vec<&'static str> {
    old.values()
        .into_iter()
        .zip(new.values())
        .enumerate()
        .filter(|(i, ((c, _), _))| {
            !skip[*i] && !BOOKKEEPING.contains(&c.name) && !R::NOT_OTHER.contains(&c.name)
        })
        .filter(|(_, ((_, a), (_, b)))| !same(a, b))
        .map(|(_, ((c, _), _))| c.label)
        .collect()
}

/// Equal values, whichever edition wrote them: both blank, or the same number with a different
/// zero padding (コード表用番号 項番 `01` in r04, `001` in r06).
fn same(a: &str, b: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    a == b
        || (blank(a) && blank(b))
        || (digits(a) && digits(b) && a.trim_start_matches('0') == b.trim_start_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_prefixes() {
        let s = Scope::Prefixes {
            prefixes: vec!["111".into(), "12".into()],
            reason: String::new(),
        };
        assert!(s.covers("111000110"));
        assert!(s.covers("120000710"));
        assert!(!s.covers("113000310"));
        assert!(Scope::All.covers("640000000"));
        assert!(blank("") && blank("0") && blank("0.00") && !blank("1"));
        assert!(same("01", "001") && same("", "0") && !same("01", "010") && !same("A1", "A01"));
    }
}
