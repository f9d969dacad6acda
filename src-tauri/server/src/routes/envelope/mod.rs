//! The seeds' envelopes, one module each, named after its seed and owning its types: what a family of seed routes wraps its answers and its failures in.

pub(crate) mod oss;
pub(crate) mod seed001;
pub(crate) mod seed002;
pub(crate) mod seed003;
pub(crate) mod seed004;
