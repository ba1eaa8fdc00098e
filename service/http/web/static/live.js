// Live updates over server-sent events: counts refresh, new held comments wait behind an
// "N new — show" banner (the list never moves under the moderator), and decisions and claims
// by others update their cards.
import { api, showError } from "./api.js";
import { showConflict, showOutcome } from "./card.js";
import { addCard, cardOf, loadCounts, matchesFilters, refreshClaims, setClaim, state } from "./queue.js";

const waiting = new Set(); // ids of new comments in the current queue not yet shown
let countsTimer = null;

function refreshCountsSoon() {
  clearTimeout(countsTimer);
  countsTimer = setTimeout(() => loadCounts().catch(() => {}), 300);
}

function updateBanner() {
  const banner = document.getElementById("new-banner");
  document.getElementById("new-count").textContent = `${waiting.size} new`;
  banner.hidden = waiting.size === 0;
}

/** Count new comments for the banner; with filters on, only those that match them. */
async function arrived(ids) {
  const fresh = ids.filter((id) => !cardOf(id) && !waiting.has(id));
  const filtered = Object.values(state.filters).some(Boolean);
  for (const id of fresh) {
    if (filtered) {
      const view = await api("GET", `/v1/comments/${encodeURIComponent(id)}/moderation`).catch(() => null);
      if (!view || !matchesFilters(view.comment)) continue;
    }
    waiting.add(id);
  }
  updateBanner();
}

/** Put the waiting comments at the top of the list, keeping the focused card where it is. */
export async function showNew() {
  const ids = [...waiting];
  waiting.clear();
  updateBanner();
  const list = document.getElementById("cards");
  const anchor = cardOf(state.focusId)?.node || list.querySelector(".card");
  const before = anchor ? anchor.getBoundingClientRect().top : 0;
  const views = await Promise.all(ids.map((id) => api("GET", `/v1/comments/${encodeURIComponent(id)}/moderation`).catch(() => null)));
  for (const view of views.reverse()) {
    if (!view || cardOf(view.comment.id)) continue;
    list.prepend(addCard(view.comment));
  }
  document.getElementById("queue-empty").hidden = state.cards.size > 0;
  if (anchor) window.scrollBy(0, anchor.getBoundingClientRect().top - before);
}

const HANDLERS = {
  classified(data) {
    if (state.queue === "review") arrived(data.withheld || []);
    refreshCountsSoon();
  },
  reported(data) {
    if (state.queue === "reported") arrived([data.comment_id]);
    refreshCountsSoon();
  },
  decided(data) {
    for (const id of data.comment_ids || []) {
      waiting.delete(id);
      const card = cardOf(id);
      if (!card || card.decided || data.actor === state.me) continue;
      card.decided = true;
      showOutcome(card.node, `${data.actor} decided this: ${data.status}.`);
      showConflict(card.node, `Already decided by ${data.actor} — nothing for you to do here.`);
    }
    updateBanner();
    refreshCountsSoon();
  },
  undone() {
    refreshCountsSoon();
  },
  claimed(data) {
    if (data.claimed_by !== state.me) setClaim(data.comment_id, data.claimed_by, data.expires_at);
  },
  released(data) {
    const card = cardOf(data.comment_id);
    if (card && card.claimedBy === data.claimed_by && data.claimed_by !== state.me) setClaim(data.comment_id, null, null);
  },
};

/** Open the event stream (the browser reconnects by itself after a drop). */
export function startLive() {
  document.getElementById("new-show").addEventListener("click", () => showNew().catch((error) => showError(error)));
  const source = new EventSource("/v1/events");
  for (const [type, handle] of Object.entries(HANDLERS)) {
    source.addEventListener(type, (event) => {
      try {
        handle(JSON.parse(event.data));
      } catch (error) {
        console.error("bad event", type, error);
      }
    });
  }
  source.addEventListener("open", () => {
    document.body.classList.remove("offline");
    document.body.dataset.live = "1"; // subscribed: every change from now on arrives as an event
    // What changed while (re)connecting arrived as no event: read it back.
    refreshClaims().catch(() => {});
    refreshCountsSoon();
  });
  source.addEventListener("error", () => document.body.classList.add("offline"));
  return source;
}

/** Forget waiting ids (the queue changed). */
export function clearWaiting() {
  waiting.clear();
  updateBanner();
}
