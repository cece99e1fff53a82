//! 医科電子点数表 (placeholder until written).
