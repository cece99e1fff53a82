//! 入院基本料等加算 (告示 第1章第2部 第2節, 区分 A200–A252): which are derived from the facility's
//! 届出 and the stay, and the 算定 limit of each (入院初日, 14日を限度 …) that a claimed one is checked
//! against.
//!
//! - A 加算 is **derived** when the 告示 makes it follow from a 届出 alone (施設基準コード of
//!   医科診療行為マスター 項番72–81 in `facility.standards`) and the days of the stay: [`ENTRIES`] with
//!   `derived`. The master row is the one of the entry's 区分 (項番85/92/93, the 告示 item by 項番94
//!   where the entry names it) whose 施設基準 the facility has 届出 (e.g. 25対１ 5割以上 3288, 50対１ 3156).
//! - It goes only with the 入院料 whose 04 入院基本料テーブル group (01 入院基本料識別) lists it
//!   (the 告示 注 「…のうち、○○加算を算定できるものを現に算定している患者に限る」; 通知 第2節 別表1),
//!   and not with the 特別入院基本料等 where the 注 says 「特別入院基本料等を除く」.
//! - The day of the 入院期間 counts from the 起算日 (`admission_date`): 「入院初日又は入院した日」 is
//!   the 起算日 of 通則5, and a 再入院 whose 入院期間 is 通算 has no 入院初日 (通知 第1章第2部 通則8,
//!   r06 tsuchi_ika.txt l.1006–1007).
//! - No 加算 on an 外泊 day: its 入院料等 is 15/100 of the 基本点数 (通知 第1章第2部 通則6 (1),
//!   l.948–957).
//!
//! A 加算 that needs a fact santei does not have (救急医療管理加算: the patient's state; 臨床研修: the
//! period of training; データ提出加算３・４: the ward types of A245 注2) is not derived; claimed, it is
//! checked against its limit.

use rustc_hash::FxHashMap;
use santei_masters::{Date, Procedure};

/// The 算定 limit of a 加算 in the 入院期間 (day 1 = the 起算日).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// 入院初日に限り: day 1 only.
    FirstDay,
    /// 入院した日から起算して n 日を限度: days 1..=n.
    Days(i64),
    /// 入院期間が90日を超えるごとに１回 (91日目, 181日目 …), with `first` also 入院初日.
    Every90 { first: bool },
    /// 1日につき, no limit in the 入院期間.
    EveryDay,
}

impl Limit {
    /// Whether the 加算 may be billed on day `day` of the 入院期間.
    pub fn allows(self, day: i64) -> bool {
        match self {
            Limit::FirstDay => day == 1,
            Limit::Days(n) => (1..=n).contains(&day),
            Limit::Every90 { first } => (first && day == 1) || (day > 90 && (day - 1) % 90 == 0),
            Limit::EveryDay => day >= 1,
        }
    }

    pub fn describe(self) -> String {
        match self {
            Limit::FirstDay => "入院初日に限り".into(),
            Limit::Days(n) => format!("入院した日から起算して{n}日を限度"),
            Limit::Every90 { first: true } => {
                "入院初日及び入院期間が90日を超えるごとに１回 (91日目, 181日目 …)".into()
            }
            Limit::Every90 { first: false } => {
                "入院期間が90日を超えるごとに１回 (91日目, 181日目 …)".into()
            }
            Limit::EveryDay => "１日につき".into(),
        }
    }
}

/// One 区分 (or some items of it) of 第2節 with its limit.
#[derive(Debug)]
pub struct Entry {
    /// 区分番号 (項番92) and 枝番 (項番93).
    pub section: &'static str,
    pub branch: &'static str,
    /// The 告示 items (コード表用番号 項番, 項番94) the entry covers; empty = all.
    pub items: &'static [&'static str],
    pub name: &'static str,
    pub limit: Limit,
    /// Derived from the 届出 and the stay.
    pub derived: bool,
    /// The 注 admits the 特別入院基本料等 (「特別入院基本料等を含む」).
    pub with_special: bool,
    /// 注加算通番 (項番39) of the 注 additions (sharing the row's 注加算コード 項番38) that are derived
    /// with it when their own 施設基準 is 届出, in order; `chain`: each needs the previous one.
    pub notes: &'static [char],
    pub chain: bool,
    pub cite: &'static str,
}

