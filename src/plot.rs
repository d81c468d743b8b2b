//! Charts a manager reads at a glance: lines with 95% confidence bands (from each point's `lo` to its `hi`), a
//! target line, and paired differences with error whiskers around a zero line. Each chart is
//! written as SVG and PNG (with an embedded DejaVu Sans font, so no system font is needed), to a temporary file
//! first and renamed into place.

use std::path::{Path, PathBuf};
use std::sync::Once;

use plotters::coord::Shift;
use plotters::element::{Drawable, PointCollection};
use plotters::prelude::*;
use plotters::style::FontStyle;
use plotters_backend::{BackendCoord, DrawingErrorKind};

use crate::error::{Error, Result};

/// Okabe-Ito colours: distinguishable with every common colour-vision deficiency.
const COLOURS: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(120, 120, 120),
    RGBColor(240, 228, 66),
];

const SIZE: (u32, u32) = (960, 600);

/// Most lines one chart draws: beyond the palette's eight colours lines cannot be told apart, and thousands of
/// bands and legend entries take minutes to draw. Larger charts draw evenly spaced lines and say so in the title.
pub const MAX_LINES: usize = COLOURS.len();

/// Most points of a line drawn with a marker each; denser lines are drawn as plain lines.
const MAX_MARKERS: usize = 60;

// Font sizes are even: plotters' bitmap text places each glyph at `size / 2 + top`, truncated to whole pixels,
// so an odd size lifts small glyphs such as the decimal point by a pixel or two (mid-dots in PNG numbers).
/// Font size of chart titles (even, see [`LABEL_FONT`]).
pub const TITLE_FONT: u32 = 26;
/// Font size of tick labels and legends. Even: plotters places each glyph of bitmap text at `size / 2 + top`
/// truncated to whole pixels, so at odd sizes a decimal point floats above the baseline like a mid-dot.
pub const LABEL_FONT: u32 = 16;
/// Font size of axis descriptions (even, see [`LABEL_FONT`]).
pub const AXIS_FONT: u32 = 18;

fn colour(index: usize) -> RGBColor {
    COLOURS[index % COLOURS.len()]
}

fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The font ships inside the binary; registration cannot fail for a valid TTF.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold());
    });
}

/// A point of a line with its 95% interval, which need not be symmetric (percentiles are not).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeriesPoint {
    /// X position.
    pub x: f64,
    /// The estimate; NaN skips the point.
    pub mean: f64,
    /// Lower end of the band (NaN: no band at this point).
    pub lo: f64,
    /// Upper end of the band (NaN: no band at this point).
    pub hi: f64,
}

impl SeriesPoint {
    /// The band's ends, or the mean itself where the interval is undefined.
    fn band(&self) -> (f64, f64) {
        if self.lo.is_finite() && self.hi.is_finite() {
            (self.lo, self.hi)
        } else {
            (self.mean, self.mean)
        }
    }
}

/// One line of a line chart, with a band from each point's `lo` to its `hi`.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// Points in x order; NaN means are skipped.
    pub points: Vec<SeriesPoint>,
}

/// A line chart over a sweep axis.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    /// Title.
    pub title: String,
    /// X axis label with unit.
    pub x_label: String,
    /// Y axis label with unit.
    pub y_label: String,
    /// Tick labels at x = 0, 1, 2, ... (the axis values as text).
    pub x_ticks: Vec<String>,
    /// The lines.
    pub series: Vec<Series>,
    /// Dashed lines without bands (exact theory beside the simulation), coloured like the solid line of the same
    /// position.
    pub dashed: Vec<Series>,
    /// A horizontal target line, if any.
    pub target: Option<f64>,
    /// Horizontal target lines of their own (each call type's service-level target), dashed in a line's colour.
    pub type_targets: Vec<TargetLine>,
    /// True when y is a share (drawn as percent, axis from 0 to 100%).
    pub share: bool,
    /// Top of the y axis when some points lie far above the rest (e.g. unstable points of a sweep): the axis ends
    /// here, and points above are drawn on its edge as upward triangles. `None`: the axis fits every point.
    pub y_clip: Option<f64>,
}

