// Moderators: the appeals queue. Each card shows the comment, the rejection it contests (who
// decided, the reasons, the statement the site received) and the author's appeal; a moderator
// upholds or overturns it with an optional reply that reaches the site.
import { api, ApiError, showError, toast } from "./api.js";
import { el, replace, time } from "./dom.js";
import { startPage } from "./shell.js";

const DONE = { upheld: "Upheld: the rejection stands.", overturned: "Overturned: the comment is published." };
let session = null;
let status = "open";
let cursor = null;

function decidedBy(original) {
  if (!original.decided_by) return "the system (automatic)";
  return original.decided_by === session.username ? "you" : original.decided_by;
}

function statement(original) {
  const s = original.statement;
  if (!s) return el("p", { class: "muted" }, "No statement of reasons on record.");
  return el("div", { class: "statement" }, el("span", { class: "reason-group" }, "told the author: "),
    el("span", { class: "reason" }, s.code), " ", el("span", {}, s.explanation));
}

function card(item) {
  const original = item.original;
  const own = original.decided_by === session.username;
  const outcome = el("p", { class: "outcome", role: "status" });
  const reply = el("input", { name: "reply", maxlength: "1000", autocomplete: "off", placeholder: "Reply to the author (optional)" });
  const node = el("li", { class: "card appeal", "data-appeal": item.id, tabindex: "-1" },
    el("div", { class: "card-head" },
      el("span", { class: "author" }, item.comment.author.display_name),
      el("span", { class: "article" }, item.comment.article_id),
      el("span", { class: `status status-${item.comment.status}` }, item.comment.status),
      el("span", { class: "muted" }, "appealed "), time(item.filed_at)),
    el("p", { class: "body" }, item.comment.body),
    el("div", { class: "original" },
      el("h3", {}, "Original decision"),
      el("p", {}, `${original.status} by ${decidedBy(original)} `, time(original.decided_at)),
      el("ul", { class: "reasons" }, el("li", { class: "reason-group" }, "reasons:"),
        original.reasons.map((r) => el("li", { class: "reason" }, r))),
      statement(original)),
    el("div", { class: "appeal-text" }, el("h3", {}, "The author's appeal"), el("p", { class: "body" }, item.text)),
    own ? el("p", { class: "conflict" }, "You made the original decision: in a team, another moderator decides this appeal.") : null,
    item.status === "open" ? el("div", { class: "card-actions" },
      el("label", {}, "Reply ", reply),
      el("button", { type: "button", "data-outcome": "upheld", onclick: () => decide(item, "upheld", reply, node, outcome) }, "Uphold"),
      el("button", { type: "button", class: "primary", "data-outcome": "overturned", onclick: () => decide(item, "overturned", reply, node, outcome) }, "Overturn and publish"))
      : el("p", {}, `${item.status} by ${item.decided_by} `, time(item.decided_at), item.reply ? ` — “${item.reply}”` : ""),
    outcome);
  return node;
}

async function decide(item, outcome, reply, node, box) {
  const body = { outcome };
  const text = reply.value.trim();
  if (text) body.reply = text;
  for (const button of node.querySelectorAll("button")) button.disabled = true;
  try {
    await api("POST", `/v1/appeals/${item.id}/decision`, body);
    node.classList.add("decided");
    box.classList.remove("conflict");
    box.textContent = DONE[outcome];
    toast(DONE[outcome]);
  } catch (error) {
    for (const button of node.querySelectorAll("button")) button.disabled = false;
    if (!(error instanceof ApiError)) throw error;
    box.classList.add("conflict");
    box.textContent = `Not saved: ${error.problem.title || error.message}${error.problem.detail ? ` — ${error.problem.detail}` : ""}`;
  }
}

async function loadPage(reset) {
  const list = document.getElementById("appeal-cards");
  if (reset) { cursor = null; list.replaceChildren(); }
  const params = new URLSearchParams({ status, limit: "25" });
  if (cursor) params.set("cursor", cursor);
  const page = await api("GET", `/v1/appeals?${params}`);
  cursor = page.next_cursor;
  list.append(...page.items.map(card));
  document.getElementById("appeals-empty").hidden = list.children.length > 0;
  document.getElementById("appeals-more").hidden = !cursor;
}

async function main() {
  session = await startPage();
  const form = document.getElementById("appeal-filters");
  form.elements.namedItem("status").addEventListener("change", (event) => {
    status = event.target.value;
    loadPage(true).catch((error) => showError(error));
  });
  document.getElementById("appeals-more").addEventListener("click", () => loadPage(false).catch((error) => showError(error)));
  await loadPage(true);
  document.body.dataset.ready = "1";
}

main().catch((error) => showError(error));
