//! Seat QR codes: the payload from the installation's URL template (the seat's scene number and unguessable token), rendered as PNG or SVG, and resolved back to the seat.

use std::io::Cursor;

use image::{ImageFormat, Luma};
use qrcode::{EcLevel, QrCode};
use rusqlite::{OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, Capability};
use crate::error::{Error, Result};
use crate::settings::SettingsChange;
use crate::{Cms, Entity, VrClient};

/// The placeholders a template must hold, once each: the seat's scene number, and its QR token
/// (the unguessable part: a printed code cannot be edited into a neighbour's).
pub const SCENE_PLACEHOLDER: &str = "{sceneNumber}";
pub const TOKEN_PLACEHOLDER: &str = "{qrToken}";
/// Without a configured template a code carries this payload, which the site's own scanner
/// understands; chains with a WeChat account set their URL instead.
pub const DEFAULT_QR_TEMPLATE: &str = "cinedesk:seat:{sceneNumber}:{qrToken}";
pub(crate) const TEMPLATE_KEY: &str = "qr_url_template";
/// Pixel sizes a caller may ask for.
pub const MIN_QR_SIZE: u32 = 64;
pub const MAX_QR_SIZE: u32 = 4096;

/// The image formats of a QR code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrFormat {
    Png,
    Svg,
}

impl QrFormat {
    pub fn parse(s: &str) -> Result<QrFormat> {
        match s.to_ascii_lowercase().as_str() {
            "png" => Ok(QrFormat::Png),
            "svg" => Ok(QrFormat::Svg),
            _ => Err(Error::invalid("format", "must be png or svg")),
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            QrFormat::Png => "image/png",
            QrFormat::Svg => "image/svg+xml",
        }
    }
}

/// Renders `payload` as a QR code about `size` pixels wide (quiet zone included). Level M
/// survives the scuffs a printed code on a seat gets.
pub fn render(payload: &str, format: QrFormat, size: u32) -> Result<Vec<u8>> {
    if !(MIN_QR_SIZE..=MAX_QR_SIZE).contains(&size) {
        return Err(Error::invalid("size", format!("must be between {MIN_QR_SIZE} and {MAX_QR_SIZE} pixels")));
    }
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        .map_err(|e| Error::invalid("payload", format!("cannot be encoded as a QR code: {e}")))?;
    match format {
        QrFormat::Png => {
            let img = code.render::<Luma<u8>>().min_dimensions(size, size).max_dimensions(size, size).build();
            let mut out = Cursor::new(Vec::new());
            img.write_to(&mut out, ImageFormat::Png).map_err(|e| Error::Internal(format!("PNG encoding: {e}")))?;
            Ok(out.into_inner())
        }
        QrFormat::Svg => Ok(code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(size, size)
            .max_dimensions(size, size)
            .build()
            .into_bytes()),
    }
}

pub(crate) fn set_template(tx: &Transaction<'_>, template: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
        [TEMPLATE_KEY, template],
    )?;
    Ok(())
}

/// The installation's template, read inside a caller's transaction (a print sheet reads it in
/// the same snapshot as the seats, so every code on a sheet follows one template).
pub(crate) fn template_in(tx: &Transaction<'_>) -> Result<String> {
    let v: Option<String> =
        tx.query_row("SELECT value FROM settings WHERE key = ?", [TEMPLATE_KEY], |r| r.get(0)).optional()?;
    Ok(v.unwrap_or_else(|| DEFAULT_QR_TEMPLATE.to_string()))
}

/// A template as it may be saved: it must hold `{sceneNumber}` and `{qrToken}` once each, with
/// some text between them, or codes could not be told apart.
pub(crate) fn checked_template(template: &str) -> Result<String> {
    let t = template.trim();
    for placeholder in [SCENE_PLACEHOLDER, TOKEN_PLACEHOLDER] {
        if t.matches(placeholder).count() != 1 {
            return Err(Error::invalid("qrUrlTemplate", format!("must contain {placeholder} exactly once")));
        }
    }
    if t.contains("{sceneNumber}{qrToken}") || t.contains("{qrToken}{sceneNumber}") {
        return Err(Error::invalid("qrUrlTemplate", "{sceneNumber} and {qrToken} must be separated by some text"));
    }
    if t.chars().count() > 512 || t.chars().any(char::is_control) {
        return Err(Error::invalid("qrUrlTemplate", "must be one line of at most 512 characters"));
    }
    Ok(t.to_string())
}

/// What a code says for a seat of `scene` and `token` under `template`.
pub(crate) fn payload(template: &str, scene: &str, token: &str) -> String {
    template.replace(SCENE_PLACEHOLDER, scene).replace(TOKEN_PLACEHOLDER, token)
}