/// A named horizontal target line drawn in the colour of line `colour` (e.g. a call type's own service-level
/// target beside that type's line).
#[derive(Debug, Clone, PartialEq)]
pub struct TargetLine {
    /// Legend text before the value, e.g. `"vip target"`.
    pub name: String,
    /// The target, in the chart's units (a share when the chart's y is a share).
    pub value: f64,
    /// The position of the line whose colour it takes.
    pub colour: usize,
}

impl LineChart {
    /// At most [`MAX_LINES`] lines, evenly spaced from the first to the last (the dashed lines alongside when they
    /// match the solid ones one to one), with the title saying how many are shown.
    fn thinned(&self) -> std::borrow::Cow<'_, LineChart> {
        let n = self.series.len();
        if n <= MAX_LINES {
            return std::borrow::Cow::Borrowed(self);
        }
        let keep: Vec<usize> = (0..MAX_LINES).map(|i| i * (n - 1) / (MAX_LINES - 1)).collect();
        let pick = |all: &[Series]| keep.iter().map(|&i| all[i].clone()).collect::<Vec<_>>();
        let dashed = if self.dashed.len() == n {
            pick(&self.dashed)
        } else {
            self.dashed.iter().take(MAX_LINES).cloned().collect()
        };
        std::borrow::Cow::Owned(LineChart {
            title: format!("{} ({MAX_LINES} of {n} lines, evenly spaced)", self.title),
            series: pick(&self.series),
            dashed,
            ..self.clone()
        })
    }
}

fn plot_error<E: std::fmt::Debug>(path: &Path) -> impl Fn(E) -> Error + '_ {
    move |e| Error::io(path, format!("cannot draw chart: {e:?}"))
}

/// Renders with `draw` into `<stem>.svg` and `<stem>.png`, each through a temporary file.
#[allow(clippy::type_complexity)] // one closure per backend; an alias cannot name the backends' lifetimes
fn write_both(
    stem: &Path,
    draw: &dyn Fn(DrawingArea<SVGBackend, Shift>) -> std::result::Result<(), String>,
    draw_png: &dyn Fn(DrawingArea<BitMapBackend, Shift>) -> std::result::Result<(), String>,
) -> Result<Vec<PathBuf>> {
    write_both_sized(stem, SIZE, draw, draw_png)
}

/// [`write_both`] at a given size in pixels.
#[allow(clippy::type_complexity)] // as write_both
fn write_both_sized(
    stem: &Path,
    size: (u32, u32),
    draw: &dyn Fn(DrawingArea<SVGBackend, Shift>) -> std::result::Result<(), String>,
    draw_png: &dyn Fn(DrawingArea<BitMapBackend, Shift>) -> std::result::Result<(), String>,
) -> Result<Vec<PathBuf>> {
    register_fonts();
    let dir = stem.parent().unwrap_or(Path::new("."));
    crate::report::output::ensure_dir(dir)?;
    let name = stem
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let svg = stem.with_file_name(format!("{name}.svg"));
    let png = stem.with_file_name(format!("{name}.png"));
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
        draw(root).map_err(plot_error(&svg))?;
    }
    crate::report::output::write_atomically(&svg, |out| out.write_all(text.as_bytes()))?;
    let temporary = dir.join(format!(".{name}.partial.png"));
    let result = (|| {
        let root = BitMapBackend::new(&temporary, size).into_drawing_area();
        draw_png(root.clone()).map_err(plot_error(&png))?;
        root.present().map_err(plot_error(&png))
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temporary);
        return Err(e);
    }
    std::fs::rename(&temporary, &png).map_err(|e| Error::io(&png, e))?;
    Ok(vec![svg, png])
}

/// Draws a line chart to `<stem>.svg` and `<stem>.png`; returns the files written. Charts of more than
/// [`MAX_LINES`] lines draw that many, evenly spaced, and say so in the title.
pub fn line_chart(chart: &LineChart, stem: &Path) -> Result<Vec<PathBuf>> {
    let chart = chart.thinned();
    let chart = chart.as_ref();
    write_both(stem, &|root| draw_lines(root, chart), &|root| draw_lines(root, chart))
}

/// Height in pixels of one panel of [`panel_chart`].
const PANEL_HEIGHT: u32 = 380;