const NO_NOTES: &[char] = &[];

/// 第2節 区分 with a count limit in the 入院期間 (r06 告示 kokuji_ika.txt, 通知 tsuchi_ika.txt).
pub const ENTRIES: &[Entry] = &[
    Entry {
        section: "200",
        branch: "00",
        items: &[],
        name: "総合入院体制加算",
        limit: Limit::Days(14),
        derived: true,
        with_special: false,
        notes: NO_NOTES,
        chain: false,
        cite: "告示 A200 注 (r06 kokuji_ika.txt l.1614–1625: 特別入院基本料等を除く, 入院した日から起算して14日を限度); 通知 A200 (tsuchi_ika.txt l.1938–1941); 通知 第1章第2部 通則8 (l.1006–1007: 入院した日 = 起算日)",
    },
    Entry {
        section: "204",
        branch: "00",
        items: &[],
        name: "地域医療支援病院入院診療加算",
        limit: Limit::FirstDay,
        derived: true,
        with_special: false,
        notes: NO_NOTES,
        chain: false,
        cite: "告示 A204 注 (kokuji_ika.txt l.1654–1659: 入院初日に限り, 特別入院基本料等を除く); 通知 第1章第2部 通則8 (tsuchi_ika.txt l.1006–1007)",
    },
    Entry {
        section: "204",
        branch: "02",
        items: &[],
        name: "臨床研修病院入院診療加算",
        limit: Limit::FirstDay,
        derived: false,
        with_special: false,
        notes: NO_NOTES,
        chain: false,
        cite: "告示 A204-2 注 (kokuji_ika.txt l.1660–1670: 現に臨床研修を実施している期間について, 入院初日に限り); 通知 第1章第2部 通則8 (tsuchi_ika.txt l.1006–1007)",
    },
    Entry {
        section: "204",
        branch: "03",
        items: &[],
        name: "紹介受診重点医療機関入院診療加算",
        limit: Limit::FirstDay,
        derived: false,
        with_special: false,
        notes: NO_NOTES,
        chain: false,
        cite: "告示 A204-3 注 (kokuji_ika.txt l.1671–1679: 入院初日に限り); 通知 第1章第2部 通則8 (tsuchi_ika.txt l.1006–1007)",
    },
    Entry {
        section: "205",
        branch: "00",
        items: &[],
        name: "救急医療管理加算",
        limit: Limit::Days(7),
        derived: false,
        with_special: true,
        notes: NO_NOTES,
        chain: false,
        cite: "告示 A205 注1 (kokuji_ika.txt l.1680–1693: 当該患者の状態に従い, 入院した日から起算して７日を限度); 通知 第1章第2部 通則8 (tsuchi_ika.txt l.1006–1007)",
    },
    Entry {
        section: "205",
        branch: "02",
        items: &[],
        name: "超急性期脳卒中加算",
        limit: Limit::FirstDay,
        derived: false,
        with_special: false,
        notes: NO_NOTES,
        chain: false,
        cite: "告示 A205-2 注 (kokuji_ika.txt l.1698–1706: 入院初日に限り); 通知 第1章第2部 通則8 (tsuchi_ika.txt l.1006–1007)",
    },
    Entry {
        section: "205",
        branch: "03",
        items: &[],
        name: "妊産婦緊急搬送入院加算",
        limit: Limit::FirstDay,
        derived: false,
        with_special: false,
        notes: NO_NOTES,
        chain: false,
        cite: "告示 A205-3 注 (kokuji_ika.txt l.1707–1713: 入院初日に限り); 通知 第1章第2部 通則8 (tsuchi_ika.txt l.1006–1007)",
    },
    Entry {
        section: "206",
        branch: "00",
        items: &[],
        name: "在宅患者緊急入院診療加算",
        limit: Limit::FirstDay,
        derived: false,
        with_special: true,
        notes: NO_NOTES,
        chain: false,
        cite: "告示 A206 注1・注2 (kokuji_ika.txt l.1714–1739: 入院初日に限り); 通知 第1章第2部 通則8 (tsuchi_ika.txt l.1006–1007)",
    },
    Entry {
        section: "207",
        branch: "00",
        items: &[],
        name: "診療録管理体制加算",
        limit: Limit::FirstDay,
        derived: true,
        with_special: true,
        notes: NO_NOTES,
        chain: false,
        cite: "告示 A207 注 (kokuji_ika.txt l.1740–1748: 特別入院基本料等を含む, 入院初日に限り); 通知 A207 (tsuchi_ika.txt l.2148–2150); 通知 第1章第2部 通則8 (l.1006–1007)",
    },
    Entry {
        section: "207",
        branch: "02",
        items: &[],
        name: "医師事務作業補助体制加算",
        limit: Limit::FirstDay,
        derived: true,
        with_special: false,
        notes: NO_NOTES,
        chain: false,
        cite: "告示 A207-2 注 (kokuji_ika.txt l.1749–1774: 特別入院基本料等を除く, 入院初日に限り); 通知 A207-2 (2) (tsuchi_ika.txt l.2156); 通知 第1章第2部 通則8 (l.1006–1007)",
    },
    Entry {
        section: "207",
        branch: "03",
        items: &["001", "002", "003", "004"],
        name: "急性期看護補助体制加算",
        limit: Limit::Days(14),
        derived: true,
        with_special: false,
        // 注2 夜間急性期看護補助体制加算 (通番1), 注3 夜間看護体制加算 (通番2, only in a ward billing
        // 注2: 通知 (6)). 注4 看護補助体制充実加算 (通番3) is not derived: on a day of 身体的拘束 it
        // is 充実加算２ (告示 注4 ただし書), a fact santei does not have.
        notes: &['1', '2'],
        chain: true,
        cite: "告示 A207-3 注1–注3 (kokuji_ika.txt l.1775–1793: 特別入院基本料等を除く, 入院した日から起算して14日を限度); 通知 A207-3 (5)・(6) (tsuchi_ika.txt l.2182–2186: 夜間急性期看護補助体制加算も14日を限度, 夜間看護体制加算は夜間…加算を算定している病棟); 通知 第1章第2部 通則8 (l.1006–1007)",
    },
    Entry {
        section: "207",
        branch: "04",
        items: &[],
        name: "看護職員夜間配置加算",
        limit: Limit::Days(14),
        derived: true,
        with_special: false,
        notes: NO_NOTES,
        chain: false,
        cite: "告示 A207-4 注 (kokuji_ika.txt l.1804–1816: 特別入院基本料等を除く, 入院した日から起算して14日を限度); 通知 A207-4 (2) (tsuchi_ika.txt l.2199–2200); 通知 第1章第2部 通則8 (l.1006–1007)",
    },
    Entry {
        section: "219",
        branch: "00",
        items: &[],
        name: "療養環境加算",
        limit: Limit::EveryDay,
        derived: true,
        with_special: true,
        notes: NO_NOTES,
        chain: false,
        cite: "告示 A219 注 (kokuji_ika.txt l.1947–1952: 届け出た病室, 特別入院基本料等を含む, １日につき); 通知 A219 (tsuchi_ika.txt l.2350–2356). Simplified: the 届出 is per 病室; santei takes the facility's 届出 as the patient's room",
    },
    Entry {
        section: "234",
        branch: "00",
        items: &[],
        name: "医療安全対策加算",
        limit: Limit::FirstDay,
        derived: true,
        with_special: false,
        notes: &['1'],
        chain: false,
        cite: "告示 A234 注1・注2 (kokuji_ika.txt l.2209–2223: 特別入院基本料等を除く, 入院初日に限り; 注2 医療安全対策地域連携加算); 通知 第1章第2部 通則8 (tsuchi_ika.txt l.1006–1007)",
    },
    Entry {
        section: "234",
        branch: "02",
        items: &["001", "002"],
        name: "感染対策向上加算（１・２）",
        limit: Limit::FirstDay,
        derived: true,
        with_special: false,
        // 注2 指導強化加算 / 注3 連携強化加算 (通番1), 注4 サーベイランス強化加算 (通番2). 注5
        // 抗菌薬適正使用体制加算 (通番3) is not derived: 注5 applies with every 感染対策向上加算 but its
        // master row shares the 注加算コード of 加算２・３ only.
        notes: &['1', '2'],
        chain: false,
        cite: "告示 A234-2 注1–注4 (kokuji_ika.txt l.2224–2248: 特別入院基本料等を除く, 入院初日に限り); 通知 A234-2 (1) (tsuchi_ika.txt l.2876–2885: 通算される再入院の場合には算定できない); 通知 第1章第2部 通則8 (l.1006–1007)",
    },
    Entry {
        section: "234",
        branch: "02",
        items: &["003"],
        name: "感染対策向上加算３",
        limit: Limit::Every90 { first: true },
        derived: true,
        with_special: false,
        notes: &['1', '2'],
        chain: false,
        cite: "告示 A234-2 注1 (kokuji_ika.txt l.2224–2236: ３については、入院初日及び入院期間が90日を超えるごとに１回); 通知 A234-2 (1) (tsuchi_ika.txt l.2876–2885: 入院日から起算して91日目、181日目等, 入院 = 通則5 の入院期間); 通知 第1章第2部 通則8 (l.1006–1007)",
    },
    Entry {
        section: "234",
        branch: "03",
        items: &[],
        name: "患者サポート体制充実加算",
        limit: Limit::FirstDay,
        derived: true,
        with_special: false,
        notes: NO_NOTES,
        chain: false,
        cite: "告示 A234-3 注 (kokuji_ika.txt l.2253–2258: 特別入院基本料等を除く, 入院初日に限り); 通知 第1章第2部 通則8 (tsuchi_ika.txt l.1006–1007)",
    },
    Entry {
        section: "245",
        branch: "00",
        items: &["001", "002"],
        name: "データ提出加算（１・２）",
        limit: Limit::FirstDay,
        derived: true,
        with_special: false,
        notes: NO_NOTES,
        chain: false,
        cite: "告示 A245 注1 (kokuji_ika.txt l.2379–2399: 特別入院基本料等を除く, 入院初日に限り); 通知 A245 (2) (tsuchi_ika.txt l.3273–3279: 通算される再入院の場合には算定できず); 通知 第1章第2部 通則8 (l.1006–1007)",
    },
    Entry {
        section: "245",
        branch: "00",
        items: &["003", "004"],
        name: "データ提出加算（３・４）",
        limit: Limit::Every90 { first: false },
        derived: false,
        with_special: false,
        notes: NO_NOTES,
        chain: false,
        cite: "告示 A245 注2 (kokuji_ika.txt l.2400–2412: 療養病棟入院基本料 … を届け出た病棟に入院しているもの, 入院期間が90日を超えるごとに１回); 通知 A245 (2) (tsuchi_ika.txt l.3273–3279: 91日目、181日目等, 通算した入院期間から算出)",
    },
];

