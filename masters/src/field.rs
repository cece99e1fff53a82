//! Typed field values of the master files, each parsed strictly from its CSV text.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::error::DataError;

mod inline_text;
pub use inline_text::Text;

/// Parsing of one CSV field into a typed value.
pub trait FieldValue: Sized {
    /// What the field must look like, for error messages.
    const EXPECTED: &'static str;
    /// Parses the field text; `None` means the text is not a valid value.
    fn parse(s: &str) -> Option<Self>;
    /// The value of a column that an older edition of the file does not have (the spec's
    /// default: `0` for numbers, empty for text).
    fn absent() -> Self;
    /// The value as text for people (`santei masters show`).
    fn render(&self) -> String;
}

/// Parses field `col` (1-based 項番) of `fields`, or gives its `absent()` default when the row is
/// shorter (older editions).
pub fn parse_col<T: FieldValue>(
    fields: &[&str],
    col: usize,
    label: &'static str,
) -> Result<T, crate::error::FieldError> {
    match fields.get(col - 1) {
        None => Ok(T::absent()),
        Some(s) => T::parse(s).ok_or_else(|| crate::error::FieldError {
            column: col,
            label,
            error: DataError::BadField {
                value: (*s).to_owned(),
                expected: T::EXPECTED,
            },
        }),
    }
}

/// Unsigned decimal digits (leading zeros allowed, as the files are inconsistent about them).
#[inline]
fn parse_digits(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 18 {
        return None;
    }
    let mut v: u64 = 0;
    for &c in b {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + d as u64;
    }
    Some(v)
}

macro_rules! uint_field {
    ($($t:ty),*) => {$(
        impl FieldValue for $t {
            const EXPECTED: &'static str = "a whole number";
            #[inline]
            fn parse(s: &str) -> Option<Self> {
                parse_digits(s).and_then(|v| <$t>::try_from(v).ok())
            }
            fn absent() -> Self { 0 }
            fn render(&self) -> String { self.to_string() }
        }
    )*};
}
uint_field!(u8, u16, u32, u64);

/// A value that may be empty (`""`): `None`. Used for columns that older editions left as empty
/// 予備 (e.g. 医科診療行為 項番124–131 before R4/R6) and the R8 columns 132–137.
impl<T: FieldValue> FieldValue for Option<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    #[inline]
    fn parse(s: &str) -> Option<Self> {
        if s.is_empty() {
            Some(None)
        } else {
            T::parse(s).map(Some)
        }
    }
    fn absent() -> Self {
        None
    }
    fn render(&self) -> String {
        self.as_ref().map(T::render).unwrap_or_default()
    }
}

/// One ASCII character code such as 注加算通番 (`0`–`9`, `A`–`Z`). Empty is stored as `0`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Char(pub u8);

impl Char {
    pub fn as_char(self) -> char {
        self.0 as char
    }
}

impl Serialize for Char {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.as_char())
    }
}

impl FieldValue for Char {
    const EXPECTED: &'static str = "one letter or digit";
    fn parse(s: &str) -> Option<Self> {
        match s.as_bytes() {
            [c] if c.is_ascii_alphanumeric() || *c == b'-' || *c == b'*' => Some(Char(*c)),
            [] => Some(Char(b'0')),
            _ => None,
        }
    }
    fn absent() -> Self {
        Char(b'0')
    }
    fn render(&self) -> String {
        self.as_char().to_string()
    }
}

/// A calendar date (年月日), validated.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(u32);

impl Date {
    /// The earliest representable date, used as "since always".
    pub const MIN: Date = Date(10000101);
    /// The latest representable date (the files' `99999999` means "open", see [`EndDate`]).
    pub const MAX: Date = Date(99991231);

    /// A date from its `YYYYMMDD` number, unchecked (for constants).
    pub(crate) const fn raw(yyyymmdd: u32) -> Date {
        Date(yyyymmdd)
    }

