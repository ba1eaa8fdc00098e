// The keyboard: j/k move, a/r/s decide, d dismiss reports, u undo, x select, e expand, o author, n new, / search,
// ? help, Esc close.
// Keys are ignored while typing in a field, and while a dialog is open (it has its own keys).

const NOT_TEXT = new Set(["checkbox", "radio", "button", "submit", "reset"]);

function isTyping(target) {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return !NOT_TEXT.has(target.type);
  return target.isContentEditable || ["TEXTAREA", "SELECT"].includes(target.tagName);
}

/** Call handlers[key] for plain key presses outside fields and dialogs. */
export function bindKeys(handlers) {
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (document.querySelector("dialog[open]")) return;
    if (event.key === "Escape") {
      if (isTyping(event.target)) event.target.blur(); // back to the keys
      handlers.Escape?.();
      return;
    }
    if (isTyping(event.target)) return;
    const handler = handlers[event.key];
    if (!handler) return;
    event.preventDefault();
    handler();
  });
}

/** Show the help overlay. */
export function showHelp() {
  document.getElementById("help-dialog").showModal();
}
