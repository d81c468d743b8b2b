//! Inlining a chart's SVG file into the page: the file's own `<svg>` element (the XML prolog and the SVG
//! namespace declaration dropped, as HTML needs neither), marked as an image labelled by a `<title>` and a
//! `<desc>` of its own.

use std::path::Path;

use quick_xml::escape::escape;

use crate::error::{Error, Result};

/// The namespace attribute plotters writes; inline SVG in HTML takes its namespace from the element's name.
const NAMESPACE: &str = " xmlns=\"http://www.w3.org/2000/svg\"";

/// The SVG element of the file at `path`, ready to sit in the page: `role="img"`, labelled by a `<title>` and
/// described by a `<desc>` with ids starting `id`. Fails, naming the file, when it cannot be read or holds no
/// `<svg>` element.
pub fn inline(path: &Path, id: &str, title: &str, description: &str) -> Result<String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::io(
            path,
            format!("cannot read the chart for the report (it is written with the command's other files): {e}"),
        )
    })?;
    with_labels(&text, id, title, description).ok_or_else(|| Error::io(path, "not an SVG image: no <svg> element"))
}

/// [`inline`] on the file's text; `None` without an `<svg ...>` start tag.
fn with_labels(text: &str, id: &str, title: &str, description: &str) -> Option<String> {
    let start = text.find("<svg")?;
    let end = start + text[start..].find('>')?;
    let open = &text[start..end];
    let self_closed = open.ends_with('/');
    let open = open.trim_end_matches('/').replace(NAMESPACE, "");
    let labels = format!(
        "<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(description)
    );
    let head = format!("{open} role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\n{labels}\n");
    if self_closed {
        return Some(format!("{head}</svg>"));
    }
    Some(format!("{head}{}", text[end + 1..].trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_namespace_and_prolog_go_and_the_labels_come_first() {
        let file = "<?xml version=\"1.0\"?>\n<svg width=\"10\" height=\"5\" viewBox=\"0 0 10 5\" \
                    xmlns=\"http://www.w3.org/2000/svg\">\n<rect x=\"0\"/>\n</svg>\n";
        let inlined = with_labels(file, "c", "A & B", "x < y").unwrap();
        assert_eq!(
            inlined,
            "<svg width=\"10\" height=\"5\" viewBox=\"0 0 10 5\" role=\"img\" aria-labelledby=\"c-title c-desc\">\n\
             <title id=\"c-title\">A &amp; B</title>\n<desc id=\"c-desc\">x &lt; y</desc>\n<rect x=\"0\"/>\n</svg>"
        );
        assert!(!inlined.contains("http"));
        assert_eq!(with_labels("<p>no chart</p>", "c", "t", "d"), None);
    }
}
