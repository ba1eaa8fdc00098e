// Small SVG charts, team-written: a stacked bar chart over time and a grouped bar chart.
// Labels are text nodes in <text> elements; colours come from CSS classes (style-src 'self').
const NS = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, text = null) {
  const node = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

/** The axis top: four grid steps of 1, 2 or 5 times a power of ten. */
function niceMax(value) {
  const raw = Math.max(value, 4) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw);
  return step * 4;
}

function axis(root, max, left, top, height, width) {
  for (let i = 0; i <= 4; i += 1) {
    const value = (max * i) / 4;
    const y = top + height - (height * i) / 4;
    root.append(svg("line", { x1: left, x2: left + width, y1: y, y2: y, class: "grid" }));
    root.append(svg("text", { x: left - 6, y: y + 4, class: "tick", "text-anchor": "end" }, String(Math.round(value))));
  }
}

function legend(root, series, x, y) {
  series.forEach((s, i) => {
    root.append(svg("rect", { x: x + i * 110, y, width: 12, height: 12, class: s.className }));
    root.append(svg("text", { x: x + i * 110 + 18, y: y + 11, class: "legend" }, s.label));
  });
}

/**
 * A stacked bar chart: rows are [{label, values: {key: n}}], series [{key, label, className}].
 * Returns an <svg> element sized by its viewBox (it scales with its container).
 */
export function stackedBars(rows, series, { title = "", tickEvery = 1 } = {}) {
  const [width, height, left, top, bottom] = [720, 280, 44, 30, 40];
  const plotW = width - left - 10;
  const plotH = height - top - bottom;
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title, class: "chart-svg" });
  root.append(svg("title", {}, title));
  const totals = rows.map((r) => series.reduce((sum, s) => sum + (r.values[s.key] || 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  axis(root, max, left, top, plotH, plotW);
  const slot = plotW / Math.max(rows.length, 1);
  const barW = Math.max(2, slot * 0.7);
  rows.forEach((row, i) => {
    let y = top + plotH;
    const x = left + i * slot + (slot - barW) / 2;
    for (const s of series) {
      const h = ((row.values[s.key] || 0) / max) * plotH;
      if (h > 0) {
        const rect = svg("rect", { x, y: y - h, width: barW, height: h, class: s.className });
        rect.append(svg("title", {}, `${row.label}: ${row.values[s.key]} ${s.label}`));
        root.append(rect);
      }
      y -= h;
    }
    if (i % tickEvery === 0) root.append(svg("text", { x: x + barW / 2, y: top + plotH + 16, class: "tick", "text-anchor": "middle" }, row.label));
  });
  legend(root, series, left, 6);
  return root;
}

/** A horizontal bar chart: rows [{label, values}] with series stacked left to right. */
export function horizontalBars(rows, series, { title = "" } = {}) {
  const rowH = 28;
  const [width, left, top] = [720, 140, 30];
  const height = top + rows.length * rowH + 10;
  const plotW = width - left - 50;
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title, class: "chart-svg" });
  root.append(svg("title", {}, title));
  const totals = rows.map((r) => series.reduce((sum, s) => sum + (r.values[s.key] || 0), 0));
  const max = Math.max(1, ...totals);
  rows.forEach((row, i) => {
    const y = top + i * rowH;
    root.append(svg("text", { x: left - 8, y: y + 17, class: "tick", "text-anchor": "end" }, row.label));
    let x = left;
    for (const s of series) {
      const w = ((row.values[s.key] || 0) / max) * plotW;
      if (w > 0) {
        const rect = svg("rect", { x, y: y + 4, width: w, height: rowH - 10, class: s.className });
        rect.append(svg("title", {}, `${row.label}: ${row.values[s.key]} ${s.label}`));
        root.append(rect);
      }
      x += w;
    }
    root.append(svg("text", { x: x + 6, y: y + 17, class: "tick" }, String(totals[i])));
  });
  legend(root, series, left, 6);
  return root;
}
