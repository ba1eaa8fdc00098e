// Deciding cards: approve / reject (with a reason) / spam, undo within the window, conflicts.
import { api, ApiError, showError, toast } from "./api.js";
import { showConflict, showOutcome, showReasons } from "./card.js";
import { el, replace } from "./dom.js";
import { cardOf, claim, focusCard, loadCounts, loadDetails, move, setClaim, state } from "./queue.js";

/** Reject reasons: the model's labels (what a rejection teaches it) and a plain catch-all. */
export const REJECT_REASONS = [
  ["toxic", "Toxic"], ["insult", "Insult"], ["threat", "Threat"], ["obscene", "Obscene"],
  ["identity_hate", "Identity hate"], ["severe_toxic", "Severely toxic"], ["spam", "Spam-like"],
  ["off_topic", "Off topic"], ["moderator", "Other"],
];
const PAST = { approve: "Approved", reject: "Rejected", spam: "Marked spam" };

let lastUndo = null; // {batch_id, until, ids, toast}: the toast offering it goes with it

/** Decide the focused card (reject asks for a reason first). */
export function decideFocused(decision) {
  const card = cardOf(state.focusId);
  if (!card || card.decided || card.busy) return;
  if (decision === "reject") pickReason(card);
  else decide(card, decision, null, null).catch((error) => showError(error));
}

/**
 * Send one decision for a card, holding its claim; conflicts show on the card. Focus moves on
 * at once, so a fast moderator's next key already acts on the next card.
 */
export async function decide(card, decision, reason, note, statement = {}) {
  if (card.decided || card.busy) return;
  card.busy = true;
  if (state.focusId === card.item.id) move(1);
  try {
    if (!(await claim(card, { exclusive: false }))) return;
    if (state.held === card.item.id) state.held = null; // the decision uses up the claim
    await send(card, decision, reason, note, statement);
  } finally {
    card.busy = false;
  }
}

async function send(card, decision, reason, note, statement) {
  const body = { decision, expected_version: card.item.version, ...statement };
  if (reason) body.reason = reason;
  if (note) body.note = note;
  try {
    const result = await api("POST", `/v1/comments/${encodeURIComponent(card.item.id)}/decision`, body);
    card.decided = true;
    card.item = { ...card.item, ...result };
    setClaim(card.item.id, null, null);
    showConflict(card.node, null);
    showOutcome(card.node, `${PAST[decision]}${reason ? ` (${reason})` : ""} by you — press u to undo`);
    showReasons(card.node, result.reasons || [], card.view?.system_reasons || card.item.reasons || []);
    const shown = toast(`${PAST[decision]}.`, result.undo ? { action: { label: "Undo", run: undo } } : {});
    if (result.undo) rememberUndo(result.undo.batch_id, result.undo.until, [card.item.id], shown);
    loadCounts().catch(() => {});
  } catch (error) {
    await showDecisionConflict(card, error);
  }
}

/** Dismiss the focused card's open reports (the d key). */
export function dismissFocused() {
  const card = cardOf(state.focusId);
  if (!card || card.decided || card.busy) return;
  dismissReports(card).catch((error) => showError(error));
}

/**
 * Dismiss a card's open reports, on the version the moderator sees. A comment reports had taken
 * to review is published again and leaves the queue like a decided card; one held for other
 * reasons stays, its reports shown dismissed.
 */
export async function dismissReports(card) {
  if (card.decided || card.busy) return;
  card.busy = true;
  try {
    if (!(await claim(card, { exclusive: false }))) return;
    const path = `/v1/comments/${encodeURIComponent(card.item.id)}/reports/dismiss`;
    const result = await api("POST", path, { expected_version: card.item.version });
    card.item = { ...card.item, ...result };
    showConflict(card.node, null);
    const what = result.dismissed === 1 ? "1 report" : `${result.dismissed} reports`;
    if (result.status === "approved" && state.queue === "reported") {
      if (state.held === card.item.id) state.held = null;
      card.decided = true;
      setClaim(card.item.id, null, null);
      showOutcome(card.node, `Dismissed ${what} — published again`);
      if (state.focusId === card.item.id) move(1);
    }
    await loadDetails(card); // the reports as judged now, and the reasons it is published with
    toast(result.dismissed ? `Dismissed ${what}.` : "No open reports to dismiss.");
    loadCounts().catch(() => {});
  } catch (error) {
    await showDecisionConflict(card, error);
  } finally {
    card.busy = false;
  }
}