/// The entry of a master row of 第2節 (区分 A200–A252, its base row or one of its 注 additions).
pub fn entry_of(r: &Procedure) -> Option<&'static Entry> {
    if r.code_table_alpha.as_str() != "A" || r.code_table_chapter.as_str() != "1" {
        return None;
    }
    let (s, b, i) = (
        r.code_table_section.as_str(),
        r.code_table_branch.as_str(),
        r.code_table_item.as_str(),
    );
    let base_item = |e: &Entry| e.items.is_empty() || e.items.contains(&i);
    ENTRIES
        .iter()
        .find(|e| e.section == s && e.branch == b && base_item(e))
        .or_else(|| {
            // A 注 addition has its own 項番 (005 …): it takes the limit of the entry of its 区分,
            // the last one when the 区分 has several (A234-2: 感染対策向上加算３, 入院初日 and 91日目 …,
            // the widest, as its 注 additions go with １・２ on the 入院初日 and with ３ on both).
            (r.addition_serial.as_char() != '0')
                .then(|| {
                    ENTRIES
                        .iter()
                        .rev()
                        .find(|e| e.section == s && e.branch == b)
                })
                .flatten()
        })
}

/// A master row santei may derive: its entry, 注加算コード, 注加算通番 and 施設基準.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub code: u32,
    pub entry: usize,
    pub note_code: u16,
    pub serial: char,
    pub standards: Vec<u16>,
}

