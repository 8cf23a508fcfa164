// The preview page: follows the server's builds (server-sent events) and swaps the email in
// place, keeping the scroll position. Every text from the issue goes in with textContent.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const body = document.body;
  const frames = [$("email-a"), $("email-b")];
  const VIEWS = ["desktop", "mobile", "text"];
  let front = 0;
  let shown = null; // the build on screen
  let wanted = null; // the build being loaded into the back frame
  let savedScroll = null; // the email's scroll while a broken save hides it

  // --- views ---------------------------------------------------------------------------------

  function setView(view, focus) {
    if (!VIEWS.includes(view)) view = "desktop";
    body.dataset.view = view;
    for (const tab of document.querySelectorAll("[role=tab]")) {
      const on = tab.dataset.view === view;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      if (on && focus) tab.focus();
    }
    try {
      localStorage.setItem("copro-news-preview-view", view);
    } catch (e) {
      /* private windows may refuse storage: the view is simply not remembered */
    }
  }

  for (const tab of document.querySelectorAll("[role=tab]")) {
    tab.addEventListener("click", () => setView(tab.dataset.view));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      const i = VIEWS.indexOf(body.dataset.view);
      setView(VIEWS[(i + step + VIEWS.length) % VIEWS.length], true);
      event.preventDefault();
    });
  }
  let remembered = null;
  try {
    remembered = localStorage.getItem("copro-news-preview-view");
  } catch (e) {
    remembered = null;
  }
  setView(new URLSearchParams(location.search).get("view") || remembered || "desktop");

  // --- problems ------------------------------------------------------------------------------

  function plural(n, word) {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
  }

  function problemItem(p) {
    const li = document.createElement("li");
    li.className = p.severity;
    const where = document.createElement("span");
    where.className = "where";
    where.textContent = p.file ? (p.line ? `${p.file}:${p.line}` : p.file) : "the issue";
    const code = document.createElement("span");
    code.className = "code";
    code.textContent = p.code;
    const message = document.createElement("span");
    message.className = "message";
    message.textContent = p.message;
    li.append(where, code, message);
    if (p.hint) {
      const hint = document.createElement("span");
      hint.className = "hint";
      hint.textContent = p.hint;
      li.append(hint);
    }
    return li;
  }

  function showProblems(snap) {
    const parts = [];
    if (snap.errors) parts.push(plural(snap.errors, "error"));
    if (snap.warnings) parts.push(plural(snap.warnings, "warning"));
    $("problems-summary").textContent = parts.length ? `${parts.join(", ")}.` : "No problems found.";
    $("problems-at").textContent = snap.at ? `Dates judged at ${snap.at}.` : "";
    $("problems-list").replaceChildren(...snap.problems.map(problemItem));
  }

  // --- the email -----------------------------------------------------------------------------

  function scrollOf(frame) {
    try {
      return frame.contentWindow.scrollY || 0;
    } catch (e) {
      return 0;
    }
  }

  function loadEmail(snap) {
    const back = frames[1 - front];
    wanted = snap;
    back.onload = () => {
      if (wanted !== snap) return; // a newer save overtook this one
      const current = frames[front];
      const doc = back.contentDocument;
      if (doc && doc.head) {
        // links open beside the preview, never inside the frame
        const base = doc.createElement("base");
        base.target = "_blank";
        doc.head.prepend(base);
      }
      const y = savedScroll !== null ? savedScroll : scrollOf(current);
      savedScroll = null;
      try {
        back.contentWindow.scrollTo(0, y);
      } catch (e) {
        /* an empty frame has nothing to scroll */
      }
      back.className = "front";
      back.removeAttribute("aria-hidden");
      back.tabIndex = 0;
      back.title = "The email";
      current.className = "back";
      current.setAttribute("aria-hidden", "true");
      current.tabIndex = -1;
      current.title = "The email (loading)";
      front = 1 - front;
      body.dataset.state = "ok";
      body.dataset.version = String(snap.version);
    };
    back.src = `/issue/issue.html?v=${encodeURIComponent(snap.boot)}-${snap.version}`;
  }

  function time(seconds) {
    return new Date(seconds * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  function apply(snap) {
    if (shown && shown.boot === snap.boot && shown.version === snap.version) return;
    const first = shown === null;
    shown = snap;
    document.title = `${snap.ok ? "" : "\u2716 "}${snap.subject || snap.issue} \u2013 copro-news preview`;
    $("sender").textContent = snap.sender || "";
    $("subject").textContent = snap.subject || `(no subject) ${snap.issue}`;
    $("preheader").textContent = snap.preheader || "";
    showProblems(snap);
    if (snap.ok) {
      $("text-body").textContent = snap.text;
      loadEmail(snap);
    } else {
      if (body.dataset.state === "ok") savedScroll = scrollOf(frames[front]);
      wanted = null;
      $("failure-message").textContent = snap.message || "The issue cannot be built.";
      $("failure-hint").textContent = snap.hint || "";
      $("failure-list").replaceChildren(
        ...snap.problems.filter((p) => p.severity === "error").map(problemItem),
      );
      body.dataset.state = "error";
      body.dataset.version = String(snap.version);
    }
    if (first) body.dataset.boot = snap.boot;
  }

  function showStatus(snap) {
    if (snap.ok) {
      const kb = (snap.html_bytes / 1024).toFixed(1);
      const clipped = snap.html_bytes > 102 * 1024 ? " (over Gmail's 102 KB limit)" : "";
      $("status").textContent =
        `Updated ${time(snap.built_at)} \u00b7 ${kb} KB${clipped} \u00b7 built in ${Math.round(snap.ms)} ms`;
    } else {
      const what = snap.errors ? plural(snap.errors, "error") : "see the message";
      $("status").textContent = `Cannot build: ${what} (${time(snap.built_at)})`;
    }
  }

  // --- following the builds ------------------------------------------------------------------

  const events = new EventSource("/events");
  events.addEventListener("build", (event) => {
    body.dataset.connection = "open";
    const snap = JSON.parse(event.data);
    apply(snap);
    showStatus(snap);
  });
  events.addEventListener("open", () => {
    body.dataset.connection = "open";
  });
  events.addEventListener("error", () => {
    body.dataset.connection = "lost";
    $("status").textContent = "Not connected: is copro-news preview still running? Retrying\u2026";
  });
})();
