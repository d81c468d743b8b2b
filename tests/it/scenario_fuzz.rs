//! Seeded scenario fuzzing (the fuzz classes of issue 7 part B), bounded in time for CI.
//!
//! A generator draws scenario files from pools of ordinary and extreme values (zero, negative, infinite, NaN,
//! tiny, huge, at and beyond every documented limit), then mutates some (a line dropped or repeated, the text cut
//! short). For each file: reading it never panics; a refusal is one line naming the file, of bounded length;
//! an accepted scenario's theory finishes and gives finite figures, and when its simulation is small (the
//! generator keeps most of them so) two replications run and every figure is finite; every accepted distribution
//! samples finite non-negative durations. A second generator does the
//! same for sweep axis specifications. Seeds are fixed, so a failure reproduces; the whole module takes a few
//! seconds in release mode.

use std::panic::{AssertUnwindSafe, catch_unwind};

use callsim::limits::MAX_CALLS_PER_REPLICATION;
use callsim::run::run_scenario;
use callsim::scenario::Scenario;
use callsim::sweep::{Axis, Grid, MAX_POINTS};
use callsim::theory::theory_for;
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

const SCENARIOS: u64 = 20_000;
const AXES: u64 = 20_000;

/// Calls simulated per accepted scenario at most (expected arrivals times replications).
const SIMULATED_CALLS: f64 = 20_000.0;

fn pick<'a>(rng: &mut Xoshiro256PlusPlus, pool: &[&'a str]) -> &'a str {
    pool[rng.random_range(0..pool.len())]
}

/// Each field is drawn from the extreme pool one time in ten, else from the ordinary one, so that a file holds
/// a few extremes at once and a good share of files is accepted.
fn either<'a>(rng: &mut Xoshiro256PlusPlus, ordinary: &[&'a str], extreme: &[&'a str]) -> &'a str {
    if rng.random_bool(0.1) {
        pick(rng, extreme)
    } else {
        pick(rng, ordinary)
    }
}

const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1e-300",
    "0.001",
    "0.5",
    "1",
    "3",
    "200",
    "600",
    "1e6",
    "1e12",
    "inf",
    "-inf",
    "nan",
    "1.7976931348623157e308",
];
const DURATIONS: &[&str] = &[
    "0s",
    "1ms",
    "0.00001ms",
    "20s",
    "2m",
    "3m",
    "4m",
    "1h",
    "8h",
    "100000h",
    "1000000h",
    "-5m",
    "3",
    "",
    "1e3s",
    "999999999s",
    "1000000000s",
    "1h30m",
    "2.5m",
];
const CVS: &[&str] = &[
    "0", "1e-300", "1e-155", "1e-5", "1e-4", "0.5", "1", "20", "21", "inf", "nan", "-1",
];
const SHAPES: &[&str] = &["0.01", "0.1", "0.7", "1", "50", "51", "inf", "nan"];
const WHOLE: &[&str] = &[
    "0",
    "1",
    "2",
    "5",
    "12",
    "43",
    "1000",
    "1000000",
    "1000001",
    "10000001",
    "4294967295",
    "-1",
];
const FAMILIES: &[&str] = &[
    "exponential",
    "lognormal",
    "gamma",
    "erlang",
    "weibull",
    "uniform",
    "constant",
    "empirical",
    "poisson",
];
const NAMES: &[&str] = &["general", "vip", "total", "", "general", "sales"];
const QUEUES: &[&str] = &["fifo", "priority", "priority-aging", "lifo"];
const AXIS_SPECS: &[&str] = &[
    "agent_groups.g0.count=0:inf",
    "agent_groups.g0.count=0:1:1e-300",
    "agent_groups.g0.count=10:12:0.5",
    "agent_groups.g0.count=1:3",
    "agent_groups.nobody.count=1:3",
    "routing.queue=fifo,fifo",
    "routing.queue=fifo,priority",
    "call_types.general.service.mean=1m:3m",
    "lines=1:1e300",
    "horizon.warmup=0s,8h",
    "no-equals-sign",
];

