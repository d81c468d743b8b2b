//! `callsim erlang`: the Erlang B / C / A / X calculator and staffing solver.

mod chat;
mod x;

use std::io::Write;

use anyhow::{Context, bail, ensure};
use callsim::erlang::{
    self, MAX_AGENTS, StaffLevel, StaffingModel, Targets, erlang_b, lines_for_blocking, scheduled_agents,
    square_root_staffing,
};
use callsim::limits::{MAX_LINES, MAX_LOAD_ERLANGS};
use callsim::report::table::layout;
use callsim::stats::Metric;
use serde_json::{Value, json};

use super::duration_arg;

/// Exact Erlang formulas and staffing, in the planner's words.
///
/// Examples:
///   callsim erlang c --calls 100 --per 30m --aht 180s --answer-within 20s --agents 14
///   callsim erlang c --calls 100 --per 30m --aht 180s --target-sl 0.8 --shrinkage 0.3
///   callsim erlang a --calls 100 --per 30m --aht 180s --patience 5m --max-abandon 0.05
///   callsim erlang b --calls 100 --per 30m --aht 180s --target-blocking 0.01
///   callsim erlang x --calls 240 --per 1h --aht 3m --patience 1m --lines 100 --agents 14 \
///     --redial 0.5 --redial-delay 10m
///   callsim erlang chat --chats 160 --per 1h --handle-times 3m,3.5m,4m --agents 4 --patience 2m
///
/// Without --agents or a target, prints the classic table over a range of agent counts.
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ErlangArgs {
    #[command(subcommand)]
    model: Model,
}

#[derive(Debug, clap::Subcommand)]
enum Model {
    /// Erlang C (M/M/c): callers wait as long as it takes.
    C(ErlangCArgs),
    /// Erlang A (M/M/c+M): callers hang up after an exponential patience (--patience).
    A(ErlangAArgs),
    /// Erlang B (M/M/N/N): lines needed so that few callers get a busy tone.
    B(LossArgs),
    /// Erlang X: Erlang A plus a finite number of lines (busy tone) and callers who redial.
    ///
    /// Callers hang up after an exponential patience (--patience; "inf" or omitted for never), at most --lines
    /// calls are in the system (the rest are blocked), and a blocked or abandoned attempt redials with
    /// probability --redial after an exponential delay (--redial-delay), as often as it fails. Solved exactly
    /// from its Markov chain (the redial orbit truncated where its tail is below 1e-9). Always stable with
    /// --redial below 1; with --redial 1 nobody is lost and the load must be below the agents.
    ///
    /// Two service levels are printed: answered within --answer-within / accepted attempts (the simulator's
    /// service_level; blocked attempts excluded), and the virtual one, the share an infinitely patient caller
    /// would see answered within it (what commercial Erlang X calculators print). Targets use the first.
    ///
    /// Examples:
    ///   callsim erlang x --calls 240 --per 1h --aht 3m --patience 1m --lines 100 --agents 14 \
    ///     --redial 0.5 --redial-delay 10m
    ///   callsim erlang x --calls 240 --per 1h --aht 3m --patience 1m --lines 30 --redial 0.5 \
    ///     --redial-delay 10m --target-sl 0.8 --answer-within 20s --max-abandon 0.05
    #[command(verbatim_doc_comment)]
    X(x::ErlangXArgs),
    /// Chat: agents who each hold several chats at once, a chat taking longer the more its agent holds.
    ///
    /// Chats arrive at random (Poisson) and go to the agent holding the fewest; when every agent holds as many as
    /// --handle-times lists, they wait and leave after an exponential patience (--patience; "inf" or omitted for
    /// never). While its agent holds k chats, a chat ends at rate 1 / (k-th handle time) (exponential). Printed
    /// from the exact Markov chain of least-loaded routing (when it has at most 3,000 states) beside the pooled
    /// birth-death approximation (chats spread evenly over the agents). Occupancy is the share of chat slots in
    /// use, as the simulator reports it.
    ///
    /// Examples:
    ///   callsim erlang chat --chats 160 --per 1h --handle-times 3m,3.5m,4m --agents 4 --patience 2m
    ///   callsim erlang chat --chats 400 --per 1h --handle-times 6m,7m,8.5m --patience 3m --answer-within 30s
    #[command(verbatim_doc_comment)]
    Chat(chat::ErlangChatArgs),
}

