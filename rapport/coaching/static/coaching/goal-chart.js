// Draws each goal chart from its json_script data: evidence against baseline and target.
// The table next to the canvas carries the same numbers for screen readers and without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Chart === "undefined") return;
  document.querySelectorAll("canvas[data-goal-chart]").forEach((canvas) => {
    const source = document.getElementById(canvas.dataset.goalChart);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    const flat = (value) => data.labels.map(() => value);
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          { label: "Evidence", data: data.values, tension: 0.2 },
          { label: "Baseline", data: flat(data.baseline), borderDash: [4, 4], pointRadius: 0 },
          { label: "Target", data: flat(data.target), borderDash: [8, 4], pointRadius: 0 },
        ],
      },
      options: { responsive: true, animation: false, plugins: { legend: { position: "bottom" } } },
    });
  });
});