/// A distribution table with a family and a random subset of keys, each ordinary or extreme.
fn distribution(rng: &mut Xoshiro256PlusPlus) -> String {
    let family = pick(rng, FAMILIES);
    if family == "poisson" && rng.random_bool(0.8) {
        return "{ distribution = \"exponential\", mean = \"2m\" }".to_string();
    }
    let mut keys = vec![format!("distribution = \"{family}\"")];
    let typical: &[&str] = match family {
        "lognormal" | "gamma" => &["mean", "cv"],
        "erlang" => &["mean", "k"],
        "weibull" => &["mean", "shape"],
        "uniform" => &["min", "max"],
        "empirical" => &["values"],
        _ => &["mean"],
    };
    for key in ["mean", "cv", "k", "shape", "min", "max", "values"] {
        let wanted = typical.contains(&key);
        // The family's own keys are present 9 times in 10, another family's keys once in 20.
        if (wanted && rng.random_bool(0.97)) || (!wanted && rng.random_bool(0.02)) {
            let value = match key {
                "cv" => either(rng, &["0.3", "1", "2"], CVS).to_string(),
                "k" => either(rng, &["1", "3"], WHOLE).to_string(),
                "shape" => either(rng, &["0.7", "1.5"], SHAPES).to_string(),
                "values" => {
                    let n = rng.random_range(0..4);
                    let items: Vec<String> = (0..n)
                        .map(|_| format!("\"{}\"", either(rng, &["30s", "2m"], DURATIONS)))
                        .collect();
                    format!("[{}]", items.join(", "))
                }
                "max" => format!("\"{}\"", either(rng, &["5m", "10m"], DURATIONS)),
                "min" => format!("\"{}\"", either(rng, &["0s", "1m"], DURATIONS)),
                _ => format!("\"{}\"", either(rng, &["1m", "3m"], DURATIONS)),
            };
            keys.push(format!("{key} = {value}"));
        }
    }
    format!("{{ {} }}", keys.join(", "))
}

/// A generated scenario file; values are ordinary most of the time so that many files are accepted.
fn scenario_text(rng: &mut Xoshiro256PlusPlus) -> String {
    let mut text = String::from("name = \"fuzz\"\n");
    text += &format!("seed = {}\n", rng.random_range(0..u64::MAX));
    let replications = either(rng, &["1", "2"], &["0", "3", "100000", "100001"]);
    text += &format!("replications = {replications}\n");
    if rng.random_bool(0.2) {
        let lines = either(rng, &["5", "20", "60"], &["0", "1", "1000", "10000001", "4294967295"]);
        text += &format!("lines = {lines}\n");
    }
    let duration = either(rng, &["10m", "30m", "1h"], DURATIONS);
    text += &format!("[horizon]\nduration = \"{duration}\"\n");
    if rng.random_bool(0.5) {
        text += &format!("warmup = \"{}\"\n", either(rng, &["0s", "5m"], DURATIONS));
    }
    if rng.random_bool(0.4) {
        text += &format!(
            "[service_level]\nanswer_within = \"{}\"\ntarget = {}\n",
            either(rng, &["20s", "1m"], DURATIONS),
            either(rng, &["0.8", "0.9"], &["0", "1", "1.5", "nan"])
        );
    }
    if rng.random_bool(0.3) {
        text += &format!(
            "[routing]\nqueue = \"{}\"\naging_per_second = {}\n",
            either(rng, &["fifo", "priority", "priority-aging"], QUEUES),
            either(rng, &["0", "0.01"], &["inf", "-1", "nan", "1e300"])
        );
    }
    let types = rng.random_range(1..=3);
    let mut names = Vec::new();
    for index in 0..types {
        let name = either(rng, [["general", "vip", "sales"][index]].as_slice(), NAMES);
        names.push(name);
        let per_hour = either(rng, &["30", "200", "600"], NUMBERS);
        text += &format!("[[call_types]]\nname = \"{name}\"\narrivals = {{ per_hour = {per_hour} }}\n");
        text += &format!("service = {}\n", distribution(rng));
        if rng.random_bool(0.5) {
            text += &format!("patience = {}\n", distribution(rng));
        }
        if rng.random_bool(0.2) {
            text += &format!("priority = {}\n", either(rng, &["0", "5"], NUMBERS));
        }
        if rng.random_bool(0.2) {
            text += &format!("after_call_work = \"{}\"\n", either(rng, &["10s", "1m"], DURATIONS));
        }
    }
    for index in 0..rng.random_range(1..=2) {
        let count = either(rng, &["3", "12", "43"], WHOLE);
        let skills: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
        let skills = if rng.random_bool(0.95) {
            skills.join(", ")
        } else {
            "\"nobody\"".to_string()
        };
        text += &format!("[[agent_groups]]\nname = \"g{index}\"\ncount = {count}\nskills = [{skills}]\n");
    }
    if rng.random_bool(0.15) {
        text += &format!("[sweep]\nvary = [\"{}\"]\n", pick(rng, AXIS_SPECS));
    }
    mutate(rng, text)
}

/// One time in ten: drop a line, repeat a line, or cut the text short.
fn mutate(rng: &mut Xoshiro256PlusPlus, text: String) -> String {
    if !rng.random_bool(0.1) {
        return text;
    }
    let mut lines: Vec<&str> = text.lines().collect();
    let at = rng.random_range(0..lines.len());
    match rng.random_range(0..3) {
        0 => {
            lines.remove(at);
            lines.join("\n")
        }
        1 => {
            lines.insert(at, lines[at]);
            lines.join("\n")
        }
        _ => {
            let mut cut = rng.random_range(0..text.len());
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text[..cut].to_string()
        }
    }
}

fn assert_finite(what: &str, value: f64, text: &str) {
    assert!(value.is_finite(), "{what} is {value} for\n{text}");
}

