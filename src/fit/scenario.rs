//! A [`LogFit`] as files callsim reads and a planner edits: the scenario TOML (with comments saying where each
//! value came from and how well it fits), the forecast CSV it points to, and the report rows (fits, patience,
//! arrivals per weekday) as `#[derive(Serialize)]` structs.

use serde::Serialize;

use super::LogFit;
use super::survival::survival_at;
use crate::distribution::DurationDistribution;

/// File name of the forecast the scenario points to.
pub const FORECAST_FILE: &str = "forecast.csv";

/// `HH:MM` of second `s` of the day.
pub fn clock(s: f64) -> String {
    let minutes = (s / 60.0).round() as u64;
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A duration in seconds as a scenario writes it: `"10h"`, `"30m"`, `"20s"`, `"183.2s"`.
fn seconds(s: f64) -> String {
    let whole = s.round();
    if (s - whole).abs() < 1e-9 && whole >= 60.0 {
        let whole = whole as u64;
        if whole.is_multiple_of(3600) {
            return format!("\"{}h\"", whole / 3600);
        }
        if whole.is_multiple_of(60) {
            return format!("\"{}m\"", whole / 60);
        }
    }
    if (s - whole).abs() < 1e-9 {
        return format!("\"{whole:.0}s\"");
    }
    format!("\"{s:.1}s\"")
}

/// A TOML string literal.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// A distribution as a scenario's inline table.
pub fn distribution_toml(d: &DurationDistribution) -> String {
    match d {
        DurationDistribution::Exponential { mean } => {
            format!("{{ distribution = \"exponential\", mean = {} }}", seconds(*mean))
        }
        DurationDistribution::LogNormal { mean, cv, .. } | DurationDistribution::Gamma { mean, cv, .. } => format!(
            "{{ distribution = \"{}\", mean = {}, cv = {:.3} }}",
            d.family(),
            seconds(*mean),
            cv
        ),
        DurationDistribution::Weibull { mean, shape, .. } => format!(
            "{{ distribution = \"weibull\", mean = {}, shape = {:.3} }}",
            seconds(*mean),
            shape
        ),
        other => format!("{{ distribution = \"exponential\", mean = {} }}", seconds(other.mean())),
    }
}

/// The group names: a group serving one queue takes its name; others join their queues' names with `+`.
pub fn group_names(fit: &LogFit) -> Vec<String> {
    fit.groups
        .iter()
        .map(|g| {
            g.queues
                .iter()
                .map(|&q| fit.queues[q as usize].name.as_str())
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect()
}

/// The agents on duty per interval of the span for each group: the mean over the chosen days, rounded; with no
/// agent in the log at all, one group serving every queue with the offered load in erlangs rounded up.
fn staffing(fit: &LogFit) -> Vec<(String, Vec<String>, Vec<u32>)> {
    let (a, b) = fit.span;
    if fit.groups.is_empty() {
        let load: Vec<u32> = (a..b)
            .map(|slot| {
                let erlangs: f64 = fit
                    .queues
                    .iter()
                    .filter_map(|q| q.handle.as_ref().map(|h| q.forecast[slot] * h.sample_mean))
                    .sum::<f64>()
                    / fit.options.interval;
                erlangs.ceil().max(1.0) as u32
            })
            .collect();
        let skills = fit.queues.iter().map(|q| q.name.clone()).collect();
        return vec![("agents".to_string(), skills, load)];
    }
    group_names(fit)
        .into_iter()
        .zip(&fit.groups)
        .map(|(name, g)| {
            let skills = g.queues.iter().map(|&q| fit.queues[q as usize].name.clone()).collect();
            let counts = g.per_slot[a..b].iter().map(|x| x.round() as u32).collect();
            (name, skills, counts)
        })
        .collect()
}

/// The scenario file's text; `source` names the log in its comments.
pub fn scenario_toml(fit: &LogFit, source: &str) -> String {
    let interval = fit.options.interval;
    let (a, b) = fit.span;
    let mut t = String::new();
    let days = fit.days.len();
    let which = match fit.options.weekday {
        Some(w) => format!("the {days} {w:?}s"),
        None => format!("all {days} days"),
    };
    t.push_str(&format!(
        "# Fitted by `callsim fit` from {source}: {which} of the log ({} to {}), {}-minute intervals.\n",
        super::date_of(fit.days[0]),
        super::date_of(*fit.days.last().expect("at least one day")),
        interval / 60.0
    ));
    t.push_str("# Each value says where it came from; fit.csv, patience.csv and the charts show how well it fits.\n");
    t.push_str("# Edit freely: e.g. raise a group's counts and `callsim run` this file, or sweep it.\n\n");
    t.push_str(&format!("name = {}\n", quoted(&format!("fitted from {source}"))));
    t.push_str("seed = 1\nreplications = 100        # simulated days\n");
    match fit.busyness {
        Some(b) if b.cv >= 1e-4 => t.push_str(&format!(
            "# Day-to-day variation beyond Poisson: calls per day {:.0} +/- {:.0} over {} days.\nbusyness = {{ cv = {:.4} }}\n",
            b.mean,
            b.sd,
            b.days,
            b.cv.min(1.0)
        )),
        Some(b) => t.push_str(&format!(
            "# No busyness: calls per day {:.0} +/- {:.0} over {} days vary no more than Poisson.\n",
            b.mean, b.sd, b.days
        )),
        None => t.push_str("# No busyness: one day cannot show day-to-day variation.\n"),
    }
    t.push_str(&format!(
        "\n[horizon]\nduration = {}\ninterval = {}\nopens_at = \"{}\"\nat_close = \"finish\"\n",
        seconds((b - a) as f64 * interval),
        seconds(interval),
        clock(a as f64 * interval)
    ));
    t.push_str(&format!(
        "\n[service_level]\nanswer_within = {}\ntarget = 0.8\n",
        seconds(fit.options.answer_within)
    ));
    for q in &fit.queues {
        if q.offered == 0 {
            continue;
        }
        t.push_str(&format!(
            "\n# {}: {} calls offered, {} answered, {} abandoned; the log's own service level {:.1}%.\n",
            q.name,
            q.offered,
            q.answered,
            q.abandoned,
            100.0 * q.service_level()
        ));
        t.push_str(&format!(
            "[[call_types]]\nname = {}\narrivals = {{ forecast = \"{FORECAST_FILE}\" }}\n",
            quoted(&q.name)
        ));
        match &q.handle {
            Some(h) => {
                let best = h.best();
                let others: Vec<String> = h.fits[1..]
                    .iter()
                    .map(|f| format!("{} {:+.0}", f.distribution.family(), f.bic - best.bic))
                    .collect();
                t.push_str(&format!(
                    "# handle time: {} talk times; BIC chose {} (others' BIC above it: {}); Kolmogorov-Smirnov D = {:.4}\n",
                    h.n,
                    best.distribution.family(),
                    others.join(", "),
                    best.ks_d
                ));
                t.push_str(&format!("service = {}\n", distribution_toml(&best.distribution)));
            }
            None => t.push_str("# handle time: no answered call; an assumed 3 minutes\nservice = { distribution = \"exponential\", mean = \"180s\" }\n"),
        }
        match &q.patience {
            Some(p) => {
                t.push_str(&format!(
                    "# patience: {} abandons, {} censored waits (answered callers' patience exceeds their wait); \
                     exponential by maximum likelihood under censoring, +/- {:.1}s; the naive mean of abandoned waits \
                     would say {:.1}s\n",
                    p.abandons,
                    p.censored,
                    p.se,
                    super::survival::naive_mean(&q.abandon_waits)
                ));
                t.push_str(&format!(
                    "patience = {{ distribution = \"exponential\", mean = {} }}\n",
                    seconds(p.mean)
                ));
            }
            None => t.push_str("# patience: no caller abandoned, so callers are taken never to hang up\n"),
        }
    }
    let source_of = if fit.groups.is_empty() {
        "no agent in the log: the offered load in erlangs, rounded up"
    } else if fit.staffing_from_events {
        "mean agents logged on and not paused per interval, from log-on and pause events"
    } else {
        "mean agents who handled a call per interval (a lower bound: the log has no log-on events)"
    };
    for (name, skills, counts) in staffing(fit) {
        let counts: Vec<String> = counts.iter().map(|c| c.to_string()).collect();
        let skills: Vec<String> = skills.iter().map(|s| quoted(s)).collect();
        t.push_str(&format!(
            "\n# agents: {source_of}\n[[agent_groups]]\nname = {}\ncount = [{}]\nskills = [{}]\n",
            quoted(&name),
            counts.join(", "),
            skills.join(", ")
        ));
    }
    t
}

/// One row of the forecast CSV.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ForecastRow {
    /// Clock time the interval starts.
    pub interval_start: String,
    /// The queue.
    pub call_type: String,
    /// Mean calls in the interval over the chosen days.
    pub calls: f64,
}

/// The forecast rows over the span.
pub fn forecast_rows(fit: &LogFit) -> Vec<ForecastRow> {
    let (a, b) = fit.span;
    let mut rows = Vec::new();
    for slot in a..b {
        for q in fit.queues.iter().filter(|q| q.offered > 0) {
            rows.push(ForecastRow {
                interval_start: clock(slot as f64 * fit.options.interval),
                call_type: q.name.clone(),
                calls: (q.forecast[slot] * 1e4).round() / 1e4,
            });
        }
    }
    rows
}

/// One row of `arrivals.csv`: mean calls per interval and weekday.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WeekdayRow {
    /// Monday, Tuesday, ...
    pub weekday: String,
    /// Days of that weekday in the log.
    pub days: usize,
    /// Clock time the interval starts.
    pub interval_start: String,
    /// The queue.
    pub call_type: String,
    /// Mean calls in the interval over that weekday's days.
    pub mean_calls: f64,
    /// That weekday's mean calls per day over the mean of all weekdays with days (the weekday profile).
    pub weekday_factor: f64,
}

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Rows per weekday (with days), interval of the span and queue.
pub fn weekday_rows(fit: &LogFit) -> Vec<WeekdayRow> {
    let (a, b) = fit.span;
    let per_day: Vec<f64> = (0..7)
        .map(|w| fit.queues.iter().map(|q| q.by_weekday[w].iter().sum::<f64>()).sum())
        .collect();
    let with_days: Vec<usize> = (0..7).filter(|&w| fit.weekday_days[w] > 0).collect();
    let mean_day = with_days.iter().map(|&w| per_day[w]).sum::<f64>() / with_days.len().max(1) as f64;
    let mut rows = Vec::new();
    for &w in &with_days {
        for slot in a..b {
            for q in fit.queues.iter().filter(|q| q.offered > 0) {
                rows.push(WeekdayRow {
                    weekday: WEEKDAYS[w].to_string(),
                    days: fit.weekday_days[w],
                    interval_start: clock(slot as f64 * fit.options.interval),
                    call_type: q.name.clone(),
                    mean_calls: (q.by_weekday[w][slot] * 1e4).round() / 1e4,
                    weekday_factor: (per_day[w] / mean_day * 1e4).round() / 1e4,
                });
            }
        }
    }
    rows
}

/// One row of `fit.csv`: a family fitted to a queue's handle times or patience.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FitRow {
    /// The queue.
    pub call_type: String,
    /// `handle_time` or `patience`.
    pub quantity: String,
    /// The family.
    pub family: String,
    /// True for the family the scenario uses.
    pub chosen: bool,
    /// Values (handle times) or abandons (patience).
    pub n: u64,
    /// Fitted mean in seconds.
    pub mean_s: f64,
    /// Its standard error in seconds (the sample mean's for handle times; the censored fit's for patience).
    pub mean_se_s: f64,
    /// Fitted coefficient of variation.
    pub cv: f64,
    /// BIC minus the chosen family's (0 for the chosen; empty for patience).
    pub delta_bic: Option<f64>,
    /// Kolmogorov-Smirnov distance from the data (handle times) or largest distance from Kaplan-Meier (patience).
    pub ks_d: f64,
    /// Its asymptotic p-value (handle times only).
    pub ks_p: Option<f64>,
}

