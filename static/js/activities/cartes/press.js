// A button activates on Space's keyup, and only if the key went down on that same element.
// A live update may redraw a card between the two (a vote's echo, another person's vote
// changing a tally, an edit): the board puts the focus back on the card's new button
// (view.js, restoreFocus), but the browser drops the press begun on the old one, and a
// keyboard user's « Retirer » or « Voter » is lost. The board finishes that press itself.

/** On `root` (the board): a Space press begun on a card's button that a redraw replaced
 * ends on its successor (same card, same action), which is clicked. */
export function keepSpacePresses(root) {
  let pressed = null; // the card button under the last Space keydown: {el, card, action}
  root.addEventListener("keydown", (event) => {
    if (event.key !== " " || event.repeat) return;
    pressed = cardButton(event.target);
  }, true);
  root.addEventListener("keyup", (event) => {
    if (event.key !== " ") return;
    const began = pressed;
    pressed = null;
    // the same button still there: the browser clicks it (clicking here would vote twice)
    if (!began || began.el.isConnected) return;
    const now = cardButton(event.target);
    if (now && now.card === began.card && now.action === began.action) now.el.click();
  }, true);
}

function cardButton(el) {
  if (!(el instanceof HTMLButtonElement) || !el.dataset.action) return null;
  const card = el.closest("[data-card-id]");
  return card ? { el, card: card.dataset.cardId, action: el.dataset.action } : null;
}
