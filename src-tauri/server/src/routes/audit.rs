//! The audit log: a page of entries, and the same filters as a CSV file. A SYS_ADMIN sees every
//! entry, a MANAGER those that touch its cinemas and its own (the core decides).

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use cinedesk_core::{AuditEntry, AuditQuery, Page, Paging};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::LoggedIn;
use crate::error::ApiResult;
use crate::extract::{PageParams, Query};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(export))
}

/// Filters of the audit log; each one narrows it.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditFilter {
    /// Changes made by this user.
    user_id: Option<String>,
    /// Changes that touch this cinema.
    cinema_id: Option<String>,
    /// What was changed: cinema, hall, vr_client, movie, delivery, command, vod_task, user, session,
    /// api_key, file, folder, resource, classification, video, hmd_model, seat_model, enum,
    /// settings …
    entity: Option<String>,
    /// create, update, delete, distribute, withdraw, login, login_failed, logout,
    /// password_change, issue, revoke, restore.
    action: Option<String>,
    /// From this time on (epoch ms, inclusive).
    from: Option<i64>,
    /// Before this time (epoch ms).
    to: Option<i64>,
}

impl AuditFilter {
    fn query(self, paging: Paging) -> AuditQuery {
        AuditQuery {
            user_id: self.user_id,
            cinema_id: self.cinema_id,
            entity: self.entity,
            action: self.action,
            from: self.from,
            to: self.to,
            paging,
        }
    }
}

/// Who changed what, when and from where, newest first.
#[utoipa::path(get, path = "/cms/audit", tag = "audit", operation_id = "list_audit",
    params(AuditFilter, PageParams),
    responses((status = 200, description = "A page of entries, newest first", body = Page<AuditEntry>)))]
async fn list(
    State(s): State<AppState>,
    session: LoggedIn,
    Query(f): Query<AuditFilter>,
    Query(p): Query<PageParams>,
) -> ApiResult<Json<Page<AuditEntry>>> {
    let query = f.query(p.paging()?);
    Ok(Json(s.read(move |cms| cms.audit_log(&session.actor, &query)).await?))
}

/// Entries read per step of an export: each a short read of its own.
const BATCH: u32 = 1000;

/// The entries the filters select, every one (no paging), newest first, as CSV: a UTF-8 BOM and
/// CRLF lines, as spreadsheets read it; before/after as JSON text.
#[utoipa::path(get, path = "/cms/audit/_export", tag = "audit", operation_id = "export_audit",
    params(AuditFilter),
    responses((status = 200, description = "The entries as CSV", content_type = "text/csv", body = String)))]
async fn export(State(s): State<AppState>, session: LoggedIn, Query(f): Query<AuditFilter>) -> ApiResult<Response> {
    let query = f.query(Paging::default());
    // The first batch before the answer begins: a refused caller or a bad filter is an error
    // answer, not a broken download.
    let (actor, q) = (session.actor.clone(), query.clone());
    let first = s.read(move |cms| cms.audit_log_before(&actor, &q, None, BATCH)).await?;
    let mut head = String::from("\u{feff}");
    line(&mut head, &HEADER.map(String::from));
    let (actor, query) = (session.actor, query);
    // Each step writes a batch and reads the next: one short read at a time, paced by the client.
    let body = futures_util::stream::unfold(Some((first, head)), move |step| {
        let (s, actor, query) = (s.clone(), actor.clone(), query.clone());
        async move {
            let (batch, mut out) = step?;
            for entry in &batch {
                line(&mut out, &row(entry));
            }
            let before = batch.last().map(|e| e.audit_id).filter(|_| batch.len() == BATCH as usize);
            let next = match before {
                None => None,
                Some(before) => {
                    match s.read(move |cms| cms.audit_log_before(&actor, &query, Some(before), BATCH)).await {
                        Ok(b) => Some((b, String::new())),
                        Err(e) => {
                            // The answer has begun: it ends short, and the log says why.
                            tracing::warn!(error = %e, "audit export ended early");
                            return Some((Err(std::io::Error::other("the audit export failed")), None));
                        }
                    }
                }
            };
            Some((Ok::<_, std::io::Error>(Bytes::from(out)), next))
        }
    });
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"audit.csv\""),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

const HEADER: [&str; 13] = [
    "auditID", "at", "userID", "userName", "apikey", "address", "via", "action", "entity", "entityID", "cinemaID",
    "before", "after",
];

fn row(e: &AuditEntry) -> [String; 13] {
    let json = |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string()).unwrap_or_default();
    [
        e.audit_id.to_string(),
        e.at.to_string(),
        e.user_id.clone().unwrap_or_default(),
        e.user_name.clone().unwrap_or_default(),
        e.apikey.clone().unwrap_or_default(),
        e.address.clone(),
        e.via.clone(),
        e.action.clone(),
        e.entity.clone(),
        e.entity_id.clone(),
        e.cinema_id.clone().unwrap_or_default(),
        json(&e.before),
        json(&e.after),
    ]
}

/// Appends one CSV line (RFC 4180). A field a spreadsheet would take for a formula (it starts
/// with `=`, `+`, `-`, `@` or a tab: an alias someone typed at the login, say) gets a leading `'`,
/// so opening the export never runs what a caller wrote.
fn line(out: &mut String, fields: &[String]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let f = if f.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{f}") } else { f.clone() };
        if f.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&f);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::line;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        let mut out = String::new();
        line(&mut out, &["a,b".into(), "say \"hi\"".into(), "=cmd()".into(), "plain".into()]);
        assert_eq!(out, "\"a,b\",\"say \"\"hi\"\"\",'=cmd(),plain\r\n");
    }
}
