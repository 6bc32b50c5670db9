// Keyboard shortcuts of the console (listed in templates/console.html, « Raccourcis »):
// one key, no modifier, never while the focus is in a text field, a select or an open
// card menu's field — those keep all their keys.

const TYPING = "input, textarea, select, [contenteditable=''], [contenteditable='true']";

/** keys: {"n": fn, "?": fn, …} (lower case); escape: fn. */
export function bindShortcuts(keys, escape) {
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (event.key === "Escape") {
      if (escape(event)) event.preventDefault();
      return;
    }
    if (target instanceof Element && target.closest(TYPING)) return;
    if (event.repeat) return;
    const fn = keys[event.key.toLowerCase()];
    if (!fn) return;
    event.preventDefault();
    fn();
  });
}
