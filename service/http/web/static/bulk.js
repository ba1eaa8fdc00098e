// Bulk decisions: pick cards (checkboxes, x) or "all by this author" / "all with this link";
// the count is previewed first, confirmed, applied in one batch, and can be undone.
import { api, ApiError, showError, toast } from "./api.js";
import { showOutcome } from "./card.js";
import { el, replace } from "./dom.js";
import { REJECT_REASONS, rememberUndo, undo } from "./decide.js";
import { cardOf, loadCounts, state } from "./queue.js";

const LINK = /(?:https?:\/\/)?(?:www\.)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?:[/?#][^\s]*)?/i;
let wide = null; // {select, label} when "all by author / with link" is chosen, else checkboxes

function checkedIds() {
  return [...document.querySelectorAll("#cards .pick:checked")].map((box) => box.closest(".card").dataset.id);
}

function selection() {
  if (wide) return wide;
  const ids = checkedIds();
  return ids.length ? { select: { ids }, label: `${ids.length} selected` } : null;
}

function updateBar() {
  const current = selection();
  document.getElementById("bulk-count").textContent = current ? current.label : "0 selected";
  document.getElementById("bulk-bar").classList.toggle("active", Boolean(current));
}

/** Toggle the focused card's checkbox (key x). */
export function toggleFocused() {
  const card = cardOf(state.focusId);
  if (!card) return;
  const box = card.node.querySelector(".pick");
  box.checked = !box.checked;
  wide = null;
  updateBar();
}

async function chooseWide(kind) {
  const card = cardOf(state.focusId);
  if (!card) { toast("Focus a card first (j/k or click)."); return; }
  let select;
  let what;
  if (kind === "author") {
    select = { author_id: card.item.author.id, site_id: card.item.site_id };
    what = `by ${card.item.author.display_name}`;
  } else {
    const match = LINK.exec(card.item.body);
    if (!match) { toast("This comment has no link."); return; }
    select = { link: match[1].toLowerCase() };
    what = `with a link to ${match[1].toLowerCase()}`;
  }
  const preview = await api("POST", `/v1/queues/${encodeURIComponent(state.queue)}/bulk/preview`, { select });
  wide = { select, label: `${preview.count} in this queue ${what}`, ids: preview.comment_ids };
  for (const box of document.querySelectorAll("#cards .pick")) box.checked = preview.comment_ids.includes(box.closest(".card").dataset.id);
  updateBar();
}

/** Preview the count, ask for confirmation, then apply the decision to the whole selection. */
async function start(decision) {
  const current = selection();
  if (!current) { toast("Select comments first (x, or the checkboxes)."); return; }
  const preview = await api("POST", `/v1/queues/${encodeURIComponent(state.queue)}/bulk/preview`, { select: current.select });
  const dialog = document.getElementById("bulk-dialog");
  const verb = { approve: "Approve", reject: "Reject", spam: "Mark as spam" }[decision];
  document.getElementById("bulk-summary").textContent = `${verb} ${preview.count} comment${preview.count === 1 ? "" : "s"} (${current.label})?`;
  const reasonLabel = document.getElementById("bulk-reason-label");
  reasonLabel.hidden = decision !== "reject";
  replace(document.getElementById("bulk-reason"), REJECT_REASONS.map(([code, label]) => el("option", { value: code }, label)));
  document.getElementById("bulk-confirm").disabled = preview.count === 0;
  dialog.returnValue = "";
  dialog.onclose = () => {
    if (dialog.returnValue !== "confirm") return;
    const reason = decision === "reject" ? document.getElementById("bulk-reason").value : null;
    apply(current.select, decision, reason, preview.count).catch((error) => showError(error, "Bulk decision failed:"));
  };
  dialog.showModal();
}

async function apply(select, decision, reason, expectedCount) {
  const body = { select, decision, reasons: reason ? [reason] : [], expected_count: expectedCount };
  let result;
  try {
    result = await api("POST", `/v1/queues/${encodeURIComponent(state.queue)}/bulk`, body);
  } catch (error) {
    if (error instanceof ApiError && error.code === "count-changed") {
      toast(`The selection changed meanwhile (now ${error.problem.count}); nothing was decided. Check and try again.`, { kind: "error", timeout: 10000 });
      return;
    }
    throw error;
  }
  const preview = wide?.ids || checkedIds();
  const ids = preview.filter((id) => cardOf(id));
  for (const id of ids) {
    const card = cardOf(id);
    card.decided = true;
    card.node.querySelector(".pick").checked = false;
    showOutcome(card.node, `${decision} (bulk) by you — press u to undo`);
  }
  wide = null;
  updateBar();
  const shown = toast(`Decided ${result.decided} comment${result.decided === 1 ? "" : "s"}.`, { action: { label: "Undo", run: undo }, timeout: 15000 });
  rememberUndo(result.batch_id, result.undo_until, ids, shown);
  loadCounts().catch(() => {});
}

/** Wire the bulk bar's buttons and the cards' checkboxes. */
export function wireBulk() {
  document.getElementById("cards").addEventListener("change", (event) => {
    if (event.target.classList.contains("pick")) { wide = null; updateBar(); }
  });
  document.getElementById("bulk-author").addEventListener("click", () => chooseWide("author").catch((e) => showError(e)));
  document.getElementById("bulk-link").addEventListener("click", () => chooseWide("link").catch((e) => showError(e)));
  for (const decision of ["approve", "reject", "spam"]) {
    document.getElementById(`bulk-${decision}`).addEventListener("click", () => start(decision).catch((e) => showError(e)));
  }
  document.getElementById("bulk-clear").addEventListener("click", () => {
    wide = null;
    for (const box of document.querySelectorAll("#cards .pick:checked")) box.checked = false;
    updateBar();
  });
  updateBar();
}
