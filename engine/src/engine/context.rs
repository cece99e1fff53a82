//! What every stage reads and none changes ([`Context`]), a resolved procedure ([`Proc`]), and
//! the small readers the stages share: claim paths and nine-digit codes.

use rust_decimal::Decimal;
use santei_masters::{Date, Procedure, Text};

use crate::claim::{Claim, TimeCategory};
use crate::prepared::Prepared;

/// The claim path `visits[vi].items[ii]`, built for every item of every claim: written with
/// `itoa` into a buffer on the stack and kept inline (up to 24 bytes, `visits[99].items[9999]`),
/// so an item's path costs no allocation.
#[inline]
pub(super) fn item_path(vi: usize, ii: usize) -> Text {
    // "visits[" + "].items[" + "]" and two usize of at most 20 digits each.
    let mut buf = [0u8; 64];
    let mut n = 0;
    for part in [
        b"visits[".as_slice(),
        itoa::Buffer::new().format(vi).as_bytes(),
        b"].items[",
        itoa::Buffer::new().format(ii).as_bytes(),
        b"]",
    ] {
        buf[n..n + part.len()].copy_from_slice(part);
        n += part.len();
    }
    // ASCII by construction: the conversion cannot fail.
    Text::from(std::str::from_utf8(&buf[..n]).unwrap_or_default())
}

/// Appends `{field}[{i}]` (one level of a claim path), the index written with `itoa`. Inlined: the
/// field names are constants, which the copy then needs no `memcpy` call for.
#[inline]
pub(super) fn push_index(s: &mut String, field: &str, i: usize) {
    s.push_str(field);
    s.push('[');
    s.push_str(itoa::Buffer::new().format(i));
    s.push(']');
}

/// A resolved procedure of a visit.
pub(super) struct Proc<'a> {
    pub(super) path: Text,
    pub(super) rec: &'a Procedure,
    pub(super) quantity: Option<Decimal>,
    pub(super) times: u32,
    /// The 開始時間の区分: the item's `time`, else the visit's.
    pub(super) time: TimeCategory,
    /// 緊急 (the claim's `emergency`).
    pub(super) emergency: bool,
    /// 手術時体重 (g).
    pub(super) weight_g: Option<u32>,
}

/// What every stage reads and none changes: the claim, the prepared masters and rules of its
/// revision, its setting and its month. The resolve stage is a function of it (resolve/); the
/// stages that still keep state are `Deriver` methods reading it as `self.cx`.
#[derive(Clone, Copy)]
pub(super) struct Context<'a> {
    pub(super) p: &'a Prepared,
    pub(super) claim: &'a Claim,
    /// An 入院 claim: master gates reversed (入外適用区分), 点数集計先識別（入院）, no 外来-only
    /// derivations (外来管理加算, 時間外等加算 of 初再診, F200 注3).
    pub(super) inpatient: bool,
    /// The claim's month (any day of it).
    pub(super) month: Date,
}

pub(super) fn same_month(a: Date, b: Date) -> bool {
    (a.year(), a.month()) == (b.year(), b.month())
}

/// A nine-digit code's number (`None` for any other text): [`santei_masters::Code::parse_nine`].
#[inline]
pub(super) fn code_of(s: &str) -> Option<u32> {
    santei_masters::Code::parse_nine(s.as_bytes())
}
