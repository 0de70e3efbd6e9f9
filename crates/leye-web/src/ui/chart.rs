//! Charts as SVG generated on the server: they print, and need no script.

/// Escape text for XML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A horizontal bar chart of labelled counts.
pub fn bar_chart(rows: &[(String, i64)], unit: &str) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let max = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1);
    let (label_w, bar_w, row_h) = (110.0, 420.0, 30.0);
    let height = rows.len() as f64 * row_h + 10.0;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {w} {height}" width="{w}" height="{height}" font-size="14">"#,
        w = label_w + bar_w + 90.0
    );
    for (i, (label, n)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 5.0;
        let w = (*n as f64 / max as f64) * bar_w;
        s.push_str(&format!(
            r##"<text x="{tx}" y="{ty}" text-anchor="end">{label}</text><rect x="{label_w}" y="{y}" width="{w:.1}" height="20" fill="#1f5fa8"><title>{label} {n}{unit}</title></rect><text x="{vx:.1}" y="{ty}">{n}{unit}</text>"##,
            tx = label_w - 8.0,
            ty = y + 15.0,
            label = esc(label),
            vx = label_w + w + 6.0,
            unit = esc(unit),
        ));
    }
    s.push_str("</svg>");
    s
}
