// The queue being worked: tabs with counts, the list of cards, paging, filters, focus and claims.
import { api, ApiError, showError } from "./api.js";
import { cardElement, fill, showClaim, showConflict } from "./card.js";
import { age, el, replace, secondsSince } from "./dom.js";

const PAGE_SIZE = 25;
const TAB_TITLES = { review: "Review", pending: "Pending", reported: "Reported", approved: "Approved", rejected: "Rejected", spam: "Spam" };

/** Everything the workspace knows; one per page. */
export const state = {
  me: null,
  queue: "review",
  sort: "risk",
  filters: {},
  cursor: null,
  cards: new Map(), // id → {item, view, node, decided: bool, claimedBy, claimUntil}
  focusId: null,
  held: null, // the id of the card this moderator holds a claim on
};

export function cardOf(id) {
  return state.cards.get(id) || null;
}

/** Refresh the tabs' counts and oldest ages. */
export async function loadCounts() {
  const overview = await api("GET", "/v1/queues");
  const tabs = document.getElementById("queue-tabs");
  replace(tabs, overview.queues.map((q) => el("button", {
    type: "button",
    class: "tab",
    "data-queue": q.name,
    "aria-pressed": q.name === state.queue ? "true" : "false",
    onclick: () => switchQueue(q.name),
  }, el("span", { class: "tab-name" }, TAB_TITLES[q.name] || q.name),
    el("span", { class: "count" }, String(q.count)),
    el("span", { class: "oldest", title: "age of the oldest comment" }, q.count ? age(q.oldest_age_seconds) : ""))));
}

export async function switchQueue(name) {
  state.queue = name;
  writeAddress();
  await Promise.all([loadCounts(), reloadList()]);
}

function queueUrl() {
  // include=details: each item brings its scores, evidence and parent, so a page of cards is
  // one request rather than one per card.
  const params = new URLSearchParams({ sort: state.sort, limit: String(PAGE_SIZE), include: "details" });
  for (const [key, value] of Object.entries(state.filters)) if (value) params.set(key, value);
  if (state.cursor) params.set("cursor", state.cursor);
  return `/v1/queues/${encodeURIComponent(state.queue)}?${params}`;
}

/** Empty the list and load the first page. */
export async function reloadList() {
  writeAddress();
  releaseClaim();
  state.cards.clear();
  state.cursor = null;
  state.focusId = null;
  document.getElementById("cards").replaceChildren();
  await loadMore();
}

/** Append the next page of the queue. */
export async function loadMore() {
  const page = await api("GET", queueUrl());
  state.cursor = page.next_cursor;
  const list = document.getElementById("cards");
  for (const item of page.items) {
    if (state.cards.has(item.id)) continue;
    list.append(addCard(item));
  }
  document.getElementById("load-more").hidden = !state.cursor;
  document.getElementById("queue-empty").hidden = state.cards.size > 0;
}

/** Make (but do not place) the card of an item, with its details (fetched if not given). */
export function addCard(item) {
  const node = cardElement(item);
  const card = { item, view: null, node, decided: false, busy: false, claimedBy: null, claimUntil: null };
  state.cards.set(item.id, card);
  setClaim(item.id, item.claimed_by || null, item.claim_expires_at || null);
  if (item.details) showDetails(card, viewOf(item));
  else loadDetails(card);
  return node;
}

/** A queue item with details, in the shape of a moderation view (what fill() reads). */
function viewOf(item) {
  const { details, ...comment } = item;
  return {
    comment,
    scores: { [comment.model_version]: details.scores },
    model_version: comment.model_version,
    reasons: comment.reasons,
    evidence: details.evidence,
    parent: details.parent,
    system_reasons: details.system_reasons || [],
    reports: details.reports || [],
    article: details.article || null,
  };
}

/** The reasons of the latest automatic verdict in a moderation view's action log. */
function systemReasons(actions) {
  const classified = (actions || []).filter((a) => a.kind === "classified");
  return classified.length ? classified[classified.length - 1].reasons : [];
}

function showDetails(card, view) {
  card.view = view;
  card.item = { ...card.item, ...view.comment };
  fill(card.node, view);
}

/** Fetch the moderation view of a card: evidence, scores, parent, current version. */
export async function loadDetails(card) {
  try {
    const view = await api("GET", `/v1/comments/${encodeURIComponent(card.item.id)}/moderation`);
    showDetails(card, { ...view, system_reasons: systemReasons(view.actions) });
  } catch (error) {
    showConflict(card.node, `Could not load details: ${error.message}`);
  }
}

/** Re-read who holds the loaded cards: events published while the live stream was (re)connecting
 * are lost, and the database is the truth. */
export async function refreshClaims() {
  if (!state.cards.size) return;
  const params = new URLSearchParams({ sort: state.sort, limit: String(Math.min(100, state.cards.size)) });
  for (const [key, value] of Object.entries(state.filters)) if (value) params.set(key, value);
  const page = await api("GET", `/v1/queues/${encodeURIComponent(state.queue)}?${params}`);
  for (const item of page.items) {
    const card = cardOf(item.id);
    if (card && item.claimed_by !== state.me && card.claimedBy !== state.me) {
      setClaim(item.id, item.claimed_by || null, item.claim_expires_at || null);
    }
  }
}

export function setClaim(id, holder, until) {
  const card = cardOf(id);
  if (!card) return;
  const live = holder && (!until || secondsSince(until) < 0);
  card.claimedBy = live ? holder : null;
  card.claimUntil = live ? until : null;
  showClaim(card.node, card.claimedBy, card.claimUntil, state.me);
}

