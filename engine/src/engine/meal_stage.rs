//! The 食事・生活療養 lines of the meals served (engine/src/meals.rs decides the rows; this stage
//! prices them from the master of each day and bills them under 診療識別 97, in yen).

use santei_masters::{Date, PointKind, Procedure};

use super::Deriver;
use super::price_stage::Work;
use super::units::si_line;
use crate::claim::Stay;
use crate::meals::{self, Part, Row};
use crate::result::{Finding, Origin};

/// A code the masters of a date do not hold, or hold without a whole 金額: the entry, the code,
/// its name, the first and last date, and why.
struct Missing {
    entry: usize,
    code: u32,
    name: &'static str,
    from: Date,
    to: Date,
    why: &'static str,
}

/// A row priced on a date: its master row and 金額, or the row and why it has none.
type Priced<'r, 'm> = Result<(&'m Procedure, i64), (&'r Row, &'static str)>;

/// The yen of a 食事療養 row: 点数識別 1 (金額) with a whole amount, else why not.
fn yen_of(rec: &Procedure) -> Result<i64, &'static str> {
    if rec.point_kind() != PointKind::Yen {
        return Err("the row is not a 金額 (点数識別 1) in these masters");
    }
    rec.points
        .whole()
        .ok_or("the row's 金額 is not a whole number of yen")
}

fn part_name(p: Part) -> &'static str {
    match p {
        Part::Meal => "1食につき",
        Part::Special => "特別食加算, 1食につき",
        Part::Dining => "食堂加算, 1日につき",
        Part::Environment => "環境療養, 1日につき (billed on a day `stay.meals` lists)",
    }
}

/// Why a (Ⅰ) row is not billed without its 届出.
const NO_STANDARD: &str = "the row needs the facility's 届出 (施設基準 of the master row, 項番72–81; 食事療養(Ⅰ)・生活療養(Ⅰ): the 基準 注1) that `facility.standards` does not list; without it (Ⅱ) applies — give kind `II` / `seikatsu_II`, or the 届出";

impl<'a> Deriver<'a> {
    /// Every day of every `stay.meals` entry: its rows at the master's 金額 of the day, one 算定単位
    /// per row; an entry's day is billed whole or not at all (INP-201 names what is missing).
    pub(super) fn meals_served(&mut self, s: &'a Stay) {
        let p = self.cx.p;
        let mut missing: Vec<Missing> = Vec::new();
        let mut environment_days: Vec<Date> = Vec::new();
        for (i, m) in s.meals.iter().enumerate() {
            let path = format!("stay.meals[{i}]");
            for date in m.days() {
                let env = m.kind.living() && !environment_days.contains(&date);
                if env {
                    environment_days.push(date);
                }
                let rows = meals::rows(m, env);
                let priced: Vec<Priced<'_, '_>> = rows
                    .iter()
                    .map(|r| match p.set.procedures.get(r.code, date) {
                        None => Err((r, "no row of this code in the loaded masters for the date")),
                        // 食事療養(Ⅰ)・生活療養(Ⅰ) and their 加算 need the facility's 届出 (the row's
                        // 施設基準, e.g. 642 on 197000110): without it (Ⅱ) applies, which santei
                        // does not choose for the claim.
                        Some(rec) if self.needs_standard(rec, date) => Err((r, NO_STANDARD)),
                        Some(rec) => yen_of(rec).map(|y| (rec, y)).map_err(|w| (r, w)),
                    })
                    .collect();
                let mut ok = true;
                for e in &priced {
                    if let Err((r, why)) = e {
                        ok = false;
                        match missing
                            .iter_mut()
                            .find(|x| x.entry == i && x.code == r.code && x.why == *why)
                        {
                            Some(x) => x.to = date,
                            None => missing.push(Missing {
                                entry: i,
                                code: r.code,
                                name: r.name,
                                from: date,
                                to: date,
                                why,
                            }),
                        }
                    }
                }
                if !ok {
                    continue;
                }
                for (r, e) in rows.iter().zip(priced) {
                    let Ok((rec, yen)) = e else { continue };
                    self.meal_line(m, r, rec, yen, date, &path);
                }
            }
        }
        for x in missing {
            let when = if x.from == x.to {
                format!("{}", x.from)
            } else {
                format!("{}–{}", x.from, x.to)
            };
            self.findings.push(
                Finding::error(meals::ROW_MISSING)
                    .at(format!("stay.meals[{}]", x.entry))
                    .cite(meals::CITE)
                    .codes(vec![format!("{:09}", x.code)])
                    .message(format!(
                        "{:09} {} on {when}: {} ({} masters, {}); the 食事・生活療養 of these days is not billed — no amount of another period is used",
                        x.code,
                        x.name,
                        x.why,
                        self.rev(),
                        self.cx.p.set.coverage.describe()
                    )),
            );
        }
    }

    /// The row needs a 施設基準 届出 the facility does not declare (the 施設基準 gate of
    /// claimed items, [`super::gate`]).
    fn needs_standard(&self, rec: &Procedure, date: Date) -> bool {
        self.cx.blocked_by(rec, date) == Some(super::resolve::Blocked::FacilityStandard)
    }

    fn meal_line(
        &mut self,
        m: &meals::MealDay,
        r: &Row,
        rec: &Procedure,
        yen: i64,
        date: Date,
        path: &str,
    ) {
        let (from, to) = self
            .cx
            .p
            .set
            .procedures
            .version(r.code, date)
            .map_or((date, date), |v| (v.valid_from, v.valid_to));
        let total = yen * i64::from(r.times);
        let explain = if !self.explain {
            Vec::new()
        } else {
            vec![
                crate::Explanation::Meal {
                    code: rec.code,
                    name: rec.abbr_name.clone(),
                    part: part_name(r.part),
                    yen,
                    times: r.times,
                    total,
                    date,
                    meal_kind: m.kind.name(),
                    liquid: m.liquid,
                    per_meal_limit: r.part == Part::Meal,
                },
                crate::Explanation::MealRow {
                    code: rec.code,
                    points: rec.points,
                    from,
                    to,
                    revision: self.rev(),
                },
                crate::Explanation::MealCitation {
                    citation: meals::CITE,
                },
            ]
        };
        let unit = self.unit();
        let origin = Origin::Derived {
            rule: meals::MEALS,
            base_path: path.into(),
        };
        self.lines.push(Work::priced(si_line(
            true,
            rec,
            date,
            unit,
            None,
            Some(yen),
            r.times,
            origin,
            explain,
        )));
    }
}
