// Draws the charts the page's JSON describes ({"charts": [{id, type, title, labels, datasets, x, y}]}) with Chart.js,
// without animation (a screenshot taken at once shows them whole), then sets <html data-charts-drawn="N">.
(function () {
  var spec = JSON.parse(document.getElementById('report-data').textContent);
  var drawn = 0;
  spec.charts.forEach(function (c) {
    var canvas = document.getElementById(c.id);
    new Chart(canvas, {
      type: c.type,
      data: { labels: c.labels, datasets: c.datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { title: { display: true, text: c.title }, legend: { position: 'bottom' } },
        scales: {
          x: { title: { display: true, text: c.x } },
          y: { title: { display: true, text: c.y }, beginAtZero: c.beginAtZero === true }
        }
      }
    });
    if (canvas.width > 0 && canvas.height > 0) drawn++;
  });
  document.documentElement.setAttribute('data-charts-drawn', String(drawn));
})();
