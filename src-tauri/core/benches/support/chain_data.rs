//! The chain-scale data set of the benchmarks: 1,000 cinemas, 10,000 halls, 300,000 seats and
//! 20,000 films each distributed to 5 cinemas, built through the core as the console would.
//!
//! Included by path (`#[path = …] mod chain_data;`) by the core's `chain_scale` and the server's
//! `backup` benchmarks, so both measure the same database.

use std::time::{Duration, Instant};

use cinedesk_core::*;

pub const CINEMAS: usize = 1_000;
pub const HALLS_PER_CINEMA: usize = 10;
pub const SEATS_PER_HALL: usize = 30;
pub const MOVIES: usize = 20_000;
pub const CINEMAS_PER_MOVIE: usize = 5;
pub const CATEGORIES: [&str; 8] =
    ["ACTION", "SCIENCE", "ADVENTURE", "ANIMATION", "COMEDY", "HORROR", "FANTASY", "FAMILY"];
pub const COUNTRIES: [&str; 6] = ["CHN", "USA", "JPN", "KOR", "GBR", "FRA"];
pub const TYPES: [&str; 3] = ["MOVIE", "GUIDE", "AD"];

/// Deterministic pseudo-random numbers so runs are comparable.
pub struct Lcg(pub u64);
impl Lcg {
    pub fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

/// A MANAGER of every cinema with a session, as the console's operators call the core: the
/// core's check of the caller is part of what is measured.
pub fn manager_of_all() -> Actor {
    Actor::User(Principal {
        user_id: "bench".into(),
        name: "经理".into(),
        roles: vec![ROLE_MANAGER.into()],
        scope: Scope::All,
        origin: Origin::local(),
    })
}

/// The ids made, and how long each load step took.
pub struct ChainData {
    pub regions: Vec<String>,
    pub cinemas: Vec<String>,
    pub halls: Vec<String>,
    pub seats: Vec<String>,
    pub movies: Vec<String>,
    /// (step, rows, time) of each load step.
    pub steps: Vec<(&'static str, usize, Duration)>,
}

/// Builds the data set in `cms` as `who` (a MANAGER of every cinema). Cinema `i` is in region
/// `regions[i % regions.len()]`.
pub fn build(cms: &Cms, who: &Actor) -> ChainData {
    let regions: Vec<String> = cms.sys_enums(who).unwrap().cinema_region_list.into_iter().map(|r| r.id).collect();
    let mut rng = Lcg(42);

    let t = Instant::now();
    let cinemas: Vec<String> = (0..CINEMAS)
        .map(|i| {
            cms.create_cinema(
                who,
                CinemaInput {
                    cinema_code: Some(format!("cinema_{i:05}")),
                    name: Some(format!("X立方影城 {i}")),
                    region_id: Some(regions[i % regions.len()].clone()),
                    coms_ip_addr: Some("192.168.8.21".into()),
                    ..Default::default()
                },
            )
            .unwrap()
        })
        .collect();
    let cinema_time = t.elapsed();

    let t = Instant::now();
    let mut halls = Vec::with_capacity(CINEMAS * HALLS_PER_CINEMA);
    for (ci, cinema) in cinemas.iter().enumerate() {
        for h in 0..HALLS_PER_CINEMA {
            halls.push(
                cms.create_hall(
                    who,
                    HallInput {
                        hall_code: Some(format!("cinema_{ci:05}_hall_{h:02}")),
                        name: Some(format!("放映厅{h:02}")),
                        cinema_id: Some(cinema.clone()),
                        number_of_seats: Some(SEATS_PER_HALL as i64),
                    },
                )
                .unwrap(),
            );
        }
    }
    let hall_time = t.elapsed();

    // Bulk seat creation: one batch per cinema (10 halls x 30 seats), as a seat import would.
    let t = Instant::now();
    let mut seats = Vec::with_capacity(halls.len() * SEATS_PER_HALL);
    for chunk in halls.chunks(HALLS_PER_CINEMA) {
        let inputs: Vec<VrClientInput> = chunk
            .iter()
            .flat_map(|hall| {
                (1..=SEATS_PER_HALL).map(move |s| VrClientInput {
                    hall_id: Some(hall.clone()),
                    seat_number: Some(format!("A{s:02}")),
                    ip_addr: Some(format!("192.168.8.{}", s + 10)),
                    mac_addr: Some(format!("99:ed:9d:3b:e8:{s:02x}")),
                    ..Default::default()
                })
            })
            .collect();
        seats.extend(cms.create_vr_clients(who, inputs).unwrap());
    }
    let seat_time = t.elapsed();

    let t = Instant::now();
    let mut movies = Vec::with_capacity(MOVIES);
    for i in 0..MOVIES {
        let id = cms
            .create_movie(
                who,
                MovieInput {
                    name: Some(format!("VR影片 {} 第{i}部", ["星际", "深海", "恐龙", "过山车", "太空"][i % 5])),
                    movie_code: Some(format!("movie_{i:06}")),
                    duration: Some(5 + (i % 40) as i64),
                    description: Some("沉浸式VR体验".into()),
                    movie_type: Some(TYPES[i % 3].into()),
                    category: Some(format!("{},{}", CATEGORIES[i % 8], CATEGORIES[(i / 8) % 8])),
                    country: Some(COUNTRIES[(i / 3) % 6].into()),
                    price: Some(1000 + (i % 50) as i64 * 100),
                    online: Some(true),
                    schedule_start: Some(1_500_000_000_000 + i as i64 * 60_000),
                    ..Default::default()
                },
            )
            .unwrap();
        let targets: Vec<String> = (0..CINEMAS_PER_MOVIE).map(|_| cinemas[rng.next(CINEMAS)].clone()).collect();
        cms.distribute_movie(who, &id, DistributeInput { cinema_id_list: Some(targets) }).unwrap();
        movies.push(id);
    }
    let movie_time = t.elapsed();
    let steps = vec![
        ("create_cinema (one transaction each)", CINEMAS, cinema_time),
        ("create_hall (one transaction each)", halls.len(), hall_time),
        ("create_vr_clients (bulk, 300 per call)", seats.len(), seat_time),
        ("create_movie + distribute (two transactions each)", MOVIES, movie_time),
    ];
    ChainData { regions, cinemas, halls, seats, movies, steps }
}
