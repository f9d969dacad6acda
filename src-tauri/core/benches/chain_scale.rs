//! Chain-scale benchmark of the core: 1,000 cinemas, 10,000 halls, 300,000 seats, 20,000 films.
//!
//! Run: `cargo bench -p cinedesk-core --bench chain_scale` (prints a Markdown table).
//! Measures a filtered page of 20 for each filter of the seed, single creates, praise, and
//! bulk seat creation, in-process on a real SQLite file in a temp dir.

// A benchmark reports on stdout: that is its whole job.
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use cinedesk_core::*;

const CINEMAS: usize = 1_000;
const HALLS_PER_CINEMA: usize = 10;
const SEATS_PER_HALL: usize = 30;
const MOVIES: usize = 20_000;
const CINEMAS_PER_MOVIE: usize = 5;
const ITERATIONS: usize = 2_000;

/// Deterministic pseudo-random numbers so runs are comparable.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

struct Stats {
    p50: Duration,
    p99: Duration,
    max: Duration,
}

fn measure(iterations: usize, mut f: impl FnMut(usize)) -> Stats {
    for i in 0..iterations.min(50) {
        f(iterations + i); // warm caches and prepared statements; indexes stay unique across calls
    }
    let mut samples: Vec<Duration> = (0..iterations)
        .map(|i| {
            let t = Instant::now();
            f(i);
            t.elapsed()
        })
        .collect();
    samples.sort();
    Stats { p50: samples[samples.len() / 2], p99: samples[samples.len() * 99 / 100], max: *samples.last().unwrap() }
}

fn row(name: &str, s: &Stats) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("| {name} | {:.3} | {:.3} | {:.3} |", ms(s.p50), ms(s.p99), ms(s.max));
}

