//! santei-python: the `santei` Python package (PyO3 + maturin, abi3), a thin layer over
//! santei-engine's public API, after tokenizers and pydantic-core:
//! - inputs are converted first (dict → JSON under the GIL), then the Rust work runs without the
//!   GIL (`calculate`, `load`) and in parallel on all cores (`calculate_many`, rayon);
//! - results come back as plain dicts (`santei.result/1`, the same JSON as the CLI and the C API);
//! - errors are exceptions with a stable `.code` (`claim.json`, `masters.data`, `panic` …: the ids
//!   of the C API's status codes), one subclass per area (defined in `santei/_errors.py`);
//! - a panic inside santei becomes `santei.PanicError`, never a crash of the interpreter.
//!
//! The crate is a cdylib loaded by Python only: it has no Rust tests (`test = false`), and it
//! links against libpython when built by cargo (maturin sets `PYO3_BUILD_EXTENSION_MODULE` for
//! wheels), so `cargo test --workspace` and clippy build it as a plain workspace member.

// PyO3's macros expand to unsafe code.
#![allow(unsafe_code)]

mod uke;

// mimalloc for santei's own allocations (Python keeps its own), as in the `santei` binary: a UKE
// recalculation allocates per receipt.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};
use rayon::prelude::*;
use santei_engine::copay::{
    HoCopay, MissingOver70Class, PublicReceiptRounding, Under70PublicLimit,
};
use santei_engine::masters::{Encoding, LoadError, Revision};
use santei_engine::{
    BuildError, ClaimError, CopaySettings, Engine, EngineBuilder, LocalSchemes, MastersFolder,
    PolypharmacyRounding,
};

/// Why the engine could not do what was asked; raised as the matching `santei` exception.
struct Failure {
    /// The exception class.
    area: Area,
    code: String,
    message: String,
    path: String,
    line: usize,
    column: usize,
}

#[derive(Clone, Copy)]
enum Area {
    /// A ValueError (a builder with no masters).
    Argument,
    Masters,
    Rules,
    Claim,
    Panic,
}

impl Failure {
    fn claim(e: ClaimError, json: &[u8]) -> Failure {
        // Malformed JSON: the engine gives the position in the message only; the first syntax
        // error of the typed parse is the first of the document, found again here.
        let (line, column) = match serde_json::from_slice::<serde::de::IgnoredAny>(json) {
            Err(j) if e.code == "claim.json" => (j.line(), j.column()),
            _ => (0, 0),
        };
        Failure {
            area: Area::Claim,
            code: e.code.to_string(),
            message: e.to_string(),
            path: e.path,
            line,
            column,
        }
    }

    /// The ids are those of the C API (`santei_status_name`).
    fn load(e: LoadError) -> Failure {
        let (code, path, line, column) = match &e {
            LoadError::Data { pos, .. } => (
                "masters.data",
                pos.file.clone(),
                pos.line,
                pos.column.unwrap_or(0),
            ),
            LoadError::Io { path, .. } => ("masters.io", path.display().to_string(), 0, 0),
            LoadError::Zip { path, .. } => ("masters.zip", path.display().to_string(), 0, 0),
            LoadError::MissingRequired { dir, .. } => {
                ("masters.missing_required", dir.display().to_string(), 0, 0)
            }
            LoadError::MissingEtensu { dir, .. } => {
                ("masters.missing_etensu", dir.display().to_string(), 0, 0)
            }
            LoadError::NotADirectory { path } => {
                ("masters.not_a_directory", path.display().to_string(), 0, 0)
            }
            LoadError::NoRevision(_) => ("masters.no_revision", String::new(), 0, 0),
        };
        Failure {
            area: Area::Masters,
            code: code.into(),
            message: e.to_string(),
            path,
            line,
            column,
        }
    }

