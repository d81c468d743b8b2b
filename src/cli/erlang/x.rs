//! `callsim erlang x`: Erlang X (abandonment, lines and redials) evaluated, staffed or tabulated.

use std::io::Write;

use anyhow::{Context, bail, ensure};
use callsim::erlang::scheduled_agents;
use callsim::erlang::x::{ErlangX, ErlangXError, ErlangXInput, MAX_X_LINES, required_agents_x};
use callsim::report::table::layout;
use serde_json::{Value, json};

use super::super::duration_arg;
use super::{Bound, QueueArgs, checked_agents, queue_targets, share, traffic};

/// `callsim erlang x`: the shared flags, patience, lines and redials.
#[derive(Debug, clap::Args)]
pub(super) struct ErlangXArgs {
    #[command(flatten)]
    queue: QueueArgs,
    /// Mean caller patience, e.g. 1m; "inf" (the default) for callers who never hang up.
    #[arg(long, value_parser = patience_arg, allow_hyphen_values = true)]
    patience: Option<f64>,
    /// Trunk lines: calls in the system at once, talking plus waiting (required, at least --agents); an attempt
    /// finding them all busy is blocked.
    #[arg(long)]
    lines: Option<u32>,
    /// Probability that a blocked or abandoned attempt redials, from 0 to 1 (each redial may fail and redial
    /// again).
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    redial: f64,
    /// Mean delay before a redial (exponential), e.g. 10m; required when --redial is above 0.
    #[arg(long, value_parser = duration_arg, allow_hyphen_values = true)]
    redial_delay: Option<f64>,
    /// Highest acceptable abandonment (of accepted attempts), e.g. 0.05.
    #[arg(long, allow_negative_numbers = true)]
    max_abandon: Option<f64>,
}

/// Parses `--patience`: a duration, or `inf` for callers who never hang up.
pub(super) fn patience_arg(text: &str) -> Result<f64, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "inf" | "infinite" | "infinity" | "none" => Ok(f64::INFINITY),
        _ => duration_arg(text),
    }
}

/// Runs `callsim erlang x`.
pub(super) fn execute(args: ErlangXArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let (rate, aht, load) = traffic(&args.queue.traffic)?;
    let patience = args.patience.unwrap_or(f64::INFINITY);
    ensure!(patience > 0.0, "--patience: must be a duration longer than 0s, or inf");
    let Some(lines) = args.lines else {
        bail!(
            "--lines: Erlang X needs the number of lines (calls in the system at once, at least --agents), e.g. --lines 100"
        )
    };
    ensure!(
        (1..=MAX_X_LINES).contains(&lines),
        "--lines: must be from 1 to {MAX_X_LINES}, got {lines}"
    );
    ensure!(
        args.redial.is_finite() && (0.0..=1.0).contains(&args.redial),
        "--redial: must be a probability from 0 to 1, got {}",
        args.redial
    );
    let redial_delay = match args.redial_delay {
        Some(delay) => {
            ensure!(delay > 0.0, "--redial-delay: must be a duration longer than 0s");
            delay
        }
        None if args.redial > 0.0 => {
            bail!(
                "--redial-delay: give the mean delay before a redial when --redial is above 0, e.g. --redial-delay 10m"
            )
        }
        None => f64::INFINITY,
    };
    let max_abandon = share(
        "--max-abandon",
        args.max_abandon,
        Bound::AtLeast(0.0),
        Bound::AtMost(1.0),
    )?;
    let targets = queue_targets(&args.queue, max_abandon)?;
    let model = ErlangXInput {
        agents: 1,
        lines,
        calls_per_second: rate,
        aht,
        patience: patience.is_finite().then_some(patience),
        redial_probability: args.redial,
        redial_delay: if args.redial > 0.0 { redial_delay } else { 1.0 },
    };
    let within = args.queue.answer_within;
    let agents = match (args.queue.agents, targets.is_empty()) {
        (Some(_), false) => bail!("--agents: give either --agents to evaluate or a target to solve for, not both"),
        (Some(n), true) => {
            let n = checked_agents(n, load)?;
            ensure!(n <= lines, "--lines: must be at least --agents ({n}), got {lines}");
            n
        }
        (None, false) => required_agents_x(&model, &targets)
            .map_err(cli_error)?
            .with_context(|| {
                format!(
                    "--target-sl/--target-asa/--max-occupancy/--max-abandon: the targets cannot be met with up to \
                     {lines} agents on {lines} lines; add --lines"
                )
            })?,
        (None, true) => return table(&model, load, within, args.queue.json, out),
    };
    let x = ErlangXInput { agents, ..model }.solve().map_err(cli_error)?;
    let scheduled = args.queue.shrinkage.map(|s| (s, scheduled_agents(agents, s)));
    let solved = !targets.is_empty();
    if args.queue.json {
        let mut value = level_json(&x, within);
        if let Some((_, n)) = scheduled {
            value["scheduled_agents"] = json!(n);
        }
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        return Ok(());
    }
    text(&x, within, solved, scheduled, out)
}