/** A refused decision is never silent: the card says what happened and what to do. */
async function showDecisionConflict(card, error) {
  if (!(error instanceof ApiError)) throw error;
  if (error.code === "stale-decision") {
    showConflict(card.node, "Conflict: this comment changed since you loaded it (someone else decided it). Your decision was not saved.");
    await loadDetails(card);
    const current = card.item.status;
    if (current && current !== "withheld" && current !== "pending" && current !== "reported") {
      card.decided = true;
      showOutcome(card.node, `Now ${current} — decided by someone else.`);
    }
  } else if (error.code === "claimed") {
    showConflict(card.node, `Conflict: ${error.problem.claimed_by} is working on this comment. Your decision was not saved.`);
  } else {
    showConflict(card.node, `Not saved: ${error.problem.title || error.message}${error.problem.detail ? ` — ${error.problem.detail}` : ""}`);
  }
}

export function rememberUndo(batchId, until, ids, shown = null) {
  lastUndo?.toast?.remove(); // only the latest decision can be undone: its toast alone offers it
  lastUndo = { batch_id: batchId, until: new Date(until).getTime(), ids, toast: shown };
}

/** Take back the last decision (single or bulk) while the undo window is open. */
export async function undo() {
  if (!lastUndo) { toast("Nothing to undo."); return; }
  if (Date.now() > lastUndo.until) { toast("The undo window has passed.", { kind: "error" }); lastUndo = null; return; }
  const { batch_id: batchId, ids, toast: offered } = lastUndo;
  try {
    const result = await api("POST", `/v1/decisions/${encodeURIComponent(batchId)}/undo`);
    lastUndo = null;
    offered?.remove(); // "Approved. Undo" must not outlive the decision it offers to undo
    for (const id of ids) {
      const card = cardOf(id);
      if (!card) continue;
      card.decided = false;
      showOutcome(card.node, null);
      await loadDetails(card);
    }
    toast(`Undone (${result.undone}).`);
    if (cardOf(ids[0])) focusCard(ids[0]);
    loadCounts().catch(() => {});
  } catch (error) {
    showError(error, "Undo failed:");
  }
}

/** The statement fields of the reject dialog, as decision members (empty ones left out). */
function statementOf(data) {
  const statement = {};
  for (const name of ["statement_code", "explanation"]) {
    const value = String(data.get(name) || "").trim();
    if (value) statement[name] = value;
  }
  return statement;
}

/** The reject reason picker: a dialog with numbered reasons (keys 1–9) and a note. */
function pickReason(card) {
  const dialog = document.getElementById("reason-dialog");
  const options = document.getElementById("reason-options");
  const form = document.getElementById("reason-form");
  form.reset();
  replace(options, REJECT_REASONS.map(([code, label], index) => el("button", {
    type: "button",
    class: "reason-choice",
    "data-reason": code,
    onclick: () => {
      const data = new FormData(form);
      const note = String(data.get("note") || "").trim();
      dialog.close();
      decide(card, "reject", code, note || null, statementOf(data)).catch((error) => showError(error));
    },
  }, el("kbd", {}, String(index + 1)), ` ${label}`)));
  dialog.onkeydown = (event) => {
    if (event.target instanceof HTMLInputElement) return;
    const index = Number.parseInt(event.key, 10) - 1;
    if (index >= 0 && index < REJECT_REASONS.length) {
      event.preventDefault();
      options.children[index].click();
    }
  };
  // Back to the card keys now act on: after a reason was picked, focus has already moved on.
  dialog.onclose = () => cardOf(state.focusId)?.node.focus({ preventScroll: true });
  dialog.showModal();
  options.firstElementChild.focus();
}