    /// An engine that could not be built; the codes are those of the C API.
    fn build(e: BuildError) -> Failure {
        let message = e.to_string();
        let masters = |code: &str, path: String| Failure {
            area: Area::Masters,
            code: code.into(),
            message: message.clone(),
            path,
            line: 0,
            column: 0,
        };
        match e {
            BuildError::FolderMissing { dir, .. } | BuildError::NotAFolder { dir, .. } => {
                masters("masters.not_a_directory", dir.display().to_string())
            }
            BuildError::Masters { source, .. }
            | BuildError::Etensu { source, .. }
            | BuildError::Demo(source) => Failure {
                message: message.clone(),
                ..Failure::load(source)
            },
            BuildError::EtensuRevisionNotLoaded { dir, .. } => {
                masters("masters.revision_not_loaded", dir.display().to_string())
            }
            BuildError::RevisionNotLoaded { .. } => {
                masters("masters.revision_not_loaded", String::new())
            }
            BuildError::EtensuAmbiguous { dir, .. } => {
                masters("masters.etensu_ambiguous", dir.display().to_string())
            }
            BuildError::Rules { diagnostics } => {
                let first = diagnostics.first();
                Failure {
                    area: Area::Rules,
                    code: "rules.invalid".into(),
                    message: diagnostics
                        .iter()
                        .map(|d| {
                            format!(
                                "`{}` line {}, column {}: {}",
                                d.file, d.line, d.col, d.message
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                    path: first.map_or_else(String::new, |d| d.file.clone()),
                    line: first.map_or(0, |d| d.line),
                    column: first.map_or(0, |d| d.col),
                }
            }
            // NoMasters, and any later variant: a mistake of the caller.
            _ => Failure {
                area: Area::Argument,
                code: "argument.invalid".into(),
                message,
                path: String::new(),
                line: 0,
                column: 0,
            },
        }
    }

    fn panic(payload: Box<dyn std::any::Any + Send>) -> Failure {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic payload".into());
        let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
        Failure {
            area: Area::Panic,
            code: "panic".into(),
            message: format!("santei panicked (a bug; please report it): {message}"),
            path: String::new(),
            line: 0,
            column: 0,
        }
    }

    /// The Python exception (`santei.ClaimError` …), with `index` for a batch.
    fn into_exception(self, py: Python<'_>, index: Option<usize>) -> PyErr {
        if let Area::Argument = self.area {
            return PyValueError::new_err(self.message);
        }
        let class = match self.area {
            Area::Argument | Area::Masters => "MastersError",
            Area::Rules => "RulesError",
            Area::Claim => "ClaimError",
            Area::Panic => "PanicError",
        };
        let build = || -> PyResult<PyErr> {
            let cls = py.import("santei._errors")?.getattr(class)?;
            let exc = cls.call1((
                self.message.as_str(),
                self.code.as_str(),
                self.path.as_str(),
                self.line,
                self.column,
                index,
            ))?;
            Ok(PyErr::from_value(exc))
        };
        build().unwrap_or_else(|e| e)
    }
}

/// Runs `f`, turning a panic into a [`Failure`]: the interpreter must never see a Rust panic.
fn guarded<T>(f: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| Err(Failure::panic(p)))
}

/// Computes one claim and serializes its result (runs without the GIL); `explain`: the
/// explanation of every line and amount ([`santei_engine::CalcOptions`]).
fn compute(engine: &Engine, json: &[u8], explain: bool) -> Result<Vec<u8>, Failure> {
    guarded(|| {
        let result = engine
            .calculate_json_with(json, santei_engine::CalcOptions { explain })
            .map_err(|e| Failure::claim(e, json))?;
        Ok(serde_json::to_vec(&result).expect("a result always serializes"))
    })
}

/// A claim as JSON bytes: `str` and `bytes` as they are; a dict (any JSON-like object) through
/// `santei._claims.dumps`, which writes `datetime.date` and `decimal.Decimal` values as strings.
fn claim_bytes(py: Python<'_>, claim: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    static DUMPS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    if let Ok(s) = claim.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned().into_bytes());
    }
    if let Ok(b) = claim.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    let text = DUMPS
        .import(py, "santei._claims", "dumps")?
        .call1((claim,))
        .map_err(|e| {
            PyTypeError::new_err(format!(
                "a claim is a dict, a JSON str or JSON bytes: {}",
                e.value(py)
            ))
        })?;
    Ok(text.cast::<PyString>()?.to_cow()?.into_owned().into_bytes())
}

/// Parses result JSON into Python objects with the `json` module.
fn to_python<'py>(py: Python<'py>, json: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let text = std::str::from_utf8(json).expect("serde_json writes UTF-8");
    LOADS.import(py, "json", "loads")?.call1((text,))
}

