// The API client: JSON in and out, the session's CSRF token on unsafe methods, and
// problem+json errors turned into ApiError (with the problem's code) and shown to the user.
import { el } from "./dom.js";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
let session = null;

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.code = problem.code || `http-${status}`;
  }
}

/** The signed-in user ({username, role, csrf_token, expires_at}); redirects to sign in if none. */
export async function loadSession() {
  const response = await fetch("/v1/session", { credentials: "same-origin" });
  if (response.status === 401) {
    location.assign(`/ui/login?next=${encodeURIComponent(location.pathname)}`);
    throw new ApiError(401, { title: "Signed out" });
  }
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  session = await response.json();
  return session;
}

export function currentSession() {
  return session;
}

/** Call the API; resolves to the parsed JSON (null for 204), rejects with ApiError. */
export async function api(method, path, body = undefined, headers = {}, { keepalive = false } = {}) {
  if (body === undefined) return send(method, path, undefined, headers, { keepalive });
  return send(method, path, JSON.stringify(body), { "Content-Type": "application/json", ...headers }, { keepalive });
}

/** Send a body as it is (e.g. a CSV file, with its Content-Type in `headers`). */
export async function send(method, path, body, headers = {}, { keepalive = false } = {}) {
  const init = { method, credentials: "same-origin", keepalive, headers: { Accept: "application/json", ...headers } };
  if (UNSAFE.has(method) && session) init.headers["X-CSRF-Token"] = session.csrf_token;
  if (body !== undefined) init.body = body;
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new ApiError(0, { title: "Network error", detail: "The server could not be reached." });
  }
  if (response.status === 401) {
    location.assign(`/ui/login?next=${encodeURIComponent(location.pathname)}`);
  }
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  if (response.status === 204) return null;
  return response.json();
}

async function problemOf(response) {
  try {
    return await response.json();
  } catch {
    return { title: response.statusText || "Error", status: response.status };
  }
}

const TOAST_CAP = 3;

/** Show a short message; `action` is an optional {label, run} button (e.g. Undo). */
export function toast(message, { kind = "info", action = null, timeout = 6000 } = {}) {
  const box = document.getElementById("toasts");
  const item = el("div", { class: `toast toast-${kind}` }, el("span", {}, message));
  if (action) {
    item.append(el("button", { type: "button", onclick: () => { item.remove(); action.run(); } }, action.label));
  }
  box.append(item);
  // A stack, not a pile: at most TOAST_CAP show; the oldest plain message gives way first, and
  // one offering an action (Undo) only when every shown toast offers one.
  const shown = [...box.children];
  if (shown.length > TOAST_CAP) (shown.find((t) => !t.querySelector("button")) || shown[0]).remove();
  setTimeout(() => item.remove(), timeout);
  return item;
}

/** Show an API failure to the user: its title, detail and trace id. */
export function showError(error, prefix = "") {
  const problem = error.problem || {};
  const parts = [prefix, problem.title || error.message, problem.detail && problem.detail !== problem.title ? `— ${problem.detail}` : "", problem.trace_id ? `(trace ${problem.trace_id})` : ""];
  toast(parts.filter(Boolean).join(" "), { kind: "error", timeout: 10000 });
}
