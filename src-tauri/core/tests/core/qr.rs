//! Seat codes that die with their scene number, and hall print sheets read back with real tools.

use cinedesk_testkit::qr::*;

use super::*;

/// Who these tests call as: the rules under test are not about who.
const SYS: &Actor = &Actor::System;

const TEMPLATE: &str = "https://wx.example.cn/vr/order?scene={sceneNumber}&t={qrToken}";

/// A cinema and hall with Chinese names and the given seats, created in the given (shuffled)
/// order; returns the hall and a map from seat number to client id.
fn sheet_site(
    cms: &Cms,
    code: &str,
    cinema_name: &str,
    hall_name: &str,
    seats: &[&str],
) -> (String, Vec<(String, String)>) {
    let cinema = cms.create_cinema(SYS, CinemaInput { name: Some(cinema_name.into()), ..cinema_input(code) }).unwrap();
    let hall = cms
        .create_hall(SYS, HallInput { name: Some(hall_name.into()), ..hall_input(&cinema, &format!("{code}_h1")) })
        .unwrap();
    let ids = cms.create_vr_clients(SYS, seats.iter().map(|s| seat_input(&hall, s)).collect()).unwrap();
    (hall, seats.iter().map(|s| s.to_string()).zip(ids).collect())
}

/// What each seat's code must say, in the order the sheet must print them.
fn payloads(cms: &Cms, seats: &[(String, String)], order: &[&str]) -> Vec<String> {
    order
        .iter()
        .map(|n| {
            let id = &seats.iter().find(|s| s.0 == *n).unwrap().1;
            cms.seat_qr_payload(SYS, id).unwrap()
        })
        .collect()
}

/// Twelve seats created out of order; the sheet must print them as people count them.
const SHUFFLED: [&str; 12] = ["A10", "B1", "A2", "A1", "A12", "A3", "A11", "A4", "A9", "A5", "A7", "A6"];
const SEAT_ORDER: [&str; 12] = ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A9", "A10", "A11", "A12", "B1"];

#[test]
fn a_scanned_payload_names_its_seat_until_the_scene_number_is_regenerated() {
    let app = spawn_app();
    let (_, _, seats) = site(&app.cms, SYS, "qrp", 2);
    app.cms.set_qr_template(SYS, TEMPLATE).unwrap();
    let old = png_codes(&app.cms.seat_qr_code(SYS, &seats[0], QrFormat::Png, 256).unwrap()).remove(0);
    assert_eq!(app.cms.seat_for_qr_payload(SYS, &old).unwrap().client_id, seats[0], "a fresh code names its seat");

    let code = app.cms.regenerate_scene_number(SYS, &seats[0]).unwrap();
    let err = app.cms.seat_for_qr_payload(SYS, &old).unwrap_err();
    assert_eq!(err.code(), "not_found", "the old printed code must not reach the seat any more: {err}");
    let new = png_codes(&app.cms.seat_qr_code(SYS, &seats[0], QrFormat::Png, 256).unwrap()).remove(0);
    let expected = TEMPLATE.replace("{sceneNumber}", &code.scene_number).replace("{qrToken}", &code.qr_token);
    assert_eq!(new, expected, "the new code carries the new scene number and token");
    assert_eq!(app.cms.seat_for_qr_payload(SYS, &new).unwrap().client_id, seats[0]);

    // A payload of another template, or a template with nothing around the scene, names nothing.
    let other = app.cms.seat_qr_payload(SYS, &seats[1]).unwrap();
    assert_eq!(app.cms.seat_for_qr_payload(SYS, &other).unwrap().client_id, seats[1]);
    app.cms.set_qr_template(SYS, "https://wx.example.cn/s/{sceneNumber}/{qrToken}").unwrap();
    assert_eq!(
        app.cms.seat_for_qr_payload(SYS, &other).unwrap_err().code(),
        "not_found",
        "a changed template retires codes"
    );
    assert_eq!(app.cms.seat_for_qr_payload(SYS, "https://wx.example.cn/s//").unwrap_err().code(), "not_found");
}

#[test]
fn seat_code_sizes_are_bounded_and_the_svg_decodes() {
    let app = spawn_app();
    let (_, _, seats) = site(&app.cms, SYS, "qrs", 1);
    let payload = app.cms.seat_qr_payload(SYS, &seats[0]).unwrap();
    for size in [MIN_QR_SIZE, MAX_QR_SIZE] {
        let png = app.cms.seat_qr_code(SYS, &seats[0], QrFormat::Png, size).unwrap();
        assert_eq!(png_codes(&png), std::slice::from_ref(&payload), "the {size} px code decodes");
    }
    for size in [MIN_QR_SIZE - 1, MAX_QR_SIZE + 1] {
        assert_eq!(
            app.cms.seat_qr_code(SYS, &seats[0], QrFormat::Png, size).unwrap_err().field(),
            Some("size"),
            "{size} px"
        );
    }
    let svg = String::from_utf8(app.cms.seat_qr_code(SYS, &seats[0], QrFormat::Svg, 300).unwrap()).unwrap();
    assert_eq!(decode_svg(&svg, 300), [payload], "the SVG is the same code");
}

