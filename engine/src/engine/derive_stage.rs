//! Derive: what one visit's resolved items bill — their lines with their まるめ and 注加算, the
//! 年齢・時間加算, the 通則 additions, 外来管理加算 and 判断料 they call for (additions.rs,
//! units.rs), its drugs, materials and comments, F200 注3 (polypharmacy.rs).

use super::polypharmacy::RxDone;
use super::{Calc, resolve};
use crate::claim::{Item, Visit};
use crate::result::RecordKind;

/// The 診療行為 codes a visit's claim bills itself (sorted, each once): a derived 加算 the claim
/// already bills is left to the claim.
#[derive(Clone, Copy)]
pub(super) struct ClaimedCodes<'c>(&'c [u32]);

impl ClaimedCodes<'_> {
    pub(super) fn contains(self, code: u32) -> bool {
        self.0.binary_search(&code).is_ok()
    }
}

impl<'a> Calc<'a> {
    /// The derive stage of visit `vi`: the lines of its resolved 診療行為 (resolve/) with their
    /// まるめ and 注加算, the 年齢・時間加算, the 通則 additions, 外来管理加算 and 判断料 they call for,
    /// then its drugs, materials and comments in claim order, and F200 注3.
    pub(super) fn visit(&mut self, vi: usize, visit: &'a Visit) {
        let date = visit.date;
        let resolve::Procedures { procs, blocker } =
            resolve::procedures(self.cx, &self.lines, vi, visit, &mut self.findings);
        // The codes the visit's claim bills itself, sorted: a handful, so a binary search over a
        // slice is cheaper than hashing them (as are the index lists below: the derive stage's
        // hash sets cost about 1,300 instructions of a typical visit, callgrind profile_visit).
        let mut codes: Vec<u32> = procs.iter().map(|p| p.rec.code.0).collect();
        codes.sort_unstable();
        codes.dedup();
        let claimed = ClaimedCodes(&codes);
        self.surgery_day(&procs);

        // まるめ groups of the day.
        let mut bundled: Vec<(u8, Vec<usize>)> = Vec::new();
        for (i, pr) in procs.iter().enumerate() {
            let g = pr.rec.bundled_test_group;
            if g == 0 {
                continue;
            }
            match bundled.iter_mut().find(|(gg, _)| *gg == g) {
                Some((_, v)) => v.push(i),
                None => bundled.push((g, vec![i])),
            }
        }
        // The procedures already billed (in a まるめ unit or as a 注加算 of their base), by index.
        let mut bundled_done = vec![false; procs.len()];
        // 注加算 (same 注加算コード 項番38, 通番 ≠ 0) claimed after a base that takes 通則 additions:
        // (base, 注加算) index pairs, in the base's order, then the claim's.
        let mut notes_of: Vec<(usize, usize)> = Vec::new();
        for (i, base) in procs.iter().enumerate() {
            if !crate::tsusoku::takes_additions(base.rec) || base.rec.addition_code == 0 {
                continue;
            }
            for (j, n) in procs.iter().enumerate().skip(i + 1) {
                if n.rec.addition_code == base.rec.addition_code
                    && n.rec.addition_serial.as_char() != '0'
                    && n.rec.bundled_test_group == 0
                    && n.times == base.times
                    && !bundled_done[j]
                {
                    notes_of.push((i, j));
                    bundled_done[j] = true;
                }
            }
        }
        // The まるめ groups already tried (包括対象検査グループ is one byte).
        let mut bundle_checked = [false; 256];
        let mut management_added = false;

        for (i, pr) in procs.iter().enumerate() {
            if bundled_done[i] {
                continue;
            }
            let g = pr.rec.bundled_test_group;
            if g != 0 && !std::mem::replace(&mut bundle_checked[usize::from(g)], true) {
                let members: &[usize] = bundled
                    .iter()
                    .find(|(gg, _)| *gg == g)
                    .map_or(&[], |(_, m)| m.as_slice());
                if self.bundle(g, members, &procs, date) {
                    for &m in members {
                        bundled_done[m] = true;
                    }
                    for &m in members {
                        self.judgement_fee(&procs[m], date);
                    }
                    continue;
                }
            }
            self.procedure_line(pr, date);
            // The 注加算 claimed for a base that takes 通則 additions join its 算定単位 before
            // the additions are priced on it.
            for &(_, j) in notes_of.iter().filter(|&&(b, _)| b == i) {
                self.procedure_line(&procs[j], date);
            }
            self.age_and_time_additions(pr, date, visit, claimed);
            self.tsusoku_additions(pr, date, claimed);
            if !self.cx.inpatient
                && !management_added
                && crate::derive::takes_outpatient_management(pr.rec)
            {
                management_added = true;
                self.outpatient_management(pr, date, visit, blocker, claimed);
            }
            self.judgement_fee(pr, date);
        }

        self.urgent_additions(&procs, date, claimed);

        // Drugs, materials, comments in claim order.
        let last_section = self
            .lines
            .iter()
            .rev()
            .find(|l| l.date == date && l.record == RecordKind::SI)
            .map(|l| l.section);
        let mut rx_done: Vec<RxDone> = Vec::new();
        for (ii, item) in visit.items.iter().enumerate() {
            if matches!(item, Item::Procedure { .. }) {
                continue; // resolved above
            }
            let path = super::item_path(vi, ii);
            match item {
                // Skipped above, before its path is built (the match must name it).
                Item::Procedure { .. } => {}
                Item::Rx {
                    form,
                    days,
                    drugs,
                    temporary,
                    mixed,
                } => {
                    let resolved =
                        resolve::rx(self.cx, &path, date, *days, drugs, &mut self.findings);
                    if let Some(mut done) = resolved.and_then(|r| self.rx(&path, date, *form, r)) {
                        done.temporary = *temporary;
                        done.mixed = *mixed;
                        rx_done.push(done);
                    }
                }
                Item::Material {
                    code,
                    amount,
                    unit_price,
                } => {
                    if let Some(m) = resolve::material(
                        self.cx,
                        &path,
                        date,
                        code,
                        *amount,
                        *unit_price,
                        &mut self.findings,
                    ) {
                        self.material(&path, date, m, last_section);
                    }
                }
                Item::Comment { code, text } => {
                    if let Some(rec) =
                        resolve::comment(self.cx, &path, date, code, &mut self.findings)
                    {
                        self.comment(&path, date, rec, text.as_deref());
                    }
                }
            }
        }
        // F200 注3 applies to 外来 only (通知 F200 (6)ア).
        if !self.cx.inpatient {
            self.polypharmacy(vi, visit, &rx_done);
        }
    }
}
