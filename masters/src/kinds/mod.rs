//! The six kinds of 基本マスター.

pub mod comment;
pub mod disease;
pub mod drug;
pub mod material;
pub mod modifier;
pub mod procedure;
