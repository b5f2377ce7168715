//! A WebSocket connection through the proxy: once both sides upgraded, the
//! bytes are copied both ways until either side closes. The frames are not
//! read: the upstream speaks WebSocket with the browser through the tunnel.

use std::sync::Arc;

use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;

/// Runs the tunnel in its own task (the 101 answer must go out first, or
/// the caller's side never upgrades).
pub fn spawn(upstream: Arc<str>, client: OnUpgrade, server: OnUpgrade) {
    tokio::spawn(async move {
        let (client, server) = match tokio::try_join!(client, server) {
            Ok(both) => both,
            Err(e) => {
                tracing::info!(upstream = %upstream, error = %e, "websocket upgrade did not complete");
                return;
            }
        };
        let mut client = TokioIo::new(client);
        let mut server = TokioIo::new(server);
        match tokio::io::copy_bidirectional(&mut client, &mut server).await {
            Ok((up, down)) => {
                tracing::info!(upstream = %upstream, bytes_up = up, bytes_down = down, "websocket closed");
            }
            Err(e) => {
                tracing::info!(upstream = %upstream, error = %e, "websocket ended");
            }
        }
    });
}
