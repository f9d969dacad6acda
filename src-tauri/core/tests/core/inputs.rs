//! Valid inputs of each kind, shared by the core's tests, so every module describes the same records.

use cinedesk_core::{CinemaInput, Error, HallInput, MovieInput, VrClientInput};

pub fn cinema_input(code: &str) -> CinemaInput {
    CinemaInput {
        cinema_code: Some(code.into()),
        name: Some(format!("X立方 {code}")),
        number_of_halls: Some(2),
        region_id: Some("SHANGHAI".into()),
        coms_mac_addr: Some("ef:23:7e:cc:8a:01".into()),
        coms_ip_addr: Some("192.168.8.21".into()),
        description: Some("第二家店".into()),
    }
}

pub fn hall_input(cinema: &str, code: &str) -> HallInput {
    HallInput {
        hall_code: Some(code.into()),
        name: Some(format!("放映厅 {code}")),
        cinema_id: Some(cinema.into()),
        number_of_seats: Some(10),
    }
}

pub fn seat_input(hall: &str, seat: &str) -> VrClientInput {
    VrClientInput {
        hall_id: Some(hall.into()),
        seat_number: Some(seat.into()),
        ip_addr: Some("192.168.8.28".into()),
        mac_addr: Some("99:ed:9d:3b:e8:36".into()),
        host_model: Some("windows07".into()),
        ..Default::default()
    }
}

pub fn movie_input(code: &str) -> MovieInput {
    MovieInput {
        name: Some(format!("影片 {code}")),
        movie_code: Some(code.into()),
        duration: Some(30),
        description: Some("简介".into()),
        movie_type: Some("MOVIE".into()),
        category: Some("ACTION,SCIENCE".into()),
        country: Some("USA".into()),
        price: Some(2990),
        online: Some(true),
        schedule_start: Some(1_510_208_988_793),
        ..Default::default()
    }
}

/// (code, field) of an error, the two things a form shows.
pub fn field_of(err: Error) -> (String, String) {
    (err.code().to_string(), err.field().unwrap_or("").to_string())
}
