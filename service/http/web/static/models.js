// Ops: model versions, how each compares with the champion on the site's newest decisions (what
// the promotion gate reads), training with live progress, promote (forced with a reason when the
// gate refuses), roll back (when there is a version to go back to), set or remove the challenger,
// the challenger's shadow comparison and the alias history.
import { api, send, showError, toast } from "./api.js";
import { el, replace, time } from "./dom.js";
import { startPage } from "./shell.js";

const POLL_MS = 1000;
const OUTCOMES = [
  ["auto_reject_precision", "auto-reject precision"],
  ["approved_held", "approved comments held"],
  ["rejected_caught", "rejected comments caught"],
];

function fmt(value) {
  return typeof value === "number" ? value.toFixed(3) : "—";
}

function pct(value) {
  return typeof value === "number" ? `${(100 * value).toFixed(1)}%` : "—";
}

/** "0.912 [0.880, 0.940]" from a {value, low, high} estimate. */
function estimate(e, show = fmt) {
  if (!e || typeof e.value !== "number") return "—";
  return typeof e.low === "number" ? `${show(e.value)} [${show(e.low)}, ${show(e.high)}]` : show(e.value);
}

function signed(e, percent = false) {
  if (!e || typeof e.value !== "number") return "—";
  const s = (v) => `${v >= 0 ? "+" : ""}${percent ? (100 * v).toFixed(1) : v.toFixed(3)}`;
  const unit = percent ? " pts" : "";
  return typeof e.low === "number" ? `${s(e.value)} [${s(e.low)}, ${s(e.high)}]${unit}` : `${s(e.value)}${unit}`;
}

/** The gate's verdict, ROC-AUC per label and outcomes, each version at its own bands. */
function evaluationCell(evaluation) {
  if (!evaluation) return el("span", { class: "muted" }, "not compared (registered, not trained)");
  const verdict = evaluation.verdict || "not_evaluated";
  const badge = el("span", { class: `badge gate-${verdict}` }, verdict.replace("_", " "));
  const against = evaluation.champion ? [" vs ", el("code", {}, evaluation.champion)] : "";
  const d = evaluation.decisions;
  const scope = d ? `trained on the older ${d.older} decisions, judged on the newest ${d.recent}` : "";
  const why = (evaluation.why || []).map((line) => el("li", {}, line));
  const labels = Object.entries(evaluation.labels || {}).map(([label, c]) => el("tr", {},
    el("td", {}, `${label} `, el("span", { class: "term" }, "ROC-AUC")), el("td", {}, estimate(c.champion)), el("td", {}, estimate(c.candidate)),
    el("td", {}, signed(c.difference))));
  const outcomes = OUTCOMES.filter(([name]) => evaluation.outcomes && evaluation.outcomes[name]).map(([name, title]) => {
    const o = evaluation.outcomes[name];
    return el("tr", {}, el("td", {}, title), el("td", {}, estimate(o.champion, pct)),
      el("td", {}, estimate(o.candidate, pct)), el("td", {}, signed(o.difference, true)));
  });
  const table = labels.length || outcomes.length
    ? el("table", { class: "table compact" },
      el("thead", {}, el("tr", {}, ["", "Champion", "This version", "Difference"].map((h) => el("th", {}, h)))),
      el("tbody", {}, labels, outcomes))
    : null;
  return el("details", { open: verdict === "worse" ? true : null },
    el("summary", {}, badge, against, scope ? ` — ${scope}` : ""),
    why.length ? el("ul", { class: "metrics" }, why) : null, table);
}

/** ROC-AUC per dataset and label, from either metrics shape (shipped or trained). */
function metricsCell(metrics) {
  const datasets = metrics.candidate || metrics;
  if (metrics.candidate && !Object.keys(metrics.candidate).length) return el("span", { class: "muted" }, "not retrained on public data");
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
  const path = `/v1/models/${encodeURIComponent(id)}/promote`;
  try {
    const event = await api("POST", path);
    toast(event.changed ? `${id} is now the champion.` : `${id} already was the champion.`);
  } catch (error) {
    if (error.code !== "promotion-refused") { showError(error, "Promote failed:"); return; }
    const reason = window.prompt(`The promotion gate refuses: ${error.problem.detail}\n\nTo promote anyway, say why (kept in the alias history):`);
    if (!reason || !reason.trim()) return;
    try {
      await api("POST", path, { force_reason: reason.trim() });
      toast(`${id} is now the champion (forced).`);
    } catch (forced) { showError(forced, "Promote failed:"); return; }
  }
  await load();
}