/// The rows of the derived entries and the 04 入院基本料テーブル, built once per revision.
#[derive(Debug, Default)]
pub struct Index {
    /// Base rows (注加算通番 0) of derived entries that need a 届出, by entry index.
    pub bases: Vec<Candidate>,
    /// 注 additions (通番 ≠ 0) by 注加算コード.
    pub notes: FxHashMap<u16, Vec<Candidate>>,
    /// 04 loaded: 入院料 code → (01 入院基本料識別, valid from, to) and group → (加算 code, from, to).
    pub groups: Option<Groups>,
}

#[derive(Debug, Default)]
pub struct Groups {
    pub fee_group: FxHashMap<u32, Vec<(u16, Date, Date)>>,
    pub members: FxHashMap<u16, Vec<(u32, Date, Date)>>,
}

impl Groups {
    /// The 01 入院基本料識別 of every 入院料 and the 04 rows of every group.
    pub fn of(et: &santei_masters::etensu::Etensu) -> Groups {
        let mut g = Groups::default();
        for a in et.aux_rows().iter().filter(|a| a.admission_group != 0) {
            g.fee_group.entry(a.code.0).or_default().push((
                a.admission_group,
                a.established_on,
                a.abolished_on.last_day(),
            ));
        }
        for r in et.admission_additions_all() {
            g.members.entry(r.group).or_default().push((
                r.code.0,
                r.established_on,
                r.abolished_on.last_day(),
            ));
        }
        g
    }

