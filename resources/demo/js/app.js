// Northwind Kites - behaviour for h2scope's demo site.
// 1. A light/dark theme toggle remembered in localStorage.
// 2. Shows which protocol delivered the page (h2, h2c, http/1.1) using the
//    Navigation and Resource Timing APIs.
(function () {
  'use strict';

  var STORAGE_KEY = 'northwind-theme';
  var root = document.documentElement;

  function storedTheme() {
    try {
      return window.localStorage.getItem(STORAGE_KEY);
    } catch (e) {
      return null; // storage disabled (private mode, file://)
    }
  }

  function preferredTheme() {
    var saved = storedTheme();
    if (saved === 'light' || saved === 'dark') {
      return saved;
    }
    var media = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)');
    return media && media.matches ? 'dark' : 'light';
  }

  function applyTheme(theme) {
    root.setAttribute('data-theme', theme);
    var buttons = document.querySelectorAll('.theme-toggle');
    for (var i = 0; i < buttons.length; i++) {
      var dark = theme === 'dark';
      buttons[i].setAttribute('aria-pressed', dark ? 'true' : 'false');
      var label = buttons[i].querySelector('.theme-toggle-label');
      if (label) {
        label.textContent = dark ? 'Light' : 'Dark';
      }
    }
  }

  function toggleTheme() {
    var next = root.getAttribute('data-theme') === 'dark' ? 'light' : 'dark';
    applyTheme(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch (e) {
      // not persisted; the toggle still works for this page
    }
  }

  function setText(id, text) {
    var el = document.getElementById(id);
    if (el) {
      el.textContent = text;
    }
  }

  function describeProtocol(name) {
    if (!name) {
      return 'unknown';
    }
    if (name === 'h2' && window.location.protocol === 'http:') {
      return 'h2c';
    }
    return name;
  }

  function showProtocolInfo() {
    if (!window.performance || !performance.getEntriesByType) {
      setText('proto', 'not reported by this browser');
      return;
    }
    var nav = performance.getEntriesByType('navigation')[0];
    setText('proto', describeProtocol(nav && nav.nextHopProtocol));
    if (nav && nav.responseStart > 0) {
      setText('ttfb', Math.round(nav.responseStart - nav.requestStart) + ' ms');
    }
    var resources = performance.getEntriesByType('resource');
    var byProtocol = {};
    for (var i = 0; i < resources.length; i++) {
      var p = describeProtocol(resources[i].nextHopProtocol);
      byProtocol[p] = (byProtocol[p] || 0) + 1;
    }
    var parts = Object.keys(byProtocol).map(function (k) {
      return byProtocol[k] + ' over ' + k;
    });
    setText('resource-count', resources.length + (parts.length ? ' (' + parts.join(', ') + ')' : ''));
  }

  applyTheme(preferredTheme());

  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('.theme-toggle');
    if (button) {
      toggleTheme();
    }
  });

  // Resource entries for the font and image arrive after DOMContentLoaded.
  if (document.readyState === 'complete') {
    showProtocolInfo();
  } else {
    window.addEventListener('load', showProtocolInfo);
  }
})();
