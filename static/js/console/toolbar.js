// The console's control bar (templates/console.html, role="toolbar"): one Tab stop for the
// whole bar, the arrow keys (and Home / End) move between its commands — the WAI-ARIA
// toolbar pattern — so the page's first Tab presses reach every command of the bar.

const ITEMS = "button, a[href], input";

export class Toolbar {
  constructor(root) {
    this.root = root;
    this.current = null;
    root.addEventListener("keydown", (event) => this.onKey(event));
    root.addEventListener("focusin", (event) => {
      if (this.items().includes(event.target)) this.set(event.target);
    });
  }

  /** The commands shown now (hidden ones are skipped). */
  items() {
    return [...this.root.querySelectorAll(ITEMS)].filter((el) => !el.hidden && el.offsetParent !== null);
  }

  /** Call after each render: exactly one command of the bar is in the Tab order. */
  refresh() {
    const items = this.items();
    if (!items.includes(this.current)) this.current = items[0] || null;
    for (const el of this.root.querySelectorAll(ITEMS)) {
      el.tabIndex = el === this.current ? 0 : -1;
    }
  }

  set(el) {
    this.current = el;
    this.refresh();
  }

  onKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const items = this.items();
    const index = items.indexOf(document.activeElement);
    if (index < 0) return;
    // a number field keeps its up/down arrows; left/right leave it (its value is short)
    let next = null;
    if (event.key === "ArrowRight") next = items[(index + 1) % items.length];
    else if (event.key === "ArrowLeft") next = items[(index - 1 + items.length) % items.length];
    else if (event.key === "Home") next = items[0];
    else if (event.key === "End") next = items[items.length - 1];
    if (!next) return;
    event.preventDefault();
    this.set(next);
    next.focus();
  }
}
