// Ops: a site's banned and suspect words: list, add (one a line), remove.
import { api, showError, toast } from "./api.js";
import { el, replace, time } from "./dom.js";
import { startPage } from "./shell.js";

const KINDS = ["banned", "suspect"];

function wordsPath(site) {
  return `/v1/sites/${encodeURIComponent(site)}/watched-words`;
}

function currentSite() {
  return document.getElementById("site").value.trim();
}

function wordRow(site, word) {
  return el("tr", { "data-id": word.id },
    el("td", { class: "phrase" }, word.phrase),
    el("td", {}, time(word.added_at), el("span", { class: "muted" }, ` by ${word.added_by}`)),
    el("td", { class: "actions" },
      el("button", { type: "button", class: "danger", "aria-label": `Remove ${word.phrase}`, onclick: () => remove(site, word) }, "Remove")));
}

function show(list) {
  document.getElementById("lists").hidden = false;
  document.getElementById("list-version").textContent = list.version
    ? `version ${list.version}, changed by ${list.updated_by}` : "no list yet";
  for (const kind of KINDS) {
    const box = document.querySelector(`[data-kind='${kind}']`);
    replace(box.querySelector("tbody"), list[kind].map((word) => wordRow(list.site_id, word)));
    box.querySelector(".empty-list").hidden = list[kind].length > 0;
    box.querySelector(".count").textContent = String(list[kind].length);
  }
}

async function load(site) {
  const url = new URL(location.href);
  url.searchParams.set("site", site);
  history.replaceState(null, "", url);
  show(await api("GET", wordsPath(site)));
}

/** "line 2: must not be empty" from a 422's pointers (/phrases/1), for the form it came from. */
function lineErrors(error, lines) {
  const errors = (error.problem && error.problem.errors) || [];
  return errors.map((e) => {
    const index = /^\/phrases\/(\d+)$/.exec(e.pointer || "");
    return index ? `Line ${Number(index[1]) + 1} (“${lines[Number(index[1])]}”): ${e.detail}` : e.detail;
  });
}

async function add(form, kind) {
  const site = currentSite();
  const lines = form.elements.namedItem("phrases").value.split("\n").map((l) => l.trim()).filter(Boolean);
  const problem = form.querySelector(".form-error");
  problem.hidden = true;
  if (!site || !lines.length) return;
  try {
    show(await api("POST", wordsPath(site), { kind, phrases: lines }));
    form.reset();
    toast(`${lines.length === 1 ? "1 entry" : `${lines.length} entries`} added to ${kind}`);
  } catch (error) {
    if (error.status !== 422) return showError(error);
    problem.textContent = lineErrors(error, lines).join(" · ");
    problem.hidden = false;
  }
}

async function remove(site, word) {
  try {
    show(await api("DELETE", `${wordsPath(site)}/${encodeURIComponent(word.id)}`));
    toast(`Removed “${word.phrase}”`);
  } catch (error) {
    showError(error);
  }
}

async function siteNames() {
  // Site ids are the site keys' names.
  const keys = await api("GET", "/v1/keys");
  const names = [...new Set(keys.items.filter((k) => k.role === "site").map((k) => k.name))].sort();
  replace(document.getElementById("sites"), names.map((name) => el("option", { value: name })));
  return names;
}

async function main() {
  await startPage();
  const names = await siteNames();
  const form = document.getElementById("site-form");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (currentSite()) load(currentSite()).catch(showError);
  });
  for (const kind of KINDS) {
    const addForm = document.querySelector(`[data-kind='${kind}'] form`);
    addForm.addEventListener("submit", (event) => { event.preventDefault(); add(addForm, kind); });
  }
  const asked = new URL(location.href).searchParams.get("site") || (names.length === 1 ? names[0] : "");
  if (asked) {
    document.getElementById("site").value = asked;
    await load(asked);
  }
  document.body.dataset.ready = "1";
}

main().catch(showError);
