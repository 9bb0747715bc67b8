//! [`Memo`]: results of a stage remembered from one run to the next, so that `vigie serve`
//! rebuilds less than everything after an edit, with a result that always equals a clean
//! build. The stages stay pure functions of their inputs; a memo only remembers earlier
//! results of the same function, keyed by everything those results depend on. The two
//! memos are [`crate::load::cache::ParseCache`] and [`crate::render::cache::PageCache`];
//! `vigie build` passes memos that keep nothing, so that both commands run the same code.

use std::collections::HashMap;
use std::sync::Arc;

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

    /// Ends a run whose results are `made`, in order, each with the entry to remember for
    /// it when it was computed now: those entries take their place in `entries` (where the
    /// ones still right were left), the entries of no result are dropped, and the results
    /// are given back. `key` is a result's key; the entries put in are counted as computed.
    pub(crate) fn finish_with<T, Q>(
        &mut self,
        mut entries: Entries<K, V>,
        made: Vec<(T, Option<V>)>,
        key: impl Fn(&T) -> &Q,
    ) -> Vec<T>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        let mut computed = 0;
        let mut results = Vec::with_capacity(made.len());
        for (result, entry) in made {
            if let Some(entry) = entry {
                entries.insert(key(&result).to_owned(), entry);
                computed += 1;
            }
            results.push(result);
        }
        self.finish_in_place(entries, results.iter().map(&key), computed);
        results
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

/// Something a [`ListMemo`] remembers results of: known by its id.
pub trait Identified {
    fn id(&self) -> &str;
}

/// A memo of one result per item of a list (the site's incidents), kept in the list's
/// order when they were made: a rebuild finds the result of the item at position `n` at
/// position `n` (the same item, as long as none was added or removed before it) without
/// hashing its id, and looks by id only when the item there is another. Scoped, checked
/// and counted as a [`Memo`].
#[derive(Debug)]
pub struct ListMemo<T, V, S> {
    keep: bool,
    scope: Option<S>,
    /// The last run's results, at the positions of their items then.
    slots: Vec<Option<(Arc<T>, V)>>,
    computed: usize,
}

impl<T, V, S> Default for ListMemo<T, V, S> {
    fn default() -> Self {
        ListMemo {
            keep: false,
            scope: None,
            slots: Vec::new(),
            computed: 0,
        }
    }
}

/// What a run keeps of one item's result in a [`ListMemo`]: the result remembered, where
/// [`Recalled::get`] found it, or the one made now (none when the memo keeps nothing).
pub(crate) enum Kept<V> {
    Remembered(usize),
    Made(Option<V>),
}

/// The results a [`ListMemo`] remembered, as a run looks them up.
#[derive(Debug)]
pub struct Recalled<T, V> {
    slots: Vec<Option<(Arc<T>, V)>>,
    /// The position of each item's result by id, made at the first lookup that needs
    /// it.
    by_id: std::sync::OnceLock<rustc_hash::FxHashMap<String, usize>>,
}

impl<T: Identified, V> Recalled<T, V> {
    /// The remembered result of item `i`, at position `n` in this run, with where
    /// it is kept (for [`Recalled::take`]). The result is the item's own, by id: it
    /// is right for the item only if the stage's own check says so.
    pub(crate) fn get(&self, n: usize, i: &Arc<T>) -> Option<(usize, &V)> {
        if let Some(Some((seen, v))) = self.slots.get(n) {
            if Arc::ptr_eq(seen, i) || seen.id() == i.id() {
                return Some((n, v));
            }
        }
        let by_id = self.by_id.get_or_init(|| {
            self.slots
                .iter()
                .enumerate()
                .filter_map(|(k, slot)| Some((slot.as_ref()?.0.id().to_string(), k)))
                .collect()
        });
        let k = *by_id.get(i.id())?;
        self.slots[k].as_ref().map(|(_, v)| (k, v))
    }
}

impl<T, V> Recalled<T, V> {
    /// Takes the result kept at `k` (as [`Recalled::get`] gave it), to keep it for the
    /// next run as the result of `i`.
    fn take(&mut self, k: usize, i: &Arc<T>) -> Option<(Arc<T>, V)> {
        let (seen, v) = self.slots.get_mut(k)?.take()?;
        // The item as this run has it, which the next run compares by address.
        let seen = if Arc::ptr_eq(&seen, i) {
            seen
        } else {
            Arc::clone(i)
        };
        Some((seen, v))
    }
}

impl<T, V, S: PartialEq> ListMemo<T, V, S> {
    /// A memo that remembers results from one run to the next.
    pub fn new() -> Self {
        ListMemo {
            keep: true,
            ..ListMemo::default()
        }
    }

    /// A memo that remembers nothing.
    pub fn unused() -> Self {
        ListMemo::default()
    }

    /// Whether results are remembered.
    pub(crate) fn keeps(&self) -> bool {
        self.keep
    }

