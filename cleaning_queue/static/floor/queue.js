// Drag-and-drop reordering of the cleaning queue for managers.
// Each drop sends the version of the queue this page was loaded with; a 409 means someone else
// changed the queue meanwhile, and the page asks the user to reload instead of guessing.
(function () {
  "use strict";
  const list = document.getElementById("queue");
  const status = document.getElementById("queue-status");
  if (!list || !list.dataset.sortable) return;

  function csrfToken() {
    const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function renumber() {
    list.querySelectorAll(".row .position").forEach((badge, index) => { badge.textContent = index + 1; });
  }

  function refuse(message) {
    status.textContent = message;
    status.hidden = false;
    sortable.option("disabled", true);
    const reload = document.createElement("button");
    reload.textContent = "Reload";
    reload.addEventListener("click", () => window.location.reload());
    status.append(" ", reload);
  }

  const sortable = Sortable.create(list, {
    handle: ".handle",
    animation: 150,
    forceFallback: true, // pointer events: works the same with a mouse and on touch screens
    onEnd(event) {
      if (event.oldIndex === event.newIndex) return;
      const number = event.item.dataset.number;
      renumber();
      fetch(`${list.dataset.moveUrl}${number}/move`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ version: Number(list.dataset.version), to_position: event.newIndex + 1 }),
        credentials: "same-origin",
      })
        .then((response) => response.json().then((body) => ({ ok: response.ok, body })))
        .then(({ ok, body }) => {
          if (ok) {
            list.dataset.version = body.version;
          } else {
            refuse(body.error || "The move was refused.");
          }
        })
        .catch(() => refuse("The move could not be sent. Check the connection and reload."));
    },
  });
})();
