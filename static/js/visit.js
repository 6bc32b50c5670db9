// The participant's cycle page records the visit once it is shown: the GET only reads
// (« ce qui a changé depuis votre dernière visite » is measured from the visit before).
// The hidden form carries the URL and the CSRF token, like every other POST of the app.
const form = document.getElementById("visit");
if (form) {
  const body = new FormData(form);
  if (!(navigator.sendBeacon && navigator.sendBeacon(form.action, body))) {
    fetch(form.action, { method: "POST", body, credentials: "same-origin", keepalive: true }).catch(
      () => {},
    );
  }
}
