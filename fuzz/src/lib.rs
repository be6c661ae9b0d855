//! Helpers shared by the fuzz targets in `fuzz_targets/`.

use kueue_dra_cluster::{Loader, Snapshot};

/// Loads `data` as `explain -f` loads one file, in the namespace `default`. Returns `None`
/// when the loader rejects it, after checking that the error message renders.
#[must_use]
pub fn load(data: &[u8]) -> Option<Snapshot> {
    let mut loader = Loader::new("default");
    let loaded = loader
        .add_bytes("fuzz.yaml", data)
        .and_then(|()| loader.finish());
    match loaded {
        Ok(snapshot) => Some(snapshot),
        Err(error) => {
            let _ = error.to_string();
            None
        }
    }
}
