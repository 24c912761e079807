// A conversation's page: the recording plays with the transcript as captions, and the
// listening figures become charts. Without this script the page still has every figure
// (in words and a table) and every line (with links to it).
(() => {
  const player = document.querySelector("[data-player]");
  const lines = Array.from(document.querySelectorAll(".transcript li[data-start]"));
  const momentField = document.querySelector("[data-comment-moment]");

  const formatMoment = (seconds) => {
    const total = Math.floor(seconds);
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const secs = String(total % 60).padStart(2, "0");
    return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
  };

  // Clicking any moment (anywhere on a transcript line, a finding, a comment) plays from
  // there and sets the comment form to that moment. A line's time link does the same for
  // the keyboard.
  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-seek]");
    const line = link ? null : event.target.closest(".transcript li[data-start]");
    if (!link && !line) return;
    if (line && window.getSelection && String(window.getSelection()).length) return; // selecting text
    const seconds = Number(link ? link.dataset.seek : line.dataset.start);
    if (momentField) momentField.value = formatMoment(seconds);
    if (player) {
      player.currentTime = seconds;
      player.play().catch(() => {});
    }
  });

  if (!player) return;
  let current = null;
  const highlight = () => {
    const time = player.currentTime;
    const line = lines.find((item) => time >= Number(item.dataset.start) && time < Number(item.dataset.end));
    if (line === current) return;
    if (current) {
      current.classList.remove("speaking");
      current.removeAttribute("aria-current");
    }
    current = line || null;
    if (current) {
      current.classList.add("speaking");
      current.setAttribute("aria-current", "true");
    }
  };
  player.addEventListener("timeupdate", highlight);
  player.addEventListener("seeked", highlight);
})();

(() => {
  const source = document.getElementById("listening-data");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const talk = document.getElementById("talk-chart");
  if (talk) {
    new Chart(talk, {
      type: "bar",
      data: {
        labels: data.speakers,
        datasets: [
          { label: "Seconds", data: data.seconds },
          { label: "Words", data: data.words },
        ],
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        plugins: { title: { display: true, text: "Who talked" } },
      },
    });
  }
  const questions = document.getElementById("question-chart");
  if (questions) {
    new Chart(questions, {
      type: "doughnut",
      data: { labels: ["Open", "Closed"], datasets: [{ data: data.questions }] },
      options: { maintainAspectRatio: false, plugins: { title: { display: true, text: "The coach's questions" } } },
    });
  }
})();
