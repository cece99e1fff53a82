//! Unit tests on the official r06 医科診療行為マスター (../shared).
