// Behaviour the floor pages ask for with data attributes instead of inline handlers: the
// Content-Security-Policy runs scripts only from our own files (awning/settings.py).
//   <input data-autosubmit>            submits its form when it changes (the queue's filters)
//   <form data-confirm="Question?">    asks before submitting (resetting the queue)
(function () {
  "use strict";
  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-autosubmit]") && event.target.form) event.target.form.submit();
  });
  document.addEventListener("submit", (event) => {
    const question = event.target.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
