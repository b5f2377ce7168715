//! The `--data-dir` file: state and signing keys, written atomically (temp
//! file in the same dir, fsync, rename) after each mutating operation and
//! read back at start, so a restart keeps users and verifies old tokens.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use super::state::State;
use super::tokens::{KeyError, Keys, SigningKey};

const FILE_NAME: &str = "local-cognito.json";
const FORMAT_VERSION: u32 = 1;

/// The file's shape.
#[derive(Serialize, Deserialize)]
struct Snapshot<S> {
    version: u32,
    /// PKCS#8 DER, base64.
    access_key: String,
    id_key: String,
    state: S,
}

/// What `load` found.
#[derive(Debug)]
pub struct Loaded {
    pub keys: Keys,
    pub state: State,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot use data dir {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("corrupt state file {path}: {reason}")]
    Corrupt { path: PathBuf, reason: String },
}

/// Writes snapshots of the state to the data dir.
#[derive(Debug)]
pub struct Persister {
    path: PathBuf,
    /// Generation of the last snapshot written.
    written: Mutex<u64>,
}

impl Persister {
    /// Creates the dir if needed and reads a previous state, if any.
    pub fn open(dir: &Path) -> Result<(Self, Option<Loaded>), LoadError> {
        std::fs::create_dir_all(dir).map_err(|source| LoadError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = dir.join(FILE_NAME);
        let loaded = match std::fs::read(&path) {
            Ok(bytes) => Some(decode(&path, &bytes)?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => return Err(LoadError::Io { path, source }),
        };
        Ok((
            Self {
                path,
                written: Mutex::new(0),
            },
            loaded,
        ))
    }

    /// Serializes the state (call with the state lock held; cheap).
    pub fn snapshot(keys: &Keys, state: &State) -> Result<Vec<u8>, serde_json::Error> {
        serde_json::to_vec(&Snapshot {
            version: FORMAT_VERSION,
            access_key: STANDARD.encode(keys.access.pkcs8()),
            id_key: STANDARD.encode(keys.id.pkcs8()),
            state,
        })
    }

    /// Writes a snapshot atomically unless a newer one was already written.
    /// Blocking: run it on a blocking thread.
    pub fn write(&self, generation: u64, bytes: &[u8]) -> std::io::Result<()> {
        let mut written = self.written.lock().unwrap_or_else(PoisonError::into_inner);
        if generation <= *written {
            return Ok(());
        }
        let dir = self.path.parent().unwrap_or_else(|| Path::new("."));
        let tmp = dir.join(format!(".{FILE_NAME}.{}.tmp", std::process::id()));
        {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            // The file holds signing keys, client secrets and TOTP secrets.
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut f = options.open(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, &self.path)?;
        // Make the rename itself durable.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        *written = generation;
        Ok(())
    }
}

fn decode(path: &Path, bytes: &[u8]) -> Result<Loaded, LoadError> {
    let corrupt = |reason: String| LoadError::Corrupt {
        path: path.to_path_buf(),
        reason,
    };
    let snap: Snapshot<State> =
        serde_json::from_slice(bytes).map_err(|e| corrupt(e.to_string()))?;
    if snap.version != FORMAT_VERSION {
        return Err(corrupt(format!(
            "unsupported format version {}",
            snap.version
        )));
    }
    let key = |b64: &str| -> Result<SigningKey, LoadError> {
        let der = STANDARD
            .decode(b64)
            .map_err(|e| corrupt(format!("signing key: {e}")))?;
        SigningKey::from_pkcs8(&der).map_err(|e: KeyError| corrupt(e.to_string()))
    };
    Ok(Loaded {
        keys: Keys {
            access: key(&snap.access_key)?,
            id: key(&snap.id_key)?,
        },
        state: snap.state,
    })
}
