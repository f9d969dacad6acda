//! Where a request came from, for the audit log: the peer's address (or, behind a proxy this
//! server was told to trust, the client address that proxy appended to `X-Forwarded-For`) and
//! the way in.
//!
//! The desktop's in-process transport marks its requests with [`InProcess`], a request
//! extension: extensions never come over the network, so no remote client can claim to be the
//! desktop's own window, whatever headers it sends.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use cinedesk_core::{Origin, Via};

use crate::state::AppState;

/// Set by the desktop app on each request it hands the router in process.
#[derive(Debug, Clone, Copy)]
pub struct InProcess;

/// The origin of a request that arrived with the given way in (`Web` for a session, `Api` for a
/// signed client); a request of the desktop's own window is `Desktop` whatever it carries.
pub fn of(parts: &Parts, s: &AppState, via: Via) -> Origin {
    if parts.extensions.get::<InProcess>().is_some() {
        return Origin::new("local", Via::Desktop);
    }
    let Some(ConnectInfo(peer)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() else {
        // Served without connection info (a router called directly): no address to give.
        return Origin::new("unknown", via);
    };
    let address = match forwarded(parts, s, peer.ip()) {
        Some(client) => client.to_string(),
        None => peer.ip().to_string(),
    };
    Origin::new(address, via)
}

/// The client a trusted proxy forwarded for: the last `X-Forwarded-For` entry, the one that
/// proxy appended itself (those before it are whatever the client claimed). None when the peer
/// is no trusted proxy, or the header holds no address.
fn forwarded(parts: &Parts, s: &AppState, peer: IpAddr) -> Option<IpAddr> {
    if !s.trusted_proxies.contains(&peer) {
        return None;
    }
    let header = parts.headers.get_all("x-forwarded-for").iter().next_back()?.to_str().ok()?;
    header.rsplit(',').next()?.trim().parse().ok()
}

/// The origin of a request made with a user's session (or nothing yet, as a login): `Web`, or
/// `Desktop` through the desktop's own transport.
pub struct RequestOrigin(pub Origin);

impl FromRequestParts<AppState> for RequestOrigin {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        Ok(RequestOrigin(of(parts, s, Via::Web)))
    }
}
