//! Rendering a [`Page`] to one HTML document: XHTML-compatible HTML5 (every element closed, attributes quoted,
//! text escaped), so it parses as XML too; styles in one `<style>` element, charts inlined as SVG, no script and
//! no reference outside the page.

use std::fmt::Write;
use std::path::Path;

use quick_xml::escape::escape;

use super::{About, Block, Chart, Page, Section, Table};
use crate::error::Result;

/// The page's styles: plain, readable on screen and in grey print (no meaning carried by colour alone).
const STYLE: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; color: #111;
  background: #fff; margin: 0; line-height: 1.45; }
main { max-width: 1100px; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.7rem; margin: 0 0 0.3rem 0; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #333; padding-bottom: 0.2rem; margin-top: 2.2rem; }
p.sub { color: #444; margin-top: 0; }
.headline { font-size: 1.2rem; border-left: 6px solid #0072b2; padding: 0.4rem 1rem; background: #f2f7fb; }
.headline p { margin: 0.4rem 0; }
.warnings { border: 3px solid #d55e00; background: #fff4ec; padding: 0.5rem 1rem; margin: 1rem 0; }
.warnings h2 { border: none; margin: 0.2rem 0; font-size: 1.1rem; }
nav ol { columns: 2; padding-left: 1.5rem; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem 0; font-size: 0.9rem; }
caption { text-align: left; font-weight: bold; padding: 0.3rem 0; }
th, td { border: 1px solid #999; padding: 0.2rem 0.5rem; text-align: right; vertical-align: top; }
th[scope=col] { background: #e8e8e8; }
th[scope=row], td.text, thead th:first-child { text-align: left; }
th[scope=row] { font-weight: normal; background: #f6f6f6; }
tbody tr:nth-child(even) td { background: #fafafa; }
.note { color: #444; font-size: 0.9rem; }
figure { margin: 1rem 0; page-break-inside: avoid; break-inside: avoid; }
figure svg { max-width: 100%; height: auto; display: block; border: 1px solid #ddd; }
figcaption { font-size: 0.9rem; color: #333; margin-top: 0.3rem; }
figcaption details p { margin: 0.3rem 0; }
details pre { background: #f6f6f6; border: 1px solid #ccc; padding: 0.6rem; overflow-x: auto; font-size: 0.85rem; }
footer { margin-top: 3rem; color: #555; font-size: 0.85rem; border-top: 1px solid #ccc; padding-top: 0.5rem; }
@media print { main { max-width: none; padding: 0; } nav { display: none; } h2 { break-after: avoid; }
  details pre { white-space: pre-wrap; } }
";

/// Renders `page` as one self-contained HTML document, inlining the charts from the SVG files in `dir`. Fails,
/// naming the file, when a chart's SVG is missing or not an SVG image.
pub fn render(page: &Page, dir: &Path) -> Result<String> {
    let mut out = String::with_capacity(64 * 1024);
    let title = escape(&page.title);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n\
         <meta name=\"generator\" content=\"callsim {}\" />\n<title>{title}</title>\n<style>{STYLE}</style>\n\
         </head>\n<body>\n<main>\n<header>\n<h1>{title}</h1>\n<p class=\"sub\">{}</p>\n</header>\n",
        escape(&page.about.version),
        escape(subtitle(&page.about))
    );
    if !page.warnings.is_empty() {
        out.push_str("<section class=\"warnings\" id=\"warnings\" aria-labelledby=\"warnings-title\">\n");
        let _ = writeln!(
            out,
            "<h2 id=\"warnings-title\">Warnings ({})</h2>\n<ul>",
            page.warnings.len()
        );
        for warning in &page.warnings {
            let _ = writeln!(out, "<li>{}</li>", escape(warning));
        }
        out.push_str("</ul>\n</section>\n");
    }
    if !page.headline.is_empty() {
        out.push_str("<section class=\"headline\" id=\"headline\" aria-label=\"The answer in short\">\n");
        for sentence in &page.headline {
            let _ = writeln!(out, "<p>{}</p>", escape(sentence));
        }
        out.push_str("</section>\n");
    }
    out.push_str("<nav aria-label=\"Contents\">\n<ol>\n");
    for section in &page.sections {
        let _ = writeln!(
            out,
            "<li><a href=\"#{}\">{}</a></li>",
            anchor(&section.id),
            escape(&section.title)
        );
    }
    out.push_str("<li><a href=\"#about\">What was simulated</a></li>\n</ol>\n</nav>\n");
    for section in &page.sections {
        render_section(&mut out, section, dir)?;
    }
    render_about(&mut out, &page.about);
    let _ = write!(
        out,
        "<footer>Made by callsim {} on {}. Every figure comes from the files beside this page; run the command \
         above again with the same seed for the same numbers.</footer>\n</main>\n</body>\n</html>\n",
        escape(&page.about.version),
        escape(&page.about.date)
    );
    Ok(out)
}

/// The line under the title: scenario, replications and seed.
fn subtitle(about: &About) -> String {
    let mut parts = vec![format!("scenario \u{201c}{}\u{201d}", about.scenario)];
    if let Some(r) = about.replications {
        parts.push(format!("{r} replications"));
    }
    if let Some(seed) = about.seed {
        parts.push(format!("seed {seed}"));
    }
    parts.push(format!("callsim {}", about.version));
    parts.push(about.date.clone());
    parts.join(" \u{b7} ")
}

/// An id made safe for an attribute and a fragment: letters, digits and `-`.
fn anchor(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' })
        .collect()
}

fn render_section(out: &mut String, section: &Section, dir: &Path) -> Result<()> {
    let id = anchor(&section.id);
    let _ = writeln!(
        out,
        "<section id=\"{id}\" aria-labelledby=\"{id}-title\">\n<h2 id=\"{id}-title\">{}</h2>",
        escape(&section.title)
    );
    for block in &section.blocks {
        match block {
            Block::Text { text } => {
                let _ = writeln!(out, "<p>{}</p>", escape(text));
            }
            Block::Note { text } => {
                let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(text));
            }
            Block::Table(table) => render_table(out, table),
            Block::Chart(chart) => render_chart(out, chart, dir)?,
        }
    }
    out.push_str("</section>\n");
    Ok(())
}

/// A real table: a caption, column headers `<th scope="col">`, and the first cell of each row as its header
/// `<th scope="row">`. Cells that are not numbers are aligned left.
fn render_table(out: &mut String, table: &Table) {
    let Some((header, rows)) = table.cells.split_first() else {
        return;
    };
    let _ = writeln!(
        out,
        "<table>\n<caption>{}</caption>\n<thead>\n<tr>",
        escape(&table.caption)
    );
    for cell in header {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(cell));
    }
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for (c, cell) in row.iter().enumerate() {
            if c == 0 {
                let _ = write!(out, "<th scope=\"row\">{}</th>", escape(cell));
            } else if is_number(cell) {
                let _ = write!(out, "<td>{}</td>", escape(cell));
            } else {
                let _ = write!(out, "<td class=\"text\">{}</td>", escape(cell));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// True for a cell that reads as a number (aligned right): it starts with a digit, a sign or `<`.
fn is_number(cell: &str) -> bool {
    cell.is_empty() || cell == "-" || cell.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+' || c == '<')
}

fn render_chart(out: &mut String, chart: &Chart, dir: &Path) -> Result<()> {
    let id = anchor(chart.file.trim_end_matches(".svg"));
    let svg = super::svg::inline(&dir.join(&chart.file), &id, &chart.title, &chart.description)?;
    let _ = writeln!(
        out,
        "<figure id=\"fig-{id}\">\n{svg}\n<figcaption><strong>{}</strong>\n<details>\n<summary>The chart in words</summary>\n\
         <p>{}</p>\n</details>\n</figcaption>\n</figure>",
        escape(&chart.title),
        escape(&chart.description)
    );
    Ok(())
}

/// The "what was simulated" section: a table of facts, then the scenario file folded away.
fn render_about(out: &mut String, about: &About) {
    out.push_str(
        "<section id=\"about\" aria-labelledby=\"about-title\">\n<h2 id=\"about-title\">What was simulated</h2>\n",
    );
    let mut rows: Vec<(String, String)> = vec![
        ("scenario".into(), about.scenario.clone()),
        ("scenario file".into(), about.scenario_file.clone()),
    ];
    if let Some(seed) = about.seed {
        rows.push(("seed".into(), seed.to_string()));
    }
    if let Some(r) = about.replications {
        rows.push(("replications".into(), r.to_string()));
    }
    rows.extend(about.facts.iter().cloned());
    rows.push(("command".into(), about.command.clone()));
    rows.push(("callsim version".into(), about.version.clone()));
    rows.push(("date (UTC)".into(), about.date.clone()));
    out.push_str("<table>\n<caption>The run</caption>\n<tbody>\n");
    for (name, value) in rows {
        let value = if name == "command" {
            format!("<code>{}</code>", escape(&value))
        } else {
            escape(&value).into_owned()
        };
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"text\">{value}</td></tr>",
            escape(&name)
        );
    }
    out.push_str("</tbody>\n</table>\n");
    if !about.scenario_text.is_empty() {
        let _ = writeln!(
            out,
            "<details>\n<summary>The scenario file ({} lines)</summary>\n<pre>{}</pre>\n</details>",
            about.scenario_text.lines().count(),
            escape(&about.scenario_text)
        );
    }
    out.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(blocks: Vec<Block>) -> Page {
        Page {
            format: super::super::FORMAT,
            command: "run".into(),
            title: "A <b> & \"c\"".into(),
            about: About {
                command: "callsim run 'a b.toml'".into(),
                scenario_text: "name = \"x\" # <not a tag>\n".into(),
                ..About::default()
            },
            headline: vec!["66% < 70%".into()],
            warnings: vec!["load & more".into()],
            sections: vec![Section {
                id: "s 1".into(),
                title: "T".into(),
                blocks,
            }],
        }
    }

    #[test]
    fn text_is_escaped_and_tables_have_header_cells() {
        let table = Block::Table(Table {
            caption: "c".into(),
            cells: vec![
                vec!["metric".into(), "value".into()],
                vec!["asa_s".into(), "12.50 ± 1.25".into()],
                vec!["queue".into(), "fifo".into()],
            ],
        });
        let html = render(&page(vec![table]), Path::new(".")).unwrap();
        assert!(html.contains("<title>A &lt;b&gt; &amp; &quot;c&quot;</title>"));
        assert!(html.contains("<p>66% &lt; 70%</p>"));
        assert!(html.contains("<li>load &amp; more</li>"));
        assert!(html.contains("# &lt;not a tag&gt;"));
        assert!(html.contains("<code>callsim run &apos;a b.toml&apos;</code>"));
        assert!(html.contains("<th scope=\"col\">metric</th><th scope=\"col\">value</th>"));
        assert!(html.contains("<tr><th scope=\"row\">asa_s</th><td>12.50 ± 1.25</td></tr>"));
        assert!(html.contains("<td class=\"text\">fifo</td>"));
        assert!(html.contains("<section id=\"s-1\"") && html.contains("href=\"#s-1\""));
        assert!(html.find("id=\"warnings\"").unwrap() < html.find("id=\"headline\"").unwrap());
    }

    #[test]
    fn a_missing_chart_is_an_error_naming_its_file() {
        let chart = Block::Chart(Chart {
            file: "nowhere.svg".into(),
            title: "t".into(),
            description: "d".into(),
        });
        let error = render(&page(vec![chart]), Path::new("/nonexistent-dir")).unwrap_err();
        assert!(error.to_string().contains("nowhere.svg"), "{error}");
    }
}