/// Builds an engine without the GIL.
fn build(py: Python<'_>, builder: EngineBuilder) -> PyResult<PyEngine> {
    py.detach(|| guarded(|| builder.build().map_err(Failure::build)))
        .map(|engine| PyEngine { engine })
        .map_err(|f| f.into_exception(py, None))
}

fn parse_revision(text: &str) -> PyResult<Revision> {
    Revision::parse(text).ok_or_else(|| {
        PyValueError::new_err(format!(
            "unknown revision `{text}` (write \"r2024-06\" or \"r06\")"
        ))
    })
}

fn parse_rounding(text: &str) -> PyResult<PolypharmacyRounding> {
    match text {
        "prescription" => Ok(PolypharmacyRounding::PerPrescription),
        "rx" => Ok(PolypharmacyRounding::PerRx),
        _ => Err(PyValueError::new_err(format!(
            "polypharmacy_rounding `{text}`: write \"prescription\" (処方単位, the default) or \"rx\" (剤単位)"
        ))),
    }
}

fn parse_encoding(text: &str) -> PyResult<Encoding> {
    match text {
        "cp932" => Ok(Encoding::Cp932),
        "utf8" | "utf-8" => Ok(Encoding::Utf8),
        _ => Err(PyValueError::new_err(format!(
            "encoding `{text}`: write \"cp932\" (the default, as published) or \"utf8\""
        ))),
    }
}

/// One of a setting's values as `santei calc` spells it, or a ValueError listing them.
fn parse_choice<T: Copy>(name: &str, text: &str, values: &[(&str, T)]) -> PyResult<T> {
    values
        .iter()
        .find(|(v, _)| *v == text)
        .map(|(_, t)| *t)
        .ok_or_else(|| {
            let names: Vec<String> = values.iter().map(|(v, _)| format!("\"{v}\"")).collect();
            PyValueError::new_err(format!(
                "{name} `{text}`: write {} (santei calc --{})",
                names.join(" or "),
                name.replace('_', "-")
            ))
        })
}

/// Code prefixes as a list of str, or one comma-separated str (`"111,112"`).
fn parse_prefixes(prefixes: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    let list: Vec<String> = if let Ok(s) = prefixes.cast::<PyString>() {
        s.to_cow()?
            .split(',')
            .map(|p| p.trim().to_string())
            .collect()
    } else {
        prefixes
            .try_iter()?
            .map(|p| p?.extract::<String>())
            .collect::<PyResult<_>>()?
    };
    let list: Vec<String> = list.into_iter().filter(|p| !p.is_empty()).collect();
    if let Some(bad) = list.iter().find(|p| !p.bytes().all(|b| b.is_ascii_digit())) {
        return Err(PyValueError::new_err(format!(
            "complete_prefixes: `{bad}` is not a code prefix (digits, e.g. \"111\")"
        )));
    }
    Ok(list)
}