/// The forecast: how many calls, per what period, how long each.
#[derive(Debug, clap::Args)]
struct Traffic {
    /// Calls offered per period (see --per); 0 gives 0 agents.
    #[arg(long, allow_negative_numbers = true)]
    calls: f64,
    /// Length of the forecast period, e.g. 15m, 30m, 1h.
    #[arg(long, default_value = "1h", value_parser = duration_arg, allow_hyphen_values = true)]
    per: f64,
    /// Average handle time (talk plus after-call work), e.g. 180s or 3m.
    #[arg(long, value_parser = duration_arg, allow_hyphen_values = true)]
    aht: f64,
}

/// The flags Erlang C and Erlang A share.
#[derive(Debug, clap::Args)]
struct QueueArgs {
    #[command(flatten)]
    traffic: Traffic,
    /// Service-level threshold: a call answered within this counts as in time.
    #[arg(long, default_value = "20s", value_parser = duration_arg, allow_hyphen_values = true)]
    answer_within: f64,
    /// Evaluate exactly this many agents.
    #[arg(long)]
    agents: Option<u32>,
    /// Target share answered within --answer-within, e.g. 0.8 for 80/20.
    #[arg(long, allow_negative_numbers = true)]
    target_sl: Option<f64>,
    /// Target average speed of answer, e.g. 15s.
    #[arg(long, value_parser = duration_arg, allow_hyphen_values = true)]
    target_asa: Option<f64>,
    /// Highest acceptable agent occupancy, e.g. 0.85.
    #[arg(long, allow_negative_numbers = true)]
    max_occupancy: Option<f64>,
    /// Share of paid time agents are not on the phones (breaks, training); scheduled = ceil(required / (1 - s)).
    #[arg(long, allow_negative_numbers = true)]
    shrinkage: Option<f64>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// `callsim erlang c`: the shared flags and finite trunk lines.
#[derive(Debug, clap::Args)]
struct ErlangCArgs {
    #[command(flatten)]
    queue: QueueArgs,
    /// Trunk lines (calls in the system at once, K >= agents): evaluates M/M/c/K with --agents.
    #[arg(long)]
    lines: Option<u32>,
}

/// `callsim erlang a`: the shared flags, the callers' patience and an abandonment target.
#[derive(Debug, clap::Args)]
struct ErlangAArgs {
    #[command(flatten)]
    queue: QueueArgs,
    /// Mean caller patience, e.g. 5m (required).
    #[arg(long, value_parser = duration_arg, allow_hyphen_values = true)]
    patience: Option<f64>,
    /// Highest acceptable abandonment probability, e.g. 0.05.
    #[arg(long, allow_negative_numbers = true)]
    max_abandon: Option<f64>,
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("sizing").args(["lines", "target_blocking"])))]
struct LossArgs {
    #[command(flatten)]
    traffic: Traffic,
    /// Evaluate exactly this many lines.
    #[arg(long)]
    lines: Option<u32>,
    /// Highest acceptable share of callers blocked, e.g. 0.01.
    #[arg(long, allow_negative_numbers = true)]
    target_blocking: Option<f64>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// Runs the chosen Erlang model and writes its table or JSON to `out`.
pub fn execute(args: ErlangArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    match args.model {
        Model::C(c) => match c.lines {
            Some(lines) => finite_lines(&c.queue, lines, out),
            None => queue(&c.queue, StaffingModel::ErlangC, None, out),
        },
        Model::A(a) => {
            let Some(patience) = a.patience else {
                bail!("--patience: Erlang A needs the mean patience, e.g. --patience 5m")
            };
            ensure!(patience > 0.0, "--patience: must be a duration longer than 0s");
            let max_abandon = share("--max-abandon", a.max_abandon, Bound::AtLeast(0.0), Bound::AtMost(1.0))?;
            queue(&a.queue, StaffingModel::ErlangA { patience }, max_abandon, out)
        }
        Model::B(l) => loss(l, out),
        Model::X(args) => x::execute(args, out),
        Model::Chat(args) => chat::execute(args, out),
    }
}

/// Checks the forecast and returns (calls per second, AHT seconds, load in erlangs).
fn traffic(t: &Traffic) -> anyhow::Result<(f64, f64, f64)> {
    ensure!(
        t.calls.is_finite() && t.calls >= 0.0,
        "--calls: must be a number of calls of 0 or more, got {}",
        t.calls
    );
    ensure!(t.per > 0.0, "--per: must be a duration longer than 0s");
    ensure!(t.aht > 0.0, "--aht: must be a duration longer than 0s");
    let rate = t.calls / t.per;
    let load = rate * t.aht;
    ensure!(
        load <= MAX_LOAD_ERLANGS,
        "--calls/--aht: offered load {load:.0} erlangs is above the supported {MAX_LOAD_ERLANGS:.0}"
    );
    Ok((rate, t.aht, load))
}

/// One end of the range a share flag allows.
#[derive(Debug, Clone, Copy)]
enum Bound {
    /// The value itself is allowed.
    AtLeast(f64),
    /// Only values beyond it.
    Above(f64),
    /// The value itself is allowed.
    AtMost(f64),
    /// Only values short of it.
    Below(f64),
}

impl Bound {
    fn admits(self, v: f64) -> bool {
        match self {
            Bound::AtLeast(b) => v >= b,
            Bound::Above(b) => v > b,
            Bound::AtMost(b) => v <= b,
            Bound::Below(b) => v < b,
        }
    }