    /// Whether the 04 group of `fee` on `date` lists `add`.
    pub fn allows(&self, fee: u32, add: u32, date: Date) -> bool {
        let Some(g) = self.fee_group.get(&fee).and_then(|v| {
            v.iter()
                .find(|(_, from, to)| *from <= date && date <= *to)
                .map(|x| x.0)
        }) else {
            return false;
        };
        self.members.get(&g).is_some_and(|m| {
            m.iter()
                .any(|(c, from, to)| *c == add && *from <= date && date <= *to)
        })
    }
}

impl Index {
    /// Adds a master row (every version is offered; the same code once).
    pub fn offer(&mut self, r: &Procedure) {
        let Some(e) = entry_of(r) else { return };
        let idx = ENTRIES.iter().position(|x| std::ptr::eq(x, e)).unwrap_or(0);
        if !e.derived {
            return;
        }
        let standards: Vec<u16> = r.facility_standards().collect();
        if standards.is_empty() {
            return;
        }
        let c = Candidate {
            code: r.code.0,
            entry: idx,
            note_code: r.addition_code,
            serial: r.addition_serial.as_char(),
            standards,
        };
        let list = if c.serial == '0' {
            &mut self.bases
        } else {
            if !e.notes.contains(&c.serial) || c.note_code == 0 {
                return;
            }
            self.notes.entry(c.note_code).or_default()
        };
        if !list.iter().any(|x| x.code == c.code) {
            list.push(c);
        }
    }

    pub fn sort(&mut self) {
        self.bases.sort_by_key(|c| (c.entry, c.code));
        for v in self.notes.values_mut() {
            v.sort_by_key(|c| (c.serial, c.code));
        }
    }
}

/// The 注 additions due with a derived base row: per 通番 in the entry's order, the rows whose 施設基準
/// is 届出; with `chain`, a 通番 only when the previous one is due.
pub fn notes_due<'c>(
    e: &Entry,
    rows: &'c [Candidate],
    standards: &[u16],
    valid: impl Fn(u32) -> bool,
) -> Vec<&'c Candidate> {
    let mut out = Vec::new();
    for s in e.notes {
        let due: Vec<&Candidate> = rows
            .iter()
            .filter(|c| c.serial == *s && valid(c.code))
            .filter(|c| c.standards.iter().any(|x| standards.contains(x)))
            .collect();
        if e.chain && due.is_empty() {
            break;
        }
        out.extend(due);
    }
    out
}

