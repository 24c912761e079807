// The live meeting view's clock: a large countdown to the teacher's wrap-up time, and a clear
// warning (role=alert) two minutes before it. The server's "now" is read from the page,
// so a wrong clock on the phone does not move the wrap-up time.

// "42:07" under an hour, "1:05:09" past one, "2 days 4 h" when the session is days away.
function formatLeft(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (n) => String(n).padStart(2, "0");
  if (days > 0) return `${days} day${days === 1 ? "" : "s"} ${hours} h`;
  if (hours > 0) return `${hours}:${two(minutes)}:${two(seconds)}`;
  return `${minutes}:${two(seconds)}`;
}

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
      countdown.textContent = "0:00";
      warning.textContent = "It is wrap-up time.";
      panel.classList.add("warning");
      clearInterval(timer);
      return;
    }
    countdown.textContent = formatLeft(left);
    if (!warned && left <= WARN_MS) {
      warned = true;
      panel.classList.add("warning");
      warning.textContent = "Two minutes to wrap-up. Time to agree the next steps.";
    }
  };
  const timer = setInterval(tick, 1000);
  tick();
});
