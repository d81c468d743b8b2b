//! Sweeps and comparisons: grid expansion, thread-count independence, common random numbers, plots, bad input.

use callsim::stats::Metric;
use callsim::sweep::{ChartChoice, Grid, compare_points, sweep_charts, sweep_csv};

const BASE: &str = r#"
name = "sweep base"
seed = 3
replications = 8
[horizon]
duration = "6h"
warmup = "30m"
[[call_types]]
name = "vip"
arrivals = { per_hour = 50 }
service = { distribution = "exponential", mean = "3m" }
patience = { distribution = "exponential", mean = "2m" }
priority = 5
[[call_types]]
name = "general"
arrivals = { per_hour = 150 }
service = { distribution = "exponential", mean = "3m" }
patience = { distribution = "exponential", mean = "2m" }
[[agent_groups]]
name = "agents"
count = 12
skills = ["vip", "general"]
[routing]
queue = "fifo"
"#;

fn grid(specs: &[&str]) -> callsim::Result<Grid> {
    let specs: Vec<String> = specs.iter().map(|s| s.to_string()).collect();
    Grid::build(BASE, "base.toml", &specs, None)
}

#[test]
fn the_grid_is_the_cartesian_product_in_order() {
    let g = grid(&["agent_groups.agents.count=10:14:2", "routing.queue=fifo,priority"]).unwrap();
    let labels: Vec<Vec<String>> = g.points.iter().map(|p| p.labels.clone()).collect();
    assert_eq!(labels.len(), 6);
    assert_eq!(labels[0], vec!["10", "fifo"]);
    assert_eq!(labels[1], vec!["10", "priority"]);
    assert_eq!(labels[5], vec!["14", "priority"]);
    assert_eq!(g.points[4].scenario.agent_groups[0].count, 14);
    assert_eq!(
        g.points[1].scenario.routing.queue,
        callsim::routing::QueueDiscipline::Priority
    );
    let g = grid(&[
        "call_types.general.service.mean=2m,4m",
        "call_types.vip.arrivals.per_hour=10:30:10",
    ])
    .unwrap();
    assert_eq!(g.points.len(), 6);
    assert_eq!(g.points[3].scenario.call_types[1].service.mean(), 240.0);
    assert!((g.points[5].scenario.call_types[0].arrival_rate * 3600.0 - 30.0).abs() < 1e-9);
    let g = grid(&["call_types.general.service.mean=2m:4m:30s"]).unwrap();
    let means: Vec<f64> = g
        .points
        .iter()
        .map(|p| p.scenario.call_types[1].service.mean())
        .collect();
    assert_eq!(means, vec![120.0, 150.0, 180.0, 210.0, 240.0]);
}

#[test]
fn results_are_identical_at_one_and_two_threads() {
    let g = grid(&["agent_groups.agents.count=11:13", "routing.queue=fifo,priority"]).unwrap();
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let results = pool.install(|| g.run(&|| {}));
        sweep_csv(&g.axes, &results)
    };
    assert_eq!(run(1), run(2));
}

#[test]
fn common_random_numbers_narrow_the_interval_of_a_difference() {
    let g = grid(&["agent_groups.agents.count=12,13"]).unwrap();
    let results = g.run(&|| {});
    let paired = compare_points(&results)
        .rows
        .into_iter()
        .find(|r| r.call_type == "total" && r.metric == Metric::MeanWaitS)
        .unwrap();
    // Independent runs: the second point with another seed, difference of two independent means.
    let independent_text = BASE.replace("seed = 3", "seed = 4").replace("count = 12", "count = 13");
    let other = Grid::build(&independent_text, "x", &["routing.queue=fifo".to_string()], None)
        .unwrap()
        .run(&|| {});
    let h1 = results[0].summary.total[Metric::MeanWaitS.index()].ci95.unwrap();
    let h2 = other[0].summary.total[Metric::MeanWaitS.index()].ci95.unwrap();
    let independent = (h1 * h1 + h2 * h2).sqrt();
    let paired_half = paired.difference.ci95.unwrap();
    assert!(
        paired_half < 0.5 * independent,
        "paired ±{paired_half} vs independent ±{independent}"
    );
    assert!(
        paired.significant,
        "one more agent must cut the mean wait significantly"
    );
}

