/* Papershelf: the reader's tools on topic and index pages.
 *
 *  - a filter bar over the papers of the page: words (title, authors, venue,
 *    tags), venue kind, reading status and a year range.  The page changes
 *    as the reader types, without reloading, and the filter is kept in the
 *    address (?q=…&kind=…&status=…&year=2023-2024) so a filtered view can be
 *    shared.  Without JavaScript nothing is hidden and no control is shown;
 *  - "Copy BibTeX" buttons, whose entry the build wrote into data-bibtex.
 *
 * No dependencies; every control is a native form element or button, so it
 * is reachable with the keyboard.
 */
(function () {
  "use strict";

  var PARAMS = ["q", "kind", "status", "year"];
  var KIND_LABELS = {
    conference: "Conference", journal: "Journal", workshop: "Workshop",
    findings: "Findings", preprint: "Preprint", unknown: "Other venue"
  };

  function words(text) {
    return (text || "").toLowerCase().split(/\s+/).filter(Boolean);
  }

  function textOf(element, selector) {
    var found = element.querySelector(selector);
    return found ? found.textContent : "";
  }

  /* "2023", "2023-2025", "2023-", "-2024" -> [low, high] (null: open). */
  function parseYears(value) {
    var match = /^\s*(\d{4})?\s*(?:(-|–|\.\.)\s*(\d{4})?)?\s*$/.exec(value || "");
    if (!match || !(match[1] || match[3])) return null;
    var low = match[1] ? +match[1] : null;
    var high = match[3] ? +match[3] : (match[2] ? null : low);
    if (low !== null && high !== null && low > high) return null;
    return [low, high];
  }

  function formatYears(low, high) {
    if (low === null && high === null) return "";
    if (low !== null && low === high) return String(low);
    return (low === null ? "" : low) + "-" + (high === null ? "" : high);
  }

  /* One listed paper: an entry on a topic page or an item of an index. */
  function describe(element) {
    var data = element.dataset;
    var badges = Array.prototype.map.call(
      element.querySelectorAll(".ps-venue, .ps-extra, .ps-tag"),
      function (badge) { return badge.textContent + " " + (badge.title || ""); });
    var haystack = [
      data.title || textOf(element, ".ps-title-text"),
      data.authors || textOf(element, ".ps-authors"),
      data.venue, (data.tags || "").replace(/\|/g, " "), data.key, badges.join(" ")
    ].join(" ").toLowerCase();
    return {
      element: element,
      key: data.key || "",
      kind: data.venueKind || "",
      status: data.status || "",
      year: data.year ? +data.year : null,
      haystack: haystack
    };
  }

  function option(value, label) {
    var element = document.createElement("option");
    element.value = value;
    element.textContent = label;
    return element;
  }

  /* A control with its label above it; the label is tied to the control by
   * its id, so a select's name is the label alone, not also its choice. */
  function labelled(text, control) {
    var field = document.createElement("span");
    field.className = "ps-filter-field";
    var label = document.createElement("label");
    label.className = "ps-filter-label";
    label.textContent = text;
    control.id = "ps-filter-" + control.name;
    label.htmlFor = control.id;
    field.appendChild(label);
    field.appendChild(control);
    return field;
  }

  function select(name, choices, anyLabel) {
    var element = document.createElement("select");
    element.name = name;
    element.appendChild(option("", anyLabel));
    choices.forEach(function (choice) { element.appendChild(option(choice[0], choice[1])); });
    return element;
  }

  function counted(papers, field) {
    var counts = {};
    papers.forEach(function (paper) {
      if (paper[field]) counts[paper[field]] = (counts[paper[field]] || 0) + 1;
    });
    return counts;
  }

  function uniqueCount(papers) {
    var keys = {};
    papers.forEach(function (paper) { keys[paper.key || paper.haystack] = true; });
    return Object.keys(keys).length;
  }

  function setUpFilter() {
    var items = document.querySelectorAll("article.ps-paper, li.ps-index-item");
    if (items.length < 2) return;
    var papers = Array.prototype.map.call(items, describe);
    var total = uniqueCount(papers);

    var form = document.createElement("form");
    form.className = "ps-filter";
    form.setAttribute("role", "search");
    form.setAttribute("aria-label", "Filter the papers on this page");
    form.addEventListener("submit", function (event) { event.preventDefault(); });

    var query = document.createElement("input");
    query.type = "search";
    query.name = "q";
    query.placeholder = "title, author, venue, tag";
    query.autocomplete = "off";

    var kinds = counted(papers, "kind");
    var kind = select("kind", Object.keys(kinds).sort().map(function (name) {
      return [name, (KIND_LABELS[name] || name) + " (" + kinds[name] + ")"];
    }), "All kinds");
    var statuses = counted(papers, "status");
    var status = select("status", Object.keys(statuses).sort().map(function (name) {
      return [name, name + " (" + statuses[name] + ")"];
    }), "Any status");
    var years = Object.keys(counted(papers, "year")).map(Number).sort();
    var yearChoices = years.map(function (year) { return [String(year), String(year)]; });
    var from = select("from", yearChoices, "any");
    var to = select("to", yearChoices, "any");

    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "ps-filter-clear";
    clear.textContent = "Clear";

    var count = document.createElement("p");
    count.className = "ps-filter-count";
    count.setAttribute("role", "status");
    count.setAttribute("aria-live", "polite");

    var fields = document.createElement("div");
    fields.className = "ps-filter-fields";
    var wordsField = labelled("Filter", query);
    wordsField.classList.add("ps-filter-words");
    fields.appendChild(wordsField);
    fields.appendChild(labelled("Venue kind", kind));
    fields.appendChild(labelled("Status", status));
    var range = document.createElement("span");
    range.className = "ps-filter-years";
    range.appendChild(labelled("From year", from));
    range.appendChild(labelled("To year", to));
    fields.appendChild(range);
    fields.appendChild(clear);
    form.appendChild(fields);
    form.appendChild(count);

    // Above an index (after the page's introduction); on a topic page, under
    // its title, above the first year's heading.
    var index = items[0].closest(".ps-index");
    var heading = document.querySelector("[role=main] h1, main h1");
    if (index) {
      index.parentNode.insertBefore(form, index);
    } else if (heading && heading.compareDocumentPosition(items[0]) & Node.DOCUMENT_POSITION_FOLLOWING) {
      heading.insertAdjacentElement("afterend", form);
    } else {
      items[0].parentNode.insertBefore(form, items[0]);
    }

    function state() {
      var low = from.value ? +from.value : null;
      var high = to.value ? +to.value : null;
      if (low !== null && high !== null && low > high) { var swap = low; low = high; high = swap; }
      return { q: query.value.trim(), kind: kind.value, status: status.value, year: formatYears(low, high) };
    }

    function choose(control, value) {
      var known = Array.prototype.some.call(control.options, function (o) { return o.value === value; });
      control.value = known ? value : "";
    }

    function load(params) {
      query.value = params.get("q") || "";
      choose(kind, params.get("kind") || "");
      choose(status, params.get("status") || "");
      var span = parseYears(params.get("year") || "");
      choose(from, span && span[0] !== null ? String(span[0]) : "");
      choose(to, span && span[1] !== null ? String(span[1]) : "");
    }

    function save(current) {
      var params = new URLSearchParams(window.location.search);
      PARAMS.forEach(function (name) {
        if (current[name]) params.set(name, current[name]); else params.delete(name);
      });
      var search = params.toString();
      var url = window.location.pathname + (search ? "?" + search : "") + window.location.hash;
      window.history.replaceState(window.history.state, "", url);
    }

    function apply() {
      var current = state();
      var terms = words(current.q);
      var span = parseYears(current.year);
      var shown = [];
      papers.forEach(function (paper) {
        var visible = terms.every(function (term) { return paper.haystack.indexOf(term) !== -1; }) &&
          (!current.kind || paper.kind === current.kind) &&
          (!current.status || paper.status === current.status) &&
          (!span || (paper.year !== null &&
                     (span[0] === null || paper.year >= span[0]) &&
                     (span[1] === null || paper.year <= span[1])));
        paper.element.hidden = !visible;
        if (visible) shown.push(paper);
      });
      var active = PARAMS.some(function (name) { return current[name]; });
      updateGroups(active);
      var n = uniqueCount(shown);
      count.textContent = active
        ? "Showing " + n + " of " + total + " paper" + (total === 1 ? "" : "s") + "."
        : total + " paper" + (total === 1 ? "" : "s") + " on this page.";
      count.dataset.shown = n;
      count.dataset.total = total;
      clear.disabled = !active;
      document.body.classList.toggle("ps-filtering", active);
      save(current);
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    clear.addEventListener("click", function () {
      load(new URLSearchParams(""));
      apply();
      query.focus();
    });
    load(new URLSearchParams(window.location.search));
    apply();
  }

  /* Hide an index group or a year section when the filter leaves it empty,
   * and show how many of its papers are left. */
  function updateGroups(active) {
    document.querySelectorAll("ul.ps-index-list").forEach(function (list) {
      var items = list.querySelectorAll("li.ps-index-item");
      var left = list.querySelectorAll("li.ps-index-item:not([hidden])").length;
      list.hidden = left === 0;
      var heading = list.previousElementSibling;
      if (heading && heading.classList.contains("ps-index-group")) {
        heading.hidden = left === 0;
        var badge = heading.querySelector(".ps-count");
        if (badge) {
          if (!badge.dataset.all) badge.dataset.all = badge.textContent;
          badge.textContent = active ? "(" + left + " of " + items.length + ")" : badge.dataset.all;
        }
      }
    });
    document.querySelectorAll("section").forEach(function (section) {
      var entries = section.querySelectorAll(":scope > article.ps-paper");
      if (!entries.length) return;
      var others = Array.prototype.some.call(section.children, function (child) {
        return !/^(H[1-6]|SPAN|ARTICLE|SECTION)$/.test(child.tagName) && !child.hidden;
      });
      var nested = section.querySelectorAll(":scope > section:not([hidden])").length;
      var left = section.querySelectorAll(":scope > article.ps-paper:not([hidden])").length;
      section.hidden = active && !left && !others && !nested;
    });
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var done = false;
      try { done = document.execCommand("copy"); } catch (error) { done = false; }
      document.body.removeChild(area);
      if (done) resolve(); else reject(new Error("copy refused"));
    });
  }

  function setUpCopyButtons() {
    document.querySelectorAll("button.ps-copy-bib").forEach(function (button) {
      var label = "Copy BibTeX";
      var timer = null;
      button.textContent = label;
      button.hidden = false;
      button.setAttribute("aria-live", "polite");
      button.addEventListener("click", function () {
        copyText(button.dataset.bibtex || "").then(
          function () { button.textContent = "Copied"; button.dataset.copied = "true"; },
          function () { button.textContent = "Copy failed"; button.dataset.copied = "false"; });
        window.clearTimeout(timer);
        timer = window.setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  }

  function start() {
    setUpCopyButtons();
    setUpFilter();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