/// The keyword settings of `Engine.load`, `Engine.load_folders` and `Engine.demo`, the same as
/// `EngineBuilder`'s methods and `santei calc`'s options.
#[allow(clippy::too_many_arguments)]
fn configure(
    mut b: EngineBuilder,
    complete_prefixes: Option<&Bound<'_, PyAny>>,
    rules: Option<&Bound<'_, PyAny>>,
    without_bundled_rules: bool,
    polypharmacy_rounding: &str,
    encoding: &str,
    revision: Option<&str>,
) -> PyResult<EngineBuilder> {
    if let Some(p) = complete_prefixes {
        b = b.complete_prefixes(parse_prefixes(p)?);
    }
    if let Some(r) = rules {
        // One folder, or several.
        if let Ok(one) = r.extract::<PathBuf>() {
            b = b.rules_dir(one);
        } else {
            for d in r.try_iter()? {
                b = b.rules_dir(d?.extract::<PathBuf>()?);
            }
        }
    }
    if without_bundled_rules {
        b = b.without_bundled_rules();
    }
    b = b
        .polypharmacy_rounding(parse_rounding(polypharmacy_rounding)?)
        .encoding(parse_encoding(encoding)?);
    if let Some(r) = revision {
        b = b.revision(parse_revision(r)?);
    }
    Ok(b)
}

/// Assembles an engine setting by setting, the way `santei calc`'s options and the C API's
/// `santei_builder_*` do; every method returns the builder, `build()` the engine.
#[pyclass(name = "EngineBuilder", module = "santei")]
struct PyEngineBuilder {
    builder: EngineBuilder,
}

impl PyEngineBuilder {
    fn update(
        mut slf: PyRefMut<'_, Self>,
        f: impl FnOnce(EngineBuilder) -> EngineBuilder,
    ) -> PyRefMut<'_, Self> {
        let b = std::mem::take(&mut slf.builder);
        slf.builder = f(b);
        slf
    }

    /// Changes one copayment setting.
    fn copay(slf: PyRefMut<'_, Self>, f: impl FnOnce(&mut CopaySettings)) -> PyRefMut<'_, Self> {
        Self::update(slf, |b| {
            let mut s = b.copay();
            f(&mut s);
            b.copay_settings(s)
        })
    }
}

#[pymethods]
impl PyEngineBuilder {
    #[new]
    fn new() -> Self {
        PyEngineBuilder {
            builder: EngineBuilder::new(),
        }
    }