/// Draws line charts stacked as panels of one image (sharing the width of [`line_chart`]'s charts) to
/// `<stem>.svg` and `<stem>.png`, legends in the lower right; returns the files written. For the intraday chart:
/// panels over the same x axis.
pub fn panel_chart(panels: &[LineChart], stem: &Path) -> Result<Vec<PathBuf>> {
    let size = (SIZE.0, PANEL_HEIGHT * panels.len().max(1) as u32);
    fn draw<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, panels: &[LineChart]) -> std::result::Result<(), String> {
        root.fill(&WHITE).map_err(|e| format!("{e:?}"))?;
        for (area, chart) in root.split_evenly((panels.len().max(1), 1)).into_iter().zip(panels) {
            // Intraday lines run along the top of their panel: the legend goes below them.
            draw_lines_at(area, chart, SeriesLabelPosition::LowerRight)?;
        }
        Ok(())
    }
    write_both_sized(stem, size, &|root| draw(root, panels), &|root| draw(root, panels))
}

/// One point of a trade-off curve: two estimates of one sweep point, with their 95% intervals, and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct TradeOffPoint {
    /// The point's label (the swept value).
    pub label: String,
    /// X estimate and its interval `(mean, lo, hi)`.
    pub x: (f64, f64, f64),
    /// Y estimate and its interval (a share when the chart's y is).
    pub y: (f64, f64, f64),
}

/// A trade-off curve: what one gains on x against what one pays on y, point by point along a sweep (e.g. outbound
/// contacts per hour against inbound service level, along `keep_idle`).
#[derive(Debug, Clone, PartialEq)]
pub struct TradeOffChart {
    /// Title.
    pub title: String,
    /// X axis label with unit.
    pub x_label: String,
    /// Y axis label with unit.
    pub y_label: String,
    /// The points, in sweep order (joined by a line).
    pub points: Vec<TradeOffPoint>,
    /// True when y is a share (drawn as percent).
    pub share: bool,
    /// A horizontal target line, if any.
    pub target: Option<f64>,
}

/// Draws a trade-off curve to `<stem>.svg` and `<stem>.png`: points joined in sweep order, 95% intervals as
/// crosses of error bars, each point labelled; returns the files written.
pub fn trade_off_chart(chart: &TradeOffChart, stem: &Path) -> Result<Vec<PathBuf>> {
    write_both(stem, &|root| draw_trade_off(root, chart), &|root| {
        draw_trade_off(root, chart)
    })
}

fn draw_trade_off<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    chart: &TradeOffChart,
) -> std::result::Result<(), String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| format!("{e:?}");
    root.fill(&WHITE).map_err(e)?;
    let k = scale(chart.share);
    let finite = |v: f64, fallback: f64| if v.is_finite() { v } else { fallback };
    let points: Vec<&TradeOffPoint> = chart
        .points
        .iter()
        .filter(|p| p.x.0.is_finite() && p.y.0.is_finite())
        .collect();
    let xs = points.iter().flat_map(|p| [finite(p.x.1, p.x.0), finite(p.x.2, p.x.0)]);
    let (x_min, x_max) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    let ys = points
        .iter()
        .flat_map(|p| [finite(p.y.1, p.y.0) * k, finite(p.y.2, p.y.0) * k])
        .chain(chart.target.map(|t| t * k));
    let (y_min, y_max) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    let pad = |lo: f64, hi: f64| {
        let span = if hi > lo { hi - lo } else { lo.abs().max(1.0) };
        (lo - 0.08 * span, hi + 0.08 * span)
    };
    let ((x0, x1), (y0, y1)) = if points.is_empty() {
        ((0.0, 1.0), (0.0, 1.0))
    } else {
        let (x0, x1) = pad(x_min, x_max);
        // Room on the right for the last point's label.
        ((x0, x1 + 0.12 * (x1 - x0)), pad(y_min, y_max))
    };
    let mut ctx = ChartBuilder::on(&root)
        .caption(&chart.title, ("sans-serif", TITLE_FONT).into_font())
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .margin_right(32)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(e)?;
    ctx.configure_mesh()
        .x_desc(chart.x_label.clone())
        .y_desc(if chart.share {
            format!("{} (%)", chart.y_label)
        } else {
            chart.y_label.clone()
        })
        .y_label_formatter(&|y| format!("{y:.1}"))
        .label_style(("sans-serif", LABEL_FONT))
        .axis_desc_style(("sans-serif", AXIS_FONT))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(e)?;
    if let Some(target) = chart.target {
        let t = target * k;
        ctx.draw_series(LineSeries::new([(x0, t), (x1, t)], BLACK.stroke_width(1)))
            .map_err(e)?
            .label(format!(
                "target {}",
                if chart.share {
                    format!("{t:.0}%")
                } else {
                    format!("{t}")
                }
            ))
            .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLACK));
    }
    let c = colour(0);
    ctx.draw_series(LineSeries::new(
        points.iter().map(|p| (p.x.0, p.y.0 * k)),
        c.stroke_width(2),
    ))
    .map_err(e)?
    .label("simulation (95% intervals)")
    .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], c.stroke_width(2)));
    for p in &points {
        let (x, y) = (p.x.0, p.y.0 * k);
        let bars = [
            [(finite(p.x.1, x), y), (finite(p.x.2, x), y)],
            [(x, finite(p.y.1, p.y.0) * k), (x, finite(p.y.2, p.y.0) * k)],
        ];
        for bar in bars {
            ctx.draw_series(LineSeries::new(bar, c.mix(0.6).stroke_width(1)))
                .map_err(e)?;
        }
        ctx.draw_series([Circle::new((x, y), 4, c.filled())]).map_err(e)?;
        ctx.draw_series([Text::new(
            p.label.clone(),
            (x, y),
            ("sans-serif", LABEL_FONT).into_font().color(&BLACK),
        )])
        .map_err(e)?;
    }
    ctx.configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .label_font(("sans-serif", LABEL_FONT))
        .draw()
        .map_err(e)?;
    Ok(())
}

