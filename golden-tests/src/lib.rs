//! santei-golden: the runner for golden cases under `golden-tests/cases/<revision>/`. The cases
//! arrive with the point engine (issue 3).
