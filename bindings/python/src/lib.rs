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

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};
use rayon::prelude::*;
use santei_engine::masters::etensu::Etensu;
use santei_engine::masters::{LoadError, LoadOptions, MasterCatalog, MasterSet};
use santei_engine::{ClaimError, Engine, EngineOptions};

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
        let class = match self.area {
            Area::Masters => "MastersError",
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

/// Computes one claim and serializes its result (runs without the GIL).
fn compute(engine: &Engine, json: &[u8]) -> Result<Vec<u8>, Failure> {
    guarded(|| {
        let result = engine
            .calculate_json(json)
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

fn load_set(dir: PathBuf, updates: Option<PathBuf>) -> Result<MasterSet, Failure> {
    let options = LoadOptions {
        updates,
        parallel: true,
        ..LoadOptions::default()
    };
    MasterSet::load_with(&dir, &options).map_err(Failure::load)
}

/// Loads the folders `(masters, updates, etensu)` without the GIL and builds an engine.
fn build(py: Python<'_>, folders: Vec<Folder>) -> PyResult<PyEngine> {
    py.detach(|| {
        guarded(|| {
            let mut catalog = MasterCatalog::new();
            let mut options = EngineOptions::default();
            for (dir, updates, etensu) in folders {
                let set = load_set(dir, updates)?;
                if let Some(e) = etensu {
                    let tables = Etensu::load(&e).map_err(Failure::load)?;
                    options.etensu.push((set.revision.id, tables));
                }
                catalog.insert(set);
            }
            Engine::with_options(catalog, options).map_err(|diagnostics| {
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
            })
        })
    })
    .map(|engine| PyEngine { engine })
    .map_err(|f| f.into_exception(py, None))
}

/// A folder of masters, its change files, its 医科電子点数表.
type Folder = (PathBuf, Option<PathBuf>, Option<PathBuf>);

/// An engine: the official masters of one or more revisions, loaded once. Immutable: share one
/// engine between threads.
#[pyclass(frozen, name = "Engine", module = "santei")]
struct PyEngine {
    engine: Engine,
}

#[pymethods]
impl PyEngine {
    /// The engine over santei's embedded demo data (a subset of the r06 masters; not official).
    #[staticmethod]
    fn demo(py: Python<'_>) -> PyResult<PyEngine> {
        guarded(|| Engine::demo().map_err(Failure::load))
            .map(|engine| PyEngine { engine })
            .map_err(|f| f.into_exception(py, None))
    }

    /// Loads one folder of official 基本マスター (zip or CSV, CP932, as published), with an
    /// optional folder of change files and an optional 医科電子点数表 folder (its tables become
    /// rules, as in a real deployment). The GIL is released while loading.
    #[staticmethod]
    #[pyo3(signature = (path, *, updates = None, etensu = None))]
    fn load(
        py: Python<'_>,
        path: PathBuf,
        updates: Option<PathBuf>,
        etensu: Option<PathBuf>,
    ) -> PyResult<PyEngine> {
        build(py, vec![(path, updates, etensu)])
    }

    /// Loads several folders (one per revision), each a path or a `(path, updates)` or
    /// `(path, updates, etensu)` tuple (None for what is absent); a claim is computed with the
    /// revision in force on its dates.
    #[staticmethod]
    fn load_folders(py: Python<'_>, folders: &Bound<'_, PyAny>) -> PyResult<PyEngine> {
        let mut list = Vec::new();
        for f in folders.try_iter()? {
            let f = f?;
            if let Ok(t) = f.cast::<PyTuple>() {
                if t.len() == 2 {
                    let (dir, updates) = t.extract()?;
                    list.push((dir, updates, None));
                } else {
                    list.push(t.extract()?);
                }
            } else {
                list.push((f.extract::<PathBuf>()?, None, None));
            }
        }
        if list.is_empty() {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "give at least one folder of masters",
            ));
        }
        build(py, list)
    }

    /// The revisions loaded (`["r2022-04", "r2024-06"]`).
    #[getter]
    fn revisions(&self) -> Vec<&'static str> {
        self.engine.revision_ids()
    }

    /// Computes one claim (a dict, or JSON as str or bytes) and returns the result as a dict
    /// (`santei.result/1`). Raises `ClaimError` when the claim cannot be judged at all.
    fn calculate<'py>(
        &self,
        py: Python<'py>,
        claim: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let json = claim_bytes(py, claim)?;
        let out = py
            .detach(|| compute(&self.engine, &json))
            .map_err(|f| f.into_exception(py, None))?;
        to_python(py, &out)
    }

    /// Computes many claims in parallel on all cores, without the GIL, and returns their results
    /// in order. The first claim that cannot be computed raises its exception (with `.index`),
    /// or, with `return_exceptions=True`, takes its place in the list.
    #[pyo3(signature = (claims, *, return_exceptions = false))]
    fn calculate_many<'py>(
        &self,
        py: Python<'py>,
        claims: &Bound<'py, PyAny>,
        return_exceptions: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        let inputs = claims
            .try_iter()?
            .map(|c| claim_bytes(py, &c?))
            .collect::<PyResult<Vec<_>>>()?;
        let outputs: Vec<Result<Vec<u8>, Failure>> = py.detach(|| {
            inputs
                .par_iter()
                .map(|json| compute(&self.engine, json))
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
    py.detach(|| guarded(|| -> Result<(), Failure> { panic!("_test_panic: a deliberate panic") }))
        .map_err(|f| f.into_exception(py, None))
}

/// santei: 医科診療報酬 claims computed from the official masters (Rust engine).
#[pymodule]
fn _santei(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyEngine>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    #[cfg(feature = "test-hooks")]
    m.add_function(wrap_pyfunction!(_test_panic, m)?)?;
    Ok(())
}