/// A histogram: how many values fall in each of `bins` equal bins over `[min, max]`, with a vertical target line.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    /// Title.
    pub title: String,
    /// X axis label with unit.
    pub x_label: String,
    /// The values (NaN ones are left out).
    pub values: Vec<f64>,
    /// Range of the x axis.
    pub range: (f64, f64),
    /// Number of bins.
    pub bins: usize,
    /// True when values are shares (drawn as percent).
    pub share: bool,
    /// A vertical target line, if any.
    pub target: Option<f64>,
}

/// Draws a histogram to `<stem>.svg` and `<stem>.png`; returns the files written.
pub fn histogram_chart(chart: &Histogram, stem: &Path) -> Result<Vec<PathBuf>> {
    write_both(stem, &|root| draw_histogram(root, chart), &|root| {
        draw_histogram(root, chart)
    })
}

fn draw_histogram<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    chart: &Histogram,
) -> std::result::Result<(), String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| format!("{e:?}");
    root.fill(&WHITE).map_err(e)?;
    let k = scale(chart.share);
    let bins = chart.bins.max(1);
    let (min, max) = (chart.range.0 * k, chart.range.1 * k);
    let width = (max - min) / bins as f64;
    let mut counts = vec![0u32; bins];
    for v in chart.values.iter().filter(|v| v.is_finite()) {
        let bin = (((v * k - min) / width).floor().max(0.0) as usize).min(bins - 1);
        counts[bin] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(0).max(1) as f64 * 1.1;
    let mut ctx = ChartBuilder::on(&root)
        .caption(&chart.title, ("sans-serif", TITLE_FONT).into_font())
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .margin_right(32)
        .build_cartesian_2d(min..max, 0.0..top)
        .map_err(e)?;
    ctx.configure_mesh()
        .x_desc(if chart.share {
            format!("{} (%)", chart.x_label)
        } else {
            chart.x_label.clone()
        })
        .y_desc("days")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .label_style(("sans-serif", LABEL_FONT))
        .axis_desc_style(("sans-serif", AXIS_FONT))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(e)?;
    let c = colour(0);
    ctx.draw_series(counts.iter().enumerate().filter(|(_, n)| **n > 0).map(|(i, &n)| {
        let x0 = min + i as f64 * width;
        Rectangle::new([(x0, 0.0), (x0 + width, n as f64)], c.mix(0.7).filled())
    }))
    .map_err(e)?;
    if let Some(target) = chart.target {
        let x = target * k;
        ctx.draw_series(DashedLineSeries::new(
            vec![(x, 0.0), (x, top)],
            8,
            6,
            BLACK.stroke_width(2),
        ))
        .map_err(e)?
        .label(format!(
            "target {}",
            if chart.share {
                format!("{x:.0}%")
            } else {
                format!("{x:.1}")
            }
        ))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.stroke_width(2)));
        ctx.configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .label_font(("sans-serif", LABEL_FONT))
            .position(SeriesLabelPosition::UpperLeft)
            .draw()
            .map_err(e)?;
    }
    root.present().map_err(e)
}

