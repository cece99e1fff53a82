//! Reading a master file from disk: a plain CSV/TXT or the zip as distributed (one member).

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::LoadError;
use crate::text::{Encoding, decode};

/// A file's bytes with the name used in messages.
pub struct RawFile {
    /// `s_ALL20240531.zip!s_ALL20240531.csv` for a zip member, the file name otherwise.
    pub display_name: String,
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// Reads `path`; a `.zip` yields its single CSV/TXT member.
pub fn read_raw(path: &Path) -> Result<RawFile, LoadError> {
    let io = |source| LoadError::Io {
        path: path.to_owned(),
        source,
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let is_zip = file_name.to_ascii_lowercase().ends_with(".zip");
    if !is_zip {
        let bytes = std::fs::read(path).map_err(io)?;
        return Ok(RawFile {
            display_name: file_name,
            path: path.to_owned(),
            bytes,
        });
    }
    let zerr = |message: String| LoadError::Zip {
        path: path.to_owned(),
        message,
    };
    let f = std::fs::File::open(path).map_err(io)?;
    let mut archive =
        zip::ZipArchive::new(std::io::BufReader::new(f)).map_err(|e| zerr(e.to_string()))?;
    let members: Vec<usize> = (0..archive.len())
        .filter(|&i| {
            archive.name_for_index(i).is_some_and(|n| {
                let n = n.to_ascii_lowercase();
                n.ends_with(".csv") || n.ends_with(".txt")
            })
        })
        .collect();
    let index = match members.as_slice() {
        [i] => *i,
        [] => return Err(zerr("no .csv or .txt file inside".into())),
        _ => {
            return Err(zerr(format!(
                "{} .csv/.txt files inside; expected one",
                members.len()
            )));
        }
    };
    let mut entry = archive.by_index(index).map_err(|e| zerr(e.to_string()))?;
    let member = entry.name().to_owned();
    let mut bytes = Vec::with_capacity(entry.size() as usize);
    entry
        .read_to_end(&mut bytes)
        .map_err(|e| zerr(format!("{member}: {e}")))?;
    Ok(RawFile {
        display_name: format!("{file_name}!{member}"),
        path: path.to_owned(),
        bytes,
    })
}

/// Reads and strictly decodes `path`; a file given as CP932 that is valid UTF-8 with non-ASCII text
/// (a converted copy, as published excerpts are) is read as UTF-8. Returns the encoding used.
/// CP932 Japanese text is never valid UTF-8 beyond a few bytes, so the test cannot mistake an
/// official file.
pub fn read_text_sniffed(
    path: &Path,
    encoding: Encoding,
) -> Result<(String, String, Encoding), LoadError> {
    let raw = read_raw(path)?;
    let enc = if encoding == Encoding::Cp932
        && !raw.bytes.is_ascii()
        && std::str::from_utf8(
            raw.bytes
                .strip_prefix(b"\xEF\xBB\xBF")
                .unwrap_or(&raw.bytes),
        )
        .is_ok()
    {
        Encoding::Utf8
    } else {
        encoding
    };
    let text = decode(&raw.bytes, enc, &raw.display_name)?;
    Ok((raw.display_name, text, enc))
}

/// Reads and strictly decodes `path`.
pub fn read_text(path: &Path, encoding: Encoding) -> Result<(String, String), LoadError> {
    let raw = read_raw(path)?;
    let text = decode(&raw.bytes, encoding, &raw.display_name)?;
    Ok((raw.display_name, text))
}