    /// Adds a folder of official masters of one revision (`--masters`), with its change files
    /// (`--updates`), 医科電子点数表 (`--etensu`) and, for an excerpt, the code prefixes it holds
    /// completely (`--complete-prefixes`).
    #[pyo3(signature = (path, *, updates = None, etensu = None, complete_prefixes = None))]
    fn masters<'py>(
        slf: PyRefMut<'py, Self>,
        path: PathBuf,
        updates: Option<PathBuf>,
        etensu: Option<PathBuf>,
        complete_prefixes: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<PyRefMut<'py, Self>> {
        let mut folder = MastersFolder::new(path);
        folder.updates = updates;
        folder.etensu = etensu;
        if let Some(p) = complete_prefixes {
            folder.complete_prefixes = parse_prefixes(p)?;
        }
        Ok(Self::update(slf, |b| b.masters(folder)))
    }

    /// Adds every embedded demo revision (not official data; `santei calc` without `--masters`).
    fn demo(slf: PyRefMut<'_, Self>) -> PyRefMut<'_, Self> {
        Self::update(slf, EngineBuilder::demo)
    }

    /// A folder of change files for every masters folder without its own (`--updates`).
    fn updates(slf: PyRefMut<'_, Self>, path: PathBuf) -> PyRefMut<'_, Self> {
        Self::update(slf, |b| b.updates(path))
    }

    /// A 医科電子点数表 folder for `revision` (`"r2024-06"`, `"r06"`), or for the only revision
    /// loaded (`--etensu [REV=]DIR`).
    #[pyo3(signature = (path, *, revision = None))]
    fn etensu<'py>(
        slf: PyRefMut<'py, Self>,
        path: PathBuf,
        revision: Option<&str>,
    ) -> PyResult<PyRefMut<'py, Self>> {
        let rev = revision.map(parse_revision).transpose()?;
        Ok(Self::update(slf, |b| match rev {
            Some(r) => b.etensu_for(r, path),
            None => b.etensu(path),
        }))
    }

    /// The code prefixes an excerpt holds completely, for every masters folder without its own
    /// (`--complete-prefixes`): a list of str or `"111,112"`.
    fn complete_prefixes<'py>(
        slf: PyRefMut<'py, Self>,
        prefixes: &Bound<'py, PyAny>,
    ) -> PyResult<PyRefMut<'py, Self>> {
        let list = parse_prefixes(prefixes)?;
        Ok(Self::update(slf, |b| b.complete_prefixes(list)))
    }

    /// The revision of the masters files when it should not be inferred (`--revision`).
    fn revision<'py>(slf: PyRefMut<'py, Self>, revision: &str) -> PyResult<PyRefMut<'py, Self>> {
        let rev = parse_revision(revision)?;
        Ok(Self::update(slf, |b| b.revision(rev)))
    }

    /// The text encoding of the masters files: `"cp932"` (default) or `"utf8"` (`--encoding`).
    fn encoding<'py>(slf: PyRefMut<'py, Self>, encoding: &str) -> PyResult<PyRefMut<'py, Self>> {
        let e = parse_encoding(encoding)?;
        Ok(Self::update(slf, |b| b.encoding(e)))
    }

    /// Adds a folder of `*.rules` files (`--rules`).
    fn rules_dir(slf: PyRefMut<'_, Self>, path: PathBuf) -> PyRefMut<'_, Self> {
        Self::update(slf, |b| b.rules_dir(path))
    }

    /// Leaves out santei's bundled rule files.
    fn without_bundled_rules(slf: PyRefMut<'_, Self>) -> PyRefMut<'_, Self> {
        Self::update(slf, EngineBuilder::without_bundled_rules)
    }

    /// The unit of the F200 注3 多剤投与 90/100 rounding: `"prescription"` (処方単位, the
    /// default) or `"rx"` (剤単位) (`--polypharmacy-rounding`).
    fn polypharmacy_rounding<'py>(
        slf: PyRefMut<'py, Self>,
        rounding: &str,
    ) -> PyResult<PyRefMut<'py, Self>> {
        let r = parse_rounding(rounding)?;
        Ok(Self::update(slf, |b| b.polypharmacy_rounding(r)))
    }

    /// How the 公費 part of a 70歳未満 claim is capped (`--under70-public-limit`): `"by-law"`
    /// (the default: per 法別番号), `"u-formula"` (the ウ formula for every 公費) or
    /// `"own-class"` (the patient's own 区分). MHLW H27 事例14–31 use the ウ formula, the W-C10
    /// 難病 事例2 the own 区分.
    fn under70_public_limit<'py>(
        slf: PyRefMut<'py, Self>,
        how: &str,
    ) -> PyResult<PyRefMut<'py, Self>> {
        let v = parse_choice("under70_public_limit", how, Under70PublicLimit::NAMES)?;
        Ok(Self::copay(slf, |s| s.under70_public_limit = v))
    }

    /// How the KO 負担金額 is rounded (`--public-receipt-rounding`): `"ten-yen-unless-limited"`
    /// (the default: 10円 四捨五入, an amount fixed by a limit to the yen) or `"yen"`.
    fn public_receipt_rounding<'py>(
        slf: PyRefMut<'py, Self>,
        how: &str,
    ) -> PyResult<PyRefMut<'py, Self>> {
        let v = parse_choice("public_receipt_rounding", how, PublicReceiptRounding::NAMES)?;
        Ok(Self::copay(slf, |s| s.public_receipt_rounding = v))
    }

    /// What a 70歳以上 claim without 所得区分 gets (`--missing-over70-class`): `"refuse"` (the
    /// default: finding CPY-502, no copayment) or `"from-rate"` (現役並みⅢ for 3割, 一般 for
    /// 1割/2割).
    fn missing_over70_class<'py>(
        slf: PyRefMut<'py, Self>,
        what: &str,
    ) -> PyResult<PyRefMut<'py, Self>> {
        let v = parse_choice("missing_over70_class", what, MissingOver70Class::NAMES)?;
        Ok(Self::copay(slf, |s| s.missing_over70_class = v))
    }

    /// When the HO 負担金額 is written (`--ho-copay`): `"when-limited"` (the default) or
    /// `"always"`.
    fn ho_copay<'py>(slf: PyRefMut<'py, Self>, when: &str) -> PyResult<PyRefMut<'py, Self>> {
        let v = parse_choice("ho_copay", when, HoCopay::NAMES)?;
        Ok(Self::copay(slf, |s| s.ho_copay = v))
    }

    /// 地方単独 公費 schemes as JSON text (str or bytes): an array of objects with `law_number`
    /// and optionally `payer_prefix`, `name`, `patient_percent`, `per_visit_yen`,
    /// `max_charged_visits`, `monthly_cap_yen`, `recipient_required` (what `--local-schemes FILE`
    /// holds). Raises ValueError with the line and column when it is not such JSON.
    fn local_schemes<'py>(
        slf: PyRefMut<'py, Self>,
        json: &Bound<'py, PyAny>,
    ) -> PyResult<PyRefMut<'py, Self>> {
        let bytes: Vec<u8> = if let Ok(s) = json.cast::<PyString>() {
            s.to_cow()?.as_bytes().to_vec()
        } else if let Ok(b) = json.cast::<PyBytes>() {
            b.as_bytes().to_vec()
        } else {
            return Err(PyTypeError::new_err(
                "local_schemes: give the JSON text (str or bytes)",
            ));
        };
        let schemes = LocalSchemes::from_json(&bytes).map_err(|e| {
            PyValueError::new_err(format!(
                "local_schemes: not a JSON array of 地方単独 公費 schemes, line {}, column {}: {e}",
                e.line(),
                e.column()
            ))
        })?;
        Ok(Self::update(slf, |b| b.local_schemes(schemes)))
    }

    /// 地方単独 公費 schemes read from a JSON file at `build()` (`--local-schemes FILE`); a file
    /// that cannot be read or parsed makes `build()` raise ValueError naming it, with the line
    /// and column.
    fn local_schemes_file(slf: PyRefMut<'_, Self>, path: PathBuf) -> PyRefMut<'_, Self> {
        Self::update(slf, |b| b.local_schemes_file(path))
    }

    /// Loads everything (without the GIL) and returns the engine. The builder can build again.
    /// Raises `MastersError` or `RulesError` naming the folder at fault, `ValueError` when no
    /// masters were added.
    fn build(&self, py: Python<'_>) -> PyResult<PyEngine> {
        build(py, self.builder.clone())
    }

    fn __repr__(&self) -> String {
        let folders: Vec<String> = self
            .builder
            .masters_folders()
            .map(|f| f.dir.display().to_string())
            .collect();
        format!("<santei.EngineBuilder masters=[{}]>", folders.join(", "))
    }
}