/// The base rows the facility has 届出 (a 施設基準コード of the row in `standards`) and `valid` on
/// the day, grouped by entry in the order of [`ENTRIES`]. The 届出 is asked first: a day looks up
/// the master only for the few rows the facility holds.
pub fn held_by_entry<'c>(
    idx: &'c Index,
    standards: &[u16],
    valid: impl Fn(u32) -> bool,
) -> Vec<(usize, Vec<&'c Candidate>)> {
    let mut out: Vec<(usize, Vec<&Candidate>)> = Vec::new();
    let held = idx
        .bases
        .iter()
        .filter(|c| c.standards.iter().any(|s| standards.contains(s)) && valid(c.code));
    for c in held {
        match out.last_mut() {
            Some((e, v)) if *e == c.entry => v.push(c),
            _ => out.push((c.entry, vec![c])),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_by_day_of_the_period() {
        assert!(Limit::FirstDay.allows(1));
        assert!(!Limit::FirstDay.allows(2));
        assert!(Limit::Days(14).allows(14));
        assert!(!Limit::Days(14).allows(15));
        assert!(!Limit::Days(14).allows(0));
        let e = Limit::Every90 { first: false };
        assert!(!e.allows(1) && !e.allows(90) && e.allows(91) && !e.allows(92) && e.allows(181));
        assert!(Limit::Every90 { first: true }.allows(1));
        assert!(Limit::EveryDay.allows(400));
    }

    #[test]
    fn notes_chain_needs_the_previous_serial() {
        let c = |code, serial, s| Candidate {
            code,
            entry: 0,
            note_code: 9091,
            serial,
            standards: vec![s],
        };
        let rows = vec![c(1, '1', 10), c(2, '2', 20)];
        let e = ENTRIES.iter().find(|e| e.chain).unwrap();
        assert_eq!(notes_due(e, &rows, &[20], |_| true).len(), 0);
        assert_eq!(notes_due(e, &rows, &[10, 20], |_| true).len(), 2);
        assert_eq!(notes_due(e, &rows, &[10], |_| true).len(), 1);
    }

    /// A demo row with its コード表用番号 (区分, 枝番, 項番) and 注加算通番 set.
    fn row(section: &str, branch: &str, item: &str, serial: char) -> Procedure {
        let set = santei_masters::MasterSet::demo().unwrap();
        let mut p = set.procedures.latest(112_007_410).unwrap().clone();
        p.code_table_alpha = "A".into();
        p.code_table_chapter = "1".into();
        p.code_table_section = section.into();
        p.code_table_branch = branch.into();
        p.code_table_item = item.into();
        p.addition_serial = santei_masters::Char(serial as u8);
        p
    }

    #[test]
    fn entries_by_kubun_item_and_note() {
        let limit = |s, b, i, n| entry_of(&row(s, b, i, n)).map(|e| e.limit);
        assert_eq!(limit("200", "00", "001", '0'), Some(Limit::Days(14)));
        assert_eq!(limit("234", "02", "001", '0'), Some(Limit::FirstDay));
        assert_eq!(
            limit("234", "02", "003", '0'),
            Some(Limit::Every90 { first: true })
        );
        // 連携強化加算 (注3, 通番1, 項番005) goes with 感染対策向上加算２・３: the wider limit.
        assert_eq!(
            limit("234", "02", "005", '1'),
            Some(Limit::Every90 { first: true })
        );
        assert_eq!(
            limit("245", "00", "003", '0'),
            Some(Limit::Every90 { first: false })
        );
        assert_eq!(limit("207", "03", "005", '1'), Some(Limit::Days(14)));
        assert_eq!(limit("205", "00", "002", '0'), Some(Limit::Days(7)));
        assert_eq!(limit("100", "00", "001", '0'), None);
        assert!(!entry_of(&row("205", "00", "002", '0')).unwrap().derived);
    }

    #[test]
    fn held_rows_by_entry() {
        let c = |code, entry, s| Candidate {
            code,
            entry,
            note_code: 0,
            serial: '0',
            standards: vec![s],
        };
        let mut idx = Index {
            bases: vec![c(4, 5, 40), c(1, 0, 10), c(3, 2, 30), c(2, 0, 20)],
            ..Index::default()
        };
        idx.sort();
        let got = held_by_entry(&idx, &[10, 20, 40], |code| code != 4);
        let codes: Vec<(usize, Vec<u32>)> = got
            .into_iter()
            .map(|(e, v)| (e, v.into_iter().map(|c| c.code).collect()))
            .collect();
        assert_eq!(codes, vec![(0, vec![1, 2])]);
    }

    #[test]
    fn groups_by_date() {
        let d = |s: &str| Date::parse_iso(s).unwrap();
        let mut g = Groups::default();
        g.fee_group.insert(1, vec![(7, d("2024-06-01"), Date::MAX)]);
        g.members.insert(7, vec![(99, d("2024-06-01"), Date::MAX)]);
        assert!(g.allows(1, 99, d("2024-07-01")));
        assert!(!g.allows(1, 98, d("2024-07-01")));
        assert!(!g.allows(2, 99, d("2024-07-01")));
        assert!(!g.allows(1, 99, d("2024-05-01")));
    }
}
