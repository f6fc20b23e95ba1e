//! The hash maps of the hot paths (the in-memory store, the engine's per-input state, the
//! segment index, the e-mail / phone keys): `std`'s map with foldhash's fast, per-process seeded
//! hasher instead of SipHash, which the engine's profile showed at 7–8 % of a tick (ids are
//! hashed at every step). Iteration order was never relied on (SipHash is seeded per process too).

/// `std::collections::HashMap` with foldhash's hasher; build it with `default()`.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