fn scale(share: bool) -> f64 {
    if share { 100.0 } else { 1.0 }
}

fn draw_lines<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, chart: &LineChart) -> std::result::Result<(), String> {
    let legend = if chart.target.is_some() || !chart.type_targets.is_empty() {
        SeriesLabelPosition::LowerRight
    } else {
        SeriesLabelPosition::UpperRight
    };
    draw_lines_at(root, chart, legend)
}

/// [`draw_lines`] with the legend at `legend`.
fn draw_lines_at<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    chart: &LineChart,
    legend: SeriesLabelPosition,
) -> std::result::Result<(), String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| format!("{e:?}");
    root.fill(&WHITE).map_err(e)?;
    let k = scale(chart.share);
    let finite = |v: &f64| v.is_finite();
    let highs = chart
        .series
        .iter()
        .chain(&chart.dashed)
        .flat_map(|s| s.points.iter().map(|p| p.band().1));
    let own_targets = chart.type_targets.iter().map(|t| t.value);
    let mut y_max = highs
        .chain(chart.target)
        .chain(own_targets)
        .filter(finite)
        .fold(0.0f64, f64::max)
        * k;
    let clip = chart.y_clip.map(|c| c * k).filter(|&c| c > 0.0 && c < y_max);
    if let Some(clip) = clip {
        y_max = clip;
    } else if chart.share && (chart.target.is_some() || !chart.type_targets.is_empty()) {
        // Service level against its target reads best on the full 0-100% scale.
        y_max = 100.0;
    } else {
        y_max = if y_max <= 0.0 { 1.0 } else { y_max * 1.08 };
        if chart.share {
            y_max = y_max.min(100.0);
        }
    }
    // Values above a clipped axis are drawn on its edge.
    let y_top = y_max;
    let on_axis = move |y: f64| y.min(y_top);
    let x_max = (chart.x_ticks.len().max(2) - 1) as f64;
    let ticks = chart.x_ticks.clone();
    let mut ctx = ChartBuilder::on(&root)
        .caption(&chart.title, ("sans-serif", TITLE_FONT).into_font())
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d(-0.05 * x_max..x_max * 1.05, 0.0..y_max)
        .map_err(e)?;
    ctx.configure_mesh()
        .x_desc(&chart.x_label)
        .y_desc(if chart.share {
            format!("{} (%)", chart.y_label)
        } else {
            chart.y_label.clone()
        })
        .x_labels(ticks.len().min(12))
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 {
                ticks.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .label_style(("sans-serif", LABEL_FONT))
        .axis_desc_style(("sans-serif", AXIS_FONT))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(e)?;
    for (i, series) in chart.series.iter().enumerate() {
        let c = colour(i);
        let points: Vec<SeriesPoint> = series.points.iter().copied().filter(|p| p.mean.is_finite()).collect();
        // The band runs from lo to hi, as estimated: asymmetric for percentiles, never below the metric's range.
        let band: Vec<(f64, f64)> = points
            .iter()
            .map(|p| (p.x, p.band().1 * k))
            .chain(points.iter().rev().map(|p| (p.x, p.band().0 * k)))
            .collect();
        let band: Vec<(f64, f64)> = band.into_iter().map(|(x, y)| (x, on_axis(y))).collect();
        if band.len() >= 4 {
            ctx.draw_series(std::iter::once(Polygon::new(band, c.mix(0.18).filled())))
                .map_err(e)?;
        }
        let dense = points.len() > MAX_MARKERS;
        ctx.draw_series(LineSeries::new(
            points.iter().map(|p| (p.x, on_axis(p.mean * k))),
            c.stroke_width(3),
        ))
        .map_err(e)?
        .label(&series.name)
        .legend(move |at| Mark {
            at,
            index: i,
            colour: c,
            legend: true,
            shape: !dense,
        });
        let (inside, above): (Vec<&SeriesPoint>, Vec<_>) = points.iter().partition(|p| p.mean * k <= y_top);
        if !dense {
            ctx.draw_series(inside.iter().map(|p| Mark {
                at: (p.x, p.mean * k),
                index: i,
                colour: c,
                legend: false,
                shape: true,
            }))
            .map_err(e)?;
        }
        ctx.draw_series(above.iter().map(|p| TriangleMarker::new((p.x, y_top), 9, c.filled())))
            .map_err(e)?;
    }
    for (i, series) in chart.dashed.iter().enumerate() {
        // A lone theory line is black so it stays visible on top of the simulation it matches.
        let c = if chart.dashed.len() == 1 { BLACK } else { colour(i) };
        let points: Vec<(f64, f64)> = series
            .points
            .iter()
            .filter(|p| p.mean.is_finite())
            .map(|p| (p.x, on_axis(p.mean * k)))
            .collect();
        ctx.draw_series(DashedLineSeries::new(points, 6, 5, c.mix(0.9).stroke_width(2)))
            .map_err(e)?
            .label(&series.name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 8, y)], c.stroke_width(2)));
    }
    if let Some(target) = chart.target {
        let y = target * k;
        ctx.draw_series(DashedLineSeries::new(
            vec![(-0.05 * x_max, y), (x_max * 1.05, y)],
            8,
            6,
            BLACK.stroke_width(2),
        ))
        .map_err(e)?
        .label(format!(
            "target {}",
            if chart.share {
                format!("{:.0}%", y)
            } else {
                format!("{y:.1}")
            }
        ))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.stroke_width(2)));
    }
    for line in &chart.type_targets {
        let y = line.value * k;
        let c = colour(line.colour);
        ctx.draw_series(DashedLineSeries::new(
            vec![(-0.05 * x_max, y), (x_max * 1.05, y)],
            10,
            5,
            c.stroke_width(2),
        ))
        .map_err(e)?
        .label(format!(
            "{} {}",
            line.name,
            if chart.share {
                format!("{y:.0}%")
            } else {
                format!("{y:.1}")
            }
        ))
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 6, y), (x + 10, y), (x + 20, y)], c.stroke_width(2)));
    }
    ctx.configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .label_font(("sans-serif", LABEL_FONT))
        .position(legend)
        .draw()
        .map_err(e)
    // No `present` here: a panel of `panel_chart` must not close the image (an SVG closed after its first panel
    // hides the others in a browser); the caller presents the whole image.
}

