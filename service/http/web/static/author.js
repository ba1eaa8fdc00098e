// The author panel: the author's record and recent comments, and their policy (trust,
// pre-moderate, ban, suspend; for a while or until removed) set or removed here, with the
// recent-history trigger's count. Recent comments are hostile text like any other.
import { api, showError, toast } from "./api.js";
import { el, replace, time } from "./dom.js";
import { cardOf, state } from "./queue.js";

// Stricter first; the form starts on none of them: a moderator opening the panel of an author
// whose comment is toxic must not be one click away from trusting them.
const POLICIES = [["premoderate", "Always pre-moderate"], ["suspend", "Suspend (refuse new comments)"], ["ban", "Ban (reject automatically)"], ["trust", "Trust (skip review below a threshold)"]];
// How long a policy lasts, in days ("" until removed); a suspension always ends, a day by default.
const DURATIONS = [["", "Until removed"], ["1", "1 day"], ["3", "3 days"], ["7", "7 days"], ["30", "30 days"]];

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
    recentRejections(record.recent_rejections),
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

/** What the site's recent-history trigger sees (nothing when the site has none). */
function recentRejections(recent) {
  if (!recent) return null;
  return el("p", { class: recent.is_held ? "recent-rejections held" : "recent-rejections muted" },
    `Recent decisions: ${recent.rejected} rejected of ${recent.decided}`,
    recent.is_held ? " — new comments are held (recent rejections)" : "");
}

function currentPolicy(policy) {
  if (!policy) return "No policy: the model and rules decide.";
  const until = policy.expires_at ? ` until ${new Date(policy.expires_at).toLocaleString()}` : "";
  return `Current: ${policy.policy}${until} (set by ${policy.set_by || "?"})`;
}

/** The policy form; ``reload`` reopens this same author's panel (not the focused card's). */
function policyForm(siteId, authorId, policy, reload) {
  const form = el("form", { class: "policy" },
    el("h3", {}, "Policy"),
    el("p", { class: "muted current" }, currentPolicy(policy)),
    el("label", {}, "Policy ", el("select", { name: "policy", required: true },
      el("option", { value: "", selected: !policy }, "Choose a policy…"),
      POLICIES.map(([value, label]) => el("option", { value, selected: policy?.policy === value }, label)))),
    el("label", { class: "trust-threshold" }, "Trust threshold (approve while every score is below) ", el("input", { name: "trust_threshold", type: "number", min: "0", max: "1", step: "0.05", required: true, value: policy?.trust_threshold ?? "" })),
    el("label", {}, "For ", el("select", { name: "days" },
      DURATIONS.map(([value, label]) => el("option", { value }, label)))),
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
  // A suspension cannot be open-ended: "until removed" is not offered for it.
  const forever = form.elements.days.querySelector("option[value='']");
  const showDuration = () => {
    forever.disabled = form.elements.policy.value === "suspend";
    if (forever.disabled && !form.elements.days.value) form.elements.days.value = "1";
  };
  form.elements.policy.addEventListener("change", () => { showThreshold(); showDuration(); });
  showThreshold();
  showDuration();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = { policy: data.get("policy") };
    if (body.policy === "trust") body.trust_threshold = Number(data.get("trust_threshold"));
    const note = String(data.get("note") || "").trim();
    if (note) body.note = note;
    const days = Number(data.get("days") || 0);
    if (days) body.expires_at = new Date(Date.now() + days * 86_400_000).toISOString();
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
