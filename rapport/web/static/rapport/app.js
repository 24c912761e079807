// Rapport's own script: progressive enhancement only; every page works without it.
document.documentElement.classList.add("js");

document.addEventListener("htmx:xhr:progress", (event) => {
  const bar = document.querySelector("[data-upload-progress]");
  if (bar && event.detail.lengthComputable) {
    bar.hidden = false;
    bar.value = (event.detail.loaded / event.detail.total) * 100;
  }
});

// On a phone the main navigation folds behind the menu button.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".menu-button");
  if (!button) return;
  const nav = document.getElementById(button.getAttribute("aria-controls"));
  const open = button.getAttribute("aria-expanded") !== "true";
  button.setAttribute("aria-expanded", String(open));
  nav.toggleAttribute("data-open", open);
});

// The personal menu closes on a click elsewhere or on Escape, as menus do.
document.addEventListener("click", (event) => {
  document.querySelectorAll("details.user-menu[open]").forEach((menu) => {
    if (!menu.contains(event.target)) menu.open = false;
  });
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document.querySelectorAll("details.user-menu[open]").forEach((menu) => {
    menu.open = false;
    menu.querySelector("summary").focus();
  });
});

// A Print button (the agreement): the browser's own print dialog. Without the script the
// button stays hidden (CSS) and the browser's menu prints the page just as well.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
