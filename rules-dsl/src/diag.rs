//! Diagnostics for people: file, line, column, the source line and a caret, like rustc.

use std::fmt;

use crate::ast::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Severity {
    Error,
    Warning,
}

/// A problem in a rule file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: String,
    pub line: usize,
    pub col: usize,
    /// Length of the underlined text (at least 1).
    pub len: usize,
    pub message: String,
    /// The source line, for rendering.
    pub source_line: String,
}

impl Diagnostic {
    /// A diagnostic about a whole file or folder (no line): `message` with `severity`, such as a
    /// file that cannot be read or a revision's missing rules.
    pub fn of_file(severity: Severity, file: String, message: String) -> Self {
        Diagnostic {
            severity,
            file,
            line: 0,
            col: 0,
            len: 1,
            message,
            source_line: String::new(),
        }
    }

    /// A file or folder that cannot be read, with the system's reason.
    pub fn cannot_read(path: &std::path::Path, e: &std::io::Error) -> Self {
        Diagnostic::of_file(
            Severity::Error,
            path.display().to_string(),
            format!("cannot read: {e}"),
        )
    }

    pub fn new(
        severity: Severity,
        file: &str,
        text: &str,
        span: crate::ast::Span,
        message: String,
    ) -> Self {
        let mut d = Diagnostic::detached(severity, span, message);
        d.attach(file, text, span);
        d
    }

    /// A diagnostic whose file and text are attached later by the caller.
    pub(crate) fn detached(severity: Severity, span: Span, message: String) -> Self {
        Diagnostic {
            severity,
            file: String::new(),
            line: span.line,
            col: span.col,
            len: span.end.saturating_sub(span.start).max(1),
            message,
            source_line: String::new(),
        }
    }

    pub(crate) fn attach(&mut self, file: &str, text: &str, span: Span) {
        self.file = file.to_string();
        self.source_line = text
            .lines()
            .nth(self.line.saturating_sub(1))
            .unwrap_or("")
            .to_string();
        let rest = self
            .source_line
            .chars()
            .count()
            .saturating_sub(self.col.saturating_sub(1));
        let chars = text
            .get(span.start..span.end)
            .map_or(1, |s| s.lines().next().unwrap_or("").chars().count());
        self.len = chars.clamp(1, rest.max(1));
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{sev}: {}", self.message)?;
        writeln!(f, "  --> {}:{}:{}", self.file, self.line, self.col)?;
        if !self.source_line.is_empty() {
            let num = self.line.to_string();
            let pad = " ".repeat(num.len());
            writeln!(f, "{pad} |")?;
            writeln!(f, "{num} | {}", self.source_line)?;
            // Full-width characters take two columns in a terminal.
            let lead: usize = self
                .source_line
                .chars()
                .take(self.col.saturating_sub(1))
                .map(|c| if (c as u32) < 0x1100 { 1 } else { 2 })
                .sum();
            let width: usize = self
                .source_line
                .chars()
                .skip(self.col.saturating_sub(1))
                .take(self.len)
                .map(|c| if (c as u32) < 0x1100 { 1 } else { 2 })
                .sum();
            writeln!(
                f,
                "{pad} | {}{}",
                " ".repeat(lead),
                "^".repeat(width.max(1))
            )?;
        }
        Ok(())
    }
}
