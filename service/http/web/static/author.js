// The author panel: the author's record and recent comments, and their policy (trust,
// pre-moderate, ban) set or removed here. Recent comments are hostile text like any other.
import { api, showError, toast } from "./api.js";
import { el, replace, time } from "./dom.js";
import { cardOf, state } from "./queue.js";

// Stricter first; the form starts on none of them: a moderator opening the panel of an author
// whose comment is toxic must not be one click away from trusting them.
const POLICIES = [["premoderate", "Always pre-moderate"], ["ban", "Ban (reject automatically)"], ["trust", "Trust (skip review below a threshold)"]];

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
    notesSection(siteId, author.id, record.notes || [], () => openAuthor(id)),
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
    el("label", {}, "Policy ", el("select", { name: "policy", required: true },
      el("option", { value: "", selected: !policy }, "Choose a policy…"),
      POLICIES.map(([value, label]) => el("option", { value, selected: policy?.policy === value }, label)))),
    el("label", { class: "trust-threshold" }, "Trust threshold (approve while every score is below) ", el("input", { name: "trust_threshold", type: "number", min: "0", max: "1", step: "0.05", required: true, value: policy?.trust_threshold ?? "" })),
    el("label", {}, "Note ", el("input", { name: "note", maxlength: "2000", value: policy?.note ?? "" })),
    el("div", { class: "dialog-actions" },
      el("button", { type: "submit", class: "primary" }, "Set policy"),
      policy ? el("button", { type: "button", class: "danger", "data-remove": "1" }, "Remove policy") : null));
  // The threshold means something only for trust.
  const threshold = form.querySelector(".trust-threshold");
  const showThreshold = () => {
    threshold.hidden = form.elements.policy.value !== "trust";
    threshold.querySelector("input").disabled = threshold.hidden; // not required when hidden
  };
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

/** Moderators' private notes on the author: the newest first, a form to add one. */
function notesSection(siteId, authorId, notes, reload) {
  const form = el("form", { class: "note-form" },
    el("label", {}, "Add a private note ", el("textarea", { name: "note", rows: "2", maxlength: "2000", required: true })),
    el("div", { class: "dialog-actions" }, el("button", { type: "submit" }, "Add note")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const note = String(new FormData(form).get("note") || "").trim();
    if (!note) return;
    try {
      await api("POST", `${authorPath(siteId, authorId)}/notes`, { note });
      toast("Note added.");
      await reload();
    } catch (error) { showError(error, "Note not saved:"); }
  });
  const remove = async (id) => {
    try {
      await api("DELETE", `${authorPath(siteId, authorId)}/notes/${id}`);
      await reload();
    } catch (error) { showError(error, "Note not removed:"); }
  };
  return el("section", { class: "notes" },
    el("h3", {}, "Private notes"),
    el("p", { class: "muted" }, "Seen by moderators only; part of the author's data export, erased with them."),
    notes.length ? el("ul", { class: "note-list" }, notes.map((n) => el("li", {},
      el("p", { class: "note-body" }, n.note),
      el("div", { class: "muted" }, n.written_by, " · ", time(n.written_at), " ",
        el("button", { type: "button", class: "link", onclick: () => remove(n.id) }, "Remove"))))) : null,
    form);
}

/** Close the panel and go back to the card. */
export function closeSide() {
  document.getElementById("side").hidden = true;
  cardOf(state.focusId)?.node.focus({ preventScroll: true });
}
