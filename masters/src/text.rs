//! Strict text decoding. The official files are CP932; a malformed byte is an error with its
//! position, never U+FFFD. UTF-8 is accepted for hand-written data (the demo set) and converted files.

use crate::error::{DataError, LoadError, Position};

/// Text encoding of a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// Windows-31J (Shift_JIS with the NEC/IBM extensions), as 支払基金 publishes.
    #[default]
    Cp932,
    /// UTF-8 (an optional BOM is skipped).
    Utf8,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Cp932 => "CP932",
            Encoding::Utf8 => "UTF-8",
        }
    }
}

/// Decodes `bytes` strictly. A trailing 0x1A (EOF mark) is dropped.
pub fn decode(bytes: &[u8], encoding: Encoding, file: &str) -> Result<String, LoadError> {
    let mut out = String::new();
    decode_append(bytes, encoding, file, &mut out)?;
    Ok(out)
}

/// Decodes `bytes` strictly and appends the text to `out` (no allocation when `out` has room).
/// A trailing 0x1A (EOF mark) and, in UTF-8, a BOM are dropped. Pure ASCII, the bulk of the
/// official files' numeric records, is copied without going through the decoder.
pub fn decode_append(
    bytes: &[u8],
    encoding: Encoding,
    file: &str,
    out: &mut String,
) -> Result<(), LoadError> {
    let bytes = match bytes.last() {
        Some(0x1A) => &bytes[..bytes.len() - 1],
        _ => bytes,
    };
    match encoding {
        Encoding::Utf8 => {
            let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            match std::str::from_utf8(body) {
                Ok(s) => {
                    out.push_str(s);
                    Ok(())
                }
                Err(e) => {
                    let at = e.valid_up_to();
                    let len = e.error_len().unwrap_or(body.len() - at).max(1);
                    Err(malformed(body, at, len, encoding, file))
                }
            }
        }
        Encoding::Cp932 => {
            if bytes.is_ascii() {
                // ASCII is the same in CP932 and UTF-8.
                out.push_str(std::str::from_utf8(bytes).unwrap_or_default());
                return Ok(());
            }
            let mut decoder = encoding_rs::SHIFT_JIS.new_decoder_without_bom_handling();
            let cap = decoder
                .max_utf8_buffer_length_without_replacement(bytes.len())
                .unwrap_or(bytes.len() * 3);
            out.reserve(cap);
            let (result, read) = decoder.decode_to_string_without_replacement(bytes, out, true);
            match result {
                encoding_rs::DecoderResult::InputEmpty => Ok(()),
                encoding_rs::DecoderResult::Malformed(bad, after) => {
                    let bad = bad as usize;
                    let at = read - after as usize - bad;
                    Err(malformed(bytes, at, bad, encoding, file))
                }
                // The capacity reserved above is the documented upper bound, so the output
                // never fills.
                encoding_rs::DecoderResult::OutputFull => {
                    Err(malformed(bytes, read, 1, encoding, file))
                }
            }
        }
    }
}

fn malformed(bytes: &[u8], at: usize, len: usize, encoding: Encoding, file: &str) -> LoadError {
    let line_start = bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    // Commas are never part of a CP932 double-byte character, so counting them gives the field.
    let column = bytes[line_start..at].iter().filter(|&&b| b == b',').count() + 1;
    let end = (at + len).min(bytes.len());
    let hex: Vec<String> = bytes[at..end]
        .iter()
        .map(|b| format!("0x{b:02X}"))
        .collect();
    LoadError::data(
        Position {
            file: file.to_owned(),
            line,
            column: Some(column),
            column_name: None,
            byte: Some(at),
        },
        DataError::MalformedEncoding {
            encoding: encoding.name(),
            bytes: hex.join(" "),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cp932_decodes_wave_dash_as_cp932() {
        // 0x8160 is U+FF5E in CP932 (not U+301C as in JIS Shift_JIS).
        let s = decode(b"\"\x81\x60\"\r\n", Encoding::Cp932, "t").unwrap();
        assert_eq!(s, "\"\u{FF5E}\"\r\n");
    }

    #[test]
    fn malformed_cp932_byte_is_an_error_with_position() {
        let bytes = b"\"a\",\"b\"\r\n\"c\",\"\x82\"\r\n";
        let err = decode(bytes, Encoding::Cp932, "x.csv").unwrap_err();
        let pos = err.position().unwrap();
        assert_eq!((pos.line, pos.column, pos.byte), (2, Some(2), Some(14)));
        assert!(err.to_string().contains("CP932"), "{err}");
    }

    #[test]
    fn malformed_utf8_is_an_error_with_position() {
        let err = decode(b"ab\n\"\xFF\"", Encoding::Utf8, "u.csv").unwrap_err();
        let pos = err.position().unwrap();
        assert_eq!((pos.line, pos.byte), (2, Some(4)));
    }

    #[test]
    fn trailing_eof_mark_is_dropped() {
        assert_eq!(decode(b"a\r\n\x1A", Encoding::Cp932, "t").unwrap(), "a\r\n");
    }
}
