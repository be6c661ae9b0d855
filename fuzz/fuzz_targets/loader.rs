//! The multi-document YAML and JSON loader on arbitrary bytes.
//!
//! Any input must either load or fail with a [`kueue_dra_cluster::LoadError`] whose message
//! renders. The loader must not panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = kueue_dra_fuzz::load(data);
});
