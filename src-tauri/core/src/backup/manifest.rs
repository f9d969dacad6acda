//! A snapshot's manifest: what it holds and the checksums to verify it by, under a checksum of its own.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::snapshot::{corrupt, Snapped};
use crate::error::Result;

/// The manifest's own format; a reader refuses others.
pub const FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub format: u32,
    /// The program that made it (`CARGO_PKG_VERSION`).
    pub version: String,
    /// The database's schema version (`PRAGMA user_version`).
    pub schema_version: u32,
    /// When it was made (ms since the epoch).
    pub created_at: i64,
    pub database: DatabaseEntry,
    /// Rows per table.
    pub counts: BTreeMap<String, u64>,
    pub blobs: Vec<BlobEntry>,
    /// SHA-256 of this manifest as JSON with this field empty.
    pub checksum: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseEntry {
    pub file: String,
    pub size: u64,
    pub sha256: String,
}

/// One stored content: the store's blob id, its MD5 (lowercase hex) and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobEntry {
    pub blob: String,
    pub md5: String,
    pub size: u64,
}

impl BlobEntry {
    /// Its name in a backup folder's `blobs/`: by content, so equal content is kept once.
    pub fn file_name(&self) -> String {
        format!("{}-{}", self.md5, self.size)
    }
}

/// SHA-256 of a file, as hex.
pub(crate) fn sha256_file(path: &Path) -> Result<String> {
    let mut hash = Sha256::new();
    super::blobs::read_through(path, |piece| {
        hash.update(piece);
        Ok(())
    })?;
    Ok(hex::encode(hash.finalize()))
}

impl Manifest {
    /// The manifest of a snapshot whose database copy is at `db`.
    pub(crate) fn new(snapped: &Snapped, db: &Path) -> Result<Manifest> {
        let m = Manifest {
            format: FORMAT,
            version: env!("CARGO_PKG_VERSION").into(),
            schema_version: snapped.schema_version,
            created_at: crate::ids::now_ms(),
            database: DatabaseEntry {
                file: crate::DB_FILE.into(),
                size: std::fs::metadata(db)?.len(),
                sha256: sha256_file(db)?,
            },
            counts: snapped.counts.clone(),
            blobs: snapped.blobs.clone(),
            checksum: String::new(),
        };
        Ok(m.sealed())
    }

    /// This manifest with its checksum set to what it now says.
    pub fn sealed(mut self) -> Manifest {
        self.checksum = self.own_checksum();
        self
    }

    fn own_checksum(&self) -> String {
        let unsigned = Manifest { checksum: String::new(), ..self.clone() };
        hex::encode(Sha256::digest(serde_json::to_vec(&unsigned).unwrap_or_default()))
    }

    /// Writes it (fsynced) to `path`.
    pub fn write(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| crate::Error::Internal(e.to_string()))?;
        std::fs::write(path, json)?;
        std::fs::File::open(path)?.sync_all()?;
        Ok(())
    }

    /// Reads and checks a manifest: a damaged or edited one is refused.
    pub fn read(path: &Path) -> Result<Manifest> {
        let bytes = std::fs::read(path).map_err(|_| corrupt("its manifest cannot be read"))?;
        let m: Manifest = serde_json::from_slice(&bytes).map_err(|_| corrupt("its manifest is not valid"))?;
        if m.format != FORMAT {
            return Err(corrupt("its manifest is of an unknown format"));
        }
        if m.own_checksum() != m.checksum {
            return Err(corrupt("its manifest does not match its checksum"));
        }
        Ok(m)
    }
}
