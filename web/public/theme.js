// Applies the chosen theme (settings: system, light or dark) before the first paint: a classic script in <head>,
// from this origin, since the CSP allows no inline script. The app announces a new choice with the
// "jokkaer:theme" event; other tabs hear it through "storage".
/* global window, document, localStorage */
(function () {
  var KEY = 'jokkaer.theme';
  var dark = window.matchMedia('(prefers-color-scheme: dark)');
  function apply() {
    var chosen = null;
    try {
      chosen = localStorage.getItem(KEY);
    } catch {
      // Storage may be off (private modes): follow the system.
    }
    var theme = chosen === 'light' || chosen === 'dark' ? chosen : dark.matches ? 'dark' : 'light';
    document.documentElement.dataset.theme = theme;
  }
  apply();
  dark.addEventListener('change', apply);
  window.addEventListener('jokkaer:theme', apply);
  window.addEventListener('storage', function (event) {
    if (event.key === KEY) apply();
  });
})();