#[test]
fn generated_scenarios_are_refused_clearly_or_run_with_finite_figures() {
    let (mut accepted, mut simulated) = (0, 0);
    for seed in 0..SCENARIOS {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let text = scenario_text(&mut rng);
        let result = catch_unwind(AssertUnwindSafe(|| Scenario::from_toml_str(&text, "fuzz.toml")))
            .unwrap_or_else(|_| panic!("seed {seed}: reading panicked on\n{text}"));
        let scenario = match result {
            Ok(s) => s,
            Err(e) => {
                let message = e.to_string();
                assert!(message.starts_with("fuzz.toml: "), "seed {seed}: {message}");
                assert!(!message.contains('\n') && message.len() < 600, "seed {seed}: {message}");
                continue;
            }
        };
        accepted += 1;
        for warning in scenario.warnings() {
            assert!(!warning.to_string().is_empty());
        }
        let mut draws = Xoshiro256PlusPlus::seed_from_u64(seed);
        for c in &scenario.call_types {
            for d in std::iter::once(&c.service).chain(c.patience.as_ref()) {
                for _ in 0..200 {
                    let x = d.sample(&mut draws);
                    assert!(
                        x.is_finite() && x >= 0.0,
                        "seed {seed}: {} sampled {x} for\n{text}",
                        d.family()
                    );
                }
            }
        }
        let started = std::time::Instant::now();
        let theory = theory_for(&scenario);
        let seconds = started.elapsed().as_secs_f64();
        assert!(seconds < 5.0, "seed {seed}: theory took {seconds:.1}s for\n{text}");
        if let Some(theory) = theory {
            for (metric, value) in &theory.values {
                assert_finite(&format!("seed {seed}: theory {}", metric.name()), *value, &text);
            }
        }
        let rate: f64 = scenario.call_types.iter().map(|c| c.arrival_rate).sum();
        let mut small = scenario.clone();
        small.replications = small.replications.min(2);
        let calls = rate * small.horizon * small.replications as f64;
        assert!(rate * small.horizon <= MAX_CALLS_PER_REPLICATION);
        if calls <= SIMULATED_CALLS && small.total_agents() <= 10_000 {
            simulated += 1;
            let summary = run_scenario(&small, &|| {});
            for estimate in summary
                .total
                .iter()
                .chain(summary.call_types.iter().flat_map(|(_, e)| e.iter()))
            {
                if let Some(mean) = estimate.mean {
                    assert_finite(&format!("seed {seed}: simulated mean"), mean, &text);
                }
            }
        }
    }
    eprintln!("fuzz: {accepted} of {SCENARIOS} scenarios accepted, {simulated} simulated");
    // The generator must exercise acceptance and simulation, not only refusals.
    assert!(
        accepted > SCENARIOS / 10 && simulated > SCENARIOS / 20,
        "{accepted} accepted, {simulated} simulated"
    );
}

const AXIS_BASE: &str = r#"
name = "axes"
[horizon]
duration = "1h"
warmup = "10m"
[[call_types]]
name = "general"
arrivals = { per_hour = 100 }
service = { distribution = "exponential", mean = "3m" }
[[agent_groups]]
name = "g0"
count = 8
skills = ["general"]
"#;

#[test]
fn generated_axes_expand_within_bounds_or_are_refused() {
    const PARTS: &[&str] = &[
        "0",
        "1",
        "-1",
        "2",
        "10",
        "0.5",
        "inf",
        "-inf",
        "nan",
        "1e-300",
        "1e300",
        "9223372036854775807",
        "3m",
        "-5m",
        "1000000h",
        "1ms",
        "fifo",
        "priority",
        "",
    ];
    const PATHS: &[&str] = &[
        "agent_groups.g0.count",
        "routing.queue",
        "call_types.general.service.mean",
        "lines",
        "",
        "a..b",
        "horizon.warmup",
    ];
    let mut built = 0;
    for seed in 0..AXES {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let separator = if rng.random_bool(0.5) { ":" } else { "," };
        let parts: Vec<&str> = (0..rng.random_range(1..=4)).map(|_| pick(&mut rng, PARTS)).collect();
        let spec = format!("{}={}", pick(&mut rng, PATHS), parts.join(separator));
        let parsed = catch_unwind(|| Axis::parse(&spec)).unwrap_or_else(|_| panic!("Axis::parse panicked on {spec}"));
        let Ok(axis) = parsed else { continue };
        assert!(
            (1..=MAX_POINTS).contains(&axis.values.len()),
            "{spec}: {} values",
            axis.values.len()
        );
        if axis.values.len() <= 50 {
            let specs = vec![spec.clone()];
            let grid = catch_unwind(|| Grid::build(AXIS_BASE, "axes.toml", &specs, Some(1)))
                .unwrap_or_else(|_| panic!("Grid::build panicked on {spec}"));
            if let Ok(grid) = grid {
                built += 1;
                assert_eq!(grid.points.len(), axis.values.len(), "{spec}");
            }
        }
    }
    assert!(built > 50, "only {built} grids built");
}
