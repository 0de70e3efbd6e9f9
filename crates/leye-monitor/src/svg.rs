//! Small SVG charts written by hand (no JavaScript, no CDN: a report opens anywhere and prints):
//! a line chart of months, a bar chart of regions and progress bars of targets. Every number
//! drawn is also written as text in the chart, so a test can read it back. Titles, legends and
//! labels are data (names of indicators, regions, targets) and carry `lang="zh"`.

use std::fmt::Write;

/// Escape text for XML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const COLOURS: [&str; 4] = ["#1f6feb", "#d9480f", "#2b8a3e", "#7048e8"];
const FONT: &str =
    "font-family=\"'Noto Sans CJK SC','WenQuanYi Micro Hei','Microsoft YaHei',sans-serif\"";

/// A series of a line chart: a name and one value per label (`None`: no figure).
pub struct Series<'a> {
    pub name: &'a str,
    pub values: Vec<Option<f64>>,
}

fn nice_max(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * p >= v {
            return m * p;
        }
    }
    10.0 * p
}

fn fmt_num(v: f64, decimals: usize) -> String {
    format!("{v:.decimals$}")
}

/// A line chart: `labels` along the bottom, one line per series; values printed at points.
pub fn line_chart(
    title: &str,
    labels: &[String],
    series: &[Series<'_>],
    decimals: usize,
) -> String {
    let (w, h, left, right, top, bottom) = (720.0, 300.0, 60.0, 20.0, 40.0, 50.0);
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .fold(0f64, |a, b| a.max(*b));
    let min = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .fold(0f64, |a, b| a.min(*b));
    let top_v = nice_max(max);
    let span = top_v - min.min(0.0);
    let n = labels.len().max(1);
    let x = |i: usize| left + (w - left - right) * (i as f64 + 0.5) / n as f64;
    let y = |v: f64| top + (h - top - bottom) * (1.0 - (v - min.min(0.0)) / span);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" {FONT} font-size="12"><title>{}</title>"#,
        esc(title)
    );
    let _ = write!(
        s,
        r#"<text x="{left}" y="22" font-size="15" font-weight="bold" lang="zh">{}</text>"#,
        esc(title)
    );
    for k in 0..=4 {
        let v = min.min(0.0) + span * f64::from(k) / 4.0;
        let yy = y(v);
        let _ = write!(
            s,
            r##"<line x1="{left}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="#ddd"/><text x="{}" y="{:.1}" text-anchor="end" fill="#555">{}</text>"##,
            w - right,
            left - 6.0,
            yy + 4.0,
            fmt_num(v, decimals)
        );
    }
    for (i, l) in labels.iter().enumerate() {
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{}" text-anchor="middle" fill="#555">{}</text>"##,
            x(i),
            h - bottom + 18.0,
            esc(l)
        );
    }
    for (k, ser) in series.iter().enumerate() {
        let c = COLOURS[k % COLOURS.len()];
        let pts: Vec<String> = ser
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x(i), y(v))))
            .collect();
        let _ = write!(
            s,
            r#"<polyline fill="none" stroke="{c}" stroke-width="2" points="{}"/>"#,
            pts.join(" ")
        );
        for (i, v) in ser.values.iter().enumerate() {
            if let Some(v) = v {
                let _ = write!(
                    s,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{c}"/><text class="value" x="{:.1}" y="{:.1}" text-anchor="middle" fill="{c}" font-size="10">{}</text>"#,
                    x(i),
                    y(*v),
                    x(i),
                    y(*v) - 7.0,
                    fmt_num(*v, decimals)
                );
            }
        }
        let _ = write!(
            s,
            r#"<rect x="{}" y="{}" width="12" height="4" fill="{c}"/><text x="{}" y="{}" lang="zh">{}</text>"#,
            left + 140.0 * k as f64,
            h - 14.0,
            left + 16.0 + 140.0 * k as f64,
            h - 9.0,
            esc(ser.name)
        );
    }
    s.push_str("</svg>");
    s
}

