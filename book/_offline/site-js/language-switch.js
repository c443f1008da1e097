// The language switch (book/_ext/language_switch.py) leads to the same section of the page in
// the other language: the sections have the same names in both, so the #fragment is carried along.
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a.language-switch-link");
  if (link && window.location.hash) link.hash = window.location.hash;
});