/// The library's error in the flags' words.
fn cli_error(error: ErlangXError) -> anyhow::Error {
    match error {
        ErlangXError::Unstable { load, agents } => anyhow::anyhow!(
            "--redial: with redial probability 1 nobody is lost, so {load:.2} erlangs need more than {agents} \
             agents for a steady state; add agents or lower --redial"
        ),
        ErlangXError::TooLarge { levels, lines } => anyhow::anyhow!(
            "--redial: the chain needs more than {levels} callers waiting to redial on {lines} lines, more than \
             the solver holds; Erlang X is not computed: lower --redial or add agents"
        ),
        ErlangXError::Invalid(message) => anyhow::anyhow!("{message}"),
    }
}

fn level_json(x: &ErlangX, within: f64) -> Value {
    let input = &x.input;
    json!({
        "model": "erlang_x",
        "load_erlangs": x.load,
        "agents": input.agents,
        "lines": input.lines,
        "patience_s": input.patience,
        "redial_probability": input.redial_probability,
        "redial_delay_s": (input.redial_probability > 0.0).then_some(input.redial_delay),
        "answer_within_s": within,
        "attempts_per_hour": x.attempt_rate * 3600.0,
        "redials_per_hour": x.redial_rate * 3600.0,
        "blocking_rate": x.blocking_rate,
        "abandonment_rate": x.abandonment_rate,
        "lost_share": x.lost_share,
        "attempts_per_caller": x.attempts_per_caller,
        "p_wait": x.p_wait,
        "service_level": x.service_level(within),
        "service_level_virtual": x.service_level_virtual(within),
        "asa_s": x.asa_s,
        "asa_virtual_s": x.asa_virtual_s,
        "mean_wait_s": x.mean_wait_s,
        "mean_queue_length": x.mean_queue_length,
        "mean_orbit": x.mean_orbit,
        "occupancy": x.occupancy,
        "truncation": {
            "orbit_levels": x.truncation.levels,
            "tail_mass": x.truncation.tail_mass,
            "lines_solved": x.truncation.lines_solved,
            "boundary_mass": x.truncation.boundary_mass,
            "change": x.truncation.change,
            "tolerance": x.truncation.tolerance,
        },
    })
}

