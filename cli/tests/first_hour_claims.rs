//! The first hour with claims on the command line (santei calc): what used to be refused or passed
//! silently. Numbers are read as the docs promise, dates only as YYYY-MM-DD, 傷病名 codes checked,
//! a `holiday` visit on a working day flagged, and a truncated claim's error path is not `?`.

use std::process::{Command, Output};

fn santei(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(args)
        .output()
        .expect("run santei")
}

fn write(name: &str, body: &str) -> String {
    let dir = std::env::temp_dir().join(format!("santei-fh-claims-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join(name);
    std::fs::write(&f, body).unwrap();
    f.display().to_string()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

fn claim(date: &str, time: &str, diseases: &str, amount: &str) -> String {
    format!(
        r#"{{"format":"santei.claim/1","patient":{{"birth_date":"1970-04-01","sex":"male"}},
  "facility":{{"kind":"clinic"}},"diseases":[{diseases}],
  "visits":[{{"date":"{date}","time":"{time}","items":[
    {{"type":"procedure","code":"112007410"}},
    {{"type":"rx","form":"internal","days":5,"drugs":[{{"code":"620002023","amount":{amount}}}]}}]}}]}}"#
    )
}

fn rules(v: &serde_json::Value) -> Vec<(String, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// `"amount": 1`, `1.5` and `"1.5"` are the same exact decimal (カロナール 6.70円 (r06) × 1.5 =
/// 10.05円 ≦ 15円 → 1点 per day, 告示 第2部 F200 注1, × 5日 = 5).
#[test]
fn json_numbers_are_read_exactly() {
    let mut totals = Vec::new();
    for amount in ["1", "1.5", "\"1.5\"", "3", "3.0"] {
        let f = write(
            &format!("num-{}.json", amount.replace('"', "q")),
            &claim("2024-07-03", "regular", "", amount),
        );
        let o = santei(&["calc", &f, "--json"]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{amount}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        totals.push(json(&o)["total_points"].as_i64().unwrap());
    }
    // 再診料 75 + 外来管理加算 52 = 127; drug 1点 × 5 for 1 and 1.5 tablets (6.70 / 10.05円),
    // 2点 × 5 for 3 tablets (20.10円 → 2点, 五捨五超入).
    assert_eq!(totals, [132, 132, 132, 137, 137]);
    // A bad amount names the field, not the item.
    let f = write(
        "bad-amount.json",
        &claim("2024-07-03", "regular", "", "\"three\""),
    );
    let o = santei(&["calc", &f, "--json"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        json(&o)["error"]["path"],
        "visits[0].items[1].drugs[0].amount"
    );
}

#[test]
fn a_date_must_be_written_yyyy_mm_dd() {
    let f = write("date.json", &claim("20240703", "regular", "", "1"));
    let o = santei(&["calc", &f, "--json"]);
    assert_eq!(o.status.code(), Some(2));
    let v = json(&o);
    assert_eq!(v["error"]["path"], "visits[0].date");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("YYYY-MM-DD"),
        "{v}"
    );
}

/// 傷病名 codes are checked against the 傷病名マスター (the r06 demo holds one): a made-up or
/// malformed code is an error finding at its path, and the claim's exit code says so.
#[test]
fn disease_codes_are_checked() {
    for code in ["9999999", "0000000", "12345"] {
        let f = write(
            &format!("dis-{code}.json"),
            &claim(
                "2024-07-03",
                "regular",
                &format!(r#"{{"code":"{code}"}}"#),
                "1",
            ),
        );
        let o = santei(&["calc", &f, "--json"]);
        assert_eq!(o.status.code(), Some(1), "{code}");
        let found = rules(&json(&o));
        assert!(
            found.contains(&(
                "MST-013.unknown-disease".into(),
                "error".into(),
                "diseases[0].code".into()
            )),
            "{code}: {found:?}"
        );
    }
}

/// `"time": "holiday"` on Wednesday 2024-07-03 (no 国民の祝日, not 12/29–1/3) is flagged (通知
/// A000 休日加算: 休日 = 日曜日, 国民の祝日, 1/2・1/3・12/29–12/31); on 2024-07-15 (海の日) it is not.
#[test]
fn a_holiday_visit_on_a_working_day_is_flagged() {
    let f = write("hol-wed.json", &claim("2024-07-03", "holiday", "", "1"));
    let found = rules(&json(&santei(&["calc", &f, "--json"])));
    assert!(
        found.iter().any(|(r, s, p)| r == "BAS-104.not-a-holiday"
            && s == "warning"
            && p == "visits[0].time"),
        "{found:?}"
    );
    let f = write("hol-umi.json", &claim("2024-07-15", "holiday", "", "1"));
    let found = rules(&json(&santei(&["calc", &f, "--json"])));
    assert!(
        found.iter().all(|(r, _, _)| r != "BAS-104.not-a-holiday"),
        "{found:?}"
    );
}

/// A truncated claim is a JSON error with its line and column; its path is never `patient.?`.
#[test]
fn a_truncated_claim_says_where() {
    let f = write(
        "cut.json",
        "{\"format\":\"santei.claim/1\",\"patient\":{\"birth_date\":\"1970-",
    );
    let o = santei(&["calc", &f, "--json"]);
    assert_eq!(o.status.code(), Some(2));
    let v = json(&o);
    assert_eq!(v["error"]["code"], "claim.json");
    assert!(!v.to_string().contains('?'), "{v}");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("line 1"),
        "{v}"
    );
}