    /// A date constant from `YYYYMMDD`; panics at compile time if it is not a calendar date.
    pub const fn from_yyyymmdd_const(v: u32) -> Date {
        let (y, m, d) = (v / 10000, v / 100 % 100, v % 100);
        let dim = match m {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
            2 => 28,
            _ => 0,
        };
        assert!(y >= 1000 && d >= 1 && d <= dim, "not a calendar date");
        Date(v)
    }

    /// Builds a date from year, month and day, if it exists in the calendar.
    pub fn from_ymd(y: u32, m: u32, d: u32) -> Option<Date> {
        if !(1000..=9999).contains(&y)
            || !(1..=12).contains(&m)
            || d == 0
            || d > days_in_month(y, m)
        {
            return None;
        }
        Some(Date(y * 10000 + m * 100 + d))
    }

    /// Parses `YYYYMMDD`.
    pub fn parse_yyyymmdd(s: &str) -> Option<Date> {
        if s.len() != 8 {
            return None;
        }
        let v = parse_digits(s)? as u32;
        Date::from_ymd(v / 10000, v / 100 % 100, v % 100)
    }

    /// Parses `YYYY-MM-DD` (and `YYYYMMDD`).
    pub fn parse_iso(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
            let y = parse_digits(&s[0..4])? as u32;
            let m = parse_digits(&s[5..7])? as u32;
            let d = parse_digits(&s[8..10])? as u32;
            Date::from_ymd(y, m, d)
        } else {
            Date::parse_yyyymmdd(s)
        }
    }

    pub fn year(self) -> u32 {
        self.0 / 10000
    }
    pub fn month(self) -> u32 {
        self.0 / 100 % 100
    }
    pub fn day(self) -> u32 {
        self.0 % 100
    }
    /// The date as the number `YYYYMMDD`.
    pub fn yyyymmdd(self) -> u32 {
        self.0
    }

    /// Days since 1970-01-01 (negative before), for week arithmetic.
    pub fn day_number(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let (y, m, d) = (self.year() as i64, self.month() as i64, self.day() as i64);
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The Sunday on or before this date, as a day number (weeks run Sunday–Saturday).
    pub fn week_start(self) -> i64 {
        let n = self.day_number();
        // 1970-01-01 was a Thursday (weekday 4 with Sunday = 0).
        n - (n + 4).rem_euclid(7)
    }

    /// Months since year 0 (for month windows).
    pub fn month_number(self) -> i64 {
        self.year() as i64 * 12 + self.month() as i64 - 1
    }

    /// The day before (saturating at [`Date::MIN`]).
    pub fn pred(self) -> Date {
        let (y, m, d) = (self.year(), self.month(), self.day());
        if d > 1 {
            Date(self.0 - 1)
        } else if m > 1 {
            Date(y * 10000 + (m - 1) * 100 + days_in_month(y, m - 1))
        } else if y > 1000 {
            Date((y - 1) * 10000 + 1231)
        } else {
            Date::MIN
        }
    }

    /// The day after (saturating at [`Date::MAX`]).
    pub fn succ(self) -> Date {
        let (y, m, d) = (self.year(), self.month(), self.day());
        if d < days_in_month(y, m) {
            Date(self.0 + 1)
        } else if m < 12 {
            Date(y * 10000 + (m + 1) * 100 + 1)
        } else if y < 9999 {
            Date((y + 1) * 10000 + 101)
        } else {
            Date::MAX
        }
    }
}

pub(crate) fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.year(),
            self.month(),
            self.day()
        )
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Date::parse_iso(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("`{s}` is not a date (YYYY-MM-DD)")))
    }
}

impl std::str::FromStr for Date {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Date::parse_iso(s).ok_or_else(|| format!("`{s}` is not a date (YYYY-MM-DD)"))
    }
}

impl FieldValue for Date {
    const EXPECTED: &'static str = "a date YYYYMMDD";
    fn parse(s: &str) -> Option<Self> {
        Date::parse_yyyymmdd(s)
    }
    fn absent() -> Self {
        Date::MIN
    }
    fn render(&self) -> String {
        self.to_string()
    }
}

