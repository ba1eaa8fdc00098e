// The author panel: the author's record and recent comments, and their policy (trust,
// pre-moderate, ban) set or removed here. Recent comments are hostile text like any other.
import { api, showError, toast } from "./api.js";
import { el, replace, time } from "./dom.js";
import { cardOf, state } from "./queue.js";

const POLICIES = [["trust", "Trust (skip review below a threshold)"], ["premoderate", "Always pre-moderate"], ["ban", "Ban (reject automatically)"]];

function authorPath(siteId, authorId) {
  return `/v1/authors/${encodeURIComponent(siteId)}/${encodeURIComponent(authorId)}`;
}

/** Open the panel for the focused card's author. */
export async function openAuthor(id = state.focusId) {
  const card = cardOf(id);
  if (!card) return;
  const { site_id: siteId, author } = card.item;
  const side = document.getElementById("side");
  document.getElementById("side-title").textContent = `Author: ${author.display_name}`;
  side.hidden = false;
  const record = await api("GET", authorPath(siteId, author.id));
  replace(document.getElementById("side-body"),
    el("p", { class: "muted" }, `${author.id} on ${siteId}`),
    countsList(record.counts || {}),
    policyForm(siteId, author.id, record.policy, () => openAuthor(id)),
    el("h3", {}, "Recent comments"),
    el("ol", { class: "recent" }, (record.recent || []).map((c) => el("li", {},
      el("div", { class: "muted" }, el("span", { class: `status status-${c.status}` }, c.status), " ", c.article_id, " · ", time(c.created_at)),
      el("p", { class: "body" }, c.body)))));
  document.getElementById("side-close").focus();
}

function countsList(counts) {
  const entries = Object.entries(counts);
  if (!entries.length) return el("p", {}, "No comments yet.");
  return el("dl", { class: "counts" }, entries.map(([status, n]) => [el("dt", {}, status), el("dd", {}, String(n))]));
}

/** The policy form; ``reload`` reopens this same author's panel (not the focused card's). */
function policyForm(siteId, authorId, policy, reload) {
  const form = el("form", { class: "policy" },
    el("h3", {}, "Policy"),
    el("p", { class: "muted" }, policy ? `Current: ${policy.policy} (set by ${policy.set_by || "?"})` : "No policy: the model and rules decide."),
    el("label", {}, "Policy ", el("select", { name: "policy" }, POLICIES.map(([value, label]) => el("option", { value, selected: policy?.policy === value }, label)))),
    el("label", { class: "trust-threshold" }, "Trust threshold ", el("input", { name: "trust_threshold", type: "number", min: "0", max: "1", step: "0.05", value: policy?.trust_threshold ?? "0.3" })),
    el("label", {}, "Note ", el("input", { name: "note", maxlength: "2000", value: policy?.note ?? "" })),
    el("div", { class: "dialog-actions" },
      el("button", { type: "submit", class: "primary" }, "Set policy"),
      policy ? el("button", { type: "button", class: "danger", "data-remove": "1" }, "Remove policy") : null));
  // The threshold means something only for trust.
  const threshold = form.querySelector(".trust-threshold");
  const showThreshold = () => { threshold.hidden = form.elements.policy.value !== "trust"; };
  form.elements.policy.addEventListener("change", showThreshold);
  showThreshold();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = { policy: data.get("policy") };
    if (body.policy === "trust") body.trust_threshold = Number(data.get("trust_threshold"));
    const note = String(data.get("note") || "").trim();
    if (note) body.note = note;
    try {
      await api("PUT", `${authorPath(siteId, authorId)}/policy`, body);
      toast(`Policy set: ${body.policy}.`);
      await reload();
    } catch (error) { showError(error, "Policy not saved:"); }
  });
  form.querySelector("[data-remove]")?.addEventListener("click", async () => {
    try {
      await api("DELETE", `${authorPath(siteId, authorId)}/policy`);
      toast("Policy removed.");
      await reload();
    } catch (error) { showError(error, "Policy not removed:"); }
  });
  return form;
}

/** Close the panel and go back to the card. */
export function closeSide() {
  document.getElementById("side").hidden = true;
  cardOf(state.focusId)?.node.focus({ preventScroll: true });
}
