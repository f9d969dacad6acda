//! Seat QR codes: the payload from the installation's URL template, rendered as PNG or SVG.

use std::io::Cursor;

use image::{ImageFormat, Luma};
use qrcode::{EcLevel, QrCode};
use rusqlite::{OptionalExtension, Transaction};

use crate::actor::{Actor, Capability};
use crate::error::{Error, Result};
use crate::{Cms, Entity, VrClient};

/// The placeholder a template must hold; it becomes the seat's scene number.
pub const SCENE_PLACEHOLDER: &str = "{sceneNumber}";
/// Without a configured template a code carries this scene payload, which the site's own
/// scanner understands; chains with a WeChat account set their URL instead.
pub const DEFAULT_QR_TEMPLATE: &str = "cinedesk:seat:{sceneNumber}";
const TEMPLATE_KEY: &str = "qr_url_template";
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

/// The installation's template, read inside a caller's transaction (a print sheet reads it in
/// the same snapshot as the seats, so every code on a sheet follows one template).
pub(crate) fn template_in(tx: &Transaction<'_>) -> Result<String> {
    let v: Option<String> =
        tx.query_row("SELECT value FROM settings WHERE key = ?", [TEMPLATE_KEY], |r| r.get(0)).optional()?;
    Ok(v.unwrap_or_else(|| DEFAULT_QR_TEMPLATE.to_string()))
}

/// What a code says for `scene` under `template`.
pub(crate) fn payload(template: &str, scene: &str) -> String {
    template.replace(SCENE_PLACEHOLDER, scene)
}

impl Cms {
    /// The URL template of seat codes.
    pub fn qr_template(&self, actor: &Actor) -> Result<String> {
        actor.require(Capability::Operate)?;
        self.db.read(template_in)
    }

    /// Sets the URL template; it must hold `{sceneNumber}` once, or every code would be the same.
    pub fn set_qr_template(&self, actor: &Actor, template: &str) -> Result<()> {
        actor.require(Capability::ManageEnums)?;
        let t = template.trim();
        if t.matches(SCENE_PLACEHOLDER).count() != 1 {
            return Err(Error::invalid("qrUrlTemplate", format!("must contain {SCENE_PLACEHOLDER} exactly once")));
        }
        if t.chars().count() > 512 || t.chars().any(char::is_control) {
            return Err(Error::invalid("qrUrlTemplate", "must be one line of at most 512 characters"));
        }
        self.db.write(|tx| {
            tx.execute(
                "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
                [TEMPLATE_KEY, t],
            )?;
            Ok(())
        })
    }

    /// Changes the installation's settings (`PUT /cms/settings`); an absent one keeps its value.
    pub fn update_settings(&self, actor: &Actor, qr_url_template: Option<&str>) -> Result<()> {
        actor.require(Capability::ManageEnums)?;
        qr_url_template.map_or(Ok(()), |t| self.set_qr_template(actor, t))
    }

    /// What a seat's code says: the template with the seat's current scene number.
    pub fn seat_qr_payload(&self, actor: &Actor, client_id: &str) -> Result<String> {
        actor.require(Capability::Operate)?;
        let seat = self.get_vr_client(actor, client_id)?;
        Ok(payload(&self.qr_template(actor)?, &seat.scene_number))
    }

    /// The seat a scanned code names: the payload must be the current template around a scene
    /// number that a seat holds now. A code printed before its seat's scene number was
    /// regenerated (or before the template changed) names no seat: `not_found`.
    pub fn seat_for_qr_payload(&self, actor: &Actor, scanned: &str) -> Result<VrClient> {
        actor.require(Capability::Operate)?;
        let template = self.qr_template(actor)?;
        let dead = || Error::not_found(Entity::VrClient, format!("QR payload {scanned:?}"));
        // The template holds the placeholder exactly once (set_qr_template checks it).
        let (prefix, suffix) = template.split_once(SCENE_PLACEHOLDER).ok_or_else(dead)?;
        let scene = scanned
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(suffix))
            .filter(|scene| !scene.is_empty())
            .ok_or_else(dead)?;
        self.vr_client_by_scene(actor, scene).map_err(|e| if e.code() == "not_found" { dead() } else { e })
    }

    /// A seat's QR code image.
    pub fn seat_qr_code(&self, actor: &Actor, client_id: &str, format: QrFormat, size: u32) -> Result<Vec<u8>> {
        actor.require(Capability::Operate)?;
        render(&self.seat_qr_payload(actor, client_id)?, format, size)
    }
}
