//! [`Memo`]: results of a stage remembered from one run to the next, so that `vigie serve`
//! rebuilds less than everything after an edit, with a result that always equals a clean
//! build. The stages stay pure functions of their inputs; a memo only remembers earlier
//! results of the same function, keyed by everything those results depend on. The two
//! memos are [`crate::load::cache::ParseCache`] and [`crate::render::cache::PageCache`];
//! `vigie build` passes memos that keep nothing, so that both commands run the same code.

use std::collections::HashMap;

/// The map of a memo's entries: keyed by paths and ids, which need no protection from
/// crafted collisions, and looked up ten thousand times a rebuild.
pub type Entries<K, V> = HashMap<K, V, rustc_hash::FxBuildHasher>;
use std::hash::Hash;

/// Results of one stage remembered from one run to the next, all valid under one scope
/// (what every entry depends on: the root and `site.yaml` for parses, the configuration
/// for pages). Entries are checked one by one against their own key by the stage itself.
#[derive(Debug)]
pub struct Memo<K, V, S> {
    keep: bool,
    scope: Option<S>,
    entries: Entries<K, V>,
    /// How many results the last run computed (the others were remembered).
    computed: usize,
}

impl<K, V, S> Default for Memo<K, V, S> {
    fn default() -> Self {
        Memo {
            keep: false,
            scope: None,
            entries: Entries::default(),
            computed: 0,
        }
    }
}

impl<K: Eq + Hash, V, S: PartialEq> Memo<K, V, S> {
    /// A memo that remembers results from one run to the next.
    pub fn new() -> Self {
        Memo {
            keep: true,
            ..Memo::default()
        }
    }

    /// A memo that remembers nothing.
    pub fn unused() -> Self {
        Memo::default()
    }

    /// Whether results are remembered.
    pub(crate) fn keeps(&self) -> bool {
        self.keep
    }

    /// Starts counting the work of a run, which may fail before it computes anything.
    pub(crate) fn begin(&mut self) {
        self.computed = 0;
    }

    /// Starts a run under the scope `scope()` (only evaluated when results are kept):
    /// returns the entries still valid (none when the scope changed), to be put back,
    /// pruned and completed, with [`Memo::finish`].
    pub(crate) fn start(&mut self, scope: impl FnOnce() -> S) -> Entries<K, V> {
        let entries = std::mem::take(&mut self.entries);
        if !self.keep {
            return Entries::default();
        }
        let scope = scope();
        if self.scope.as_ref() != Some(&scope) {
            self.scope = Some(scope);
            return Entries::default();
        }
        entries
    }

    /// Ends a run: `entries` are exactly the results it produced, `computed` how many of
    /// them it computed.
    pub(crate) fn finish(&mut self, entries: Entries<K, V>, computed: usize) {
        if self.keep {
            self.entries = entries;
        }
        self.computed = computed;
    }

    /// Ends a run that changed the entries [`Memo::start`] gave in place (the results
    /// still right left where they were, the others put in): `current` are the keys of
    /// this run's results, each of which is in `entries`; any other entry is dropped.
    /// `computed` as for [`Memo::finish`].
    pub(crate) fn finish_in_place<'a, Q>(
        &mut self,
        mut entries: Entries<K, V>,
        current: impl ExactSizeIterator<Item = &'a Q>,
        computed: usize,
    ) where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized + 'a,
    {
        if self.keep && entries.len() > current.len() {
            let current: std::collections::HashSet<&Q, rustc_hash::FxBuildHasher> =
                current.collect();
            entries.retain(|k, _| current.contains(k.borrow()));
        }
        self.finish(entries, computed);
    }

    /// How many results are remembered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many results the last run computed; the others were remembered.
    pub fn computed(&self) -> usize {
        self.computed
    }
}
