//! Text alternatives of charts: what a chart shows, in words, from the very data it is drawn from.

use crate::plot::{DifferenceChart, Histogram, LineChart, Series};

/// A value in a chart's units: a share as a percentage, anything else with one decimal.
fn value(v: f64, share: bool) -> String {
    if share {
        format!("{:.1}%", v * 100.0)
    } else {
        format!("{v:.1}")
    }
}

/// One line in words: where it starts and ends, and its lowest and highest points.
fn series(line: &Series, ticks: &[String], share: bool) -> Option<String> {
    let points: Vec<_> = line.points.iter().filter(|p| p.mean.is_finite()).collect();
    let (first, last) = (points.first()?, points.last()?);
    let at = |x: f64| {
        ticks
            .get(x.round().max(0.0) as usize)
            .cloned()
            .unwrap_or_else(|| format!("{x}"))
    };
    let low = points.iter().min_by(|a, b| a.mean.total_cmp(&b.mean))?;
    let high = points.iter().max_by(|a, b| a.mean.total_cmp(&b.mean))?;
    Some(format!(
        "{}: {} at {} to {} at {}, lowest {} at {}, highest {} at {}",
        line.name,
        value(first.mean, share),
        at(first.x),
        value(last.mean, share),
        at(last.x),
        value(low.mean, share),
        at(low.x),
        value(high.mean, share),
        at(high.x)
    ))
}

/// A line chart (or panels of one) in words: per panel its title, axes and each line's course, and the target.
pub fn lines(panels: &[LineChart]) -> String {
    let mut parts = Vec::new();
    for chart in panels {
        let mut text = format!(
            "{} ({} against {}",
            chart.title,
            if chart.share {
                format!("{} in %", chart.y_label)
            } else {
                chart.y_label.clone()
            },
            chart.x_label
        );
        text.push(')');
        let lines: Vec<String> = chart
            .series
            .iter()
            .chain(&chart.dashed)
            .filter_map(|s| series(s, &chart.x_ticks, chart.share))
            .collect();
        if !lines.is_empty() {
            text.push_str(": ");
            text.push_str(&lines.join("; "));
        }
        if let Some(target) = chart.target {
            text.push_str(&format!("; target line at {}", value(target, chart.share)));
        }
        for t in &chart.type_targets {
            text.push_str(&format!("; {} at {}", t.name, value(t.value, chart.share)));
        }
        parts.push(text);
    }
    parts.join(". ") + "."
}

/// A histogram in words: how many values, their range and median, and how many reach the target.
pub fn histogram(chart: &Histogram) -> String {
    let mut values: Vec<f64> = chart.values.iter().copied().filter(|v| v.is_finite()).collect();
    if values.is_empty() {
        return format!("{}: no values.", chart.title);
    }
    values.sort_by(f64::total_cmp);
    let median = values[values.len() / 2];
    let mut text = format!(
        "{}: {} values of {} from {} to {}, median {}",
        chart.title,
        values.len(),
        chart.x_label,
        value(values[0], chart.share),
        value(values[values.len() - 1], chart.share),
        value(median, chart.share)
    );
    if let Some(target) = chart.target {
        let reached = values.iter().filter(|&&v| v >= target).count();
        text.push_str(&format!(
            "; {reached} of {} at or above the target {}",
            values.len(),
            value(target, chart.share)
        ));
    }
    text + "."
}

/// A paired-difference chart in words: per panel, the significant differences (the others' intervals include
/// zero or were not significant after adjustment).
pub fn differences(chart: &DifferenceChart) -> String {
    let mut parts = vec![chart.title.clone()];
    for panel in &chart.panels {
        let mut significant = Vec::new();
        for (variant, values) in chart.variants.iter().zip(&panel.values) {
            for (category, d) in panel.categories.iter().zip(values) {
                if d.significant && d.mean.is_finite() {
                    let mean = if panel.share {
                        format!("{:+.1} points", d.mean * 100.0)
                    } else {
                        format!("{:+.1}", d.mean)
                    };
                    significant.push(format!("{variant}, {category}: {mean}"));
                }
            }
        }
        parts.push(if significant.is_empty() {
            format!("{}: no significant difference", panel.title)
        } else {
            format!("{}: significant differences {}", panel.title, significant.join("; "))
        });
    }
    parts.join(". ") + ". Every value is in the table above."
}
