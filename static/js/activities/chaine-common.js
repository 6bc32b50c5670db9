// Shared by the chaine_de_valeur and feuille_de_route views: their stylesheet (loaded once,
// with the view) and a few labels.

let css = null;

/** static/css/chaine-feuille.css, once per page. */
export function loadStyles() {
  if (!css) {
    css = new Promise((resolve) => {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = new URL("../../css/chaine-feuille.css", import.meta.url).href;
      link.onload = link.onerror = () => resolve();
      document.head.append(link);
    });
  }
  return css;
}

/** « Q2. Comment associer les parents ? » (or a short « Q2 »). */
export function questionText(questions, id, long = true) {
  const q = questions.find((x) => x.id === id);
  if (!q) return "";
  if (!q.active) return "question retirée";
  return long ? `Q${q.number}. ${q.text}` : `Q${q.number}`;
}

/** The view's write rights for this step: {open, anim, canWrite, projection}. */
export function rights(page, step) {
  const atelier = page.store.atelier;
  const open = atelier.state === "en_cours";
  const anim = page.role === "animateur";
  const current = atelier.current_step_id === step.id;
  return {
    open,
    anim,
    projection: page.root.id === "projection-app",
    canWrite: anim ? open : page.role === "participant" && open && current && !step.locked,
  };
}
