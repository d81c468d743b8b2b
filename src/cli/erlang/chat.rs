//! `callsim erlang chat`: a chat team whose agents hold several chats, from the exact chain of least-loaded
//! routing and the pooled birth-death approximation (`callsim::erlang::chat`).

use std::io::Write;

use anyhow::{bail, ensure};
use callsim::erlang::chat::{ChatError, ChatModel, ChatQueue, chat_exact, chat_pooled};
use callsim::limits::MAX_AGENTS;
use callsim::report::table::layout;
use callsim::scenario::consult::MAX_CONCURRENCY;
use callsim::time::format_duration;
use serde_json::{Value, json};

use super::super::duration_arg;
use super::x::patience_arg;

/// `callsim erlang chat`: chats offered, handle times by the number held, agents, patience.
#[derive(Debug, clap::Args)]
pub(super) struct ErlangChatArgs {
    /// Chats offered per period (see --per).
    #[arg(long, allow_negative_numbers = true)]
    chats: f64,
    /// Length of the forecast period, e.g. 15m, 30m, 1h.
    #[arg(long, default_value = "1h", value_parser = duration_arg, allow_hyphen_values = true)]
    per: f64,
    /// Mean handle time of a chat while its agent holds 1, 2, ... chats, comma-separated, e.g. 3m,3.5m,4m; their
    /// number is the concurrency (chats one agent holds at once).
    #[arg(long, value_delimiter = ',', value_parser = duration_arg, allow_hyphen_values = true, required = true)]
    handle_times: Vec<f64>,
    /// Evaluate exactly this many agents (without it, a table over agent counts).
    #[arg(long)]
    agents: Option<u32>,
    /// Mean patience of a waiting chat, e.g. 2m; "inf" (the default) for chats that never leave.
    #[arg(long, value_parser = patience_arg, allow_hyphen_values = true)]
    patience: Option<f64>,
    /// Service-level threshold: a chat answered within this counts as in time.
    #[arg(long, default_value = "20s", value_parser = duration_arg, allow_hyphen_values = true)]
    answer_within: f64,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// Runs `callsim erlang chat`.
pub(super) fn execute(args: ErlangChatArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    ensure!(
        args.chats.is_finite() && args.chats >= 0.0,
        "--chats: must be 0 or more chats per period, got {}",
        args.chats
    );
    ensure!(args.per > 0.0, "--per: must be a duration longer than 0s");
    let concurrency = args.handle_times.len();
    ensure!(
        (1..=MAX_CONCURRENCY as usize).contains(&concurrency),
        "--handle-times: give 1 to {MAX_CONCURRENCY} mean handle times (one per number of chats held), got \
         {concurrency}"
    );
    if let Some(h) = args.handle_times.iter().find(|h| **h <= 0.0) {
        bail!("--handle-times: every handle time must be longer than 0s, got {h}s");
    }
    let patience = args.patience.unwrap_or(f64::INFINITY);
    ensure!(patience > 0.0, "--patience: must be a duration longer than 0s, or inf");
    let model = |agents: u32| ChatModel {
        agents,
        chats_per_second: args.chats / args.per,
        handle_times: args.handle_times.clone(),
        patience,
    };
    let within = args.answer_within;
    if let Some(agents) = args.agents {
        ensure!(
            (1..=MAX_AGENTS).contains(&agents),
            "--agents: must be from 1 to {MAX_AGENTS}, got {agents}"
        );
        let m = model(agents);
        let exact = solve(chat_exact(&m))?;
        let pooled = solve(chat_pooled(&m))?;
        if args.json {
            let value = json!({
                "model": "chat",
                "agents": agents,
                "concurrency": concurrency,
                "answer_within_s": within,
                "exact": exact.as_ref().map(|c| figures_json(c, within)),
                "pooled": pooled.as_ref().map(|c| figures_json(c, within)),
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
            return Ok(());
        }
        let Some(pooled) = pooled else {
            bail!(
                "--chats: the chats arrive faster than {agents} full agents finish them and never leave: add agents \
                 or --patience"
            );
        };
        writeln!(
            out,
            "{agents} agents holding up to {concurrency} chats, {:.1} chats an hour, handle times {}",
            3600.0 * args.chats / args.per,
            args.handle_times
                .iter()
                .map(|&h| format_duration(h))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
        let mut rows = vec![vec![
            "".to_string(),
            "exact (least loaded)".to_string(),
            "pooled".to_string(),
        ]];
        let cell = |c: Option<&ChatQueue>, f: &Figure<'_>| c.map_or("too large".to_string(), f);
        let lines: [(&str, &Figure<'_>); 7] = [
            ("service level", &|c| format!("{:.1}%", 100.0 * c.service_level(within))),
            ("P(wait)", &|c| format!("{:.1}%", 100.0 * c.p_wait)),
            ("mean wait", &|c| format!("{:.1}s", c.mean_wait)),
            ("ASA", &|c| format!("{:.1}s", c.asa)),
            ("abandonment", &|c| format!("{:.2}%", 100.0 * c.p_abandon)),
            ("chats per agent", &|c| format!("{:.2}", c.mean_chats_per_agent)),
            ("occupancy (slots)", &|c| format!("{:.1}%", 100.0 * c.occupancy)),
        ];
        for (name, f) in lines {
            rows.push(vec![name.to_string(), cell(exact.as_ref(), f), cell(Some(&pooled), f)]);
        }
        write!(out, "{}", layout(&rows))?;
        writeln!(
            out,
            "(service level: answered within {} of offered)",
            format_duration(within)
        )?;
        return Ok(());
    }
    // A table from the fewest agents with a steady state (or 1) while the service level is short of 99%.
    let rate = args.chats / args.per;
    let slowest = args.handle_times[concurrency - 1];
    let first = if patience.is_finite() {
        1
    } else {
        ((rate * slowest / concurrency as f64).floor() as u32 + 1).max(1)
    };
    let mut rows = vec![
        [
            "agents",
            "exact SL",
            "pooled SL",
            "P(wait)",
            "mean wait",
            "abandon",
            "chats/agent",
            "occupancy",
        ]
        .map(String::from)
        .to_vec(),
    ];
    let mut table = Vec::new();
    for agents in first..first.saturating_add(40).min(MAX_AGENTS) {
        let m = model(agents);
        let exact = solve(chat_exact(&m))?;
        let Some(pooled) = solve(chat_pooled(&m))? else {
            continue;
        };
        let shown = exact.as_ref().unwrap_or(&pooled);
        rows.push(vec![
            agents.to_string(),
            exact
                .as_ref()
                .map_or("-".to_string(), |c| format!("{:.1}%", 100.0 * c.service_level(within))),
            format!("{:.1}%", 100.0 * pooled.service_level(within)),
            format!("{:.1}%", 100.0 * shown.p_wait),
            format!("{:.1}s", shown.mean_wait),
            format!("{:.2}%", 100.0 * shown.p_abandon),
            format!("{:.2}", shown.mean_chats_per_agent),
            format!("{:.1}%", 100.0 * shown.occupancy),
        ]);
        table.push(json!({
            "agents": agents,
            "exact": exact.as_ref().map(|c| figures_json(c, within)),
            "pooled": figures_json(&pooled, within),
        }));
        if shown.service_level(within) >= 0.99 {
            break;
        }
    }
    if args.json {
        let value = json!({ "model": "chat", "concurrency": concurrency, "answer_within_s": within, "table": table });
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        return Ok(());
    }
    write!(out, "{}", layout(&rows))?;
    writeln!(
        out,
        "(P(wait) and after: the exact chain where it is small enough, else the pooled one; SL answered within {})",
        format_duration(within)
    )?;
    Ok(())
}

/// One row of the text report: a figure of a chain, formatted.
type Figure<'a> = dyn Fn(&ChatQueue) -> String + 'a;

/// The figures, or `None` for a chain too large (exact) or without a steady state.
fn solve(result: Result<ChatQueue, ChatError>) -> anyhow::Result<Option<ChatQueue>> {
    match result {
        Ok(c) => Ok(Some(c)),
        Err(ChatError::TooLarge { .. } | ChatError::Unstable { .. }) => Ok(None),
        Err(ChatError::Invalid(message)) => bail!("{message}"),
    }
}

fn figures_json(c: &ChatQueue, within: f64) -> Value {
    json!({
        "service_level": c.service_level(within),
        "p_wait": c.p_wait,
        "mean_wait_s": c.mean_wait,
        "asa_s": c.asa,
        "abandonment_rate": c.p_abandon,
        "mean_queue_length": c.mean_queue_length,
        "mean_chats_per_agent": c.mean_chats_per_agent,
        "occupancy": c.occupancy,
        "p_agent_busy": c.p_agent_busy,
        "throughput_per_hour": 3600.0 * c.throughput,
    })
}