/// An engine: the official masters of one or more revisions, loaded once. Immutable: share one
/// engine between threads.
#[pyclass(frozen, name = "Engine", module = "santei")]
struct PyEngine {
    engine: Engine,
}

#[pymethods]
impl PyEngine {
    /// The engine over santei's embedded demo data (subsets of the r06 and r08 masters; not
    /// official), with the same keyword settings as `load`.
    #[staticmethod]
    #[pyo3(signature = (*, rules = None, without_bundled_rules = false,
                        polypharmacy_rounding = "prescription"))]
    fn demo(
        py: Python<'_>,
        rules: Option<&Bound<'_, PyAny>>,
        without_bundled_rules: bool,
        polypharmacy_rounding: &str,
    ) -> PyResult<PyEngine> {
        let b = configure(
            EngineBuilder::new().demo(),
            None,
            rules,
            without_bundled_rules,
            polypharmacy_rounding,
            "cp932",
            None,
        )?;
        build(py, b)
    }

    /// Loads one folder of official 基本マスター (zip or CSV, CP932, as published), with an
    /// optional folder of change files and an optional 医科電子点数表 folder (its tables become
    /// rules, as in a real deployment). The keywords are `santei calc`'s options (see
    /// `EngineBuilder`). The GIL is released while loading.
    #[staticmethod]
    #[pyo3(signature = (path, *, updates = None, etensu = None, complete_prefixes = None,
                        rules = None, without_bundled_rules = false,
                        polypharmacy_rounding = "prescription", encoding = "cp932",
                        revision = None))]
    #[allow(clippy::too_many_arguments)]
    fn load(
        py: Python<'_>,
        path: PathBuf,
        updates: Option<PathBuf>,
        etensu: Option<PathBuf>,
        complete_prefixes: Option<&Bound<'_, PyAny>>,
        rules: Option<&Bound<'_, PyAny>>,
        without_bundled_rules: bool,
        polypharmacy_rounding: &str,
        encoding: &str,
        revision: Option<&str>,
    ) -> PyResult<PyEngine> {
        let mut folder = MastersFolder::new(path);
        folder.updates = updates;
        folder.etensu = etensu;
        let b = configure(
            EngineBuilder::new().masters(folder),
            complete_prefixes,
            rules,
            without_bundled_rules,
            polypharmacy_rounding,
            encoding,
            revision,
        )?;
        build(py, b)
    }

    /// Loads several folders (one per revision), each a path or a `(path, updates)` or
    /// `(path, updates, etensu)` tuple (None for what is absent); a claim is computed with the
    /// revision in force on its dates. The keywords are those of `load`.
    #[staticmethod]
    #[pyo3(signature = (folders, *, complete_prefixes = None, rules = None,
                        without_bundled_rules = false, polypharmacy_rounding = "prescription",
                        encoding = "cp932", revision = None))]
    #[allow(clippy::too_many_arguments)]
    fn load_folders(
        py: Python<'_>,
        folders: &Bound<'_, PyAny>,
        complete_prefixes: Option<&Bound<'_, PyAny>>,
        rules: Option<&Bound<'_, PyAny>>,
        without_bundled_rules: bool,
        polypharmacy_rounding: &str,
        encoding: &str,
        revision: Option<&str>,
    ) -> PyResult<PyEngine> {
        let mut b = EngineBuilder::new();
        let mut count = 0;
        for f in folders.try_iter()? {
            let f = f?;
            let (dir, updates, etensu): (PathBuf, Option<PathBuf>, Option<PathBuf>) =
                if let Ok(t) = f.cast::<PyTuple>() {
                    if t.len() == 2 {
                        let (dir, updates) = t.extract()?;
                        (dir, updates, None)
                    } else {
                        t.extract()?
                    }
                } else {
                    (f.extract::<PathBuf>()?, None, None)
                };
            let mut folder = MastersFolder::new(dir);
            folder.updates = updates;
            folder.etensu = etensu;
            b = b.masters(folder);
            count += 1;
        }
        if count == 0 {
            return Err(PyValueError::new_err("give at least one folder of masters"));
        }
        let b = configure(
            b,
            complete_prefixes,
            rules,
            without_bundled_rules,
            polypharmacy_rounding,
            encoding,
            revision,
        )?;
        build(py, b)
    }

    /// The revisions loaded (`["r2022-04", "r2024-06"]`).
    #[getter]
    fn revisions(&self) -> Vec<&'static str> {
        self.engine.revision_ids()
    }

    /// Computes one claim (a dict, or JSON as str or bytes) and returns the result as a dict
    /// (`santei.result/1`). Raises `ClaimError` when the claim cannot be judged at all.
    /// `explain=False`: no `explain` on the lines and amounts (not built: about half the time of
    /// a typical 外来 claim), as `santei calc --json` without `--explain`.
    #[pyo3(signature = (claim, *, explain = true))]
    fn calculate<'py>(
        &self,
        py: Python<'py>,
        claim: &Bound<'py, PyAny>,
        explain: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let json = claim_bytes(py, claim)?;
        let out = py
            .detach(|| compute(&self.engine, &json, explain))
            .map_err(|f| f.into_exception(py, None))?;
        to_python(py, &out)
    }

    /// Computes many claims in parallel on all cores, without the GIL, and returns their results
    /// in order. The first claim that cannot be computed raises its exception (with `.index`),
    /// or, with `return_exceptions=True`, takes its place in the list. `explain` as for
    /// `calculate`.
    #[pyo3(signature = (claims, *, return_exceptions = false, explain = true))]
    fn calculate_many<'py>(
        &self,
        py: Python<'py>,
        claims: &Bound<'py, PyAny>,
        return_exceptions: bool,
        explain: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        let inputs = claims
            .try_iter()?
            .map(|c| claim_bytes(py, &c?))
            .collect::<PyResult<Vec<_>>>()?;
        let outputs: Vec<Result<Vec<u8>, Failure>> = py.detach(|| {
            inputs
                .par_iter()
                .map(|json| compute(&self.engine, json, explain))
                .collect()
        });
        let list = PyList::empty(py);
        for (i, out) in outputs.into_iter().enumerate() {
            match out {
                Ok(json) => list.append(to_python(py, &json)?)?,
                Err(f) => {
                    let e = f.into_exception(py, Some(i));
                    if !return_exceptions {
                        return Err(e);
                    }
                    list.append(e.value(py))?;
                }
            }
        }
        Ok(list)
    }

    fn __repr__(&self) -> String {
        format!("<santei.Engine {}>", self.engine.revision_ids().join(", "))
    }
}

