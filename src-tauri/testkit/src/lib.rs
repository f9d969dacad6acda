//! What Cinedesk's tests share, in one dev-only crate (a dev-dependency of the core, the server
//! and the desktop, never of the product).
//!
//! - [`files`]: the files below a directory, to see what a store kept or left behind.
//! - [`noise`]: bytes that neither repeat nor compress, in memory or as a file.
//! - [`md5`]: the MD5 oracle (the `md-5` crate) the store's own MD5 is checked against.
//! - [`qr`]: QR codes, PDFs, SVGs and ZIPs read back the way a person's tools would.
//! - [`seed004`]: requests signed the way a cinema's machine client signs them.

pub mod files;
pub mod md5;
pub mod noise;
pub mod qr;
pub mod seed004;

pub use files::files_below;
pub use md5::{md5, md5_hex};
pub use noise::{noise, noise_file};