    fn words(self) -> String {
        match self {
            Bound::AtLeast(b) => format!("at least {b}"),
            Bound::Above(b) => format!("above {b}"),
            Bound::AtMost(b) => format!("at most {b}"),
            Bound::Below(b) => format!("below {b}"),
        }
    }
}

/// A share flag's value, checked against both ends in one message: `--target-sl: must be above 0 and below 1`.
fn share(flag: &str, value: Option<f64>, low: Bound, high: Bound) -> anyhow::Result<Option<f64>> {
    if let Some(v) = value {
        let range = match (low, high) {
            (Bound::AtLeast(a), Bound::AtMost(b)) => format!("from {a} to {b}"),
            _ => format!("{} and {}", low.words(), high.words()),
        };
        ensure!(
            v.is_finite() && low.admits(v) && high.admits(v),
            "{flag}: must be a share {range}, got {v}"
        );
    }
    Ok(value)
}

fn level_json(level: &StaffLevel, model: &str, load: f64, within: f64, a: Option<&erlang::ErlangA>) -> Value {
    let mut value = json!({
        "model": model,
        "load_erlangs": load,
        "agents": level.agents,
        "answer_within_s": within,
        "p_wait": level.p_wait,
        "service_level": level.service_level,
        "asa_s": level.asa,
        "occupancy": level.occupancy,
    });
    if let Some(a) = a {
        value["p_abandon"] = json!(a.p_abandon);
        value["mean_wait_s"] = json!(a.mean_wait);
        value["mean_queue_length"] = json!(a.mean_queue_length);
    }
    value
}

fn queue(args: &QueueArgs, model: StaffingModel, max_abandon: Option<f64>, out: &mut dyn Write) -> anyhow::Result<()> {
    let (rate, aht, load) = traffic(&args.traffic)?;
    let within = args.answer_within;
    let targets = queue_targets(args, max_abandon)?;
    let agents = match (args.agents, targets.is_empty()) {
        (Some(_), false) => bail!("--agents: give either --agents to evaluate or a target to solve for, not both"),
        (Some(n), true) => checked_agents(n, load)?,
        (None, false) => erlang::required_agents(model, rate, aht, &targets).with_context(|| {
            format!(
                "--target-sl/--target-asa/--max-occupancy/--max-abandon: the targets cannot be met with up to \
                 {MAX_AGENTS} agents, the most supported"
            )
        })?,
        (None, true) => {
            let name = match model {
                StaffingModel::ErlangC => "erlang_c",
                StaffingModel::ErlangA { .. } => "erlang_a",
            };
            return classic_table(model, name, rate, aht, load, within, args.json, out);
        }
    };
    let report = LevelReport {
        model,
        agents,
        rate,
        aht,
        within,
        scheduled: args.shrinkage.map(|s| (s, scheduled_agents(agents, s))),
        square_root: square_root_staffing(load, aht, &targets),
        solved: !targets.is_empty(),
    };
    if args.json { report.json(out) } else { report.text(out) }
}

/// `--agents`: from 1 (0 only when no calls are offered) to [`MAX_AGENTS`].
fn checked_agents(agents: u32, load: f64) -> anyhow::Result<u32> {
    ensure!(
        agents >= 1 || load == 0.0,
        "--agents: must be at least 1 when calls are offered, got 0"
    );
    ensure!(
        agents <= MAX_AGENTS,
        "--agents: must be at most {MAX_AGENTS}, got {agents}"
    );
    Ok(agents)
}

/// The targets given on the command line, each checked.
fn queue_targets(args: &QueueArgs, max_abandon: Option<f64>) -> anyhow::Result<Targets> {
    // No staff level answers every call within the threshold, so a service-level target of 1 is refused too.
    let target_sl = share("--target-sl", args.target_sl, Bound::Above(0.0), Bound::Below(1.0))?;
    share("--shrinkage", args.shrinkage, Bound::AtLeast(0.0), Bound::Below(1.0))?;
    if let Some(asa) = args.target_asa {
        ensure!(
            asa > 0.0,
            "--target-asa: must be longer than 0s (no staff level gives zero wait)"
        );
    }
    Ok(Targets {
        service_level: target_sl.map(|s| (s, args.answer_within)),
        asa: args.target_asa,
        max_abandon,
        max_occupancy: share(
            "--max-occupancy",
            args.max_occupancy,
            Bound::Above(0.0),
            Bound::AtMost(1.0),
        )?,
    })
}

/// One staff level, evaluated or solved for, ready to print.
struct LevelReport {
    model: StaffingModel,
    agents: u32,
    rate: f64,
    aht: f64,
    within: f64,
    /// Shrinkage and the agents to schedule for it.
    scheduled: Option<(f64, u32)>,
    /// The square-root rule's safety factor and agents.
    square_root: Option<(f64, u32)>,
    /// True when `agents` was solved for targets.
    solved: bool,
}

impl LevelReport {
    fn model_name(&self) -> &'static str {
        match self.model {
            StaffingModel::ErlangC => "erlang_c",
            StaffingModel::ErlangA { .. } => "erlang_a",
        }
    }