/// The marker of line `index` at a point: a filled circle, a filled square, a cross, a hollow circle, in turn,
/// so lines stay apart in grey print (colour alone does not tell them apart there). In a legend (`legend`) it sits
/// on the line's stroke; `shape: false` draws the stroke alone (lines too dense for markers).
struct Mark<C> {
    at: C,
    index: usize,
    colour: RGBColor,
    legend: bool,
    shape: bool,
}

impl<'a, C: 'a> PointCollection<'a, C> for &'a Mark<C> {
    type Point = &'a C;
    type IntoIter = std::iter::Once<&'a C>;
    fn point_iter(self) -> Self::IntoIter {
        std::iter::once(&self.at)
    }
}

impl<C, DB: DrawingBackend> Drawable<DB> for Mark<C> {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        mut points: I,
        backend: &mut DB,
        _: (u32, u32),
    ) -> std::result::Result<(), DrawingErrorKind<DB::ErrorType>> {
        let Some((mut x, y)) = points.next() else {
            return Ok(());
        };
        let c = self.colour;
        if self.legend {
            backend.draw_line((x, y), (x + 20, y), &c.stroke_width(3))?;
            x += 10;
        }
        if !self.shape {
            return Ok(());
        }
        match self.index % 4 {
            0 => backend.draw_circle((x, y), 4, &c.filled(), true),
            1 => backend.draw_rect((x - 4, y - 4), (x + 4, y + 4), &c.filled(), true),
            2 => {
                backend.draw_line((x - 5, y - 5), (x + 5, y + 5), &c.stroke_width(2))?;
                backend.draw_line((x - 5, y + 5), (x + 5, y - 5), &c.stroke_width(2))
            }
            _ => {
                backend.draw_circle((x, y), 4, &WHITE.filled(), true)?;
                backend.draw_circle((x, y), 4, &c.stroke_width(2), false)
            }
        }
    }
}

