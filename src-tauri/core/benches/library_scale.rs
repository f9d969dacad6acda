//! Resource library at scale (issue 6): keyword search and sorted listing over 100,000 resources.
//!
//! Run: `cargo bench -p cinedesk-core --bench library_scale` (prints Markdown tables).
//! 100,000 resources in 52 spaces (the chain's, 50 cinemas', one user's), each classified under
//! a period, a subject and a chapter of a 1,000-node tree, with view/download counts and marks
//! spread at random; then pages of 20 through `list_resources` as a SYS_ADMIN (sees every
//! space), a MANAGER (every space but others' personal ones) and a cinema's client (its own
//! space and the chain's), for each order, keyword length and filter. Target: p99 ≤ 20 ms.

// A benchmark reports on stdout: that is its whole job.
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use cinedesk_core::library::{
    ChapterScope, NewClassification, NewResource, NodeIds, OrderBy, ResourceContent, ResourceSearch,
};
use cinedesk_core::*;

const RESOURCES: usize = 100_000;
const CINEMAS: usize = 50;
const FILES: usize = 1_000;
const BATCH: usize = 5_000;
const ITERATIONS: usize = 500;

/// Deterministic pseudo-random numbers so runs are comparable.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.next(v.len())]
    }
}

struct Stats {
    p50: Duration,
    p99: Duration,
    max: Duration,
    /// Mean CPU time per page (on-CPU time of this thread, from /proc/thread-self/schedstat,
    /// which the kernel advances in scheduler ticks, so only the mean over all runs is exact):
    /// what a page costs without the time spent waiting for a core on a busy machine.
    cpu_mean: Option<Duration>,
    rows: f64,
}

/// Nanoseconds this thread has run on a CPU (Linux), if known.
fn thread_cpu() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(s.split_whitespace().next()?.parse().ok()?))
}

fn percentile(samples: &mut [Duration], p: usize) -> Duration {
    samples.sort();
    samples[(samples.len() * p / 100).min(samples.len() - 1)]
}

/// Runs `f` (which answers how many rows its page matched) and keeps the latency percentiles.
fn measure(mut f: impl FnMut(usize) -> u64) -> Stats {
    for i in 0..50 {
        f(ITERATIONS + i); // warm caches and prepared statements
    }
    let mut total = 0u64;
    let mut wall = Vec::with_capacity(ITERATIONS);
    let mut cpu = Vec::with_capacity(ITERATIONS);
    for i in 0..ITERATIONS {
        let (t, c) = (Instant::now(), thread_cpu());
        total += f(i);
        wall.push(t.elapsed());
        if let (Some(before), Some(after)) = (c, thread_cpu()) {
            cpu.push(after.saturating_sub(before));
        }
    }
    let has_cpu = cpu.len() == ITERATIONS;
    Stats {
        p50: percentile(&mut wall, 50),
        p99: percentile(&mut wall, 99),
        max: *wall.iter().max().unwrap(),
        cpu_mean: has_cpu.then(|| cpu.iter().sum::<Duration>() / ITERATIONS as u32),
        rows: total as f64 / ITERATIONS as f64,
    }
}

fn row(name: &str, s: &Stats) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let cpu = |d: Option<Duration>| d.map(|d| format!("{:.3}", ms(d))).unwrap_or_else(|| "–".into());
    println!(
        "| {name} | {:.0} | {:.3} | {:.3} | {:.3} | {} |",
        s.rows,
        ms(s.p50),
        ms(s.p99),
        ms(s.max),
        cpu(s.cpu_mean)
    );
}

const SUBJECTS: [&str; 8] = ["语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理"];
const WORDS: [&str; 24] = [
    "春晓",
    "静夜思",
    "登鹳雀楼",
    "望庐山瀑布",
    "咏鹅",
    "悯农",
    "画",
    "江雪",
    "长城",
    "黄河",
    "熊猫",
    "太空",
    "恐龙",
    "海洋",
    "火山",
    "星空",
    "飞船",
    "森林",
    "沙漠",
    "冰川",
    "机器人",
    "过山车",
    "赛车",
    "潜水",
];
const LATIN: [&str; 12] = [
    "roller coaster",
    "space walk",
    "deep sea",
    "dinosaur park",
    "haunted house",
    "ski jump",
    "volcano",
    "safari",
    "zombie",
    "racing",
    "flight",
    "jungle",
];
const KINDS: [&str; 6] = ["课件", "教案", "视频", "音频", "试卷", "动画"];
const URL_EXTS: [&str; 5] = ["jpg", "mp4", "gif", "png", "mov"];
const FILE_EXTS: [&str; 5] = ["pdf", "doc", "mp3", "pptx", "txt"];

