//! Single-flight: concurrent callers asking for the same key share one
//! execution and its result.
//!
//! An SPA that fires five API calls with an expired access token gets five
//! 401s and may POST /auth/refresh five times at once. Without this, five
//! refreshes race; with rotation, four of them could see a reused token and
//! log the user out. Here the first caller runs the refresh and the others
//! await its result. The result stays shared for a short window after it
//! completes, for requests that were already on their way.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::OnceCell;

/// Shares one in-flight computation per key.
#[derive(Debug)]
pub struct SingleFlight<K, V> {
    inflight: Arc<Mutex<HashMap<K, Arc<OnceCell<V>>>>>,
    linger: Duration,
}

impl<K, V> SingleFlight<K, V>
where
    K: Eq + Hash + Clone + Send + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// Results are shared with callers that arrive up to `linger` after completion.
    pub fn new(linger: Duration) -> Self {
        Self {
            inflight: Arc::new(Mutex::new(HashMap::new())),
            linger,
        }
    }

    /// Runs `work` for `key` unless a run for it is in flight (or just
    /// finished), in which case that run's result is returned. The second
    /// value is `true` when this caller joined another's run.
    pub async fn run<F, Fut>(&self, key: K, work: F) -> (V, bool)
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = V>,
    {
        // The map lock is held only to find or insert the cell, never across an await.
        let cell = {
            let mut map = self.inflight.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(map.entry(key.clone()).or_default())
        };
        let mut ran = false;
        let value = cell
            .get_or_init(|| {
                ran = true;
                work()
            })
            .await
            .clone();
        if ran {
            let inflight = Arc::clone(&self.inflight);
            let linger = self.linger;
            tokio::spawn(async move {
                tokio::time::sleep(linger).await;
                let mut map = inflight.lock().unwrap_or_else(PoisonError::into_inner);
                if map.get(&key).is_some_and(|c| Arc::ptr_eq(c, &cell)) {
                    map.remove(&key);
                }
            });
        }
        (value, !ran)
    }

    /// Stops sharing the result for `key` (e.g. the session just ended);
    /// a run in flight still completes for those already waiting on it.
    pub fn forget(&self, key: &K) {
        self.inflight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(key);
    }

    /// Keys currently shared (in flight or lingering).
    pub fn len(&self) -> usize {
        self.inflight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// True when nothing is in flight.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn concurrent_callers_of_one_key_share_one_run() {
        let flight = Arc::new(SingleFlight::<u8, u32>::new(Duration::from_millis(50)));
        let runs = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..10 {
            let (flight, runs) = (Arc::clone(&flight), Arc::clone(&runs));
            tasks.push(tokio::spawn(async move {
                flight
                    .run(1, || async {
                        runs.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        42
                    })
                    .await
            }));
        }
        let mut joined = 0;
        for t in tasks {
            let (v, j) = t.await.unwrap();
            assert_eq!(v, 42);
            joined += usize::from(j);
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert_eq!(joined, 9);
        tokio::time::sleep(Duration::from_millis(120)).await;
        assert!(
            flight.is_empty(),
            "the entry is dropped after the linger window"
        );
    }

    #[tokio::test]
    async fn different_keys_run_separately() {
        let flight = SingleFlight::<u8, u8>::new(Duration::ZERO);
        let (a, _) = flight.run(1, || async { 1 }).await;
        let (b, _) = flight.run(2, || async { 2 }).await;
        assert_eq!((a, b), (1, 2));
    }
}