#[test]
fn plots_are_written_and_non_empty() {
    let g = grid(&["agent_groups.agents.count=10:13", "routing.queue=fifo,priority"]).unwrap();
    let results = g.run(&|| {});
    let dir = tempfile::tempdir().unwrap();
    let choice = ChartChoice {
        type_targets: &[],
        service_level_target: 0.8,
        metric: Metric::AsaS,
        x_path: None,
        abandonment: true,
    };
    let files = sweep_charts(&g.axes, &results, choice, dir.path()).unwrap();
    assert_eq!(files.len(), 10);
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        assert!(bytes.len() > 2000, "{} is too small", file.display());
        if file.extension().unwrap() == "png" {
            assert_eq!(&bytes[1..4], b"PNG");
        } else {
            let text = String::from_utf8(bytes).unwrap();
            assert!(text.contains("<svg") && text.contains("agents.count"));
        }
    }
    let choice = ChartChoice {
        x_path: Some("routing.queue"),
        ..choice
    };
    let by_policy = sweep_charts(&g.axes, &results, choice, dir.path()).unwrap();
    let svg = std::fs::read_to_string(&by_policy[0]).unwrap();
    assert!(
        svg.contains("routing.queue") && svg.contains("count=10"),
        "x is the policy, lines per staffing"
    );
    let wrong = ChartChoice {
        x_path: Some("routing.agent"),
        ..choice
    };
    assert!(
        sweep_charts(&g.axes, &results, wrong, dir.path())
            .unwrap_err()
            .to_string()
            .contains("--x")
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}

#[test]
fn bad_vary_input_is_an_error_before_any_simulation() {
    for (spec, expected) in [
        ("agent_groups.nobody.count=3", "no element named \"nobody\""),
        ("routing.nonsense=1", "nonsense"),
        ("agent_groups.agents.count=abc", "agent_groups.agents.count=abc"),
        ("agent_groups.agents.count=20:10", "empty"),
        ("agent_groups.agents.count=0:100000", "at most"),
        ("routing.queue=lifo", "lifo"),
        ("no_equals_sign", "PATH=VALUES"),
        ("call_types.vip.service.mean=0s", "greater than 0"),
    ] {
        let message = grid(&[spec]).unwrap_err().to_string();
        assert!(message.contains(expected), "{spec}: {message}");
    }
    let message = grid(&["agent_groups.agents.count=1:200", "call_types.vip.priority=1:100"])
        .unwrap_err()
        .to_string();
    assert!(message.contains("at most"), "{message}");
}

#[test]
fn single_queue_sweeps_draw_theory_beside_simulation() {
    let text = BASE.replace(
        "[[call_types]]\nname = \"vip\"\narrivals = { per_hour = 50 }\nservice = { distribution = \"exponential\", mean = \"3m\" }\npatience = { distribution = \"exponential\", mean = \"2m\" }\npriority = 5\n",
        "",
    )
    .replace("skills = [\"vip\", \"general\"]", "skills = [\"general\"]");
    let g = Grid::build(
        &text,
        "single.toml",
        &["agent_groups.agents.count=9:12".to_string()],
        Some(4),
    )
    .unwrap();
    let results = g.run(&|| {});
    assert!(results.iter().all(|r| r.theory.as_ref().is_some_and(|t| t.exact)));
    let dir = tempfile::tempdir().unwrap();
    let choice = ChartChoice {
        type_targets: &[],
        service_level_target: 0.8,
        metric: Metric::AsaS,
        x_path: None,
        abandonment: true,
    };
    let files = sweep_charts(&g.axes, &results, choice, dir.path()).unwrap();
    let svg = std::fs::read_to_string(&files[0]).unwrap();
    assert!(svg.contains("Erlang A (M/M/c+M)"), "theory line in the legend");
}

#[test]
fn a_sweep_point_equals_a_run_of_its_scenario() {
    let g = grid(&["agent_groups.agents.count=11:12", "routing.queue=fifo,priority"]).unwrap();
    let results = g.run(&|| {});
    for (point, result) in g.points.iter().zip(&results) {
        let alone = callsim::run::run_scenario(&point.scenario, &|| {});
        assert_eq!(
            callsim::report::summary_csv(&alone),
            callsim::report::summary_csv(&result.summary),
            "{:?}",
            point.labels
        );
        assert_eq!(result.replications.len(), 8);
        assert!(
            result.replications.iter().all(|r| r.waits.is_empty()),
            "histograms freed"
        );
    }
}

