// Ops: every site's webhook endpoints, why one is disabled, its delivery log; enable and ping.
import { api, showError, toast } from "./api.js";
import { el, replace, time } from "./dom.js";
import { startPage } from "./shell.js";

function state(hook) {
  if (hook.enabled) return el("span", { class: "status status-approved" }, "enabled");
  return el("span", {}, el("span", { class: "status status-rejected" }, "disabled"), " ", el("span", { class: "disabled-reason" }, hook.disabled_reason || ""));
}

function row(hook) {
  const actions = el("td", { class: "actions" },
    el("button", { type: "button", onclick: () => showLog(hook) }, "Log"),
    el("button", { type: "button", onclick: () => ping(hook) }, "Ping"),
    hook.enabled ? null : el("button", { type: "button", onclick: () => enable(hook) }, "Enable"));
  return el("tr", { "data-id": hook.id },
    el("td", {}, hook.site_id),
    el("td", { class: "url" }, hook.url),
    el("td", {}, hook.events.length ? hook.events.join(", ") : "all"),
    el("td", {}, state(hook)),
    el("td", {}, String(hook.consecutive_failures)),
    el("td", {}, hook.last_success_at ? time(hook.last_success_at) : "—"),
    el("td", {}, hook.last_failure_at ? time(hook.last_failure_at) : "—"),
    actions);
}

async function load() {
  const page = await api("GET", "/v1/webhooks");
  replace(document.querySelector("#webhooks tbody"), ...page.items.map(row));
  document.getElementById("webhooks-empty").hidden = page.items.length > 0;
}

async function showLog(hook) {
  const page = await api("GET", `/v1/webhooks/${encodeURIComponent(hook.id)}/attempts?limit=50`);
  document.getElementById("webhook-log-url").textContent = hook.url;
  replace(document.querySelector("#webhook-log tbody"), ...page.items.map((a) => el("tr", {},
    el("td", {}, time(a.attempted_at)),
    el("td", {}, a.event_type),
    el("td", {}, a.event_id),
    el("td", { class: a.success ? "ok" : "failed" }, a.status_code === null ? a.error : `HTTP ${a.status_code}`),
    el("td", {}, `${Math.round(a.duration_ms)} ms`),
    el("td", {}, a.response_excerpt || ""))));
  document.getElementById("webhook-log").hidden = false;
}

async function ping(hook) {
  try {
    const attempt = await api("POST", `/v1/webhooks/${encodeURIComponent(hook.id)}/ping`);
    toast(attempt.success ? `Ping answered HTTP ${attempt.status_code}` : `Ping failed: ${attempt.error || `HTTP ${attempt.status_code}`}`);
    await showLog(hook);
  } catch (error) {
    showError(error);
  }
}

async function enable(hook) {
  try {
    await api("POST", `/v1/webhooks/${encodeURIComponent(hook.id)}/enable`);
    toast("Enabled: pending deliveries resume");
    await load();
  } catch (error) {
    showError(error);
  }
}

async function main() {
  await startPage();
  await load();
  document.body.dataset.ready = "1";
}

main().catch(showError);
