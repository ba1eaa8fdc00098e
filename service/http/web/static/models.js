// Ops: model versions with their metrics, the challenger's shadow comparison, promote/rollback.
import { api, showError, toast } from "./api.js";
import { el, replace, time } from "./dom.js";
import { startPage } from "./shell.js";

function fmt(value) {
  return typeof value === "number" ? value.toFixed(3) : "—";
}

/** ROC-AUC per dataset and label, from either metrics shape (shipped or trained). */
function metricsCell(metrics) {
  const datasets = metrics.candidate || metrics;
  const rows = [];
  const values = [];
  for (const [dataset, labels] of Object.entries(datasets || {})) {
    if (!labels || typeof labels !== "object") continue;
    for (const [label, m] of Object.entries(labels)) {
      if (!m || typeof m !== "object" || !("roc_auc" in m)) continue;
      rows.push(el("li", {}, `${dataset} · ${label}: ${fmt(m.roc_auc)}`));
      if (typeof m.roc_auc === "number") values.push(m.roc_auc);
    }
  }
  if (!rows.length) return el("span", { class: "muted" }, "none");
  const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
  const summary = `mean ${fmt(mean)}, min ${fmt(values.length ? Math.min(...values) : null)} over ${rows.length}`;
  return el("details", {}, el("summary", {}, summary), el("ul", { class: "metrics" }, rows));
}

async function promote(id) {
  if (!window.confirm(`Make ${id} the champion? Workers switch to it within seconds.`)) return;
  try {
    const event = await api("POST", `/v1/models/${encodeURIComponent(id)}/promote`);
    toast(event.changed ? `${id} is now the champion.` : `${id} already was the champion.`);
    await load();
  } catch (error) { showError(error, "Promote failed:"); }
}

async function rollback() {
  if (!window.confirm("Move the champion back to the previous version?")) return;
  try {
    const event = await api("POST", "/v1/models/rollback");
    toast(`Champion rolled back to ${event.version_id}.`);
    await load();
  } catch (error) { showError(error, "Rollback failed:"); }
}

function renderShadow(comparison) {
  const box = document.getElementById("shadow");
  if (!comparison) { replace(box, el("p", { class: "muted" }, "No challenger is set: nothing runs in shadow.")); return; }
  const labels = Object.entries(comparison.labels).map(([label, c]) => el("tr", {},
    el("td", {}, label), el("td", {}, String(c.positives)),
    el("td", {}, fmt(c.champion.precision)), el("td", {}, fmt(c.champion.recall)),
    el("td", {}, fmt(c.challenger.precision)), el("td", {}, fmt(c.challenger.recall))));
  replace(box,
    el("p", {}, `Challenger ${comparison.challenger} vs champion ${comparison.champion}: ${comparison.compared} moderator-decided comment${comparison.compared === 1 ? "" : "s"} compared, agreement ${fmt(comparison.agreement)}.`),
    el("p", {}, `Verdicts changed: ${comparison.changed.total} (${comparison.changed.toward_moderator} toward the moderators, ${comparison.changed.away_from_moderator} away).`),
    el("div", { class: "table-wrap" }, el("table", { class: "table" },
      el("thead", {}, el("tr", {}, ["Label", "Positives", "Champion precision", "Champion recall", "Challenger precision", "Challenger recall"].map((h) => el("th", {}, h)))),
      el("tbody", {}, labels))));
}

async function load() {
  const [models, history] = await Promise.all([api("GET", "/v1/models"), api("GET", "/v1/models/history")]);
  replace(document.querySelector("#models tbody"), models.items.map((m) => el("tr", {},
    el("td", {}, el("code", {}, m.id)),
    el("td", {}, m.aliases.map((a) => el("span", { class: `badge alias-${a}` }, a))),
    el("td", {}, time(m.created_at)),
    el("td", {}, metricsCell(m.metrics)),
    el("td", {}, m.aliases.includes("champion") ? "" : el("button", { type: "button", onclick: () => promote(m.id) }, "Promote")))));
  replace(document.querySelector("#history tbody"), history.items.map((e) => el("tr", {},
    el("td", {}, time(e.created_at)), el("td", {}, e.alias), el("td", {}, e.kind),
    el("td", {}, e.version_id || "—"), el("td", {}, e.previous_version_id || "—"), el("td", {}, e.actor || "system"))));
  const challenger = models.items.find((m) => m.aliases.includes("challenger"));
  renderShadow(challenger ? await api("GET", `/v1/models/${encodeURIComponent(challenger.id)}/shadow`) : null);
}

async function main() {
  await startPage();
  document.getElementById("rollback").addEventListener("click", rollback);
  await load();
  document.body.dataset.ready = "1";
}

main().catch((error) => showError(error));
