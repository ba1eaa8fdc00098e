// The article panel: how the focused card's article takes comments (premoderate all, premoderate
// links, closed), shown and changed here by a moderator; the site may change it too (its API).
import { api, showError, toast } from "./api.js";
import { el, replace, time } from "./dom.js";
import { cardOf, state } from "./queue.js";

const SWITCHES = [
  ["premoderate", "Pre-moderate every new comment"],
  ["premoderate_links", "Pre-moderate new comments with links"],
  ["closed", "Closed: take no new comments nor edits"],
];

function settingsPath(siteId, articleId) {
  return `/v1/sites/${encodeURIComponent(siteId)}/articles/${encodeURIComponent(articleId)}/settings`;
}

/** Open the panel for a card's article. */
export async function openArticle(id = state.focusId) {
  const card = cardOf(id);
  if (!card) return;
  const { site_id: siteId, article_id: articleId } = card.item;
  const side = document.getElementById("side");
  document.getElementById("side-title").textContent = `Article: ${articleId}`;
  side.hidden = false;
  const settings = await api("GET", settingsPath(siteId, articleId));
  replace(document.getElementById("side-body"),
    el("p", { class: "muted" }, `${articleId} on ${siteId}`),
    settingsForm(siteId, articleId, settings, () => openArticle(id)));
  document.getElementById("side-close").focus();
}

function settingsForm(siteId, articleId, settings, reload) {
  const signed = settings.set_by
    ? el("p", { class: "muted signed" }, `Set by ${settings.set_by}, `, time(settings.set_at), ".")
    : el("p", { class: "muted signed" }, "Never set: comments are moderated as the site's are.");
  const form = el("form", { class: "article-settings" },
    el("h3", {}, "Comments on this article"),
    signed,
    SWITCHES.map(([name, label]) => el("label", { class: "switch" },
      el("input", { type: "checkbox", name, checked: settings[name] }), ` ${label}`)),
    el("p", { class: "muted" }, "Applies to new comments; those already decided stay as they are."),
    el("div", { class: "dialog-actions" }, el("button", { type: "submit", class: "primary" }, "Save")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = Object.fromEntries(SWITCHES.map(([name]) => [name, form.elements[name].checked]));
    try {
      await api("PUT", settingsPath(siteId, articleId), body);
      toast("Article settings saved.");
      await reload();
    } catch (error) { showError(error, "Article settings not saved:"); }
  });
  return form;
}
