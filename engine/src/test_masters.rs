//! The official r06 masters (../shared, through santei-test-data) loaded once for the unit tests
//! of every module that needs them: one load per test binary.

use std::sync::OnceLock;

use crate::prepared::Prepared;

/// The r06 基本マスター, prepared as the engine prepares a revision (without rule files).
pub(crate) fn r06() -> &'static Prepared {
    static P: OnceLock<Prepared> = OnceLock::new();
    P.get_or_init(|| {
        Prepared::new(santei_masters::MasterSet::load(santei_test_data::masters("r06")).unwrap())
    })
}
