//! The pretty JSON of `santei calc --json` and the service, byte for byte what serde_json's
//! `PrettyFormatter` writes (two spaces a level, `": "` after a key), but each line break and its
//! indentation written at once from one static run of spaces instead of one two-byte write per
//! level: the indentation was about a quarter of the cost of writing a typical visit's result.

use std::io;

use serde_json::ser::Formatter;

/// `,` `\n` and the spaces of 63 levels; deeper levels write the rest in a loop.
const BREAK: &[u8; 128] = b",\n                                                                                                                              ";

/// Formatter with the output of `serde_json::ser::PrettyFormatter::new()`.
#[derive(Default)]
pub struct Pretty {
    level: usize,
    has_value: bool,
}

impl Pretty {
    /// A line break (after a comma unless `first`) and the indentation of the current level.
    fn newline<W: ?Sized + io::Write>(&self, w: &mut W, first: bool) -> io::Result<()> {
        let start = usize::from(first);
        let mut spaces = 2 * self.level;
        let here = spaces.min(BREAK.len() - 2);
        w.write_all(&BREAK[start..2 + here])?;
        spaces -= here;
        while spaces > 0 {
            let n = spaces.min(BREAK.len() - 2);
            w.write_all(&BREAK[2..2 + n])?;
            spaces -= n;
        }
        Ok(())
    }

    fn open<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.newline(w, true)?;
        }
        w.write_all(bracket)
    }
}

impl Formatter for Pretty {
    #[inline]
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    #[inline]
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    #[inline]
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.newline(w, first)
    }

    #[inline]
    fn end_array_value<W: ?Sized + io::Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    #[inline]
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    #[inline]
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    #[inline]
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.newline(w, first)
    }

    #[inline]
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    #[inline]
    fn end_object_value<W: ?Sized + io::Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Writes `value` as pretty JSON into `out`.
pub fn write<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, Pretty::default());
    value.serialize(&mut ser)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    fn both(v: &serde_json::Value) -> (Vec<u8>, Vec<u8>) {
        let mut ours = Vec::new();
        super::write(&mut ours, v).unwrap();
        (ours, serde_json::to_vec_pretty(v).unwrap())
    }

    #[test]
    fn same_bytes_as_serde_json_pretty() {
        let v = json!({
            "a": 1, "empty_list": [], "empty_map": {}, "s": "初診料 \"quoted\"\n",
            "list": [1, [2, [3, {"x": null, "y": [true, false]}]], {}],
            "nested": {"deeper": {"deepest": [[], [[]], {"k": "v"}]}}
        });
        let (ours, theirs) = both(&v);
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(theirs).unwrap()
        );
        for scalar in [json!(1), json!("x"), json!(null), json!([]), json!({})] {
            let (ours, theirs) = both(&scalar);
            assert_eq!(ours, theirs, "{scalar}");
        }
    }

    #[test]
    fn deeper_than_the_static_spaces() {
        let mut v = json!({"leaf": [1, 2]});
        for i in 0..80 {
            v = if i % 2 == 0 {
                json!([v, i])
            } else {
                json!({"k": v})
            };
        }
        let (ours, theirs) = both(&v);
        assert_eq!(ours, theirs);
    }
}