/// 廃止年月日: `99999999` means the code is live (`None`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(transparent)]
pub struct EndDate(pub Option<Date>);

impl EndDate {
    /// The last day of validity, [`Date::MAX`] when open.
    pub fn last_day(self) -> Date {
        self.0.unwrap_or(Date::MAX)
    }
}

impl FieldValue for EndDate {
    const EXPECTED: &'static str = "a date YYYYMMDD or 99999999";
    fn parse(s: &str) -> Option<Self> {
        if s == "99999999" {
            Some(EndDate(None))
        } else {
            Date::parse_yyyymmdd(s).map(|d| EndDate(Some(d)))
        }
    }
    fn absent() -> Self {
        EndDate(None)
    }
    fn render(&self) -> String {
        match self.0 {
            None => "99999999 (現在有効)".into(),
            Some(d) => d.to_string(),
        }
    }
}

/// A date that may be "none": `0`, `00000000` or empty (経過措置年月日, 収載年月日 …).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(transparent)]
pub struct OptDate(pub Option<Date>);

impl FieldValue for OptDate {
    const EXPECTED: &'static str = "a date YYYYMMDD, 0 or empty";
    fn parse(s: &str) -> Option<Self> {
        if s.is_empty() || s.bytes().all(|b| b == b'0') {
            Some(OptDate(None))
        } else {
            Date::parse_yyyymmdd(s).map(|d| OptDate(Some(d)))
        }
    }
    fn absent() -> Self {
        OptDate(None)
    }
    fn render(&self) -> String {
        self.0.map(|d| d.to_string()).unwrap_or_default()
    }
}

/// A decimal with at most two fraction digits (points `291.00`, prices `10.10`), stored exactly as
/// hundredths. Convert with [`Fixed2::to_decimal`] for arithmetic.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fixed2(i64);

impl Fixed2 {
    pub const ZERO: Fixed2 = Fixed2(0);

    pub fn from_hundredths(h: i64) -> Fixed2 {
        Fixed2(h)
    }
    pub fn hundredths(self) -> i64 {
        self.0
    }
    pub fn to_decimal(self) -> rust_decimal::Decimal {
        rust_decimal::Decimal::new(self.0, 2)
    }
    /// The value when it is a whole number (points are), else `None`.
    pub fn whole(self) -> Option<i64> {
        (self.0 % 100 == 0).then_some(self.0 / 100)
    }
}

impl fmt::Display for Fixed2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", a / 100, a % 100)
    }
}

impl fmt::Debug for Fixed2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Fixed2 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl FieldValue for Fixed2 {
    const EXPECTED: &'static str = "a decimal number with at most 2 decimals";
    #[inline]
    fn parse(s: &str) -> Option<Self> {
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) => (i, f),
            None => (s, ""),
        };
        let i = parse_digits(int)? as i64;
        let f = match frac.len() {
            0 => 0,
            1 => parse_digits(frac)? as i64 * 10,
            2 => parse_digits(frac)? as i64,
            _ => return None,
        };
        if s.ends_with('.') {
            return None;
        }
        i.checked_mul(100)?.checked_add(f).map(Fixed2)
    }
    fn absent() -> Self {
        Fixed2(0)
    }
    fn render(&self) -> String {
        self.to_string()
    }
}

/// The value of eight ASCII digits (the first eight of a nine-digit code: [`Code::parse_nine`],
/// the UKE reader's SI/IY/TO fast path); `None` when a byte is not a digit. The bytes are loaded
/// as one little-endian word (the first digit in the lowest byte), and pairs, then fours, then
/// the eight are combined by multiplications on the whole word.
#[inline(always)]
pub fn eight_digits(b: &[u8; 8]) -> Option<u32> {
    const HIGH: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    let x = u64::from_le_bytes(*b);
    // Every byte 0x30–0x3F, and still 0x3_ after adding 6 (so 0x30–0x39). A byte of 0xFA or more
    // carries into the next one, but it already fails the first test.
    if x & HIGH != ZEROS || x.wrapping_add(0x0606_0606_0606_0606) & HIGH != ZEROS {
        return None;
    }
    let d = x - ZEROS;
    let pairs = (d.wrapping_mul(10 << 8 | 1) >> 8) & 0x00FF_00FF_00FF_00FF;
    let fours = (pairs.wrapping_mul(100 << 16 | 1) >> 16) & 0x0000_FFFF_0000_FFFF;
    // At most 99,999,999: the high half of the word holds it whole.
    Some((fours.wrapping_mul(10000 << 32 | 1) >> 32) as u32)
}

