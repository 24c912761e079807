// The live meeting view's clock: a countdown to the teacher's wrap-up time, and a clear
// warning (role=alert) two minutes before it. The server's "now" is read from the page,
// so a wrong clock on the phone does not move the wrap-up time.
document.addEventListener("DOMContentLoaded", () => {
  const panel = document.querySelector("[data-live-session]");
  if (!panel) return;
  const wrapUp = Date.parse(panel.dataset.wrapUp);
  const offset = Date.parse(panel.dataset.now) - Date.now();
  const countdown = panel.querySelector("[data-countdown]");
  const warning = panel.querySelector("[data-wrap-up-warning]");
  const WARN_MS = 2 * 60 * 1000;
  let warned = false;

  const tick = () => {
    const left = wrapUp - (Date.now() + offset);
    if (left <= 0) {
      countdown.textContent = "Time to wrap up.";
      warning.textContent = "It is wrap-up time.";
      clearInterval(timer);
      return;
    }
    const minutes = Math.floor(left / 60000);
    const seconds = Math.floor((left % 60000) / 1000);
    countdown.textContent = `${minutes}:${String(seconds).padStart(2, "0")} left.`;
    if (!warned && left <= WARN_MS) {
      warned = true;
      panel.classList.add("warning");
      warning.textContent = "Two minutes to wrap-up. Time to agree the next steps.";
    }
  };
  const timer = setInterval(tick, 1000);
  tick();
});
