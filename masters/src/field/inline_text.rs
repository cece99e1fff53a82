//! [`Text`]: a master's text field, and a result line's code and name, stored inline up to 24
//! bytes.

use std::fmt;

use serde::{Serialize, Serializer};

use super::FieldValue;

/// Text, kept exactly as published (never trimmed: some names start with a full-width space).
/// Up to 24 bytes are stored inline (most fields: `01`, `000`, `初診料`), so loading a master
/// allocates only for long names.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Text(pub(super) compact_str::CompactString);

impl Text {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text(compact_str::CompactString::new(s))
    }
}

impl From<Text> for String {
    fn from(t: Text) -> String {
        t.0.into_string()
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(compact_str::CompactString::from(s))
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.0 == other.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.0
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.0
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl FieldValue for Text {
    const EXPECTED: &'static str = "text";
    #[inline]
    fn parse(s: &str) -> Option<Self> {
        Some(Text(compact_str::CompactString::new(s)))
    }
    fn absent() -> Self {
        Text::default()
    }
    fn render(&self) -> String {
        self.0.to_string()
    }
}
