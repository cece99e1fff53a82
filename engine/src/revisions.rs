//! What each 診療報酬改定 needs in santei, declared in one place. Adding a revision is filling in
//! its row here (and the data each `Have` points at); a part that santei does not have for a
//! revision is declared [`Part::Lacks`] with the reason, which the engine reports whenever it is
//! used. `golden-tests/tests/revisions.rs` fails when a revision of `santei_masters::REVISIONS`
//! has no row, when a part declared `Have` is missing, or when a part declared `Lacks` exists
//! (so the row is updated when the part lands).
//!
//! The parts live where a reader would look for them:
//! - hand rules: `rules-dsl/rules/<revision>/*.rules` (bundled at build time);
//! - demo data: `masters/demo/<revision>/` (`santei_masters::demo::ALL`);
//! - golden cases: `golden-tests/cases/<revision>/` (and `cases/common/` runs);
//! - 検体検査 まるめ tiers: [`crate::tables::BUNDLINGS`];
//! - 高額療養費 and other copay rows: `engine/src/copay/tables.rs`.

/// A part of a revision: present, or knowingly absent with the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// santei has it (the completeness test checks that it is really there).
    Have,
    /// santei does not have it, and says why (shown in `santei rules check`, the engine's rule
    /// diagnostics and the README).
    Lacks(&'static str),
}

impl Part {
    pub fn have(self) -> bool {
        self == Part::Have
    }

    /// The reason, for a part santei lacks.
    pub fn reason(self) -> Option<&'static str> {
        match self {
            Part::Have => None,
            Part::Lacks(r) => Some(r),
        }
    }
}

/// The parts of one revision.
#[derive(Debug, Clone, Copy)]
pub struct RevisionParts {
    /// `r2024-06` (an id of `santei_masters::REVISIONS`).
    pub id: &'static str,
    /// Bundled hand rules (背反, 包括, 算定回数, 算定要件, 加算 the 電子点数表 does not carry).
    pub rules: Part,
    /// Embedded demo rows, so that a claim of the period computes without official files.
    pub demo: Part,
    /// Golden cases written from the revision's 告示/通知.
    pub golden: Part,
    /// 検体検査 まるめ tiers of the 告示 (D006, D007, D008, D009, D013).
    pub bundling_tiers: Part,
    /// 高額療養費 limits in force over the whole period (to the last date santei knows of).
    pub copay: Part,
}

/// Every revision santei knows, oldest first.
pub static REVISION_PARTS: &[RevisionParts] = &[
    RevisionParts {
        id: "r2020-04",
        rules: Part::Lacks(
            "no hand rules are written for 令和2年度改定: claims of 2020-04 … 2022-03 get the master gates and the 電子点数表 rules only (pass --etensu with the r02 tables)",
        ),
        demo: Part::Lacks(
            "no demo rows for 令和2年度改定: pass the official r02 masters with --masters",
        ),
        golden: Part::Lacks(
            "no golden claim cases for 令和2年度改定: the r02 masters are checked through the public UKE sample (engine/tests/uke.rs)",
        ),
        bundling_tiers: Part::Have,
        copay: Part::Have,
    },
    RevisionParts {
        id: "r2022-04",
        rules: Part::Lacks(
            "no hand rules are written for 令和4年度改定: claims of 2022-04 … 2024-05 get the master gates and the 電子点数表 rules only (pass --etensu with the r04 tables)",
        ),
        demo: Part::Lacks(
            "no demo rows for 令和4年度改定: pass the official r04 masters with --masters",
        ),
        golden: Part::Have,
        bundling_tiers: Part::Have,
        copay: Part::Have,
    },
    RevisionParts {
        id: "r2024-06",
        rules: Part::Have,
        demo: Part::Have,
        golden: Part::Have,
        bundling_tiers: Part::Have,
        copay: Part::Have,
    },
    RevisionParts {
        id: "r2026-06",
        rules: Part::Have,
        demo: Part::Have,
        golden: Part::Have,
        bundling_tiers: Part::Have,
        copay: Part::Have,
    },
];

/// The parts of a revision, `None` for an id santei does not know.
pub fn parts(id: &str) -> Option<&'static RevisionParts> {
    REVISION_PARTS.iter().find(|p| p.id == id)
}
