//! The CSV dialect of the official files: every field in double quotes, comma separated, CRLF (LF
//! accepted), no header, no quote or comma inside a field. Unquoted fields are accepted too, so a
//! file re-saved by a spreadsheet still loads. Rows borrow from the decoded text; one `Vec` of
//! field slices is reused for the whole file (no allocation per row).

use crate::error::{DataError, LoadError, Position};

/// Iterates the rows of a decoded file.
pub struct Rows<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    file: &'a str,
}

impl<'a> Rows<'a> {
    pub fn new(text: &'a str, file: &'a str) -> Self {
        Rows {
            text,
            pos: 0,
            line: 0,
            file,
        }
    }

    /// The file name used in error positions.
    pub fn file(&self) -> &'a str {
        self.file
    }

    /// Reads the next row into `fields`. Returns `Ok(None)` at the end of the text, `Ok(Some(line))`
    /// with the 1-based line number of the row otherwise.
    pub fn next_into(&mut self, fields: &mut Vec<&'a str>) -> Result<Option<usize>, LoadError> {
        fields.clear();
        let bytes = self.text.as_bytes();
        if self.pos >= bytes.len() {
            return Ok(None);
        }
        self.line += 1;
        let line = self.line;
        let mut i = self.pos;
        // An empty line is an error (it would otherwise be a silently dropped row).
        if bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n')) {
            return Err(self.err(line, None, DataError::EmptyLine));
        }
        loop {
            let col = fields.len() + 1;
            if bytes.get(i) == Some(&b'"') {
                let start = i + 1;
                let Some(rel) = memchr::memchr2(b'"', b'\n', &bytes[start..]) else {
                    return Err(self.err(line, Some(col), DataError::UnterminatedQuote));
                };
                let end = start + rel;
                if bytes[end] == b'\n' {
                    return Err(self.err(line, Some(col), DataError::UnterminatedQuote));
                }
                fields.push(&self.text[start..end]);
                i = end + 1;
            } else {
                let rest = &bytes[i..];
                let rel = memchr::memchr3(b',', b'\n', b'"', rest).unwrap_or(rest.len());
                let mut end = i + rel;
                if bytes.get(end) == Some(&b'"') {
                    return Err(self.err(line, Some(col), DataError::TextAfterQuote));
                }
                let field_end =
                    if end > i && bytes.get(end) != Some(&b',') && bytes[end - 1] == b'\r' {
                        end - 1
                    } else {
                        end
                    };
                fields.push(&self.text[i..field_end]);
                if field_end != end {
                    end = field_end;
                }
                i = end;
            }
            match bytes.get(i) {
                Some(b',') => i += 1,
                Some(b'\r') if bytes.get(i + 1) == Some(&b'\n') => {
                    self.pos = i + 2;
                    return Ok(Some(line));
                }
                Some(b'\n') => {
                    self.pos = i + 1;
                    return Ok(Some(line));
                }
                None => {
                    self.pos = i;
                    return Ok(Some(line));
                }
                Some(_) => return Err(self.err(line, Some(col), DataError::TextAfterQuote)),
            }
        }
    }

    fn err(&self, line: usize, column: Option<usize>, error: DataError) -> LoadError {
        LoadError::data(
            Position {
                file: self.file.to_owned(),
                line,
                column,
                column_name: None,
                byte: None,
            },
            error,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Result<Vec<Vec<String>>, LoadError> {
        let mut rows = Rows::new(text, "t.csv");
        let mut f = Vec::new();
        let mut out = Vec::new();
        while rows.next_into(&mut f)?.is_some() {
            out.push(f.iter().map(|s| s.to_string()).collect());
        }
        Ok(out)
    }

    #[test]
    fn quoted_crlf_and_lf_and_last_line_without_newline() {
        let rows = all("\"0\",\"S\",\"\"\r\n\"1\",\"a b\"\n\"2\",\"x\"").unwrap();
        assert_eq!(
            rows,
            vec![vec!["0", "S", ""], vec!["1", "a b"], vec!["2", "x"]]
        );
    }

    #[test]
    fn unquoted_fields_are_accepted() {
        let rows = all("0,S,,291.00\r\n").unwrap();
        assert_eq!(rows, vec![vec!["0", "S", "", "291.00"]]);
    }

    #[test]
    fn fields_are_never_trimmed() {
        let rows = all("\"\u{3000}１\",\" a \"\r\n").unwrap();
        assert_eq!(rows[0], vec!["\u{3000}１", " a "]);
    }

    #[test]
    fn truncated_row_is_an_error_with_line_and_column() {
        let err = all("\"0\",\"S\"\r\n\"0\",\"S\",\"11100").unwrap_err();
        let pos = err.position().unwrap();
        assert_eq!((pos.line, pos.column), (2, Some(3)));
        assert!(err.to_string().contains("unterminated"), "{err}");
    }

    #[test]
    fn empty_line_is_an_error() {
        let err = all("\"0\"\r\n\r\n\"1\"\r\n").unwrap_err();
        assert_eq!(err.position().unwrap().line, 2);
    }

    #[test]
    fn garbage_after_quote_is_an_error() {
        assert!(all("\"0\"x,\"1\"\n").is_err());
    }
}
