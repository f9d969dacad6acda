//! A hall's print sheet of seat QR codes: an A4 PDF (1, 4 or 12 per page) or a ZIP of SVGs.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use cinedesk_core::{QrSheet, SheetFormat, DEFAULT_SHEET_PER_PAGE};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::LoggedIn;
use crate::error::ApiResult;
use crate::extract::{PathParam, Query};
use crate::openapi::ErrorBody;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(sheet))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SheetParams {
    /// `pdf` (the default) or `zip` (one SVG per seat).
    #[param(inline, value_type = Option<SheetFileFormat>)]
    format: Option<String>,
    /// Codes per A4 page: 1, 4 or 12 (the default).
    #[param(inline, value_type = Option<u32>)]
    per_page: Option<u32>,
}

/// File formats of a hall's print sheet.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)] // documents the accepted values; `SheetFormat::parse` reads them
enum SheetFileFormat {
    Pdf,
    Zip,
}

/// The hall's seat codes, in seat order, labelled with cinema, hall and seat number.
#[utoipa::path(get, path = "/cms/halls/{hall_id}/qr_sheet", tag = "halls", operation_id = "hall_qr_sheet",
    params(("hall_id" = String, Path), SheetParams),
    responses(
        (status = 200, description = "The print sheet",
            content(([u8] = "application/pdf"), ([u8] = "application/zip"))),
        (status = 404, description = "No such hall", body = ErrorBody),
    ))]
async fn sheet(
    State(s): State<AppState>,
    session: LoggedIn,
    PathParam(id): PathParam<String>,
    Query(q): Query<SheetParams>,
) -> ApiResult<Response> {
    let format = q.format.map(|f| SheetFormat::parse(&f)).transpose()?.unwrap_or(SheetFormat::Pdf);
    let per_page = q.per_page.unwrap_or(DEFAULT_SHEET_PER_PAGE);
    let sheet = s.run(move |cms| cms.hall_qr_sheet(&session.actor, &id, format, per_page)).await?;
    let mut res = (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(sheet.content_type)),
            (header::CONTENT_DISPOSITION, content_disposition(&sheet)),
            // Regenerating a scene number changes a code: never serve a stale sheet.
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        sheet.bytes,
    )
        .into_response();
    if !sheet.missing_glyphs.is_empty() {
        // Which label characters the embedded font lacks (drawn as □), as U+XXXX, so a UI can say so.
        let list: Vec<String> = sheet.missing_glyphs.iter().map(|c| format!("U+{:04X}", u32::from(*c))).collect();
        if let Ok(v) = HeaderValue::from_str(&list.join(" ")) {
            res.headers_mut().insert("x-missing-glyphs", v);
        }
    }
    Ok(res)
}

/// What RFC 5987 must escape in `filename*`: all but letters, digits and a few marks (kept so
/// `.pdf` stays readable).
const FILENAME_ESCAPE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// `attachment` with the Chinese file name (RFC 6266 / 5987 `filename*`) and an ASCII one for
/// clients that read only `filename`.
fn content_disposition(sheet: &QrSheet) -> HeaderValue {
    let utf8 = utf8_percent_encode(&sheet.file_name, FILENAME_ESCAPE);
    // The ASCII name is built from codes ([A-Za-z0-9_-]), so it needs no quoting beyond the quotes.
    HeaderValue::from_str(&format!("attachment; filename=\"{}\"; filename*=UTF-8''{utf8}", sheet.ascii_file_name))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}
