//! 負担区分コード: which payers share a line of a レセプト (記録条件仕様（医科）別表 負担区分
//! コード; summarised in ../shared/docs/UKE_LAYOUT.md). The one table of the codebase: the UKE
//! reader's recalculation, the UKE writer and the copayment all read it here.
//!
//! A set of payers is a bit mask: bit 0 = 医療保険, bit k = 第k公費 (k = 1–4).

/// The code of each set of payers, indexed by the mask (one ASCII character each); `' '` for the
/// empty set, which has no code.
const CODE_OF: &str = " 1526374BEHMJORVCGINKPSWLQTXUYZ9";

/// The mask of each code (an ASCII byte), `NONE` for a byte that is no code.
const PAYERS_OF: [u8; 128] = {
    let codes = CODE_OF.as_bytes();
    let mut t = [NONE; 128];
    let mut mask = 1;
    while mask < 32 {
        t[codes[mask] as usize] = mask as u8;
        mask += 1;
    }
    t
};
const NONE: u8 = 0xFF;

/// The 負担区分コード of a set of payers (bit 0 = 医療保険, bit k = 第k公費); `None` for the
/// empty set or bits above 第4公費.
#[inline]
pub fn code(payers: u8) -> Option<&'static str> {
    let i = usize::from(payers);
    if i == 0 { None } else { CODE_OF.get(i..=i) }
}

/// The set of payers (bit 0 = 医療保険, bit k = 第k公費) of a 負担区分コード; `None` for a
/// character that is no code (a blank field included).
#[inline]
pub fn payers(code: char) -> Option<u8> {
    let m = *PAYERS_OF.get(code as usize)?;
    (m != NONE).then_some(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_set_of_payers_has_one_code_and_back() {
        let mut seen = std::collections::BTreeSet::new();
        for mask in 1u8..32 {
            let c = code(mask).expect("a code");
            assert_eq!(c.len(), 1);
            assert!(seen.insert(c), "{c} twice");
            assert_eq!(payers(c.chars().next().unwrap()), Some(mask), "{c}");
        }
        assert_eq!(code(0), None);
        assert_eq!(code(32), None);
        assert_eq!(payers(' '), None);
        assert_eq!(payers('A'), None);
        assert_eq!(payers('0'), None);
        assert_eq!(payers('負'), None);
    }

    /// The table as the 別表 lists it (H = 医療保険, 1–4 = 第1–4公費).
    #[test]
    fn codes_of_the_table() {
        let table: [(&str, &[u8]); 31] = [
            ("1", &[0]),
            ("2", &[0, 1]),
            ("3", &[0, 2]),
            ("4", &[0, 1, 2]),
            ("5", &[1]),
            ("6", &[2]),
            ("7", &[1, 2]),
            ("E", &[0, 3]),
            ("G", &[0, 4]),
            ("B", &[3]),
            ("C", &[4]),
            ("H", &[1, 3]),
            ("I", &[1, 4]),
            ("J", &[2, 3]),
            ("K", &[2, 4]),
            ("L", &[3, 4]),
            ("M", &[0, 1, 3]),
            ("N", &[0, 1, 4]),
            ("O", &[0, 2, 3]),
            ("P", &[0, 2, 4]),
            ("Q", &[0, 3, 4]),
            ("R", &[1, 2, 3]),
            ("S", &[1, 2, 4]),
            ("T", &[1, 3, 4]),
            ("U", &[2, 3, 4]),
            ("V", &[0, 1, 2, 3]),
            ("W", &[0, 1, 2, 4]),
            ("X", &[0, 1, 3, 4]),
            ("Y", &[0, 2, 3, 4]),
            ("Z", &[1, 2, 3, 4]),
            ("9", &[0, 1, 2, 3, 4]),
        ];
        for (c, who) in table {
            let mask = who.iter().fold(0u8, |m, &k| m | 1 << k);
            assert_eq!(code(mask), Some(c), "{who:?}");
        }
    }
}
