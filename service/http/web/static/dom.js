// Building DOM nodes from data. Text only ever goes in through text nodes: comments, names and
// notes are hostile input, so nothing here (or anywhere in the UI) assigns innerHTML.

/** Make an element: attrs are set with setAttribute (or as properties for on* handlers). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else if (name === "dataset") {
      Object.assign(node.dataset, value);
    } else {
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(node, children);
  return node;
}

/** Append children: strings become text nodes, arrays are flattened, null is skipped. */
export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replace every child of a node. */
export function replace(node, ...children) {
  node.replaceChildren();
  return append(node, children);
}

/** "3 min ago" style age from seconds. */
export function age(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.round(s / 60)}m`;
  if (s < 86400) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

/** "3 min ago": how long ago an ISO timestamp was, for a reader; "in 2 min" for the future. */
export function relative(iso, now = Date.now()) {
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  const s = Math.abs(seconds);
  const [n, unit] = s < 45 ? [0, "now"] : s < 3600 ? [Math.round(s / 60), "min"]
    : s < 86400 ? [Math.round(s / 3600), "h"] : [Math.round(s / 86400), "d"];
  if (unit === "now") return "just now";
  return seconds >= 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
}

/** A timestamp shown relative ("3 min ago"), with the local absolute time as its title and the
 * ISO value in datetime; refreshTimes() keeps the relative text current. */
export function time(iso) {
  if (!iso) return el("span", {}, "—");
  return el("time", { datetime: iso, title: new Date(iso).toLocaleString(), "data-relative": "" }, relative(iso));
}

/** Bring every relative time on the page up to date (called once a minute). */
export function refreshTimes(root = document) {
  const now = Date.now();
  for (const node of root.querySelectorAll("time[data-relative]")) node.textContent = relative(node.dateTime, now);
}

/** Seconds since an ISO timestamp. */
export function secondsSince(iso) {
  return (Date.now() - new Date(iso).getTime()) / 1000;
}
