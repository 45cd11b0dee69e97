// Counts errors and console.error calls into <html data-errors> and shows them in #report-errors, so a headless
// browser's DOM dump tells whether the page ran cleanly.
(function () {
  var root = document.documentElement;
  root.setAttribute('data-errors', '0');
  function record(text) {
    root.setAttribute('data-errors', String(Number(root.getAttribute('data-errors')) + 1));
    var pre = document.getElementById('report-errors');
    if (pre) pre.textContent += text + '\n'; else window.__reportErrors = (window.__reportErrors || []).concat(text);
  }
  window.addEventListener('error', function (e) { record('error: ' + e.message); });
  window.addEventListener('unhandledrejection', function (e) { record('unhandled rejection: ' + e.reason); });
  var consoleError = console.error;
  console.error = function () {
    record('console.error: ' + Array.prototype.join.call(arguments, ' '));
    return consoleError.apply(console, arguments);
  };
})();
