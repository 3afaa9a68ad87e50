/* The search pages (/search/, /es/search/) and nothing else: start Pagefind UI in #search.
 *
 * Loaded with `defer` after /pagefind/pagefind-ui.js. The page's own form (and the one in the site
 * header) is a plain GET form that sends ?q= here, so it works before and without this script;
 * once Pagefind UI is up, that form is hidden, Pagefind UI's own box takes the query and searches,
 * and the address keeps ?q= in step with what is searched, so a search can be shared or bookmarked.
 * The filters (type and topic, named in each language) come from the data-pagefind-filter links of
 * the indexed pages.
 */
(function () {
  "use strict";

  var container = document.getElementById("search");
  if (!container) {
    return;
  }
  if (typeof window.PagefindUI !== "function") {
    // The index was not built (pelican alone, without tasks.py) or did not load.
    var unavailable = document.getElementById("search-unavailable");
    if (unavailable) {
      unavailable.hidden = false;
    }
    return;
  }

  var query = (new URLSearchParams(window.location.search).get("q") || "").trim();
  // The filters' names in the page's language ("type topic", "tipo tema"), as the pages give them.
  var filterNames = (container.getAttribute("data-filters") || "").split(" ").filter(Boolean);

  function keepQueryInAddress(term) {
    var url = new URL(window.location.href);
    if (term) {
      url.searchParams.set("q", term);
    } else {
      url.searchParams.delete("q");
    }
    window.history.replaceState(null, "", url.pathname + url.search + url.hash);
  }

  var ui = new window.PagefindUI({
    element: "#search",
    bundlePath: container.getAttribute("data-bundle-path") || undefined,
    showImages: false,
    showSubResults: false,
    showEmptyFilters: false,
    // Beside the results on wide screens: open. Above them on narrow ones: closed, so that the
    // results are not pushed off the screen.
    openFilters: window.matchMedia("(min-width: 60em)").matches ? filterNames : [],
    processTerm: function (term) {
      keepQueryInAddress(term.trim());
      return term;
    }
  });

  // Emptying the box searches nothing, so processTerm is not called: drop ?q= here.
  container.addEventListener("input", function (event) {
    if (event.target.classList.contains("pagefind-ui__search-input") && !event.target.value.trim()) {
      keepQueryInAddress("");
    }
  });

  var form = document.getElementById("search-form");
  if (form) {
    form.hidden = true;
  }
  if (query) {
    ui.triggerSearch(query);
  }
})();
