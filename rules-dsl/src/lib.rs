//! santei-rules-dsl: the declarative rule language (加算, 背反, 包括, 算定回数, requirements) and its
//! compiler to indexed tables. Not written yet: see issue 4. The crate exists so the workspace has
//! its final shape and dependencies point one way (masters ← rules-dsl ← engine).