#[test]
fn charts_of_the_largest_grid_draw_in_seconds_and_say_what_they_leave_out() {
    // 2 x 5,000 points: 5,000 lines over a two-value x axis. Drawing every one took minutes.
    let text = BASE.replace("duration = \"6h\"\nwarmup = \"30m\"", "duration = \"1m\"");
    let specs = [
        "agent_groups.agents.count=12:13".to_string(),
        "call_types.vip.arrivals.per_hour=1:5000".to_string(),
    ];
    let g = Grid::build(&text, "base.toml", &specs, Some(1)).unwrap();
    let results = g.run(&|| {});
    let dir = tempfile::tempdir().unwrap();
    let choice = ChartChoice {
        type_targets: &[],
        service_level_target: 0.8,
        metric: Metric::AsaS,
        x_path: None,
        abandonment: false,
    };
    let started = std::time::Instant::now();
    let files = sweep_charts(&g.axes, &results, choice, dir.path()).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    assert!(seconds < 5.0, "charts took {seconds:.1} s");
    assert_eq!(files.len(), 8, "no abandonment chart when asked not to");
    assert!(files.iter().all(|f| !f.to_string_lossy().contains("abandonment")));
    let svg = std::fs::read_to_string(dir.path().join("sweep_asa.svg")).unwrap();
    assert!(svg.contains("8 of 5000 lines"), "the title says lines were left out");
    assert!(
        svg.contains("per_hour=1\n") && svg.contains("per_hour=5000\n"),
        "first and last drawn"
    );
}

#[test]
fn unstable_points_are_cut_off_the_axis_and_marked() {
    // 8 and 9 agents for 10 erlangs of callers who never hang up: queues grow all day.
    let text = BASE
        .replace("patience = { distribution = \"exponential\", mean = \"2m\" }\n", "")
        .replace("per_hour = 50", "per_hour = 50.0");
    let g = Grid::build(
        &text,
        "base.toml",
        &["agent_groups.agents.count=8:14".to_string()],
        Some(3),
    )
    .unwrap();
    let results = g.run(&|| {});
    assert!(!results[0].warnings.is_empty() && results[6].warnings.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let choice = ChartChoice {
        type_targets: &[],
        service_level_target: 0.8,
        metric: Metric::WaitP90S,
        x_path: None,
        abandonment: false,
    };
    sweep_charts(&g.axes, &results, choice, dir.path()).unwrap();
    for chart in ["sweep_asa", "sweep_wait_percentiles", "sweep_wait_p90_s_by_call_type"] {
        let svg = std::fs::read_to_string(dir.path().join(format!("{chart}.svg"))).unwrap();
        assert!(svg.contains("axis cut at") && svg.contains("unstable"), "{chart}");
    }
    let svg = std::fs::read_to_string(dir.path().join("sweep_service_level.svg")).unwrap();
    assert!(!svg.contains("axis cut at"), "shares keep their 0-100% axis");
}

/// The lowest row with ink in each run of inked columns (one run per glyph) of `text` drawn at `size` in a PNG.
fn glyph_bottoms(text: &str, size: u32) -> Vec<usize> {
    use plotters::prelude::*;
    let _ = plotters::style::register_font(
        "sans-serif",
        plotters::style::FontStyle::Normal,
        dejavu::sans::regular(),
    );
    let (w, h) = (160usize, 60usize);
    let mut buffer = vec![255u8; w * h * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buffer, (w as u32, h as u32)).into_drawing_area();
        root.draw_text(text, &("sans-serif", size).into_font().color(&BLACK), (10, 10))
            .unwrap();
        root.present().unwrap();
    }
    let inked = |x: usize, y: usize| buffer[(y * w + x) * 3] < 128;
    let mut bottoms = Vec::new();
    let mut current: Option<usize> = None;
    for x in 0..w {
        let lowest = (0..h).rev().find(|&y| inked(x, y));
        match (lowest, current) {
            (Some(y), Some(b)) => current = Some(b.max(y)),
            (Some(y), None) => current = Some(y),
            (None, Some(b)) => {
                bottoms.push(b);
                current = None;
            }
            (None, None) => {}
        }
    }
    bottoms
}

#[test]
fn decimal_points_sit_on_the_baseline_in_png_charts() {
    use callsim::plot::{AXIS_FONT, LABEL_FONT, TITLE_FONT};
    for size in [LABEL_FONT, AXIS_FONT, TITLE_FONT] {
        let bottoms = glyph_bottoms("1.1", size);
        assert_eq!(bottoms.len(), 3, "size {size}: {bottoms:?}");
        assert_eq!(
            bottoms[1], bottoms[0],
            "size {size}: the point floats above the digits {bottoms:?}"
        );
    }
}
