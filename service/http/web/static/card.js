// One comment as a card: text with its evidence spans marked, scores, reasons, claim and outcome.
// The comment body is hostile: it is split into text nodes and <mark> elements, never parsed.
import { api } from "./api.js";
import { el, replace, time } from "./dom.js";

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

/** "toxic", "insult", "spam: link example.xyz", "messaging app": what a span is evidence of. */
function spanName(span) {
  if (span.kind !== "rule") return span.label;
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
  node.append(
    el("div", { class: "card-head" },
      el("input", { type: "checkbox", class: "pick", "aria-label": "Select for a bulk decision" }),
      el("button", { type: "button", class: "link author", "data-action": "author" }, item.author.display_name),
      item.author.id !== item.author.display_name ? el("span", { class: "muted" }, `(${item.author.id})`) : null,
      el("span", { class: "muted" }, " on "),
      el("span", { class: "article" }, item.article_id),
      el("span", { class: "muted when" }, time(item.created_at)),
      el("span", { class: "risk" }, item.risk === null ? "unscored" : `risk ${item.risk.toFixed(2)}`),
      el("span", { class: "claim", hidden: true }),
    ),
    el("blockquote", { class: "parent", hidden: true }),
    el("p", { class: "body" }, item.body),
    el("div", { class: "scores" }),
    el("ul", { class: "reasons" }, item.reasons.map((r) => el("li", { class: `reason reason-${r}` }, r))),
    el("p", { class: "conflict", role: "alert", hidden: true }),
    el("p", { class: "outcome", hidden: true }),
    el("div", { class: "card-actions" },
      el("button", { type: "button", "data-action": "approve" }, "Approve ", el("kbd", {}, "a")),
      el("button", { type: "button", "data-action": "reject" }, "Reject ", el("kbd", {}, "r")),
      el("button", { type: "button", "data-action": "spam" }, "Spam ", el("kbd", {}, "s")),
    ),
  );
  node.setAttribute("aria-label", `Comment by ${item.author.display_name}`);
  return node;
}

/** Add what the moderation view knows: evidence highlights, per-label scores, thread context. */
export function fill(node, view) {
  const comment = view.comment;
  const scores = (view.scores || {})[view.model_version] || {};
  // Only the labels that held the comment explain it; a low score's top words are noise.
  const flagged = new Set([...(view.reasons || []), ...Object.keys(scores).filter((label) => scores[label] >= 0.5)]);
  replace(node.querySelector(".body"), highlightedBody(comment.body, view.evidence, flagged));
  replace(node.querySelector(".scores"), Object.entries(scores)
    .sort((a, b) => b[1] - a[1])
    .map(([label, score]) => el("span", { class: score >= 0.5 ? "score high" : "score" },
      el("span", { class: "score-label" }, label),
      el("meter", { min: "0", max: "1", low: "0.5", high: "0.8", optimum: "0", value: String(score) }),
      el("span", { class: "score-value" }, score.toFixed(2)))));
  showRevisions(node, comment);
  const parent = node.querySelector(".parent");
  if (view.parent) {
    replace(parent, el("span", { class: "muted" }, `In reply to ${view.parent.author.display_name}: `), view.parent.body);
    parent.hidden = false;
  }
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
  for (const button of node.querySelectorAll(".card-actions button")) button.disabled = Boolean(outcome);
}
