//! The fit report's charts, one panel chart per queue: the patience survival (Kaplan-Meier with Greenwood's 95%
//! band, the fitted exponential dashed, and the naive estimate from abandoned calls alone), the handle-time
//! distribution (the data's cumulative share, the chosen family dashed), and the mean calls per interval with the
//! days' 95% range of the mean.

use super::scenario::{clock, patience_grid};
use super::survival::{naive_mean, survival_at};
use super::{LogFit, QueueFit};
use crate::plot::{LineChart, Series, SeriesPoint};

fn chart(title: String, x_label: &str, y_label: &str, x_ticks: Vec<String>, share: bool) -> LineChart {
    LineChart {
        title,
        x_label: x_label.into(),
        y_label: y_label.into(),
        x_ticks,
        series: Vec::new(),
        dashed: Vec::new(),
        target: None,
        type_targets: Vec::new(),
        share,
        y_clip: None,
    }
}

fn line(name: &str, values: impl IntoIterator<Item = (f64, f64, f64)>) -> Series {
    Series {
        name: name.into(),
        points: values
            .into_iter()
            .enumerate()
            .map(|(i, (mean, lo, hi))| SeriesPoint {
                x: i as f64,
                mean,
                lo,
                hi,
            })
            .collect(),
    }
}

fn patience_panel(q: &QueueFit) -> Option<LineChart> {
    let p = q.patience.as_ref()?;
    let grid = patience_grid(q);
    let mut c = chart(
        format!("{}: patience (share still waiting), Kaplan-Meier vs fitted", q.name),
        "wait (s)",
        "patience exceeds the wait",
        grid.iter().map(|t| format!("{t:.0}")).collect(),
        true,
    );
    let km = grid.iter().map(|&t| {
        let s = survival_at(&q.km, t);
        let se =
            q.km.iter()
                .take_while(|step| step.time <= t)
                .last()
                .map_or(0.0, |step| step.se);
        (s, (s - 1.96 * se).max(0.0), (s + 1.96 * se).min(1.0))
    });
    c.series.push(line("Kaplan-Meier (censored by answers)", km));
    let naive = naive_mean(&q.abandon_waits);
    c.series.push(line(
        &format!("naive: abandoned calls only ({naive:.0}s)"),
        grid.iter().map(|&t| ((-t / naive).exp(), f64::NAN, f64::NAN)),
    ));
    c.dashed.push(line(
        &format!("exponential fit ({:.0}s)", p.mean),
        grid.iter().map(|&t| ((-t / p.mean).exp(), f64::NAN, f64::NAN)),
    ));
    Some(c)
}

fn handle_panel(q: &QueueFit) -> Option<LineChart> {
    let h = q.handle.as_ref()?;
    let best = &h.best().distribution;
    let top = q.handle_times.quantile(0.99);
    let step = (top / 30.0).max(1.0).ceil();
    let grid: Vec<f64> = (0..=30).map(|i| i as f64 * step).collect();
    let mut c = chart(
        format!(
            "{}: handle time, data vs {} fit (KS D = {:.4})",
            q.name,
            best.family(),
            h.best().ks_d
        ),
        "talk time (s)",
        "calls at most this long",
        grid.iter().map(|t| format!("{t:.0}")).collect(),
        true,
    );
    let n = q.handle_times.count() as f64;
    let data = grid.iter().map(|&t| {
        let below: u64 = q.handle_times.iter().take_while(|&(x, _)| x <= t).map(|(_, c)| c).sum();
        (below as f64 / n, f64::NAN, f64::NAN)
    });
    c.series.push(line("data", data));
    c.dashed.push(line(
        &format!("{} fit", best.family()),
        grid.iter()
            .map(|&t| (best.cdf(t).unwrap_or(f64::NAN), f64::NAN, f64::NAN)),
    ));
    Some(c)
}

fn arrivals_panel(fit: &LogFit, q: &QueueFit) -> LineChart {
    let (a, b) = fit.span;
    let mut c = chart(
        format!("{}: mean calls per interval over {} days", q.name, fit.days.len()),
        "interval start",
        "calls",
        (a..b).map(|s| clock(s as f64 * fit.options.interval)).collect(),
        false,
    );
    c.series.push(line(
        "forecast (mean over the days)",
        q.forecast[a..b].iter().map(|&m| {
            // Poisson: the mean of D days has standard error sqrt(m / D).
            let half = 1.96 * (m / fit.days.len() as f64).sqrt();
            (m, (m - half).max(0.0), m + half)
        }),
    ));
    c
}

/// Every queue with calls: its file-name-safe stem and its panels.
pub fn fit_charts(fit: &LogFit) -> Vec<(String, Vec<LineChart>)> {
    fit.queues
        .iter()
        .filter(|q| q.offered > 0)
        .map(|q| {
            let stem: String = q
                .name
                .chars()
                .map(|ch| {
                    if ch.is_ascii_alphanumeric() || ch == '-' {
                        ch
                    } else {
                        '_'
                    }
                })
                .collect();
            let panels = [patience_panel(q), handle_panel(q), Some(arrivals_panel(fit, q))]
                .into_iter()
                .flatten()
                .collect();
            (format!("fit_{stem}"), panels)
        })
        .collect()
}