/** Whether j/k should stop on this card: still open and not someone else's. */
export function isWorkable(card) {
  return !card.decided && !card.busy && !(card.claimedBy && card.claimedBy !== state.me);
}

/** Move focus to the next (+1) or previous (-1) workable card. */
export function move(step) {
  const ids = [...document.querySelectorAll("#cards > .card")].map((n) => n.dataset.id);
  let index = ids.indexOf(state.focusId);
  for (let i = 0; i < ids.length; i += 1) {
    index += step;
    if (index < 0 || index >= ids.length) return;
    const card = cardOf(ids[index]);
    if (card && isWorkable(card)) { focusCard(card.item.id); return; }
  }
}

/** Fold the cards decided so far down to their outcome line. A decided card keeps its text in
 * view until the moderator moves on from it: a decision moves the focus before it is recorded,
 * so the card just decided stays open, and the next move folds it. */
function settleDecided() {
  for (const card of state.cards.values()) if (card.decided) card.node.classList.add("settled");
}

/** Focus a card and claim it for this moderator. */
export function focusCard(id) {
  const card = cardOf(id);
  if (!card) return;
  for (const node of document.querySelectorAll(".card.focused")) node.classList.remove("focused");
  settleDecided();
  state.focusId = id;
  card.node.classList.add("focused");
  card.node.focus({ preventScroll: true });
  card.node.scrollIntoView({ block: "nearest" });
  if (!card.decided && state.held !== id) claim(card).catch(() => {});
}

/**
 * Claim a card; resolves true when this moderator holds it, else shows the conflict. An
 * exclusive claim (focusing a card) gives back the one held before; a decision's does not.
 */
export async function claim(card, { exclusive = true } = {}) {
  if (state.held === card.item.id) return true;
  if (exclusive) releaseClaim();
  try {
    const result = await api("POST", `/v1/comments/${encodeURIComponent(card.item.id)}/claim`);
    // Claims answer out of order when keys come fast: hold only the card still in focus.
    if (exclusive && state.focusId === card.item.id && !card.decided) {
      if (state.held !== card.item.id) releaseClaim();
      state.held = card.item.id;
    } else if (exclusive && !card.busy && !card.decided) {
      api("DELETE", `/v1/comments/${encodeURIComponent(card.item.id)}/claim`).catch(() => {});
      return false;
    }
    setClaim(card.item.id, result.claimed_by, result.expires_at);
    showConflict(card.node, null);
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.code === "claimed") {
      setClaim(card.item.id, error.problem.claimed_by, error.problem.expires_at);
      showConflict(card.node, `${error.problem.claimed_by} is working on this comment right now; it is theirs until the claim expires.`);
      return false;
    }
    if (error instanceof ApiError && error.status === 404 && error.code === "not-found") return true;
    showError(error, "Claim failed:");
    return false;
  }
}

/** Give back the claim this moderator holds, if any (not awaited: moving on must be instant). */
export function releaseClaim({ leaving = false } = {}) {
  const id = state.held;
  if (!id) return;
  state.held = null;
  const card = cardOf(id);
  if (card?.busy) return; // a decision on it is under way and uses the claim up
  if (card && !card.decided) setClaim(id, null, null);
  // keepalive: the request outlives the page when the moderator is leaving it.
  api("DELETE", `/v1/comments/${encodeURIComponent(id)}/claim`, undefined, {}, { keepalive: leaving }).catch(() => {});
}

/** Give the claim back when the moderator leaves (closes the tab, goes elsewhere, or the
 * browser puts the page away): otherwise it would block others until its TTL runs out. */
export function releaseOnLeave() {
  window.addEventListener("pagehide", () => releaseClaim({ leaving: true }));
}

const FILTERS = ["q", "reason", "article_id", "author_id", "label"];

/** Start from the page address (?queue=&sort=&q=&reason=&article_id=&author_id=&label=): links can share a view. */
function readAddress(form) {
  const params = new URLSearchParams(location.search);
  if (params.get("queue")) state.queue = params.get("queue");
  if (params.get("sort") === "age") state.sort = "age";
  form.elements.namedItem("sort").value = state.sort;
  for (const name of FILTERS) {
    state.filters[name] = params.get(name) || "";
    form.elements.namedItem(name).value = state.filters[name];
  }
}

function writeAddress() {
  const params = new URLSearchParams({ queue: state.queue, sort: state.sort });
  for (const name of FILTERS) if (state.filters[name]) params.set(name, state.filters[name]);
  history.replaceState(null, "", `?${params}`);
}

/** Whether a comment matches the current filters (for comments that arrive live). */
export function matchesFilters(comment) {
  const { article_id: article, author_id: author, q: text, reason } = state.filters;
  return (!article || comment.article_id === article) && (!author || comment.author.id === author)
    && (!reason || (comment.reasons || []).includes(reason))
    && (!text || (comment.body || "").toLowerCase().includes(text.toLowerCase()));
}

/** Wire the filter form and the load-more button. */
export function wireQueueControls() {
  const form = document.getElementById("filters");
  readAddress(form);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    state.sort = data.get("sort") || "risk";
    for (const name of FILTERS) state.filters[name] = String(data.get(name) || "").trim();
    reloadList().catch((error) => showError(error));
  });
  for (const name of ["sort", "reason"]) form.elements.namedItem(name).addEventListener("change", () => form.requestSubmit());
  document.getElementById("load-more").addEventListener("click", () => loadMore().catch((error) => showError(error)));
}