    /// The model's figures at this staff level, computed once.
    fn figures(&self) -> Figures {
        let Some(level) = erlang::evaluate(self.model, self.agents, self.rate, self.aht, self.within) else {
            return match erlang::erlang_c(self.agents, self.rate, self.aht) {
                Err(unstable) if self.model == StaffingModel::ErlangC => Figures::Unstable(unstable),
                _ => Figures::Truncated,
            };
        };
        match self.model {
            StaffingModel::ErlangC => match erlang::erlang_c(self.agents, self.rate, self.aht) {
                Ok(c) => Figures::C(level, c),
                Err(unstable) => Figures::Unstable(unstable),
            },
            StaffingModel::ErlangA { patience } => {
                Figures::A(level, erlang::erlang_a(self.agents, self.rate, self.aht, patience))
            }
        }
    }

    fn json(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        let load = self.rate * self.aht;
        let mut value = match self.figures() {
            Figures::Truncated => bail!("{}", truncated_message()),
            Figures::Unstable(_) => json!({"model": self.model_name(), "load_erlangs": load, "agents": self.agents,
                "unstable": true, "answer_within_s": self.within, "p_wait": 1.0, "service_level": 0.0,
                "asa_s": null, "occupancy": 1.0, "mean_queue_length": null}),
            Figures::A(level, a) => level_json(&level, self.model_name(), load, self.within, Some(&a)),
            Figures::C(level, c) => {
                let mut value = level_json(&level, self.model_name(), load, self.within, None);
                value["mean_queue_length"] = json!(c.mean_queue_length());
                // Every caller is answered, so the mean wait of all callers is the ASA.
                value["mean_wait_s"] = json!(c.asa());
                for (metric, p) in Metric::PERCENTILES {
                    value[metric.name()] = json!(c.wait_quantile(p));
                }
                value
            }
        };
        if let Some((_, scheduled)) = self.scheduled {
            value["scheduled_agents"] = json!(scheduled);
        }
        if let Some((beta, n)) = self.square_root {
            value["square_root_agents"] = json!(n);
            value["square_root_beta"] = json!(beta);
        }
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        Ok(())
    }