fn main() {
    // CINEDESK_BENCH_DIR keeps the data set; a second run on the same dir measures it again
    // without building it anew.
    let dir = tempfile::tempdir().unwrap();
    let path = std::env::var_os("CINEDESK_BENCH_DIR").map(std::path::PathBuf::from).unwrap_or(dir.path().to_path_buf());
    let reuse = path.join(DB_FILE).exists();
    let cms = Cms::open(&path).unwrap();
    if !reuse {
        build(&cms, &path);
    }
    // The callers as the server authenticates them: two sessions and a cinema's signed client.
    let admin = Actor::User(cms.authenticate(&cms.login("admin", "admin-password").unwrap().token).unwrap());
    let manager = Actor::User(cms.authenticate(&cms.login("manager", "manager-password").unwrap().token).unwrap());
    let first = CinemaQuery { cinema_code: Some("cinema_000".into()), ..Default::default() };
    let cinema_id = cms.list_cinemas(&admin, &first).unwrap().item_list[0].cinema_id.clone();
    let cinema = Actor::Cinema { cinema_id, apikey: "ck_bench".into() };
    let tree =
        cms.query_chapters(&admin, &ChapterScope { parent_id: "0".into(), of_chapter: false, whole: true }).unwrap();
    let of_kind =
        |kind: &str| -> Vec<String> { tree.iter().filter(|n| n.kind == kind).map(|n| n.chapter_id.clone()).collect() };
    let (periods, subjects) = (of_kind("period"), of_kind("subject"));

    let load = || {
        std::fs::read_to_string("/proc/loadavg")
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    };
    let load_before = load();
    let page = |actor: &Actor, order: OrderBy, cur: usize, keyword: Option<&str>, node: Option<&str>| {
        let q = ResourceSearch {
            page: Some(cur as u32),
            per_page: Some(20),
            order,
            keyword: keyword.map(str::to_string),
            subject_id: node.map(str::to_string),
            ..Default::default()
        };
        let p = cms.list_resources(actor, &q).unwrap();
        assert!(p.product_list.len() <= 20);
        p.total_count
    };

    println!(
        "\n| xkzyList, page of 20 ({ITERATIONS} runs) | rows matched | p50 ms | p99 ms | max ms | CPU mean ms |\n|---|---:|---:|---:|---:|---:|"
    );
    for (who, actor) in [("SYS_ADMIN", &admin), ("MANAGER", &manager), ("cinema client", &cinema)] {
        for order in OrderBy::ALL {
            let s = measure(|i| page(actor, order, 1 + i % 50, None, None));
            row(&format!("{who}: all, by {}, pages 1–50", order.wire()), &s);
        }
    }
    let mut rng = Lcg(99);
    for (who, actor) in [("SYS_ADMIN", &admin), ("cinema client", &cinema)] {
        for order in [OrderBy::ViewCount, OrderBy::CreateTime] {
            let s = measure(|_| page(actor, order, 1, Some(*rng.pick(&LATIN)), None));
            row(&format!("{who}: keyword ≥3 chars (Latin, trigram index), by {}", order.wire()), &s);
            let s = measure(|_| page(actor, order, 1, Some(*rng.pick(&WORDS[1..5])), None));
            row(&format!("{who}: keyword ≥3 chars (Chinese), by {}", order.wire()), &s);
            let s = measure(|_| page(actor, order, 1, Some(*rng.pick(&["春晓", "长城", "熊猫", "星空"])), None));
            row(&format!("{who}: keyword of 2 chars (scan), by {}", order.wire()), &s);
        }
        let s = measure(|_| {
            page(actor, OrderBy::ViewCount, 1, Some(*rng.pick(&WORDS[1..5])), Some(rng.pick(&subjects).as_str()))
        });
        row(&format!("{who}: keyword + subject subtree, by viewCount"), &s);
        let s = measure(|_| page(actor, OrderBy::Marks, 1, None, Some(rng.pick(&periods).as_str())));
        row(&format!("{who}: period subtree (≈33k rows), by marks"), &s);
        let s = measure(|_| page(actor, OrderBy::ViewCount, 1, Some(&format!("{}", rng.next(100_000))), None));
        row(&format!("{who}: rare keyword (a number), by viewCount"), &s);
    }

    // Reference in the same run: what a substring search costs without the trigram index.
    let conn = rusqlite::Connection::open(path.join(DB_FILE)).unwrap();
    let mut rng = Lcg(5);
    let s = measure(|_| {
        let k = format!("%{}%", rng.pick(&LATIN));
        conn.query_row(
            "SELECT count(*) FROM disk_resources WHERE title LIKE ?1 OR keyword LIKE ?1 OR intro LIKE ?1",
            [k],
            |r| r.get::<_, i64>(0),
        )
        .unwrap() as u64
    });
    row("reference: the same Latin keyword as a LIKE scan of 100,000 rows (count only)", &s);
    println!(
        "\nLoad average (1, 5, 15 min) before the pages: {load_before}; after: {}; on {} cores.",
        load(),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
}

/// Builds the data set: two users, 50 cinemas, the tree, 1,000 stored files, 100,000 resources.
fn build(cms: &Cms, path: &std::path::Path) {
    let admin_id = cms.create_first_admin(&Actor::System, "管理员", "admin", "admin-password").unwrap();
    cms.create_user(
        &Actor::System,
        UserInput {
            name: Some("经理".into()),
            alias: Some("manager".into()),
            password: Some("manager-password".into()),
            role: Some(ROLE_MANAGER.into()),
            ..Default::default()
        },
    )
    .unwrap();
    let admin =
        Actor::User(Principal { user_id: admin_id, name: "管理员".into(), roles: vec![ROLE_SYS_ADMIN.into()] });
    let mut rng = Lcg(7);

    let t = Instant::now();
    let regions: Vec<String> = cms.sys_enums(&admin).unwrap().cinema_region_list.into_iter().map(|r| r.id).collect();
    let cinemas: Vec<String> = (0..CINEMAS)
        .map(|i| {
            cms.create_cinema(
                &admin,
                CinemaInput {
                    cinema_code: Some(format!("cinema_{i:03}")),
                    name: Some(format!("X立方影城 {i}")),
                    region_id: Some(regions[i % regions.len()].clone()),
                    ..Default::default()
                },
            )
            .unwrap()
        })
        .collect();
    // The seed's tree: 3 periods × 8 subjects × 4 textbooks × 10 chapters.
    let node = |parent: &str, kind: &str, title: String| {
        cms.create_classification(
            &admin,
            NewClassification { parent_id: Some(parent.to_string()), kind: kind.into(), title, sort: None },
        )
        .unwrap()
    };
    let (mut periods, mut subjects, mut chapters) = (Vec::new(), Vec::new(), Vec::new());
    for p in ["小学", "初中", "高中"] {
        let period = node("0", "period", p.to_string());
        for s in SUBJECTS {
            let subject = node(&period, "subject", s.to_string());
            for b in 0..4 {
                let book = node(&subject, "textbook", format!("{p}{s} 第{b}册"));
                for c in 0..10 {
                    chapters.push((subject.clone(), node(&book, "chapter", format!("第{c}单元"))));
                }
            }
            subjects.push(subject);
        }
        periods.push(period);
    }
    let fids: Vec<String> = (0..FILES)
        .map(|i| {
            let size = 256 + rng.next(16 << 10);
            let ext = FILE_EXTS[i % FILE_EXTS.len()];
            cms.store_bytes(&admin, NewFile::new(&format!("资料{i}.{ext}"), Domain::Resource), &vec![b'x'; size])
                .unwrap()
                .file_id
        })
        .collect();
    let setup = t.elapsed();

    let t = Instant::now();
    let org = cms.library_org_id(&admin).unwrap();
    let mut left = RESOURCES;
    while left > 0 {
        let n = left.min(BATCH);
        let batch: Vec<NewResource> = (0..n)
            .map(|_| {
                let word = *rng.pick(&WORDS);
                let (subject, chapter) = rng.pick(&chapters).clone();
                let subject_name = SUBJECTS[subjects.iter().position(|s| *s == subject).unwrap() % SUBJECTS.len()];
                let latin = *rng.pick(&LATIN);
                let kind = *rng.pick(&KINDS);
                let title = format!("{subject_name}《{word}》{kind} {latin} {}", rng.next(100_000));
                let owner = match rng.next(10) {
                    0 => Owner::User(None),
                    1..=3 => Owner::Cinema(rng.pick(&cinemas).clone()),
                    _ => Owner::Chain(Some(org.clone())),
                };
                let stored = rng.next(3) == 0;
                NewResource {
                    title,
                    keyword: Some(format!("{word},{subject_name}")),
                    intro: Some(format!("{word}的{kind}，适合{subject_name}课堂与 VR 体验：{latin}。")),
                    content: if stored {
                        ResourceContent::Stored(rng.pick(&fids).clone())
                    } else {
                        ResourceContent::Link(format!(
                            "https://cdn.example.com/r/{}.{}",
                            rng.next(1 << 30),
                            rng.pick(&URL_EXTS)
                        ))
                    },
                    nodes: NodeIds {
                        period_id: Some(rng.pick(&periods).clone()),
                        subject_id: Some(subject),
                        chapter_ids: Some(vec![chapter]),
                        ..Default::default()
                    },
                    owner,
                    parent_id: Some("0".into()),
                    res_source: 0,
                    copy_to_personal: false,
                    can_removed: false,
                }
            })
            .collect();
        cms.create_resources(&admin, batch).unwrap();
        left -= n;
    }
    let import = t.elapsed();
    {
        // Views, downloads and marks as years of use would leave them (set directly: a
        // benchmark of reads need not replay ten million clicks).
        let conn = rusqlite::Connection::open(path.join(DB_FILE)).unwrap();
        conn.execute_batch(
            "UPDATE disk_resources SET view_count = abs(random()) % 50000, down_count = abs(random()) % 5000,
                 score = (abs(random()) % 401) / 100.0 + 1, marks_count = abs(random()) % 40;
             PRAGMA optimize;",
        )
        .unwrap();
    }

    println!("\n| setup | seconds |\n|---|---:|");
    println!("| 50 cinemas, 1,000-node tree, 1,000 stored files | {:.1} |", setup.as_secs_f64());
    println!(
        "| import {RESOURCES} resources ({} transactions of {BATCH}) | {:.1} ({:.0} per second) |",
        RESOURCES / BATCH,
        import.as_secs_f64(),
        RESOURCES as f64 / import.as_secs_f64()
    );
}