/// One variant's paired difference from the baseline in one category: the mean, its 95% interval and whether
/// it is significant (drawn filled; hollow otherwise).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    /// Mean difference (variant minus baseline); NaN skips the point.
    pub mean: f64,
    /// Lower end of the 95% interval (NaN: no whisker).
    pub lo: f64,
    /// Upper end of the 95% interval (NaN: no whisker).
    pub hi: f64,
    /// Whether the difference is marked significant.
    pub significant: bool,
}

/// A panel of paired differences: one group per category (call type), one point with a whisker per variant,
/// around a zero line.
#[derive(Debug, Clone, PartialEq)]
pub struct DifferencePanel {
    /// Panel title (the metric).
    pub title: String,
    /// Y axis label with unit.
    pub y_label: String,
    /// Category labels along x.
    pub categories: Vec<String>,
    /// `values[variant][category]`.
    pub values: Vec<Vec<Difference>>,
    /// True when the metric is a share: differences are drawn in percentage points.
    pub share: bool,
}

/// Paired differences of several metrics against a baseline: a title, a legend strip above the panels (so it
/// never covers a point) and panels in a grid of two columns.
#[derive(Debug, Clone, PartialEq)]
pub struct DifferenceChart {
    /// Title (what varies, against which baseline).
    pub title: String,
    /// Variant names, in the order of every panel's `values`.
    pub variants: Vec<String>,
    /// What the filled and hollow points mean.
    pub note: String,
    /// The panels.
    pub panels: Vec<DifferencePanel>,
}

/// Draws a [`DifferenceChart`] to `<stem>.svg` and `<stem>.png`; returns the files written.
pub fn difference_chart(chart: &DifferenceChart, stem: &Path) -> Result<Vec<PathBuf>> {
    write_both(stem, &|root| draw_differences(root, chart), &|root| {
        draw_differences(root, chart)
    })
}

/// The y range of a difference panel: zero and every interval, with a margin.
fn difference_range(panel: &DifferencePanel) -> (f64, f64) {
    let k = scale(panel.share);
    let (mut low, mut high) = (0.0f64, 0.0f64);
    for d in panel.values.iter().flatten() {
        for v in [d.mean, d.lo, d.hi].into_iter().filter(|v| v.is_finite()) {
            low = low.min(v * k);
            high = high.max(v * k);
        }
    }
    let span = (high - low).max(1e-9);
    if high - low <= 1e-9 {
        return (-1.0, 1.0);
    }
    (low - 0.08 * span, high + 0.08 * span)
}

fn draw_differences<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    chart: &DifferenceChart,
) -> std::result::Result<(), String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| format!("{e:?}");
    root.fill(&WHITE).map_err(e)?;
    let width = root.dim_in_pixel().0 as i32;
    // The title shrinks until it fits.
    let mut title_font: TextStyle = ("sans-serif", 24).into_font().into();
    for size in [24, 21, 18, 16] {
        title_font = ("sans-serif", size).into_font().into();
        if root.estimate_text_size(&chart.title, &title_font).map_err(e)?.0 as i32 <= width - 16 {
            break;
        }
    }
    // Legend items (a marker and the variant's name), wrapped into as many lines as they need.
    let legend_font: TextStyle = ("sans-serif", 16).into_font().into();
    let mut lines: Vec<Vec<(usize, i32)>> = vec![Vec::new()];
    let mut used = 0;
    for (i, name) in chart.variants.iter().enumerate() {
        let w = root.estimate_text_size(name, &legend_font).map_err(e)?.0 as i32 + 44;
        if used + w > width - 16 && !lines.last().is_some_and(Vec::is_empty) {
            lines.push(Vec::new());
            used = 0;
        }
        if let Some(line) = lines.last_mut() {
            line.push((i, w));
        }
        used += w;
    }
    let line_height = 22;
    let legend_top = 40;
    let note_top = legend_top + line_height * lines.len() as i32 + 2;
    let (header, body) = root.split_vertically((note_top + 24) as u32);
    let (title_width, _) = header.estimate_text_size(&chart.title, &title_font).map_err(e)?;
    header
        .draw(&Text::new(
            chart.title.clone(),
            ((width - title_width as i32) / 2, 8),
            title_font,
        ))
        .map_err(e)?;
    for (row, line) in lines.iter().enumerate() {
        let total: i32 = line.iter().map(|(_, w)| w).sum();
        let mut x = ((width - total) / 2).max(8);
        let y = legend_top + line_height * row as i32;
        for &(i, w) in line {
            let c = colour(i);
            header.draw(&Circle::new((x + 8, y + 9), 6, c.filled())).map_err(e)?;
            header
                .draw(&Text::new(chart.variants[i].clone(), (x + 20, y), legend_font.clone()))
                .map_err(e)?;
            x += w;
        }
    }
    let note_font = ("sans-serif", 14).into_font().color(&RGBColor(80, 80, 80));
    let (note_width, _) = header.estimate_text_size(&chart.note, &note_font).map_err(e)?;
    header
        .draw(&Text::new(
            chart.note.clone(),
            ((width - note_width as i32) / 2, note_top),
            note_font,
        ))
        .map_err(e)?;
    let columns = if chart.panels.len() > 1 { 2 } else { 1 };
    let rows = chart.panels.len().div_ceil(columns).max(1);
    let areas = body.split_evenly((rows, columns));
    for (panel, area) in chart.panels.iter().zip(areas) {
        draw_difference_panel(&area, panel, chart.variants.len()).map_err(e)?;
    }
    root.present().map_err(e)
}