    fn text(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        let load = self.rate * self.aht;
        let (level, queue_length, a) = match self.figures() {
            Figures::Truncated => bail!("{}", truncated_message()),
            Figures::Unstable(unstable) => {
                writeln!(out, "{unstable}")?;
                return Ok(());
            }
            Figures::C(level, c) => (level, c.mean_queue_length(), None),
            Figures::A(level, a) => (level, a.mean_queue_length, Some(a)),
        };
        let heading = if self.solved {
            "fewest agents meeting every target"
        } else {
            "evaluated"
        };
        let name = if a.is_some() { "Erlang A" } else { "Erlang C" };
        writeln!(out, "{name} ({heading}): {load:.2} erlangs offered")?;
        let mut rows = vec![
            vec!["agents".to_string(), self.agents.to_string()],
            vec!["occupancy".into(), format!("{:.1}%", level.occupancy * 100.0)],
            vec!["P(wait)".into(), format!("{:.4}", level.p_wait)],
            vec![
                format!("service level ({}s)", self.within),
                format!("{:.4}", level.service_level),
            ],
            vec!["ASA".into(), format!("{:.2}s", level.asa)],
            vec!["mean calls on hold".into(), format!("{queue_length:.3}")],
        ];
        if let Some(a) = &a {
            rows.push(vec!["P(abandon)".into(), format!("{:.4}", a.p_abandon)]);
            rows.push(vec!["mean wait of all callers".into(), format!("{:.2}s", a.mean_wait)]);
        }
        if let Some((shrinkage, scheduled)) = self.scheduled {
            rows.push(vec![
                format!("scheduled at {:.0}% shrinkage", shrinkage * 100.0),
                scheduled.to_string(),
            ]);
        }
        if let Some((beta, n)) = self.square_root {
            rows.push(vec![format!("square-root rule R + {beta:.3}·√R"), n.to_string()]);
        }
        write!(out, "{}", layout(&rows))?;
        Ok(())
    }
}

/// A staff level's figures under its model.
enum Figures {
    /// Erlang A whose steady-state queue is longer than the positions it sums.
    Truncated,
    /// Erlang C at or above capacity: no steady state.
    Unstable(erlang::Unstable),
    /// Erlang C.
    C(StaffLevel, erlang::ErlangC),
    /// Erlang A.
    A(StaffLevel, erlang::ErlangA),
}

fn truncated_message() -> String {
    format!(
        "--patience: with this overload and patience the steady-state queue is longer than {} callers; Erlang A is \
         not computed: add agents or shorten --patience",
        erlang::MAX_POSITIONS
    )
}

