// The moderator workspace page: queues, cards, keyboard, live updates, bulk, author and article
// panels.
import { showError } from "./api.js";
import { openArticle } from "./article.js";
import { closeSide, openAuthor } from "./author.js";
import { toggleFocused, wireBulk } from "./bulk.js";
import { decide, decideFocused, dismissFocused, dismissReports, undo } from "./decide.js";
import { bindKeys, showHelp } from "./keys.js";
import { clearWaiting, showNew, startLive } from "./live.js";
import { toggleExpanded } from "./card.js";
import { refreshTimes } from "./dom.js";
import { cardOf, focusCard, loadCounts, move, releaseOnLeave, reloadList, state, wireQueueControls } from "./queue.js";
import { startPage } from "./shell.js";

function onCardClick(event) {
  const node = event.target.closest(".card");
  if (!node) return;
  const card = cardOf(node.dataset.id);
  if (!card) return;
  if (state.focusId !== card.item.id) focusCard(card.item.id);
  const action = event.target.closest("[data-action]")?.dataset.action;
  if (action === "expand") toggleExpanded(card.node);
  else if (action === "author") openAuthor(card.item.id).catch((error) => showError(error));
  else if (action === "article") openArticle(card.item.id).catch((error) => showError(error));
  else if (action === "reject") decideFocused("reject");
  else if (action === "dismiss") dismissReports(card).catch((error) => showError(error));
  else if (action) decide(card, action, null, null).catch((error) => showError(error));
}

async function main() {
  const session = await startPage();
  state.me = session.username;
  wireQueueControls();
  releaseOnLeave();
  wireBulk();
  document.getElementById("cards").addEventListener("click", onCardClick);
  document.getElementById("side-close").addEventListener("click", closeSide);
  document.getElementById("queue-tabs").addEventListener("click", () => clearWaiting());
  bindKeys({
    j: () => move(1),
    k: () => move(-1),
    a: () => decideFocused("approve"),
    r: () => decideFocused("reject"),
    s: () => decideFocused("spam"),
    d: () => dismissFocused(),
    u: () => undo(),
    x: () => toggleFocused(),
    e: () => { const card = cardOf(state.focusId); if (card) toggleExpanded(card.node); },
    "/": () => document.querySelector("#filters [name=q]").focus(),
    o: () => openAuthor().catch((error) => showError(error)),
    n: () => showNew().catch((error) => showError(error)),
    "?": () => showHelp(),
    Escape: () => closeSide(),
  });
  await Promise.all([loadCounts(), reloadList()]);
  startLive();
  setInterval(() => refreshTimes(), 60_000);
  document.body.dataset.ready = "1";
}

main().catch((error) => showError(error));