fn draw_difference_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &DifferencePanel,
    variants: usize,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let k = scale(panel.share);
    let (y_min, y_max) = difference_range(panel);
    let categories = panel.categories.clone();
    let n = categories.len().max(1) as f64;
    let mut ctx = ChartBuilder::on(area)
        .caption(&panel.title, ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..n, y_min..y_max)?;
    ctx.configure_mesh()
        .disable_x_mesh()
        .x_labels(categories.len() * 2 + 1)
        .x_label_formatter(&|x| {
            let centre = x - 0.5;
            let i = centre.round();
            if (centre - i).abs() < 1e-6 && i >= 0.0 {
                categories.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_desc(&panel.y_label)
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 15))
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    ctx.draw_series(LineSeries::new([(0.0, 0.0), (n, 0.0)], BLACK.stroke_width(2)))?;
    // Thin separators between categories.
    ctx.draw_series((1..categories.len()).map(|i| {
        PathElement::new(
            vec![(i as f64, y_min), (i as f64, y_max)],
            BLACK.mix(0.15).stroke_width(1),
        )
    }))?;
    let step = 0.7 / variants.max(1) as f64;
    for (v, values) in panel.values.iter().enumerate() {
        let c = colour(v);
        for (cat, d) in values.iter().enumerate().filter(|(_, d)| d.mean.is_finite()) {
            let x = cat as f64 + 0.15 + step * (v as f64 + 0.5);
            if d.lo.is_finite() && d.hi.is_finite() {
                ctx.draw_series(std::iter::once(ErrorBar::new_vertical(
                    x,
                    d.lo * k,
                    d.mean * k,
                    d.hi * k,
                    c.stroke_width(3),
                    12,
                )))?;
            }
            let centre = (x, d.mean * k);
            ctx.draw_series(std::iter::once(Circle::new(centre, 7, WHITE.filled())))?;
            let style = if d.significant { c.filled() } else { c.stroke_width(3) };
            ctx.draw_series(std::iter::once(Circle::new(centre, 7, style)))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_is_written_as_svg_and_png() {
        let dir = tempfile::tempdir().unwrap();
        let chart = Histogram {
            title: "daily service level over 200 days (meeting the target: 64%)".into(),
            x_label: "service level of the day".into(),
            values: (0..200)
                .map(|i| 0.62 + 0.3 * ((i as f64 * 0.37).sin() * 0.5 + 0.5).powf(1.5))
                .collect(),
            range: (0.0, 1.0),
            bins: 40,
            share: true,
            target: Some(0.8),
        };
        let files = histogram_chart(&chart, &dir.path().join("daily_service_level")).unwrap();
        assert_eq!(files.len(), 2);
        let svg = std::fs::read_to_string(&files[0]).unwrap();
        assert!(
            svg.contains("target 80%") && svg.contains("<rect"),
            "bars and the target are drawn"
        );
        if let Ok(keep) = std::env::var("CALLSIM_KEEP_CHART") {
            std::fs::copy(&files[1], keep).unwrap();
        }
    }
}