    /// Starts a run under `scope` (made only when the memo keeps results): the results
    /// remembered, or none if the scope changed.
    pub(crate) fn start(&mut self, scope: impl FnOnce() -> S) -> Recalled<T, V> {
        self.computed = 0;
        let slots = std::mem::take(&mut self.slots);
        let slots = if !self.keep {
            Vec::new()
        } else {
            let scope = scope();
            if self.scope.as_ref() == Some(&scope) {
                slots
            } else {
                self.scope = Some(scope);
                Vec::new()
            }
        };
        Recalled {
            slots,
            by_id: std::sync::OnceLock::new(),
        }
    }

    /// Ends a run over `items`, this run's list: `kept` says, for each item with a result
    /// (by position), what the memo keeps of it; the others keep nothing. `computed`
    /// results were computed now.
    pub(crate) fn finish(
        &mut self,
        mut old: Recalled<T, V>,
        items: &[Arc<T>],
        kept: impl IntoIterator<Item = (usize, Kept<V>)>,
        computed: usize,
    ) {
        self.computed = computed;
        if !self.keep {
            return;
        }
        let mut slots = Vec::new();
        slots.resize_with(items.len(), || None);
        for (n, kept) in kept {
            let i = &items[n];
            slots[n] = match kept {
                Kept::Remembered(k) => old.take(k, i),
                Kept::Made(v) => v.map(|v| (Arc::clone(i), v)),
            };
        }
        self.slots = slots;
    }

    /// How many results are remembered.
    pub fn len(&self) -> usize {
        self.slots.iter().filter(|s| s.is_some()).count()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many results the last run computed; the others were remembered.
    pub fn computed(&self) -> usize {
        self.computed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Item(&'static str);

    impl Identified for Item {
        fn id(&self) -> &str {
            self.0
        }
    }

    /// One run over `items`: each item's remembered value (by the item's id) or none;
    /// the memo keeps the remembered values and `made` for the others.
    fn run(
        memo: &mut ListMemo<Item, String, ()>,
        items: &[Arc<Item>],
        made: &str,
    ) -> Vec<Option<String>> {
        let old = memo.start(|| ());
        let found: Vec<Option<(usize, String)>> = items
            .iter()
            .enumerate()
            .map(|(n, i)| old.get(n, i).map(|(k, v)| (k, v.clone())))
            .collect();
        let kept: Vec<(usize, Kept<String>)> = items
            .iter()
            .zip(&found)
            .enumerate()
            .map(|(n, (i, f))| match f {
                Some((k, _)) => (n, Kept::Remembered(*k)),
                None => (n, Kept::Made(Some(format!("{made} {}", i.0)))),
            })
            .collect();
        let computed = found.iter().filter(|f| f.is_none()).count();
        memo.finish(old, items, kept, computed);
        found.into_iter().map(|f| f.map(|(_, v)| v)).collect()
    }

    #[test]
    fn finds_each_items_result_whether_or_not_the_list_moved() {
        let (a, b, c) = (
            Arc::new(Item("a")),
            Arc::new(Item("b")),
            Arc::new(Item("c")),
        );
        let mut memo = ListMemo::new();
        assert_eq!(run(&mut memo, &[a.clone(), b.clone()], "1"), [None, None]);
        assert_eq!(memo.computed(), 2);
        // The same list: each at its place.
        let found = run(&mut memo, &[a.clone(), b.clone()], "2");
        assert_eq!(found, [Some("1 a".into()), Some("1 b".into())]);
        assert_eq!(memo.computed(), 0);
        // An item added before them, and `b` as another parse of the same id.
        let b2 = Arc::new(Item("b"));
        let found = run(&mut memo, &[c.clone(), a.clone(), b2.clone()], "3");
        assert_eq!(found, [None, Some("1 a".into()), Some("1 b".into())]);
        // Kept as the item this run has, which the next run compares by address.
        let kept = memo.slots[2].as_ref().map(|(i, _)| Arc::clone(i));
        assert!(kept.is_some_and(|i| Arc::ptr_eq(&i, &b2)));
        // One removed: the others found by id.
        let found = run(&mut memo, &[b2, c], "4");
        assert_eq!(found, [Some("1 b".into()), Some("3 c".into())]);
        assert_eq!(memo.len(), 2);
    }

    #[test]
    fn remembers_nothing_when_unused_or_when_the_scope_changes() {
        let a = Arc::new(Item("a"));
        let items = std::slice::from_ref(&a);
        let mut unused: ListMemo<Item, String, ()> = ListMemo::unused();
        run(&mut unused, items, "1");
        assert_eq!(run(&mut unused, items, "2"), [None]);
        let mut memo: ListMemo<Item, String, u8> = ListMemo::new();
        let old = memo.start(|| 1);
        assert!(old.get(0, &a).is_none());
        memo.finish(old, items, [(0, Kept::Made(Some("x".into())))], 1);
        let old = memo.start(|| 1);
        assert!(old.get(0, &a).is_some());
        memo.finish(old, items, [(0, Kept::Remembered(0))], 0);
        assert!(memo.start(|| 2).get(0, &a).is_none());
    }
}