/// A 9-digit code (診療行為, 医薬品, 特定器材, コメント), `0` when empty.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Code(pub u32);

impl Code {
    /// The code as its nine digits, zero-padded (`111000110`); a value over 999,999,999 (never
    /// read from a master) keeps its low nine digits here ([`Code::to_text`] and `Display` print
    /// it whole).
    pub fn digits(self) -> [u8; 9] {
        let mut out = [b'0'; 9];
        let mut n = self.0;
        for d in out.iter_mut().rev() {
            *d = b'0' + (n % 10) as u8;
            n /= 10;
        }
        out
    }

    /// The number of a code's text when it is nine ASCII digits (a 基本マスター code, マスターファイル
    /// 仕様説明書), else `None` (another length, a sign, any other byte): the first eight digits
    /// from one load ([`eight_digits`]), then the ninth.
    #[inline]
    pub fn parse_nine(s: &[u8]) -> Option<u32> {
        let [head @ .., last] = <&[u8; 9]>::try_from(s).ok()?;
        let eight = eight_digits(head)?;
        let ninth = last.wrapping_sub(b'0');
        // At most 99,999,999 × 10 + 9: within u32.
        (ninth <= 9).then(|| eight * 10 + u32::from(ninth))
    }

    /// The nine digits as a [`Text`], stored inline (no allocation): the code of a billed line.
    pub fn text(self) -> Text {
        if self.0 > 999_999_999 {
            return Text::from(self.0.to_string());
        }
        // A code of nine digits (every real one: the 基本マスター codes are 9 digits, マスターファイル
        // 仕様説明書, 1xxxxxxxx–8xxxxxxxx, so this is the common branch) is its number written
        // inline by compact_str's integer formatting; smaller numbers get their leading zeros.
        if self.0 >= 100_000_000 {
            return Text(compact_str::ToCompactString::to_compact_string(&self.0));
        }
        Text::from(self.to_text())
    }