/// TEST ONLY (cargo feature `test-hooks`): panics inside the same guard as `calculate`, to show
/// that a panic becomes `santei.PanicError` and the interpreter goes on.
#[cfg(feature = "test-hooks")]
#[pyfunction]
fn _test_panic(py: Python<'_>) -> PyResult<()> {
    quiet_for_the_deliberate_panic();
    py.detach(|| guarded(|| -> Result<(), Failure> { panic!("{DELIBERATE}") }))
        .map_err(|f| f.into_exception(py, None))
}

#[cfg(feature = "test-hooks")]
const DELIBERATE: &str = "_test_panic: a deliberate panic";

/// The deliberate panic is expected: the default hook would print it (with a full backtrace when
/// RUST_BACKTRACE is set) in the middle of a passing test. Installed once; every other panic still
/// goes to the previous hook.
#[cfg(feature = "test-hooks")]
fn quiet_for_the_deliberate_panic() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
            if message != Some(DELIBERATE) {
                previous(info);
            }
        }));
    });
}

/// santei: 医科診療報酬 claims computed from the official masters (Rust engine).
#[pymodule]
fn _santei(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyEngine>()?;
    m.add_class::<PyEngineBuilder>()?;
    m.add_function(wrap_pyfunction!(uke::_uke_recalc, m)?)?;
    m.add_function(wrap_pyfunction!(uke::_uke_split, m)?)?;
    m.add_function(wrap_pyfunction!(uke::_uke_sniff, m)?)?;
    m.add_function(wrap_pyfunction!(uke::_uke_recalc_empty, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    #[cfg(feature = "test-hooks")]
    m.add_function(wrap_pyfunction!(_test_panic, m)?)?;
    Ok(())
}