/// Every fit, per queue: the handle-time families (chosen first), then the patience.
pub fn fit_rows(fit: &LogFit) -> Vec<FitRow> {
    let mut rows = Vec::new();
    for q in &fit.queues {
        if let Some(h) = &q.handle {
            let best = h.best().bic;
            for (i, f) in h.fits.iter().enumerate() {
                rows.push(FitRow {
                    call_type: q.name.clone(),
                    quantity: "handle_time".into(),
                    family: f.distribution.family().into(),
                    chosen: i == 0,
                    n: h.n,
                    mean_s: f.distribution.mean(),
                    mean_se_s: h.mean_se,
                    cv: f.distribution.cv(),
                    delta_bic: Some(f.bic - best),
                    ks_d: f.ks_d,
                    ks_p: Some(f.ks_p),
                });
            }
        }
        if let Some(p) = &q.patience {
            rows.push(FitRow {
                call_type: q.name.clone(),
                quantity: "patience".into(),
                family: "exponential".into(),
                chosen: true,
                n: p.abandons,
                mean_s: p.mean,
                mean_se_s: p.se,
                cv: 1.0,
                delta_bic: None,
                ks_d: patience_distance(q),
                ks_p: None,
            });
        }
    }
    rows
}

/// The largest distance between the Kaplan-Meier survival and the fitted exponential's, at the abandon times.
pub fn patience_distance(q: &super::QueueFit) -> f64 {
    let Some(p) = &q.patience else { return f64::NAN };
    q.km.iter()
        .map(|s| (s.survival - (-s.time / p.mean).exp()).abs())
        .fold(0.0, f64::max)
}

