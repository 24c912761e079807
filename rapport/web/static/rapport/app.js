// Rapport's own script: progressive enhancement only; every page works without it.
document.addEventListener("htmx:xhr:progress", (event) => {
  const bar = document.querySelector("[data-upload-progress]");
  if (bar && event.detail.lengthComputable) {
    bar.hidden = false;
    bar.value = (event.detail.loaded / event.detail.total) * 100;
  }
});