fn main() {
    // CINEDESK_BENCH_DIR keeps the data set for inspection (it must not exist yet).
    let dir = tempfile::tempdir().unwrap();
    let path = std::env::var_os("CINEDESK_BENCH_DIR").map(std::path::PathBuf::from).unwrap_or(dir.path().to_path_buf());
    let cms = Cms::open(&path).unwrap();
    // Every call is made as a MANAGER with a session, as the console's operators make them: the
    // core's check of the caller is part of what is measured.
    let who =
        Actor::User(Principal { user_id: "bench".into(), name: "经理".into(), roles: vec![ROLE_MANAGER.into()] });
    let regions: Vec<String> = cms.sys_enums(&who).unwrap().cinema_region_list.into_iter().map(|r| r.id).collect();
    let categories = ["ACTION", "SCIENCE", "ADVENTURE", "ANIMATION", "COMEDY", "HORROR", "FANTASY", "FAMILY"];
    let countries = ["CHN", "USA", "JPN", "KOR", "GBR", "FRA"];
    let types = ["MOVIE", "GUIDE", "AD"];
    let mut rng = Lcg(42);

    let t = Instant::now();
    let cinemas: Vec<String> = (0..CINEMAS)
        .map(|i| {
            cms.create_cinema(
                &who,
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
                    &who,
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
        seats.extend(cms.create_vr_clients(&who, inputs).unwrap());
    }
    let seat_time = t.elapsed();

    let t = Instant::now();
    let mut movies = Vec::with_capacity(MOVIES);
    for i in 0..MOVIES {
        let id = cms
            .create_movie(
                &who,
                MovieInput {
                    name: Some(format!("VR影片 {} 第{i}部", ["星际", "深海", "恐龙", "过山车", "太空"][i % 5])),
                    movie_code: Some(format!("movie_{i:06}")),
                    duration: Some(5 + (i % 40) as i64),
                    description: Some("沉浸式VR体验".into()),
                    movie_type: Some(types[i % 3].into()),
                    category: Some(format!("{},{}", categories[i % 8], categories[(i / 8) % 8])),
                    country: Some(countries[(i / 3) % 6].into()),
                    price: Some(1000 + (i % 50) as i64 * 100),
                    online: Some(true),
                    schedule_start: Some(1_500_000_000_000 + i as i64 * 60_000),
                    ..Default::default()
                },
            )
            .unwrap();
        let targets: Vec<String> = (0..CINEMAS_PER_MOVIE).map(|_| cinemas[rng.next(CINEMAS)].clone()).collect();
        cms.distribute_movie(&who, &id, DistributeInput { cinema_id_list: Some(targets) }).unwrap();
        movies.push(id);
    }
    let movie_time = t.elapsed();

    println!("Data set: {CINEMAS} cinemas, {} halls, {} seats, {MOVIES} films distributed to {CINEMAS_PER_MOVIE} cinemas each.\n", halls.len(), seats.len());
    println!("| load step | rows | seconds | rows/s |\n|---|---:|---:|---:|");
    for (name, n, d) in [
        ("create_cinema (one transaction each)", CINEMAS, cinema_time),
        ("create_hall (one transaction each)", halls.len(), hall_time),
        ("create_vr_clients (bulk, 300 per call)", seats.len(), seat_time),
        ("create_movie + distribute (two transactions each)", MOVIES, movie_time),
    ] {
        println!("| {name} | {n} | {:.2} | {:.0} |", d.as_secs_f64(), n as f64 / d.as_secs_f64());
    }

    println!("\n| operation ({ITERATIONS} runs, page of 20) | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|");
    let page = Paging::default();
    let pick = |rng: &mut Lcg, v: &Vec<String>| v[rng.next(v.len())].clone();
    let mut r = Lcg(7);
    row("cinemas: no filter", &measure(ITERATIONS, |_| drop(cms.list_cinemas(&who, &CinemaQuery::default()).unwrap())));
    row(
        "cinemas: region_id",
        &measure(ITERATIONS, |i| {
            drop(
                cms.list_cinemas(
                    &who,
                    &CinemaQuery {
                        region_id: Some(regions[i % regions.len()].clone()),
                        paging: page,
                        ..Default::default()
                    },
                )
                .unwrap(),
            )
        }),
    );
    row(
        "cinemas: cinema_id x3",
        &measure(ITERATIONS, |_| {
            let ids = (0..3).map(|_| pick(&mut r, &cinemas)).collect();
            drop(cms.list_cinemas(&who, &CinemaQuery { cinema_ids: ids, ..Default::default() }).unwrap())
        }),
    );
    row(
        "cinemas: cinema_code",
        &measure(ITERATIONS, |i| {
            drop(
                cms.list_cinemas(
                    &who,
                    &CinemaQuery { cinema_code: Some(format!("cinema_{:05}", i % CINEMAS)), ..Default::default() },
                )
                .unwrap(),
            )
        }),
    );
    row(
        "halls: cinema_id",
        &measure(ITERATIONS, |_| {
            drop(
                cms.list_halls(&who, &HallQuery { cinema_id: Some(pick(&mut r, &cinemas)), ..Default::default() })
                    .unwrap(),
            )
        }),
    );
    row(
        "halls: hall_id x3",
        &measure(ITERATIONS, |_| {
            let ids = (0..3).map(|_| pick(&mut r, &halls)).collect();
            drop(cms.list_halls(&who, &HallQuery { hall_ids: ids, ..Default::default() }).unwrap())
        }),
    );
    row(
        "halls: hall_code",
        &measure(ITERATIONS, |i| {
            let code = format!("cinema_{:05}_hall_{:02}", i % CINEMAS, i % HALLS_PER_CINEMA);
            drop(cms.list_halls(&who, &HallQuery { hall_code: Some(code), ..Default::default() }).unwrap())
        }),
    );
    row(
        "vr_clients: no filter (300,000 counted)",
        &measure(ITERATIONS, |_| drop(cms.list_vr_clients(&who, &VrClientQuery::default()).unwrap())),
    );
    row(
        "vr_clients: cinema_id",
        &measure(ITERATIONS, |_| {
            drop(
                cms.list_vr_clients(
                    &who,
                    &VrClientQuery { cinema_id: Some(pick(&mut r, &cinemas)), ..Default::default() },
                )
                .unwrap(),
            )
        }),
    );
    row(
        "vr_clients: hall_id",
        &measure(ITERATIONS, |_| {
            drop(
                cms.list_vr_clients(&who, &VrClientQuery { hall_id: Some(pick(&mut r, &halls)), ..Default::default() })
                    .unwrap(),
            )
        }),
    );
    row(
        "vr_clients: client_id x3",
        &measure(ITERATIONS, |_| {
            let ids = (0..3).map(|_| pick(&mut r, &seats)).collect();
            drop(cms.list_vr_clients(&who, &VrClientQuery { client_ids: ids, ..Default::default() }).unwrap())
        }),
    );
    row(
        "movies: default order (scheduleStart desc)",
        &measure(ITERATIONS, |_| drop(cms.list_movies(&who, &MovieQuery::default()).unwrap())),
    );
    row(
        "movies: movie_id x3",
        &measure(ITERATIONS, |_| {
            let ids = (0..3).map(|_| pick(&mut r, &movies)).collect();
            drop(cms.list_movies(&who, &MovieQuery { movie_ids: ids, ..Default::default() }).unwrap())
        }),
    );
    row(
        "movies: cinema_id",
        &measure(ITERATIONS, |_| {
            drop(
                cms.list_movies(&who, &MovieQuery { cinema_id: Some(pick(&mut r, &cinemas)), ..Default::default() })
                    .unwrap(),
            )
        }),
    );
    row(
        "movies: name (fuzzy)",
        &measure(ITERATIONS, |i| {
            drop(
                cms.list_movies(
                    &who,
                    &MovieQuery { name: Some(format!("第{}部", i * 7 % MOVIES)), ..Default::default() },
                )
                .unwrap(),
            )
        }),
    );
    row(
        "movies: movie_code",
        &measure(ITERATIONS, |i| {
            drop(
                cms.list_movies(
                    &who,
                    &MovieQuery { movie_code: Some(format!("movie_{:06}", i * 13 % MOVIES)), ..Default::default() },
                )
                .unwrap(),
            )
        }),
    );
    row(
        "movies: type",
        &measure(ITERATIONS, |i| {
            drop(
                cms.list_movies(&who, &MovieQuery { movie_type: Some(types[i % 3].into()), ..Default::default() })
                    .unwrap(),
            )
        }),
    );
    row(
        "movies: category",
        &measure(ITERATIONS, |i| {
            drop(
                cms.list_movies(&who, &MovieQuery { category: Some(categories[i % 8].into()), ..Default::default() })
                    .unwrap(),
            )
        }),
    );
    row(
        "movies: country",
        &measure(ITERATIONS, |i| {
            drop(
                cms.list_movies(
                    &who,
                    &MovieQuery { country: Some(countries[(i / 3) % 6].into()), ..Default::default() },
                )
                .unwrap(),
            )
        }),
    );
    row(
        "movies: type+category+country, order by price asc",
        &measure(ITERATIONS, |i| {
            drop(
                cms.list_movies(
                    &who,
                    &MovieQuery {
                        movie_type: Some(types[i % 3].into()),
                        category: Some(categories[i % 8].into()),
                        country: Some(countries[(i / 3) % 6].into()),
                        order_param: Some("price".into()),
                        order_seq: OrderSeq::Asc,
                        ..Default::default()
                    },
                )
                .unwrap(),
            )
        }),
    );
    row(
        "movies: page 500 (start=10000)",
        &measure(ITERATIONS, |_| {
            drop(
                cms.list_movies(
                    &who,
                    &MovieQuery { paging: Paging::new(Some(10_000), None).unwrap(), ..Default::default() },
                )
                .unwrap(),
            )
        }),
    );

    println!(
        "\n| write ({} runs, one durable transaction each) | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|",
        ITERATIONS / 4
    );
    row(
        "create_cinema",
        &measure(ITERATIONS / 4, |i| {
            drop(
                cms.create_cinema(
                    &who,
                    CinemaInput {
                        cinema_code: Some(format!("extra_{i:06}")),
                        name: Some("新影城".into()),
                        region_id: Some("BEIJING".into()),
                        ..Default::default()
                    },
                )
                .unwrap(),
            )
        }),
    );
    row(
        "praise_movie",
        &measure(ITERATIONS / 4, |_| {
            cms.praise_movie(&who, &pick(&mut r, &movies), None).unwrap();
        }),
    );
    let size = std::fs::metadata(path.join(DB_FILE)).map(|m| m.len()).unwrap_or(0);
    println!("\nDatabase file: {:.1} MiB", size as f64 / 1048576.0);
}
