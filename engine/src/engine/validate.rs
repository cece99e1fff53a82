//! Validate: the claim as a whole (format, setting and admission, one month, dates in order),
//! before any master is read. Each refusal is a [`ClaimError`] with the claim path it is about;
//! what depends on the masters (a code, a gate) is the resolve stage's (resolve/).

use santei_masters::Date;

use crate::claim::{CLAIM_FORMAT, Claim, Setting};
use crate::error::ClaimError;

/// The claim's first date (its earliest visit, else `month` for a claim of a stay alone), which
/// chooses the revision; or why the claim cannot be computed.
pub(super) fn claim(claim: &Claim) -> Result<Date, ClaimError> {
    if claim.format != CLAIM_FORMAT {
        return Err(ClaimError::new(
            "claim.format",
            "format",
            format!(
                "unsupported format `{}`; expected `{CLAIM_FORMAT}`",
                claim.format
            ),
        ));
    }
    let inpatient = claim.setting == Setting::Inpatient;
    match (inpatient, claim.admission_date) {
        (true, None) => {
            return Err(ClaimError::new(
                "claim.value",
                "admission_date",
                "an 入院 claim (setting `inpatient`) needs admission_date (入院年月日, the 起算日 of the 入院期間)",
            ));
        }
        (false, Some(_)) => {
            return Err(ClaimError::new(
                "claim.value",
                "admission_date",
                "admission_date is for 入院 claims only (setting `inpatient`)",
            ));
        }
        _ => {}
    }
    if claim
        .admission_date
        .is_some_and(|d| d < claim.patient.birth_date)
    {
        return Err(ClaimError::new(
            "claim.value",
            "admission_date",
            "admission before the patient's birth date",
        ));
    }
    if claim.stay.is_some() && !inpatient {
        return Err(ClaimError::new(
            "claim.value",
            "stay",
            "stay (入院の経過) is for 入院 claims only (setting `inpatient`)",
        ));
    }
    let Some(first) = claim.visits.iter().map(|v| v.date).min().or(claim.month) else {
        return Err(ClaimError::new(
            "claim.value",
            "visits",
            "a claim needs at least one visit, or `month` (診療年月) with a `stay`",
        ));
    };
    if let Some(m) = claim.month {
        if (m.year(), m.month()) != (first.year(), first.month()) {
            return Err(ClaimError::new(
                "claim.month",
                "month",
                format!(
                    "month {}-{:02} is not the month of the visits ({}-{:02})",
                    m.year(),
                    m.month(),
                    first.year(),
                    first.month()
                ),
            ));
        }
    }
    if let Some(s) = &claim.stay {
        crate::stay::validate(s, claim.admission_date, first)?;
        let days = crate::stay::days_in_month(s, claim.admission_date, first);
        crate::meals::validate(s, &days)?;
    }
    for (i, v) in claim.visits.iter().enumerate() {
        if (v.date.year(), v.date.month()) != (first.year(), first.month()) {
            return Err(ClaimError::new(
                "claim.month",
                format!("visits[{i}].date"),
                format!(
                    "{} is not in the claim's month {}-{:02}: a claim covers one month",
                    v.date,
                    first.year(),
                    first.month()
                ),
            ));
        }
        if v.date < claim.patient.birth_date {
            return Err(ClaimError::new(
                "claim.value",
                format!("visits[{i}].date"),
                "visit before the patient's birth date",
            ));
        }
        if let Some(adm) = claim.admission_date.filter(|&d| v.date < d) {
            return Err(ClaimError::new(
                "claim.value",
                format!("visits[{i}].date"),
                format!("{} is before the admission_date {adm}", v.date),
            ));
        }
    }
    Ok(first)
}

/// Each refusal of the stage, with its code and claim path, on claims written for them; no master
/// is read (the stage runs before the revision is chosen).
#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Claim {
        crate::Engine::parse_claim(json.as_bytes()).unwrap()
    }

    /// An 外来 claim with `extra` fields and the visits given.
    fn outpatient(extra: &str, visits: &str) -> Claim {
        parse(&format!(
            r#"{{"format":"santei.claim/1",{extra}"patient":{{"birth_date":"1980-01-01","sex":"female"}},"visits":[{visits}]}}"#
        ))
    }

    fn refused(c: &Claim) -> (String, String) {
        let e = claim(c).unwrap_err();
        (e.code.to_string(), e.path)
    }

    #[test]
    fn the_first_date_is_the_earliest_visit_whatever_the_order() {
        let c = outpatient(
            "",
            r#"{"date":"2024-07-20","items":[]},{"date":"2024-07-03","items":[]}"#,
        );
        assert_eq!(claim(&c).unwrap(), Date::parse_iso("2024-07-03").unwrap());
    }

    #[test]
    fn a_stay_without_visits_takes_its_month() {
        let c = parse(
            r#"{"format":"santei.claim/1","setting":"inpatient","month":"2024-07","admission_date":"2024-05-01",
               "patient":{"birth_date":"1980-02-29","sex":"female"},"facility":{"kind":"hospital","beds":300},
               "stay":{"wards":[{"from":"2024-05-01","fee":"190083810"}]}}"#,
        );
        assert_eq!(claim(&c).unwrap(), Date::parse_iso("2024-07-01").unwrap());
    }

    #[test]
    fn each_refusal_names_its_code_and_path() {
        let day = r#"{"date":"2024-07-03","items":[]}"#;
        let cases: [(Claim, (&str, &str)); 7] = [
            (
                parse(&format!(
                    r#"{{"format":"santei.claim/0","patient":{{"birth_date":"1980-01-01","sex":"male"}},"visits":[{day}]}}"#
                )),
                ("claim.format", "format"),
            ),
            (
                outpatient(r#""setting":"inpatient","#, day),
                ("claim.value", "admission_date"),
            ),
            (
                outpatient(r#""admission_date":"2024-07-01","#, day),
                ("claim.value", "admission_date"),
            ),
            (outpatient("", ""), ("claim.value", "visits")),
            (
                outpatient(r#""month":"2024-08","#, day),
                ("claim.month", "month"),
            ),
            (
                outpatient(
                    "",
                    r#"{"date":"2024-07-03","items":[]},{"date":"2024-08-01","items":[]}"#,
                ),
                ("claim.month", "visits[1].date"),
            ),
            (
                outpatient(
                    r#""setting":"inpatient","admission_date":"2024-07-05","#,
                    day,
                ),
                ("claim.value", "visits[0].date"),
            ),
        ];
        for (c, (code, path)) in cases {
            assert_eq!(refused(&c), (code.to_string(), path.to_string()));
        }
    }

    #[test]
    fn a_visit_before_birth_is_refused() {
        let c = parse(
            r#"{"format":"santei.claim/1","patient":{"birth_date":"2024-07-10","sex":"male"},
               "visits":[{"date":"2024-07-03","items":[]}]}"#,
        );
        assert_eq!(
            refused(&c),
            ("claim.value".to_string(), "visits[0].date".to_string())
        );
    }
}
