// What every page shares: the session in the header, ops links for ops, the sign-out form.
import { loadSession } from "./api.js";

/** Fetch the session and fill the page header; resolves to the session. */
export async function startPage() {
  const session = await loadSession();
  document.getElementById("who-name").textContent = session.username;
  document.getElementById("who-role").textContent = session.role;
  const logout = document.getElementById("logout");
  logout.elements.namedItem("csrf").value = session.csrf_token;
  if (session.role === "ops") {
    for (const link of document.querySelectorAll("[data-ops]")) link.hidden = false;
  }
  for (const link of document.querySelectorAll(".nav a")) {
    if (link.getAttribute("href") === location.pathname) link.setAttribute("aria-current", "page");
  }
  return session;
}