/// One row of `patience.csv`: Kaplan-Meier beside the fit and the naive estimate, on a grid of waits.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PatienceRow {
    /// The queue.
    pub call_type: String,
    /// Wait in seconds.
    pub wait_s: f64,
    /// Kaplan-Meier: share of callers whose patience exceeds the wait.
    pub kaplan_meier: f64,
    /// The fitted exponential's share.
    pub fitted: f64,
    /// The naive estimate's share (exponential with the mean of abandoned waits).
    pub naive: f64,
}

/// Grid points for patience rows and charts: every `step` seconds up to the 95th percentile of observed waits.
pub fn patience_grid(q: &super::QueueFit) -> Vec<f64> {
    let mut waits = q.abandon_waits.clone();
    waits.merge(&q.censored_waits);
    let top = waits.quantile(0.95).max(60.0);
    let step = [5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0]
        .into_iter()
        .find(|s| top / s <= 30.0)
        .unwrap_or(600.0);
    (0..=((top / step).ceil() as usize)).map(|i| i as f64 * step).collect()
}

/// Patience rows for every queue with abandons.
pub fn patience_rows(fit: &LogFit) -> Vec<PatienceRow> {
    let mut rows = Vec::new();
    for q in &fit.queues {
        let Some(p) = &q.patience else { continue };
        let naive = super::survival::naive_mean(&q.abandon_waits);
        for t in patience_grid(q) {
            rows.push(PatienceRow {
                call_type: q.name.clone(),
                wait_s: t,
                kaplan_meier: survival_at(&q.km, t),
                fitted: (-t / p.mean).exp(),
                naive: (-t / naive).exp(),
            });
        }
    }
    rows
}
