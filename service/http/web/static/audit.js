// Ops: the append-only audit log with filters (actor, kind, comment id) and cursor paging.
import { api, showError } from "./api.js";
import { el, replace, time } from "./dom.js";
import { startPage } from "./shell.js";

let filters = {};
let cursor = null;

function row(action) {
  const link = el("button", { type: "button", class: "link", title: "Only this comment", onclick: () => filterComment(action.comment_id) }, action.comment_id.slice(0, 13));
  return el("tr", {},
    el("td", {}, time(action.created_at)),
    el("td", { class: "id" }, link),
    el("td", {}, action.kind),
    el("td", {}, action.actor || "system"),
    el("td", {}, `${action.from_status || "—"} → ${action.to_status || "—"}`),
    el("td", {}, action.reasons.join(", ")),
    el("td", {}, action.note || ""));
}

function filterComment(id) {
  const form = document.getElementById("audit-filters");
  form.elements.namedItem("comment_id").value = id;
  form.requestSubmit();
}

async function showComment(id) {
  const box = document.getElementById("audit-comment");
  if (!id) { box.replaceChildren(); return; }
  try {
    const view = await api("GET", `/v1/comments/${encodeURIComponent(id)}/moderation`);
    const c = view.comment;
    replace(box, el("article", { class: "card" },
      el("div", { class: "card-head" }, el("strong", {}, c.author.display_name), el("span", { class: "muted" }, ` (${c.author.id}) on ${c.article_id} · `), el("span", { class: `status status-${c.status}` }, c.status)),
      el("p", { class: "body" }, c.body)));
  } catch (error) {
    replace(box, el("p", { class: "muted" }, `Comment not shown: ${error.message}`));
  }
}

async function loadPage(reset) {
  if (reset) { cursor = null; document.querySelector("#audit tbody").replaceChildren(); }
  const params = new URLSearchParams({ limit: "50" });
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  if (cursor) params.set("cursor", cursor);
  const page = await api("GET", `/v1/audit?${params}`);
  cursor = page.next_cursor;
  document.querySelector("#audit tbody").append(...page.items.map(row));
  document.getElementById("audit-more").hidden = !cursor;
}

async function main() {
  await startPage();
  const form = document.getElementById("audit-filters");
  const initial = new URLSearchParams(location.search);
  for (const name of ["actor", "kind", "comment_id"]) if (initial.get(name)) form.elements.namedItem(name).value = initial.get(name);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    filters = Object.fromEntries(["actor", "kind", "comment_id"].map((k) => [k, String(data.get(k) || "").trim()]));
    history.replaceState(null, "", `?${new URLSearchParams(Object.entries(filters).filter(([, v]) => v))}`);
    Promise.all([loadPage(true), showComment(filters.comment_id)]).catch((error) => showError(error));
  });
  document.getElementById("audit-more").addEventListener("click", () => loadPage(false).catch((error) => showError(error)));
  filters = Object.fromEntries(["actor", "kind", "comment_id"].map((k) => [k, initial.get(k) || ""]));
  await Promise.all([loadPage(true), showComment(filters.comment_id)]);
  document.body.dataset.ready = "1";
}

main().catch((error) => showError(error));