/// The (scene number, token) a payload made from `template` carries, if it is one.
fn parse(template: &str, scanned: &str) -> Option<(String, String)> {
    let (scene_at, token_at) = (template.find(SCENE_PLACEHOLDER)?, template.find(TOKEN_PLACEHOLDER)?);
    let (first, second) = if scene_at < token_at {
        (SCENE_PLACEHOLDER, TOKEN_PLACEHOLDER)
    } else {
        (TOKEN_PLACEHOLDER, SCENE_PLACEHOLDER)
    };
    let (prefix, rest) = template.split_once(first)?;
    let (middle, suffix) = rest.split_once(second)?;
    let inner = scanned.strip_prefix(prefix)?.strip_suffix(suffix)?;
    // Scene numbers and tokens hold no separator text (set_qr_template requires one between them).
    let (a, b) = inner.split_once(middle)?;
    let (scene, token) = if first == SCENE_PLACEHOLDER { (a, b) } else { (b, a) };
    (!scene.is_empty() && !token.is_empty()).then(|| (scene.to_string(), token.to_string()))
}

/// Whether `token` looks like one the CMS hands out: lowercase letters and digits, 16 to 64.
fn well_formed_token(token: &str) -> bool {
    (16..=64).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
}

/// What `GET /cms/qr/{qrToken}` tells the ordering side about a scanned seat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ScannedSeat {
    #[serde(rename = "clientID")]
    pub client_id: String,
    #[serde(rename = "cinemaID")]
    pub cinema_id: String,
    #[serde(rename = "hallID")]
    pub hall_id: String,
    pub seat_number: String,
    pub scene_number: String,
}

impl Cms {
    /// The URL template of seat codes.
    pub fn qr_template(&self, actor: &Actor) -> Result<String> {
        actor.require(Capability::Operate)?;
        self.db.read(template_in)
    }

    /// Sets the URL template (see [`checked_template`]).
    pub fn set_qr_template(&self, actor: &Actor, template: &str) -> Result<()> {
        self.update_settings(
            actor,
            SettingsChange { qr_url_template: Some(template.to_string()), ..Default::default() },
        )
    }

    /// What a seat's code says: the template with the seat's current scene number and token.
    pub fn seat_qr_payload(&self, actor: &Actor, client_id: &str) -> Result<String> {
        actor.require(Capability::Operate)?;
        let seat = self.get_vr_client(actor, client_id)?;
        Ok(payload(&self.qr_template(actor)?, &seat.scene_number, &seat.qr_token))
    }

    /// The seat a scanned code names: the payload must be the current template around the scene
    /// number and token that a seat holds now. A code printed before its seat's scene number was
    /// regenerated (or before the template changed) names no seat: `not_found`.
    pub fn seat_for_qr_payload(&self, actor: &Actor, scanned: &str) -> Result<VrClient> {
        actor.require(Capability::Operate)?;
        let dead = || Error::not_found(Entity::VrClient, format!("QR payload {scanned:?}"));
        let (scene, token) = parse(&self.qr_template(actor)?, scanned).ok_or_else(dead)?;
        let seat =
            self.vr_client_by_scene(actor, &scene).map_err(|e| if e.code() == "not_found" { dead() } else { e })?;
        if seat.qr_token != token {
            return Err(dead());
        }
        Ok(seat)
    }

    /// The seat of a scanned code's token, for the ordering side (public, rate limited by the
    /// server): `not_found` for a token no seat holds now (an old sticker, a guess).
    pub fn seat_by_qr_token(&self, token: &str) -> Result<ScannedSeat> {
        let unknown = || Error::not_found(Entity::VrClient, "QR token");
        if !well_formed_token(token) {
            return Err(unknown());
        }
        self.db.read(|tx| {
            tx.prepare_cached(
                "SELECT id, cinema_id, hall_id, seat_number, scene_number FROM vr_clients WHERE qr_token = ?",
            )?
            .query_row([token], |r| {
                Ok(ScannedSeat {
                    client_id: r.get(0)?,
                    cinema_id: r.get(1)?,
                    hall_id: r.get(2)?,
                    seat_number: r.get(3)?,
                    scene_number: r.get(4)?,
                })
            })
            .optional()?
            .ok_or_else(unknown)
        })
    }

    /// A seat's QR code image.
    pub fn seat_qr_code(&self, actor: &Actor, client_id: &str, format: QrFormat, size: u32) -> Result<Vec<u8>> {
        actor.require(Capability::Operate)?;
        render(&self.seat_qr_payload(actor, client_id)?, format, size)
    }
}