/// M/M/c/K: `--agents` agents and `lines` trunk lines.
fn finite_lines(args: &QueueArgs, lines: u32, out: &mut dyn Write) -> anyhow::Result<()> {
    let (rate, aht, load) = traffic(&args.traffic)?;
    let within = args.answer_within;
    let targets = queue_targets(args, None)?;
    ensure!(
        targets.is_empty(),
        "--lines: evaluates one staff level; give --agents, not a target"
    );
    let Some(agents) = args.agents else {
        bail!("--lines: give --agents too; M/M/c/K evaluates one staff level")
    };
    let agents = checked_agents(agents, load)?.max(1);
    ensure!(
        lines >= agents,
        "--lines: must be at least --agents ({agents}), got {lines}"
    );
    ensure!(lines <= MAX_LINES, "--lines: must be at most {MAX_LINES}, got {lines}");
    let json = args.json;
    let m = erlang::mmck(agents, lines, rate, aht);
    if json {
        let value = json!({
            "model": "mmck", "load_erlangs": m.load, "agents": agents, "lines": lines, "answer_within_s": within,
            "blocking": m.blocking, "p_wait": m.p_wait, "service_level": m.service_level(within),
            "asa_s": m.mean_wait, "mean_wait_s": m.mean_wait, "mean_queue_length": m.mean_queue_length,
            "occupancy": m.occupancy,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "M/M/c/K: {:.2} erlangs offered to {agents} agents on {lines} lines",
        m.load
    )?;
    let rows = vec![
        vec!["blocking (busy tone)".to_string(), format!("{:.5}", m.blocking)],
        vec!["P(wait) of accepted calls".into(), format!("{:.4}", m.p_wait)],
        vec![
            format!("service level ({within}s)"),
            format!("{:.4}", m.service_level(within)),
        ],
        vec!["mean wait of accepted calls".into(), format!("{:.2}s", m.mean_wait)],
        vec!["mean calls on hold".into(), format!("{:.3}", m.mean_queue_length)],
        vec!["occupancy".into(), format!("{:.1}%", m.occupancy * 100.0)],
    ];
    write!(out, "{}", layout(&rows))?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn classic_table(
    model: StaffingModel,
    model_name: &str,
    rate: f64,
    aht: f64,
    load: f64,
    within: f64,
    json: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let first = match model {
        StaffingModel::ErlangC => load.floor() as u32 + 1,
        StaffingModel::ErlangA { .. } => ((load * 0.8).floor() as u32).max(1),
    };
    let levels: Vec<StaffLevel> = (first..first + 15)
        .filter_map(|n| erlang::evaluate(model, n, rate, aht, within))
        .collect();
    if json {
        let rows: Vec<Value> = levels
            .iter()
            .map(|l| {
                let mut v = json!({"agents": l.agents, "occupancy": l.occupancy, "p_wait": l.p_wait,
                    "service_level": l.service_level, "asa_s": l.asa});
                if matches!(model, StaffingModel::ErlangA { .. }) {
                    v["p_abandon"] = json!(l.p_abandon);
                }
                v
            })
            .collect();
        let value = json!({"model": model_name, "load_erlangs": load, "answer_within_s": within, "table": rows});
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "{load:.2} erlangs offered; service level = share answered within {within}s"
    )?;
    let abandonment = matches!(model, StaffingModel::ErlangA { .. });
    let mut rows = vec![
        vec!["agents", "occupancy", "P(wait)", "service level", "ASA"]
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>(),
    ];
    if abandonment {
        rows[0].push("P(abandon)".into());
    }
    for l in &levels {
        let mut row = vec![
            l.agents.to_string(),
            format!("{:.1}%", l.occupancy * 100.0),
            format!("{:.4}", l.p_wait),
            format!("{:.4}", l.service_level),
            format!("{:.2}s", l.asa),
        ];
        if abandonment {
            row.push(format!("{:.4}", l.p_abandon));
        }
        rows.push(row);
    }
    write!(out, "{}", layout(&rows))?;
    Ok(())
}

fn loss(args: LossArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let (_, _, load) = traffic(&args.traffic)?;
    let target = share(
        "--target-blocking",
        args.target_blocking,
        Bound::Above(0.0),
        Bound::AtMost(1.0),
    )?;
    let lines = match (args.lines, target) {
        (Some(n), _) => {
            ensure!(n <= MAX_LINES, "--lines: must be at most {MAX_LINES}, got {n}");
            Some(n)
        }
        (None, Some(t)) => match lines_for_blocking(load, t, MAX_LINES) {
            Some(n) => Some(n),
            None => bail!("--target-blocking: {t} cannot be met with up to {MAX_LINES} lines, the most supported"),
        },
        (None, None) => None,
    };
    let Some(lines) = lines else {
        let first = (load.floor() as u32).saturating_sub(5);
        let rows: Vec<(u32, f64)> = (first..first + 15).map(|n| (n, erlang_b(n, load))).collect();
        if args.json {
            let table: Vec<Value> = rows.iter().map(|(n, b)| json!({"lines": n, "blocking": b})).collect();
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&json!({"model": "erlang_b", "load_erlangs": load, "table": table}))?
            )?;
            return Ok(());
        }
        writeln!(out, "{load:.2} erlangs offered")?;
        let mut text = vec![vec!["lines".to_string(), "blocking".to_string()]];
        text.extend(rows.iter().map(|(n, b)| vec![n.to_string(), format!("{b:.5}")]));
        write!(out, "{}", layout(&text))?;
        return Ok(());
    };
    let blocking = erlang_b(lines, load);
    let carried = load * (1.0 - blocking);
    if args.json {
        let value = json!({"model": "erlang_b", "load_erlangs": load, "lines": lines, "blocking": blocking,
            "carried_erlangs": carried, "occupancy": if lines > 0 { carried / lines as f64 } else { 0.0 }});
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        return Ok(());
    }
    writeln!(out, "Erlang B: {load:.2} erlangs offered to {lines} lines")?;
    let rows = vec![
        vec!["lines".to_string(), lines.to_string()],
        vec!["blocking".into(), format!("{blocking:.5}")],
        vec!["carried load".into(), format!("{carried:.2} erlangs")],
    ];
    write!(out, "{}", layout(&rows))?;
    Ok(())
}