/// A horizontal bar chart: one bar per label with its value printed.
pub fn bar_chart(title: &str, bars: &[(String, f64)], decimals: usize, suffix: &str) -> String {
    let row = 26.0;
    let (w, left, right, top) = (720.0, 150.0, 80.0, 40.0);
    let h = top + row * bars.len().max(1) as f64 + 10.0;
    let max = nice_max(bars.iter().fold(0f64, |a, (_, v)| a.max(*v)));
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" {FONT} font-size="12"><title>{}</title><text x="10" y="22" font-size="15" font-weight="bold" lang="zh">{}</text>"#,
        esc(title),
        esc(title)
    );
    for (i, (label, v)) in bars.iter().enumerate() {
        let yy = top + row * i as f64;
        let bw = ((w - left - right) * v.max(0.0) / max).max(0.0);
        let _ = write!(
            s,
            r##"<text x="{}" y="{:.1}" text-anchor="end" lang="zh">{}</text><rect x="{left}" y="{:.1}" width="{bw:.1}" height="16" fill="#1f6feb"/><text class="value" x="{:.1}" y="{:.1}">{}{}</text>"##,
            left - 8.0,
            yy + 13.0,
            esc(label),
            yy + 2.0,
            left + bw + 6.0,
            yy + 13.0,
            fmt_num(*v, decimals),
            esc(suffix)
        );
    }
    s.push_str("</svg>");
    s
}

/// Progress bars: (label, share done in %, text shown, on track?).
pub fn progress_bars(title: &str, rows: &[(String, f64, String, bool)]) -> String {
    let row = 30.0;
    let (w, left, right, top) = (720.0, 200.0, 170.0, 40.0);
    let h = top + row * rows.len().max(1) as f64 + 10.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" {FONT} font-size="12"><title>{}</title><text x="10" y="22" font-size="15" font-weight="bold" lang="zh">{}</text>"#,
        esc(title),
        esc(title)
    );
    let full = w - left - right;
    for (i, (label, pct, text, ok)) in rows.iter().enumerate() {
        let yy = top + row * i as f64;
        let bw = full * pct.clamp(0.0, 100.0) / 100.0;
        let c = if *ok { "#2b8a3e" } else { "#d9480f" };
        let _ = write!(
            s,
            r##"<text x="{}" y="{:.1}" text-anchor="end" lang="zh">{}</text><rect x="{left}" y="{:.1}" width="{full:.1}" height="16" fill="#eee"/><rect x="{left}" y="{:.1}" width="{bw:.1}" height="16" fill="{c}"/><text class="value" x="{:.1}" y="{:.1}">{}</text>"##,
            left - 8.0,
            yy + 13.0,
            esc(label),
            yy + 2.0,
            yy + 2.0,
            left + full + 6.0,
            yy + 13.0,
            esc(text)
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_escape_text_and_print_their_numbers() {
        let s = line_chart(
            "新增<就业>",
            &["2026-01".into(), "2026-02".into()],
            &[Series {
                name: "吴兴区 & 南浔区",
                values: vec![Some(12.0), None],
            }],
            0,
        );
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
        assert!(s.contains("新增&lt;就业&gt;") && s.contains("吴兴区 &amp; 南浔区"));
        assert!(s.contains(">12</text>"));
        let b = bar_chart("登记失业率", &[("吴兴区".into(), 3.25)], 2, "%");
        assert!(b.contains(">3.25%</text>"));
        let p = progress_bars(
            "目标",
            &[("城镇新增就业".into(), 140.0, "超额".into(), true)],
        );
        assert!(
            p.contains("width=\"350.0\""),
            "a share over 100% is drawn full: {p}"
        );
    }

    #[test]
    fn scale_tops_are_round() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(3.2), 5.0);
        assert_eq!(nice_max(1234.0), 2000.0);
    }
}