#[test]
fn hall_sheet_pdf_codes_decode_to_their_seats_in_seat_order_at_1_4_and_12_per_page() {
    let app = spawn_app();
    app.cms.set_qr_template(SYS, TEMPLATE).unwrap();
    let (hall, seats) = sheet_site(&app.cms, "sheet", "X立方影城", "一号厅", &SHUFFLED);
    let expected = payloads(&app.cms, &seats, &SEAT_ORDER);
    let dir = tempfile::tempdir().unwrap();
    for per_page in PER_PAGE_CHOICES {
        let sheet = app.cms.hall_qr_sheet(SYS, &hall, SheetFormat::Pdf, per_page).unwrap();
        assert_eq!((sheet.content_type, sheet.file_name.as_str()), ("application/pdf", "X立方影城-一号厅-二维码.pdf"));
        assert_eq!(sheet.ascii_file_name, "sheet-sheet_h1-qr.pdf");
        assert!(sheet.missing_glyphs.is_empty(), "every label character is in the font: {:?}", sheet.missing_glyphs);
        let path = dir.path().join(format!("sheet-{per_page}.pdf"));
        std::fs::write(&path, &sheet.bytes).unwrap();

        let pages = pdf_cells_decoded(&path, per_page);
        let per_page = per_page as usize;
        assert_eq!(
            (pages.len(), sheet.pages),
            (12_usize.div_ceil(per_page), 12_usize.div_ceil(per_page)),
            "page count"
        );
        for (p, cells) in pages.iter().enumerate() {
            let on_page = &SEAT_ORDER[p * per_page..((p + 1) * per_page).min(12)];
            let want: Vec<Option<String>> = (0..per_page).map(|i| expected.get(p * per_page + i).cloned()).collect();
            assert_eq!(cells, &want, "page {}: each cell holds its seat's code, in seat order", p + 1);
            let text = pdf_page_text(&path, p + 1);
            for seat in on_page {
                assert!(text.contains(&format!("座位 {seat}\n")), "page {} labels seat {seat}: {text}", p + 1);
            }
            assert!(text.contains("X立方影城") && text.contains("一号厅"), "cinema and hall named on page {}", p + 1);
            assert!(text.contains(&format!("第 {}/{} 页", p + 1, pages.len())), "page footer: {text}");
        }
        // zbar, a second decoder, agrees with rqrr on every cell.
        assert_eq!(pdf_cells_zbar(&path, per_page as u32), pages, "zbarimg, {per_page} per page");

        let fonts = pdf_fonts(&path);
        let cjk = fonts.lines().find(|l| l.contains("NotoSansCJK")).unwrap_or_else(|| panic!("CJK font used: {fonts}"));
        assert!(cjk.contains("yes yes"), "the CJK font is embedded as a subset: {cjk}");
        assert_eq!(pdf_images(&path), 0, "codes are vector paths, not bitmaps");
        assert!(sheet.bytes.len() < 200 * 1024, "a 12-seat sheet stays small: {} bytes", sheet.bytes.len());
    }
}

#[test]
fn hall_sheet_zip_has_one_svg_per_seat_named_by_seat_and_decoding_to_it() {
    let app = spawn_app();
    let (hall, seats) = sheet_site(&app.cms, "zip", "X立方影城", "二号厅", &SHUFFLED);
    let expected = payloads(&app.cms, &seats, &SEAT_ORDER);
    let sheet = app.cms.hall_qr_sheet(SYS, &hall, SheetFormat::Zip, DEFAULT_SHEET_PER_PAGE).unwrap();
    assert_eq!((sheet.content_type, sheet.file_name.as_str()), ("application/zip", "X立方影城-二号厅-二维码.zip"));
    let entries = zip_entries(&sheet.bytes);
    let names: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    let expected_names: Vec<String> = SEAT_ORDER.iter().map(|s| format!("{s}.svg")).collect();
    assert_eq!(names, expected_names, "one SVG per seat, in seat order, named by seat number");
    for ((name, svg), payload) in entries.iter().zip(&expected) {
        assert_eq!(&decode_svg(svg, 400), std::slice::from_ref(payload), "{name} decodes to its seat");
        assert!(svg.contains("<title>X立方影城 二号厅 座位 "), "{name} says what it is");
        assert!(!svg.contains("<text"), "labels are outlines: no CJK font needed to view them");
    }
}