/** Upload the optional labels file, start a training job, follow its progress to the end. */
async function train(event) {
  event.preventDefault();
  const form = event.target;
  const button = document.getElementById("train-start");
  button.disabled = true;
  try {
    const body = { note: form.note.value.trim() || undefined };
    const file = form.labels.files[0];
    if (file) body.labels_upload = (await send("POST", "/v1/models/uploads", file, { "Content-Type": "text/csv" })).upload_id;
    const accepted = await api("POST", "/v1/models", body);
    await follow(accepted.job_id);
  } catch (error) {
    showError(error, "Training failed:");
  } finally {
    button.disabled = false;
  }
}

async function follow(jobId) {
  const box = document.getElementById("train-progress");
  box.hidden = false;
  for (;;) {
    const job = await api("GET", `/v1/models/jobs/${encodeURIComponent(jobId)}`);
    document.getElementById("train-bar").value = job.percent;
    document.getElementById("train-stage").textContent = `${job.status} · ${job.stage || "queued"} · ${job.percent}%`;
    replace(document.getElementById("train-messages"), job.messages.map((m) => el("li", {}, m)));
    if (job.status === "finished") { toast(`Registered ${job.version_id}; compare it above before promoting.`); await load(); return; }
    if (job.status === "failed" || job.status === "stopped" || job.status === "canceled") {
      toast(`Training ${job.status}: ${job.error || "no detail"}`, { kind: "error", timeout: 15000 });
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** What can be done with a version: promote it, make it the challenger, or stop it challenging. */
function versionActions(m) {
  if (m.aliases.includes("champion")) return null;
  const challenging = m.aliases.includes("challenger");
  return [
    el("button", { type: "button", onclick: () => promote(m.id) }, "Promote"),
    challenging
      ? el("button", { type: "button", onclick: () => setChallenger(null) }, "Stop challenging")
      : el("button", { type: "button", onclick: () => setChallenger(m.id) }, "Make challenger"),
  ];
}

/** Point the challenger alias at a version (shadow scoring), or remove it (null). */
async function setChallenger(id) {
  try {
    if (id) {
      await api("POST", `/v1/models/${encodeURIComponent(id)}/challenger`);
      toast(`${id} now scores in shadow as the challenger.`);
    } else {
      await api("DELETE", "/v1/models/challenger");
      toast("No challenger: shadow scoring stopped.");
    }
    await load();
  } catch (error) { showError(error, "Challenger not changed:"); }
}

async function rollback() {
  const target = document.getElementById("rollback").dataset.target;
  if (!window.confirm(`Make ${target} the champion again? Workers switch to it within seconds.`)) return;
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

function versionId(id) {
  return id ? el("code", {}, id) : "—";
}

async function load() {
  const [models, history] = await Promise.all([api("GET", "/v1/models"), api("GET", "/v1/models/history")]);
  replace(document.querySelector("#models tbody"), models.items.map((m) => el("tr", {},
    el("td", {}, el("code", {}, m.id)),
    el("td", {}, m.aliases.map((a) => el("span", { class: `badge alias-${a}` }, a))),
    el("td", {}, time(m.created_at)),
    el("td", {}, evaluationCell(m.evaluation)),
    el("td", {}, metricsCell(m.metrics)),
    el("td", { class: "actions" }, versionActions(m)))));
  replace(document.querySelector("#history tbody"), history.items.map((e) => el("tr", {},
    el("td", {}, time(e.created_at)), el("td", {}, e.alias), el("td", {}, e.kind),
    el("td", {}, versionId(e.version_id)), el("td", {}, versionId(e.previous_version_id)), el("td", {}, e.actor || "system"),
    el("td", {}, e.reason || ""))));
  // Roll back only when there is a version to go back to (the server says which).
  const back = document.getElementById("rollback");
  back.hidden = !history.rollback_to;
  back.textContent = history.rollback_to ? `Roll back champion to ${history.rollback_to}` : "";
  back.dataset.target = history.rollback_to || "";
  const challenger = models.items.find((m) => m.aliases.includes("challenger"));
  renderShadow(challenger ? await api("GET", `/v1/models/${encodeURIComponent(challenger.id)}/shadow`) : null);
}

async function main() {
  await startPage();
  document.getElementById("rollback").addEventListener("click", rollback);
  document.getElementById("train").addEventListener("submit", train);
  await load();
  document.body.dataset.ready = "1";
}

main().catch((error) => showError(error));
