// One comment as a card: text with its evidence spans marked, scores, reasons, claim and outcome.
// The comment body is hostile: it is split into text nodes and <mark> elements, never parsed.
import { api } from "./api.js";
import { append, el, replace, time } from "./dom.js";

/** The body as text nodes, with the evidence spans of the `flagged` labels (and rule hits) marked. */
export function highlightedBody(body, evidence, flagged) {
  // Offsets are code points into the stored body; JavaScript strings count UTF-16 units.
  const chars = Array.from(body);
  const spans = evidenceSpans(evidence).filter((s) => s.kind === "rule" || flagged.has(s.label)).filter((s) => s.start >= 0 && s.end <= chars.length && s.start < s.end);
  const cuts = new Set([0, chars.length]);
  for (const span of spans) { cuts.add(span.start); cuts.add(span.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const nodes = [];
  for (let i = 0; i < points.length - 1; i += 1) {
    const [from, to] = [points[i], points[i + 1]];
    const text = chars.slice(from, to).join("");
    const covering = spans.filter((s) => s.start <= from && s.end >= to);
    if (covering.length === 0) {
      nodes.push(document.createTextNode(text));
      continue;
    }
    const labels = [...new Set(covering.map(spanName))];
    const kinds = covering.some((s) => s.kind === "rule") ? "ev ev-rule" : "ev";
    // Focusable, so a keyboard user sees the label too; the tooltip is CSS over data-label
    // (an attribute, never parsed as markup), and title gives it to assistive technology.
    nodes.push(el("mark", { class: kinds, tabindex: "0", "data-label": labels.join(" · "), title: `evidence: ${labels.join(", ")}` }, text));
  }
  return nodes;
}

// Rule names as a moderator reads them.
const SIGNALS = {
  links: "link", wallet_like: "wallet", phone_like: "phone", emails: "e-mail", messaging_apps: "messaging app",
  promised_returns: "promised return", scam_roles: "scam role",
};
// A watched word's span names the list entry it matched, so the moderator sees which one.
const WATCHED = { banned_word: "banned word", suspect_word: "suspect word" };

/** "toxic", "insult", "spam: link example.xyz", "messaging app": what a span is evidence of. */
function spanName(span) {
  if (span.kind !== "rule") return span.label;
  if (WATCHED[span.rule]) return `${WATCHED[span.rule]} “${span.detail}”`;
  const signal = [SIGNALS[span.rule] || span.rule, span.detail].filter(Boolean).join(" ");
  return span.label === span.rule ? signal : `${span.label}: ${signal}`;
}

function evidenceSpans(evidence) {
  if (!evidence) return [];
  const spans = [];
  for (const [label, list] of Object.entries(evidence.labels || {})) {
    for (const span of list) spans.push({ ...span, label });
  }
  // A rule hit a label already names (spam's link) is shown once, under that label.
  const named = new Set(spans.map((s) => `${s.start}:${s.end}:${s.rule}`));
  for (const span of evidence.rules || []) {
    if (!named.has(`${span.start}:${span.end}:${span.rule}`)) spans.push({ ...span, label: span.rule || "rule", kind: "rule" });
  }
  return spans;
}

/** A new card element for a queue item (a full Comment); details arrive later via fill(). */
export function cardElement(item) {
  const node = el("li", { class: "card", tabindex: "-1", "data-id": item.id });
  append(node, [
    el("div", { class: "card-head" },
      el("input", { type: "checkbox", class: "pick", "aria-label": "Select for a bulk decision" }),
      el("button", { type: "button", class: "link author", "data-action": "author" }, item.author.display_name),
      item.author.id !== item.author.display_name ? el("span", { class: "muted" }, `(${item.author.id})`) : null,
      el("span", { class: "muted" }, " on "),
      el("button", { type: "button", class: "link article", "data-action": "article", title: "Article settings" }, item.article_id),
      el("span", { class: "muted when" }, time(item.created_at)),
      el("span", { class: "risk" }, item.risk === null ? "unscored" : `risk ${item.risk.toFixed(2)}`),
      el("span", { class: "claim", hidden: true }),
    ),
    el("blockquote", { class: "parent", hidden: true }),
    el("p", { class: "body", id: `body-${item.id}` }, item.body),
    isLong(item.body) ? el("button", { type: "button", class: "link expand", "data-action": "expand", "aria-expanded": "false", "aria-controls": `body-${item.id}` }, expandLabel(item.body, false)) : null,
    el("div", { class: "scores" }),
    el("ul", { class: "reasons" }, item.reasons.map(reasonChip)),
    el("details", { class: "reports", hidden: true }),
    el("p", { class: "conflict", role: "alert", hidden: true }),
    el("p", { class: "outcome", hidden: true }),
    el("div", { class: "card-actions" },
      el("button", { type: "button", "data-action": "approve" }, "Approve ", el("kbd", {}, "a")),
      el("button", { type: "button", "data-action": "reject" }, "Reject ", el("kbd", {}, "r")),
      el("button", { type: "button", "data-action": "spam" }, "Spam ", el("kbd", {}, "s")),
      el("button", { type: "button", "data-action": "dismiss", class: "dismiss", hidden: true }, "Dismiss reports ", el("kbd", {}, "d")),
    ),
  ]);
  node.setAttribute("aria-label", `Comment by ${item.author.display_name}`);
  node.classList.toggle("long", isLong(item.body));
  return node;
}

// A comment this long shows its first lines until expanded: a 10,000-character comment would
// otherwise fill several screens and push every other card out of sight.
const LONG_CHARS = 600;
const LONG_LINES = 8;

function isLong(body) {
  return body.length > LONG_CHARS || body.split("\n").length > LONG_LINES;
}

function expandLabel(body, expanded) {
  return expanded ? "Show less" : `Show all (${Array.from(body).length.toLocaleString()} characters)`;
}

/** Expand or collapse a long comment's text (the card's "Show all" button, or the e key). */
export function toggleExpanded(node) {
  const button = node.querySelector(".expand");
  if (!button) return;
  const expanded = node.classList.toggle("expanded");
  button.setAttribute("aria-expanded", String(expanded));
  button.textContent = expandLabel(node.querySelector(".body").textContent, expanded);
}

function reasonChip(reason) {
  return el("li", { class: `reason reason-${reason}` }, reason);
}

/** The reasons: the comment's own, and, once a moderator's decision replaced them, the
 * system's original ones beside them, each group named. */
export function showReasons(node, current, system) {
  const list = node.querySelector(".reasons");
  const same = current.length === system.length && current.every((r) => system.includes(r));
  if (!system.length || same) {
    replace(list, current.map(reasonChip));
    return;
  }
  replace(list,
    el("li", { class: "reason-group" }, "system:"), system.map(reasonChip),
    current.length ? [el("li", { class: "reason-group" }, "moderator:"), current.map(reasonChip)] : null);
}

/** Readers' reports: how many, and each one's reason, note, weight and, once judged, state
 * (reader-written: text only). "Dismiss reports" shows while any is open. */
export function showReports(node, reports) {
  const box = node.querySelector(".reports");
  const open = reports.filter((r) => (r.state || "open") === "open");
  node.querySelector(".card-actions .dismiss").hidden = !open.length;
  box.hidden = !reports.length;
  if (!reports.length) return;
  box.open = true;
  const count = reports.length === 1 ? "1 report" : `${reports.length} reports`;
  const judged = reports.length - open.length;
  replace(box,
    el("summary", {}, judged ? `${count} (${open.length} open)` : count),
    el("ol", {}, reports.map(reportItem)));
}

function reportItem(report) {
  const state = report.state || "open";
  const weight = typeof report.weight === "number" ? report.weight : 1;
  return el("li", { class: `report report-${state}` },
    el("span", { class: "reason" }, report.reason), report.note ? ` ${report.note}` : "", " ",
    state !== "open" ? el("span", { class: "report-state" }, state) : null, state !== "open" ? " " : "",
    // How much this reader's word counts: 1 for a reader never judged (threshold units).
    el("span", { class: "muted report-weight", title: "reporter's weight: how often their reports were upheld (1 for a new reporter)" }, `weight ${weight.toFixed(1)}`), " ",
    el("span", { class: "muted" }, time(report.created_at)));
}

// Scores below this and not among the reasons say nothing about this card: they wait behind
// "more scores" so that a card is a few lines, not seven bars.
const SCORE_SHOWN = 0.2;

function scoreRow([label, score]) {
  return el("span", { class: score >= 0.5 ? "score high" : "score" },
    el("span", { class: "score-label" }, label),
    el("meter", { min: "0", max: "1", low: "0.5", high: "0.8", optimum: "0", value: String(score) }),
    el("span", { class: "score-value" }, score.toFixed(2)));
}

function showScores(node, scores, reasons) {
  const ranked = Object.entries(scores).sort((a, b) => b[1] - a[1]);
  const matters = ([label, score]) => score >= SCORE_SHOWN || reasons.includes(label);
  const shown = ranked.filter(matters);
  const rest = ranked.filter((entry) => !matters(entry));
  replace(node.querySelector(".scores"), shown.map(scoreRow),
    rest.length ? el("details", { class: "more-scores" },
      el("summary", {}, shown.length ? `${rest.length} more` : `${rest.length} scores, all below ${SCORE_SHOWN}`),
      el("span", { class: "more-list" }, rest.map(scoreRow))) : null);
}

/** Add what the moderation view knows: evidence highlights, per-label scores, thread context. */
export function fill(node, view) {
  const comment = view.comment;
  const scores = (view.scores || {})[view.model_version] || {};
  // Only the labels that held the comment explain it; a low score's top words are noise.
  const flagged = new Set([...(view.reasons || []), ...Object.keys(scores).filter((label) => scores[label] >= 0.5)]);
  replace(node.querySelector(".body"), highlightedBody(comment.body, view.evidence, flagged));
  showEvidenceNotes(node, (view.evidence && view.evidence.notes) || []);
  showScores(node, scores, view.reasons || []);
  showReasons(node, comment.reasons || [], view.system_reasons || []);
  showLanguage(node, view.evidence);
  showReports(node, view.reports || []);
  showRevisions(node, comment);
  if (view.article !== undefined) showArticle(node, view.article);
  const parent = node.querySelector(".parent");
  if (view.parent) {
    replace(parent, el("span", { class: "muted" }, `In reply to ${view.parent.author.display_name}: `), view.parent.body);
    parent.hidden = false;
  }
}

/** A language hold's chip names the language found and how sure the identifier was. */
function showLanguage(node, evidence) {
  const found = evidence && evidence.language;
  const chip = node.querySelector(".reason-unsupported_language");
  if (!found || !chip) return;
  const percent = (found.confidence * 100).toFixed(1);
  chip.textContent = `unsupported language: ${found.code} (${percent}%)`;
  chip.title = `identified as ${found.code}, ${percent}% sure, in ${found.letters} letters: the model was not trained on it, so its scores say little`;
}

/** What a check could not do (the watched-word check ran out of time), said on the card. */
function showEvidenceNotes(node, notes) {
  let box = node.querySelector(".evidence-notes");
  if (!notes.length) {
    if (box) box.remove();
    return;
  }
  if (!box) {
    box = el("ul", { class: "evidence-notes" });
    node.querySelector(".body").after(box);
  }
  replace(box, notes.map((note) => el("li", {}, note)));
}

/** What the card's article asks of its comments (premoderated, links held, closed), if anything. */
function showArticle(node, article) {
  node.querySelector(".article-flags")?.remove();
  const flags = [["premoderate", "article premoderated"], ["premoderate_links", "article holds links"], ["closed", "article closed"]]
    .filter(([name]) => article && article[name]);
  if (!flags.length) return;
  node.querySelector(".card-head .article").after(el("span", { class: "article-flags" },
    flags.map(([name, label]) => el("span", { class: `badge article-${name}` }, label))));
}

/** For an edited comment: "edited (revision N)", with the changes loaded when opened. */
function showRevisions(node, comment) {
  if (!comment.revision || comment.revision < 2 || node.querySelector(".revisions")) return;
  const diff = el("pre", { class: "diff" });
  const box = el("details", { class: "revisions" }, el("summary", {}, `edited (revision ${comment.revision}): show changes`), diff);
  box.addEventListener("toggle", async () => {
    if (!box.open || diff.textContent) return;
    const found = await api("GET", `/v1/comments/${encodeURIComponent(comment.id)}/revisions`);
    // Reader-written text: set as text, never parsed.
    diff.textContent = found.diffs.map((d) => d.diff).join("\n\n") || "no changes";
  });
  node.querySelector(".body").after(box);
}

/** Show who holds a claim on the card (null clears it). */
export function showClaim(node, holder, until, me) {
  const badge = node.querySelector(".claim");
  node.classList.toggle("claimed-other", Boolean(holder) && holder !== me);
  node.classList.toggle("claimed-mine", holder === me);
  badge.hidden = !holder;
  badge.textContent = !holder ? "" : holder === me ? "yours" : `claimed by ${holder}`;
  if (until) badge.title = `until ${until}`;
}

/** A visible conflict message on the card (null hides it). */
export function showConflict(node, message) {
  const box = node.querySelector(".conflict");
  box.textContent = message || "";
  box.hidden = !message;
}

/** Mark the card decided (or open again when outcome is null). */
export function showOutcome(node, outcome) {
  const box = node.querySelector(".outcome");
  box.textContent = outcome || "";
  box.hidden = !outcome;
  node.classList.toggle("decided", Boolean(outcome));
  if (!outcome) node.classList.remove("settled");
  for (const button of node.querySelectorAll(".card-actions button")) button.disabled = Boolean(outcome);
}
