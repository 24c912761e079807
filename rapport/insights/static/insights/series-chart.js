// Draws each series chart from its json_script data: {labels, series: [{label, data}], type}.
// The table beside every canvas carries the same numbers for screen readers and without
// JavaScript; a hidden (suppressed) number is null here and is simply not drawn.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Chart === "undefined") return;
  document.querySelectorAll("canvas[data-series-chart]").forEach((canvas) => {
    const source = document.getElementById(canvas.dataset.seriesChart);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: data.type || "line",
      data: {
        labels: data.labels,
        datasets: data.series.map((series) => ({ label: series.label, data: series.data, tension: 0.2 })),
      },
      options: {
        responsive: true,
        animation: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } },
      },
    });
  });
});