    /// The nine digits as a `String`, without the formatting machinery.
    pub fn to_text(self) -> String {
        if self.0 > 999_999_999 {
            return self.0.to_string();
        }
        // Nine ASCII digits, pushed as chars: no UTF-8 validation (from_utf8_lossy cost more than
        // the allocation).
        let mut s = String::with_capacity(9);
        s.extend(self.digits().iter().map(|&b| char::from(b)));
        s
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 > 999_999_999 {
            return write!(f, "{}", self.0);
        }
        let d = self.digits();
        f.pad(std::str::from_utf8(&d).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::str::FromStr for Code {
    type Err = String;
    /// Nine ASCII digits ([`Code::parse_nine`]), nothing else.
    fn from_str(s: &str) -> Result<Self, String> {
        Code::parse_nine(s.as_bytes())
            .map(Code)
            .ok_or_else(|| format!("`{s}` is not a 9-digit code"))
    }
}

impl FieldValue for Code {
    const EXPECTED: &'static str = "a code of up to 9 digits";
    #[inline]
    fn parse(s: &str) -> Option<Self> {
        if s.is_empty() {
            return Some(Code(0));
        }
        if s.len() > 9 {
            return None;
        }
        parse_digits(s).map(|v| Code(v as u32))
    }
    fn absent() -> Self {
        Code(0)
    }
    fn render(&self) -> String {
        if self.0 == 0 {
            "0".into()
        } else {
            self.to_string()
        }
    }
}

/// An age code of the 年齢 columns: `00` none, two digits = years, `AA` 生後28日, `B3`/`B6`/`BF`/`BK`
/// = 3/6/15/20歳に達した日の翌月1日, `MG` 未就学 (MASTER_S_LAYOUT #41/#42).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AgeCode(pub [u8; 2]);

impl AgeCode {
    pub const NONE: AgeCode = AgeCode(*b"00");
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
    pub fn is_none(&self) -> bool {
        *self == AgeCode::NONE
    }

    /// Reads an age code kept as text (特定器材 項番15/16); anything unreadable is "no limit".
    pub fn from_field(s: &str) -> AgeCode {
        <AgeCode as FieldValue>::parse(s).unwrap_or(AgeCode::NONE)
    }
}

impl fmt::Debug for AgeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for AgeCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl FieldValue for AgeCode {
    const EXPECTED: &'static str = "a 2-character age code (00, 06, AA, B3, MG …)";
    fn parse(s: &str) -> Option<Self> {
        match s.as_bytes() {
            [a, b] if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() => {
                Some(AgeCode([*a, *b]))
            }
            [a] if a.is_ascii_digit() => Some(AgeCode([b'0', *a])),
            [] => Some(AgeCode::NONE),
            _ => None,
        }
    }
    fn absent() -> Self {
        AgeCode::NONE
    }
    fn render(&self) -> String {
        self.as_str().to_owned()
    }
}

/// 変更区分: the change status of a row.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
pub enum ChangeKind {
    /// 0 異動なし
    Unchanged,
    /// 1 抹消 (erased: the row must be dropped)
    Erased,
    /// 2 復活 (傷病名/修飾語 only)
    Restored,
    /// 3 新規
    New,
    /// 5 変更
    Changed,
    /// 9 廃止
    Abolished,
}

impl ChangeKind {
    pub fn digit(self) -> u8 {
        match self {
            ChangeKind::Unchanged => 0,
            ChangeKind::Erased => 1,
            ChangeKind::Restored => 2,
            ChangeKind::New => 3,
            ChangeKind::Changed => 5,
            ChangeKind::Abolished => 9,
        }
    }
    pub fn japanese(self) -> &'static str {
        match self {
            ChangeKind::Unchanged => "異動なし",
            ChangeKind::Erased => "抹消",
            ChangeKind::Restored => "復活",
            ChangeKind::New => "新規",
            ChangeKind::Changed => "変更",
            ChangeKind::Abolished => "廃止",
        }
    }
    pub(crate) fn from_field(s: &str) -> Option<ChangeKind> {
        Some(match s {
            "0" => ChangeKind::Unchanged,
            "1" => ChangeKind::Erased,
            "2" => ChangeKind::Restored,
            "3" => ChangeKind::New,
            "5" => ChangeKind::Changed,
            "9" => ChangeKind::Abolished,
            _ => return None,
        })
    }
}

impl FieldValue for ChangeKind {
    const EXPECTED: &'static str = "a 変更区分 (0, 1, 2, 3, 5 or 9)";
    fn parse(s: &str) -> Option<Self> {
        ChangeKind::from_field(s)
    }
    fn absent() -> Self {
        ChangeKind::Unchanged
    }
    fn render(&self) -> String {
        format!("{} {}", self.digit(), self.japanese())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn code_prints_nine_digits() {
        use super::Code;
        for (n, text) in [(111000110, "111000110"), (7, "000000007"), (0, "000000000")] {
            assert_eq!(Code(n).to_text(), text);
            assert_eq!(Code(n).to_string(), text);
            assert_eq!(Code(n).text(), text);
        }
        assert_eq!(format!("[{:>11}]", Code(7)), "[  000000007]");
        assert_eq!(Code(1_234_567_890).to_text(), "1234567890");
        assert_eq!(Code(1_234_567_890).to_string(), "1234567890");
        assert_eq!(Code(1_234_567_890).text(), "1234567890");
    }

    use super::*;

    /// The plain reading: nine bytes, each an ASCII digit.
    fn nine_plain(b: &[u8]) -> Option<u32> {
        (b.len() == 9 && b.iter().all(u8::is_ascii_digit))
            .then(|| b.iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0')))
    }

    #[test]
    fn nine_digit_codes_read_as_the_plain_reading_reads_them() {
        for s in [
            "111000110",
            "000000000",
            "999999999",
            "12345678",
            "1234567890",
            "",
            "+12345678",
            "-12345678",
            "11100011a",
            "a11100011",
            "111 00110",
            "１２３４５６７８９",
        ] {
            assert_eq!(
                Code::parse_nine(s.as_bytes()),
                nine_plain(s.as_bytes()),
                "{s}"
            );
            // FromStr reads through it, with its own message.
            let want = nine_plain(s.as_bytes())
                .map(Code)
                .ok_or_else(|| format!("`{s}` is not a 9-digit code"));
            assert_eq!(s.parse::<Code>(), want, "{s}");
        }
        // Every byte value at every position of a valid code, and random codes with one byte
        // changed (xorshift, fixed seed).
        for pos in 0..9 {
            for c in 0..=255u8 {
                let mut b = *b"123456789";
                b[pos] = c;
                assert_eq!(Code::parse_nine(&b), nine_plain(&b), "{b:?}");
            }
        }
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for k in 0..20_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mut b = *format!("{:09}", x % 1_000_000_000)
                .as_bytes()
                .first_chunk::<9>()
                .unwrap();
            if k % 2 == 1 {
                b[(k / 2 % 9) as usize] = (x >> 40) as u8;
            }
            assert_eq!(Code::parse_nine(&b), nine_plain(&b), "{b:?}");
        }
    }

    #[test]
    fn fixed2_parses_exactly() {
        assert_eq!(Fixed2::parse("291.00").unwrap().hundredths(), 29100);
        assert_eq!(Fixed2::parse("0.19").unwrap().hundredths(), 19);
        assert_eq!(Fixed2::parse("10.1").unwrap().hundredths(), 1010);
        assert_eq!(
            Fixed2::parse("167077222.00").unwrap().to_string(),
            "167077222.00"
        );
        for bad in ["", "1.234", "1.", ".5", "-1", "1,0", "１"] {
            assert!(Fixed2::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn dates_are_validated() {
        assert!(Date::parse_yyyymmdd("20240229").is_some());
        assert!(Date::parse_yyyymmdd("20230229").is_none());
        assert!(Date::parse_yyyymmdd("20241301").is_none());
        assert!(Date::parse_yyyymmdd("2024061").is_none());
        assert_eq!(EndDate::parse("99999999"), Some(EndDate(None)));
        assert_eq!(
            Date::parse_iso("2024-06-01").unwrap().pred().to_string(),
            "2024-05-31"
        );
        assert_eq!(
            Date::parse_iso("2024-03-01").unwrap().pred().to_string(),
            "2024-02-29"
        );
        assert_eq!(
            Date::parse_iso("2024-12-31").unwrap().succ().to_string(),
            "2025-01-01"
        );
        assert_eq!(OptDate::parse("00000000"), Some(OptDate(None)));
        assert_eq!(OptDate::parse("0"), Some(OptDate(None)));
    }

    #[test]
    fn weeks_run_sunday_to_saturday() {
        let d = |s| Date::parse_iso(s).unwrap();
        // 2024-06-02 was a Sunday, 2024-06-08 a Saturday.
        assert_eq!(d("2024-06-02").week_start(), d("2024-06-02").day_number());
        assert_eq!(d("2024-06-08").week_start(), d("2024-06-02").day_number());
        assert_ne!(d("2024-06-09").week_start(), d("2024-06-08").week_start());
        assert_eq!(d("1970-01-01").day_number(), 0);
        assert_eq!(
            d("2024-03-01").day_number() - d("2024-02-28").day_number(),
            2
        );
    }

    #[test]
    fn numbers_reject_non_digits() {
        assert_eq!(u8::parse("05"), Some(5));
        assert_eq!(u8::parse("256"), None);
        assert_eq!(u16::parse(""), None);
        assert_eq!(u16::parse("1 "), None);
        assert_eq!(<Option<u32>>::parse(""), Some(None));
    }
}
