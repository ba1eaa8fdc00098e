// Ops: decisions per hour (automatic vs human), time to decision, automatic share, overturn
// rate and per-moderator counts, from GET /v1/stats.
import { api, showError } from "./api.js";
import { horizontalBars, stackedBars } from "./charts.js";
import { el, replace } from "./dom.js";
import { startPage } from "./shell.js";

function percent(value) {
  return typeof value === "number" ? `${(value * 100).toFixed(1)}%` : "—";
}

function duration(seconds) {
  if (typeof seconds !== "number") return "—";
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  if (seconds < 3600) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function figure(label, value, note = "") {
  return el("div", { class: "figure" }, el("div", { class: "figure-value" }, value), el("div", { class: "figure-label" }, label), note ? el("div", { class: "muted" }, note) : null);
}

async function load(hours) {
  const stats = await api("GET", `/v1/stats?hours=${hours}`);
  const ttd = stats.time_to_decision_seconds || {};
  replace(document.getElementById("stats-figures"),
    figure("Time to human decision (median)", duration(ttd.p50), `p90 ${duration(ttd.p90)} · ${ttd.count ?? 0} decisions`),
    figure("Automatic share", percent(stats.automatic_share), "decided without a moderator"),
    figure("Overturn rate", percent(stats.overturn_rate), `${stats.overturns ?? 0} machine verdicts reversed`),
    figure("Moderators active", String(stats.per_moderator.length)));
  const rows = stats.hours.map((h) => ({
    label: new Date(h.hour).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }),
    values: { automatic: h.automatic, human: h.human },
  }));
  const series = [{ key: "automatic", label: "automatic", className: "s-auto" }, { key: "human", label: "human", className: "s-human" }];
  replace(document.getElementById("chart-hours"), stackedBars(rows, series, { title: "Decisions per hour", tickEvery: Math.max(1, Math.ceil(rows.length / 8)) }));
  const mods = stats.per_moderator.map((m) => ({ label: m.actor, values: { approved: m.approved, rejected: m.rejected, spam: m.spam } }));
  replace(document.getElementById("chart-moderators"), mods.length
    ? horizontalBars(mods, [{ key: "approved", label: "approved", className: "s-approved" }, { key: "rejected", label: "rejected", className: "s-rejected" }, { key: "spam", label: "spam", className: "s-spam" }], { title: "Decisions per moderator" })
    : el("p", { class: "muted" }, "No human decisions in this window."));
}

async function main() {
  await startPage();
  const select = document.getElementById("stats-hours");
  select.addEventListener("change", () => load(select.value).catch((error) => showError(error)));
  await load(select.value);
  document.body.dataset.ready = "1";
}

main().catch((error) => showError(error));