#[test]
fn hall_sheet_labels_outside_the_font_or_too_long_still_render() {
    let app = spawn_app();
    let long_name = "超长影城名称".repeat(40);
    let seats = ["A😀1", "𠮷2", "<&\"3>", "贵宾/4"];
    let (hall, ids) = sheet_site(&app.cms, "odd", &long_name, "𠮷厅\n第二行", &seats);
    let sheet = app.cms.hall_qr_sheet(SYS, &hall, SheetFormat::Pdf, 4).unwrap();
    assert_eq!(sheet.missing_glyphs, ['😀', '𠮷'], "characters the font lacks are reported, not fatal");
    let path = app.dir.path().join("odd.pdf");
    std::fs::write(&path, &sheet.bytes).unwrap();
    let mut decoded: Vec<String> = pdf_cells_decoded(&path, 4).concat().into_iter().flatten().collect();
    decoded.sort();
    let mut expected = payloads(&app.cms, &ids, &seats);
    expected.sort();
    assert_eq!(decoded, expected, "the codes are intact whatever the labels hold");
    let text = pdf_page_text(&path, 1);
    assert!(text.contains("座位 <&\"3>") && text.contains("座位 贵宾/4"), "labels print verbatim: {text}");
    assert!(text.contains("超长影城名称") && text.contains('…'), "a name too long for the card is cut: {text}");
    assert!(sheet.file_name.chars().count() < 140 && !sheet.file_name.contains('/'), "{}", sheet.file_name);

    let zip = app.cms.hall_qr_sheet(SYS, &hall, SheetFormat::Zip, 4).unwrap();
    let names: Vec<String> = zip_entries(&zip.bytes).into_iter().map(|e| e.0).collect();
    assert_eq!(names, ["___3_.svg", "A_1.svg", "贵宾_4.svg", "𠮷2.svg"], "sanitized names, in seat order");
}

#[test]
fn hall_sheet_bad_input_is_refused_with_the_field() {
    let app = spawn_app();
    let (_, hall, _) = site(&app.cms, SYS, "bad", 1);
    for per_page in [0, 2, 6, 13] {
        assert_eq!(
            field_of(app.cms.hall_qr_sheet(SYS, &hall, SheetFormat::Pdf, per_page).unwrap_err()),
            ("invalid".to_string(), "per_page".to_string())
        );
    }
    assert_eq!(app.cms.hall_qr_sheet(SYS, "ghost", SheetFormat::Pdf, 4).unwrap_err().code(), "not_found");
    assert_eq!(SheetFormat::parse("docx").unwrap_err().field(), Some("format"));
    let (_, empty, _) = site(&app.cms, SYS, "empty", 0);
    assert_eq!(
        field_of(app.cms.hall_qr_sheet(SYS, &empty, SheetFormat::Zip, 4).unwrap_err()),
        ("invalid".to_string(), "hall_id".to_string())
    );
}

#[test]
fn a_scanned_token_names_its_seat_until_it_is_regenerated() {
    let app = spawn_app();
    let (cinema, hall, seats) = site(&app.cms, SYS, "tok", 2);
    let seat = app.cms.get_vr_client(SYS, &seats[0]).unwrap();
    let scanned = app.cms.seat_by_qr_token(&seat.qr_token).unwrap();
    let expected = ScannedSeat {
        client_id: seats[0].clone(),
        cinema_id: cinema,
        hall_id: hall,
        seat_number: seat.seat_number.clone(),
        scene_number: seat.scene_number.clone(),
    };
    assert_eq!(scanned, expected);
    app.cms.regenerate_scene_number(SYS, &seats[0]).unwrap();
    assert_eq!(app.cms.seat_by_qr_token(&seat.qr_token).unwrap_err().code(), "not_found", "an old sticker");
    for guess in ["", "short", &seat.scene_number, &"z".repeat(20), &seat.qr_token.to_uppercase()] {
        assert_eq!(app.cms.seat_by_qr_token(guess).unwrap_err().code(), "not_found", "{guess:?}");
    }
}

#[test]
fn every_seat_has_a_token_of_its_own_that_a_neighbours_cannot_be_guessed_from() {
    let app = spawn_app();
    let (_, _, seats) = site(&app.cms, SYS, "own", 50);
    let tokens: std::collections::BTreeSet<String> =
        seats.iter().map(|s| app.cms.get_vr_client(SYS, s).unwrap().qr_token).collect();
    assert_eq!(tokens.len(), 50, "no two seats share a token");
    for t in &tokens {
        assert!(t.len() >= 16 && t.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()), "{t}");
    }
    let common_prefix = |a: &str, b: &str| a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    let first: Vec<&String> = tokens.iter().collect();
    assert!(first.windows(2).all(|w| common_prefix(w[0], w[1]) < 8), "tokens are random, not counted");
}
