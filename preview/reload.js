// The preview's reloader (preview_server.py, `python3 tasks.py livereload`). The preview server
// adds it to every page it sends, with the number of the build the page is from
// (data-build) and of the last quick write before it (data-edits); it is never written into
// output/. It asks the server how the builds go: when a newer build is good (but left this page
// as the quick write the page is from wrote it), or a quick write (an edit to an item's text,
// written before its build) wrote this page, it reloads the page;
// when the last build failed, it shows that build's
// problems over the page, which stays as the last good build made it, until a build passes its
// checks. Every text of the problems
// goes in with textContent: the lines hold editors' text, which must never run as HTML.
(() => {
  "use strict";

  const STATUS = "/__preview__/status";
  const pageBuild = Number(document.currentScript.dataset.build);
  const pageEdits = Number(document.currentScript.dataset.edits || 0);
  const here = window.location.pathname.replace(/index\.html$/, "");
  let shown = null; // the dialog of the problems on screen, if any
  let dismissed = -1; // the build whose problems the reader closed

  const style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = "/__preview__/reload.css";
  document.head.append(style);

  function element(name, className, text) {
    const made = document.createElement(name);
    if (className) made.className = className;
    if (text !== undefined) made.textContent = text;
    return made;
  }

  function hideProblems() {
    if (shown) {
      shown.close();
      shown.remove();
      shown = null;
    }
  }

  function showProblems(status) {
    hideProblems();
    const dialog = element("dialog", "preview-problems");
    dialog.setAttribute("aria-labelledby", "preview-problems-title");
    dialog.setAttribute("aria-describedby", "preview-problems-help");
    const title = element("h2", "preview-problems-title", "The preview was not rebuilt");
    title.id = "preview-problems-title";
    const count = status.problems.length;
    const help = element(
      "p",
      "preview-problems-help",
      `${count} ${count === 1 ? "problem" : "problems"} in the content. The page below is from the last ` +
        "build that worked. Fix each line, save, and this page reloads by itself.",
    );
    help.id = "preview-problems-help";
    const list = element("ul", "preview-problems-list");
    for (const line of status.problems) {
      const item = element("li");
      item.append(element("code", "", line));
      list.append(item);
    }
    const close = element("button", "preview-problems-close", "Close (Esc)");
    close.type = "button";
    close.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      dismissed = status.build;
      if (shown === dialog) {
        dialog.remove();
        shown = null;
      }
    });
    dialog.append(title, help, list, close);
    document.body.append(dialog);
    dialog.showModal(); // focus goes to the button; Esc closes it
    close.focus();
    shown = dialog;
  }

  function show(status) {
    const edited = status.edits > pageEdits && status.edited.includes(here);
    // A page got after a quick write of it, which the build then left as it was: no reload.
    const settled = (status.settled || {})[here];
    const rebuilt = status.good && status.build > pageBuild && !(settled !== undefined && pageEdits >= settled);
    if (rebuilt || edited) {
      window.location.reload();
      return false;
    }
    // The build under way passed its checks (it wrote the edited pages first): the last build's
    // problems are fixed.
    if (status.good === false && !status.checked && status.build !== dismissed) {
      if (!shown) showProblems(status);
    } else if (status.good || status.checked) {
      hideProblems();
    }
    return true;
  }

  async function follow() {
    let since = null; // first the state as it is, then each build after it
    let edits = pageEdits;
    for (;;) {
      let status;
      try {
        const address = since === null ? STATUS : `${STATUS}?since=${since}&edits=${edits}`;
        const response = await fetch(address, { cache: "no-store" });
        status = await response.json();
      } catch {
        // The preview is stopped or restarting: ask again in a second.
        await new Promise((resolve) => window.setTimeout(resolve, 1000));
        continue;
      }
      if (since !== null && status.build > since) hideProblems();
      if (!show(status)) return;
      since = status.build;
      edits = status.edits;
    }
  }

  follow();
})();