fn text(
    x: &ErlangX,
    within: f64,
    solved: bool,
    scheduled: Option<(f64, u32)>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let input = &x.input;
    let heading = if solved {
        "fewest agents meeting every target"
    } else {
        "evaluated"
    };
    writeln!(
        out,
        "Erlang X ({heading}): {:.2} erlangs of fresh calls, {}",
        x.load,
        behaviour(input)
    )?;
    let mut rows = vec![
        vec!["agents".to_string(), input.agents.to_string()],
        vec!["lines".into(), input.lines.to_string()],
        vec!["occupancy".into(), format!("{:.1}%", x.occupancy * 100.0)],
        vec![
            "attempts per hour (fresh + redials)".into(),
            format!("{:.2}", x.attempt_rate * 3600.0),
        ],
        vec!["blocked (of attempts)".into(), format!("{:.5}", x.blocking_rate)],
        vec![
            "abandoned (of accepted attempts)".into(),
            format!("{:.4}", x.abandonment_rate),
        ],
        vec!["P(wait) (of accepted attempts)".into(), format!("{:.4}", x.p_wait)],
        vec![
            format!("service level ({within}s, answered / accepted)"),
            format!("{:.4}", x.service_level(within)),
        ],
        vec![
            format!("service level ({within}s, virtual wait)"),
            format!("{:.4}", x.service_level_virtual(within)),
        ],
        vec!["ASA (answered attempts)".into(), format!("{:.2}s", x.asa_s)],
        vec!["mean virtual wait".into(), format!("{:.2}s", x.asa_virtual_s)],
        vec!["mean calls on hold".into(), format!("{:.3}", x.mean_queue_length)],
        vec!["mean callers waiting to redial".into(), format!("{:.3}", x.mean_orbit)],
        vec![
            "attempts per fresh caller".into(),
            format!("{:.4}", x.attempts_per_caller),
        ],
        vec!["fresh callers never served".into(), format!("{:.4}", x.lost_share)],
    ];
    if let Some((shrinkage, n)) = scheduled {
        rows.push(vec![
            format!("scheduled at {:.0}% shrinkage", shrinkage * 100.0),
            n.to_string(),
        ]);
    }
    write!(out, "{}", layout(&rows))?;
    if x.truncation.lines_solved < input.lines {
        writeln!(
            out,
            "solved on the first {} lines: all of them busy with probability {:.1e}",
            x.truncation.lines_solved, x.truncation.boundary_mass
        )?;
    }
    if x.truncation.levels > 0 {
        writeln!(
            out,
            "orbit truncated at {} callers: P(more than {}) = {:.1e}; figures moved at most {:.1e} from the previous \
             truncation",
            x.truncation.levels,
            x.truncation.levels / 2,
            x.truncation.tail_mass,
            x.truncation.change
        )?;
    }
    Ok(())
}

/// "patience 1m, 50% of failed attempts redial after 10m" in words.
fn behaviour(input: &ErlangXInput) -> String {
    let patience = match input.patience {
        Some(p) => format!("mean patience {p}s"),
        None => "callers never hang up".to_string(),
    };
    let redial = if input.redial_probability > 0.0 {
        format!(
            "{}% of failed attempts redial after {}s on average",
            input.redial_probability * 100.0,
            input.redial_delay
        )
    } else {
        "no redials".to_string()
    };
    format!("{patience}, {redial}")
}

/// The classic table: a range of agent counts on the given lines.
fn table(model: &ErlangXInput, load: f64, within: f64, json: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    let first = ((load * 0.8).floor() as u32).clamp(1, model.lines);
    let last = (first + 14).min(model.lines);
    let mut levels = Vec::new();
    for agents in first..=last {
        match (ErlangXInput { agents, ..*model }).solve() {
            Ok(x) => levels.push(x),
            Err(ErlangXError::Unstable { .. } | ErlangXError::TooLarge { .. }) => {}
            Err(error) => return Err(cli_error(error)),
        }
    }
    if json {
        let rows: Vec<Value> = levels
            .iter()
            .map(|x| {
                json!({"agents": x.input.agents, "occupancy": x.occupancy, "blocking_rate": x.blocking_rate,
                    "abandonment_rate": x.abandonment_rate, "service_level": x.service_level(within),
                    "service_level_virtual": x.service_level_virtual(within), "asa_s": x.asa_s,
                    "attempts_per_caller": x.attempts_per_caller, "lost_share": x.lost_share})
            })
            .collect();
        let value = json!({"model": "erlang_x", "load_erlangs": load, "lines": model.lines,
            "answer_within_s": within, "table": rows});
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "{load:.2} erlangs of fresh calls on {} lines, {}; service level = share of accepted attempts answered \
         within {within}s, virtual = share an infinitely patient caller would see answered within it",
        model.lines,
        behaviour(model)
    )?;
    let mut rows = vec![
        [
            "agents",
            "occupancy",
            "blocked",
            "abandoned",
            "service level",
            "virtual SL",
            "ASA",
            "attempts/caller",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for x in &levels {
        rows.push(vec![
            x.input.agents.to_string(),
            format!("{:.1}%", x.occupancy * 100.0),
            format!("{:.5}", x.blocking_rate),
            format!("{:.4}", x.abandonment_rate),
            format!("{:.4}", x.service_level(within)),
            format!("{:.4}", x.service_level_virtual(within)),
            format!("{:.2}s", x.asa_s),
            format!("{:.4}", x.attempts_per_caller),
        ]);
    }
    write!(out, "{}", layout(&rows))?;
    Ok(())
}
