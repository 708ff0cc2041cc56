/* Papershelf: the reader's tools on topic, index and search pages.
 *
 *  - a filter bar over the papers of a page: words (title, authors, venue,
 *    tags, summary, notes, abstract), several values per facet (venue kind,
 *    venue, tag, status: any of a facet's values, all facets at once), a year
 *    range, and a sort order.  Each value shows how many papers it would
 *    leave.  Everything is kept in the address
 *    (?q=…&kind=conference,workshop&status=unread&year=2023-2024&sort=added)
 *    so a view can be shared; every value of such an address is applied, and
 *    one that matches nothing on the page is said, not dropped.  Without
 *    JavaScript nothing is hidden and no control is shown;
 *  - on the search page, the papers that match, before Sphinx's page results:
 *    title, badges, the line of summary or notes that matched, a link to the
 *    entry.  Their data is _static/papershelf-search.js (a script, so that a
 *    copy of the site opened from disk can load it), written by the build;
 *  - "Copy BibTeX" buttons, whose entry the build wrote into data-bibtex.
 *
 * No dependencies; every control is a native form element or button, so it
 * is reachable with the keyboard.  Text from the data is always set as text,
 * never as markup.
 */
(function () {
  "use strict";

  var SEARCH_DATA = "_static/papershelf-search.js";
  var FACETS = [
    { name: "kind", label: "Venue kind" },
    { name: "venue", label: "Venue" },
    { name: "tag", label: "Tag" },
    { name: "status", label: "Status" }
  ];
  var KIND_LABELS = {
    conference: "Conference", journal: "Journal", workshop: "Workshop",
    findings: "Findings", preprint: "Preprint", unknown: "Other venue"
  };
  var SORTS = [
    ["", "Page order"], ["year", "Newest first"], ["added", "Recently added"],
    ["title", "Title"], ["venue", "Venue"]
  ];
  var PARAMS = ["q", "kind", "venue", "tag", "status", "year", "sort"];
  var CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]/;

  function words(text) {
    return (text || "").toLowerCase().split(/\s+/).filter(Boolean);
  }

  function textOf(element, selector) {
    return Array.prototype.map.call(element.querySelectorAll(selector),
      function (found) { return found.textContent; }).join("\n");
  }

  function hasOwn(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function contentRoot() {
    var root = document.documentElement.getAttribute("data-content_root");
    if (root !== null) return root;
    return (window.DOCUMENTATION_OPTIONS && window.DOCUMENTATION_OPTIONS.URL_ROOT) || "";
  }

  /* "2023", "2023-2025", "2023-", "-2024" -> [low, high] (null: open). */
  function parseYears(value) {
    var match = /^\s*(\d{4})?\s*(?:(-|–|\.\.)\s*(\d{4})?)?\s*$/.exec(value || "");
    if (!match || !(match[1] || match[3])) return null;
    var low = match[1] ? +match[1] : null;
    var high = match[3] ? +match[3] : (match[2] ? null : low);
    if (low !== null && high !== null && low > high) { var swap = low; low = high; high = swap; }
    return [low, high];
  }

  function formatYears(low, high) {
    if (low === null && high === null) return "";
    if (low !== null && low === high) return String(low);
    return (low === null ? "" : low) + "-" + (high === null ? "" : high);
  }

  /* The values of a parameter: repeated (?tag=a&tag=b) or comma-separated. */
  function listParam(params, name) {
    var values = [];
    params.getAll(name).forEach(function (value) {
      value.split(",").forEach(function (part) {
        part = part.trim();
        if (part && values.indexOf(part) === -1) values.push(part);
      });
    });
    return values;
  }

  // -- the search data (papershelf-search.js) ---------------------------------------------

  var searchData = null;
  var searchWaiting = [];

  function prepareSearchData(raw) {
    var started = window.performance ? performance.now() : 0;
    var fields = raw.fields || [];
    var at = {};
    fields.forEach(function (name, i) { at[name] = i; });
    var papers = (raw.papers || []).map(function (row, id) {
      var paper = {
        id: id, key: row[at.key] || "", title: row[at.title] || "", badges: row[at.badges] || [],
        url: row[at.url] || "", added: row[at.added] || "", meta: row[at.meta] || "",
        lines: row[at.lines] || []
      };
      paper.titleLower = paper.title.toLowerCase();
      paper.metaLower = paper.meta.toLowerCase();
      paper.linesLower = paper.lines.map(function (line) { return line.toLowerCase(); });
      paper.haystack = [paper.titleLower, paper.metaLower].concat(paper.linesLower).join("\n");
      return paper;
    });
    var byKey = {};
    papers.forEach(function (paper) { byKey[paper.key] = paper; });
    var terms = raw.terms || {};
    var longest = 1;
    Object.keys(terms).forEach(function (term) {
      if (CJK.test(term) && term.length > longest) longest = term.length;
    });
    var took = window.performance ? performance.now() - started : 0;
    return { papers: papers, byKey: byKey, terms: terms, longest: longest, milliseconds: took };
  }

  /* Calls back with the search data, loading the script once when the page
   * does not have it yet; with null when it cannot be loaded. */
  function withSearchData(callback) {
    if (searchData) { callback(searchData); return; }
    if (window.PAPERSHELF_SEARCH) {
      searchData = prepareSearchData(window.PAPERSHELF_SEARCH);
      callback(searchData);
      return;
    }
    searchWaiting.push(callback);
    if (searchWaiting.length > 1) return;
    function done() {
      if (window.PAPERSHELF_SEARCH && !searchData) searchData = prepareSearchData(window.PAPERSHELF_SEARCH);
      var waiting = searchWaiting;
      searchWaiting = [];
      waiting.forEach(function (waiter) { waiter(searchData); });
    }
    var script = document.querySelector('script[src$="papershelf-search.js"]');
    if (!script) {
      script = document.createElement("script");
      script.src = contentRoot() + SEARCH_DATA;
      script.async = true;
      document.head.appendChild(script);
    }
    script.addEventListener("load", done);
    script.addEventListener("error", done);
    // a deferred script of the page may already have run in between
    if (window.PAPERSHELF_SEARCH) done();
  }

  // -- the filter bar -----------------------------------------------------------------------

  /* One listed paper: an entry on a topic page or an item of an index. */
  function describe(element, order) {
    var data = element.dataset;
    var badges = Array.prototype.map.call(
      element.querySelectorAll(".ps-venue, .ps-extra, .ps-tag"),
      function (badge) { return badge.textContent + " " + (badge.title || ""); });
    var title = data.title || textOf(element, ".ps-title-text, .ps-index-title");
    var haystack = [
      title, data.authors || textOf(element, ".ps-authors"),
      data.venue, (data.tags || "").replace(/\|/g, " "), data.key, badges.join(" "),
      textOf(element, ".ps-summary, .ps-notes-body, .ps-abstract")
    ].join(" ").toLowerCase();
    var tags = (data.tags || "").split("|").filter(Boolean);
    if (!tags.length) {
      tags = Array.prototype.map.call(element.querySelectorAll(".ps-tag"),
        function (badge) { return badge.textContent.trim(); });
    }
    return {
      element: element,
      order: order,
      key: data.key || "",
      title: title.trim(),
      values: {
        kind: data.venueKind ? [data.venueKind] : [],
        venue: data.venue ? [data.venue] : [],
        tag: tags,
        status: data.status ? [data.status] : []
      },
      year: data.year ? +data.year : null,
      added: data.added || "",
      haystack: haystack,
      extra: ""
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

  function uniqueCount(papers) {
    var keys = {};
    papers.forEach(function (paper) { keys[paper.key || paper.haystack] = true; });
    return Object.keys(keys).length;
  }

  function valueLabel(facet, value) {
    return facet === "kind" ? (KIND_LABELS[value] || value) : value;
  }

  /* A facet: a disclosure with a checkbox per value, each with its count. */
  function Facet(spec, papers) {
    var self = this;
    this.name = spec.name;
    this.boxes = {};
    var seen = {};
    papers.forEach(function (paper) {
      paper.values[spec.name].forEach(function (value) { seen[value] = true; });
    });
    this.values = Object.keys(seen).sort(function (a, b) {
      return valueLabel(spec.name, a).localeCompare(valueLabel(spec.name, b));
    });
    this.element = document.createElement("details");
    this.element.className = "ps-facet ps-facet-" + spec.name;
    var summary = document.createElement("summary");
    summary.textContent = spec.label;
    this.chosenLabel = document.createElement("span");
    this.chosenLabel.className = "ps-facet-chosen";
    summary.appendChild(this.chosenLabel);
    this.element.appendChild(summary);
    this.list = document.createElement("div");
    this.list.className = "ps-facet-options";
    this.list.setAttribute("role", "group");
    this.list.setAttribute("aria-label", spec.label);
    this.element.appendChild(this.list);
    // closed, its values are out of the layout (not only out of sight)
    var list = this.list;
    list.hidden = true;
    this.element.addEventListener("toggle", function () { list.hidden = !self.element.open; });
    this.values.forEach(function (value) { self.addBox(value); });
    this.element.hidden = this.values.length < 2;
  }

  Facet.prototype.addBox = function (value) {
    if (this.boxes[value]) return this.boxes[value];
    var label = document.createElement("label");
    label.className = "ps-facet-option";
    var box = document.createElement("input");
    box.type = "checkbox";
    box.name = this.name;
    box.value = value;
    var text = document.createElement("span");
    text.textContent = valueLabel(this.name, value);
    var count = document.createElement("span");
    count.className = "ps-facet-count";
    label.appendChild(box);
    label.appendChild(text);
    label.appendChild(count);
    this.list.appendChild(label);
    this.boxes[value] = { box: box, count: count, label: label };
    return this.boxes[value];
  };

  Facet.prototype.chosen = function () {
    var boxes = this.boxes;
    return Object.keys(boxes).filter(function (value) { return boxes[value].box.checked; });
  };

  Facet.prototype.set = function (values) {
    var self = this;
    Object.keys(this.boxes).forEach(function (value) { self.boxes[value].box.checked = false; });
    values.forEach(function (value) {
      self.addBox(value).box.checked = true;
      // a value from the address shows even where the page has a single one
      self.element.hidden = false;
    });
  };

  function setUpFilter() {
    var items = document.querySelectorAll("article.ps-paper, li.ps-index-item, tr.ps-index-item");
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
    query.placeholder = "title, author, venue, tag, notes";
    query.autocomplete = "off";

    var facets = FACETS.map(function (spec) { return new Facet(spec, papers); });

    var yearsSeen = {};
    papers.forEach(function (paper) { if (paper.year !== null) yearsSeen[paper.year] = true; });
    var from = document.createElement("select");
    from.name = "from";
    var to = document.createElement("select");
    to.name = "to";
    [from, to].forEach(function (control) { control.appendChild(option("", "any")); });
    function addYear(year) {
      [from, to].forEach(function (control) {
        var known = Array.prototype.some.call(control.options, function (o) { return o.value === String(year); });
        if (known) return;
        var before = Array.prototype.find.call(control.options, function (o) { return o.value && +o.value > year; });
        control.insertBefore(option(String(year), String(year)), before || null);
      });
    }
    Object.keys(yearsSeen).map(Number).sort().forEach(addYear);

    var sort = document.createElement("select");
    sort.name = "sort";
    SORTS.forEach(function (choice) { sort.appendChild(option(choice[0], choice[1])); });

    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "ps-filter-clear";
    clear.textContent = "Clear";

    var count = document.createElement("p");
    count.className = "ps-filter-count";
    count.setAttribute("role", "status");
    count.setAttribute("aria-live", "polite");
    var notice = document.createElement("p");
    notice.className = "ps-filter-notice";
    notice.hidden = true;

    var fields = document.createElement("div");
    fields.className = "ps-filter-fields";
    var wordsField = labelled("Filter", query);
    wordsField.classList.add("ps-filter-words");
    fields.appendChild(wordsField);
    var facetRow = document.createElement("span");
    facetRow.className = "ps-facets";
    facets.forEach(function (facet) { facetRow.appendChild(facet.element); });
    fields.appendChild(facetRow);
    var range = document.createElement("span");
    range.className = "ps-filter-years";
    range.appendChild(labelled("From year", from));
    range.appendChild(labelled("To year", to));
    fields.appendChild(range);
    fields.appendChild(labelled("Sort", sort));
    fields.appendChild(clear);
    form.appendChild(fields);
    form.appendChild(count);
    form.appendChild(notice);

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

    var unknownSort = "";
    var searchExtended = false;

    function state() {
      var low = from.value ? +from.value : null;
      var high = to.value ? +to.value : null;
      if (low !== null && high !== null && low > high) { var swap = low; low = high; high = swap; }
      var current = { q: query.value.trim(), year: formatYears(low, high), sort: sort.value || unknownSort };
      facets.forEach(function (facet) { current[facet.name] = facet.chosen(); });
      return current;
    }

    function load(params) {
      query.value = params.get("q") || "";
      facets.forEach(function (facet) { facet.set(listParam(params, facet.name)); });
      var span = parseYears(params.get("year") || "");
      [0, 1].forEach(function (end) { if (span && span[end] !== null) addYear(span[end]); });
      from.value = span && span[0] !== null ? String(span[0]) : "";
      to.value = span && span[1] !== null ? String(span[1]) : "";
      var wanted = params.get("sort") || "";
      var known = SORTS.some(function (choice) { return choice[0] === wanted; });
      sort.value = known ? wanted : "";
      unknownSort = known ? "" : wanted;
    }

    function save(current) {
      var params = new URLSearchParams(window.location.search);
      PARAMS.forEach(function (name) {
        var value = current[name];
        if (Array.isArray(value)) value = value.join(",");
        if (value) params.set(name, value); else params.delete(name);
      });
      var search = params.toString().replace(/%2C/g, ",");
      var url = window.location.pathname + (search ? "?" + search : "") + window.location.hash;
      window.history.replaceState(window.history.state, "", url);
    }

    /* Whether a paper passes every part of the filter but ``skip``'s facet. */
    function passes(paper, current, terms, span, skip) {
      var text = paper.extra ? paper.haystack + "\n" + paper.extra : paper.haystack;
      if (!terms.every(function (term) { return text.indexOf(term) !== -1; })) return false;
      if (span && (paper.year === null || (span[0] !== null && paper.year < span[0]) ||
                   (span[1] !== null && paper.year > span[1]))) return false;
      return facets.every(function (facet) {
        var chosen = current[facet.name];
        return facet.name === skip || !chosen.length ||
          paper.values[facet.name].some(function (value) { return chosen.indexOf(value) !== -1; });
      });
    }

    function extendWithSearchData() {
      if (searchExtended) return;
      searchExtended = true;
      withSearchData(function (data) {
        if (!data) return;
        papers.forEach(function (paper) {
          var found = data.byKey[paper.key];
          if (!found) return;
          paper.extra = found.metaLower + "\n" + found.linesLower.join("\n");
          if (!paper.added) paper.added = found.added || "";
        });
        sortedBy = null;  // the dates may have just arrived
        apply();
      });
    }

    function sortKey(name) {
      if (name === "year") return function (a, b) { return (b.year || 0) - (a.year || 0) || a.order - b.order; };
      if (name === "added") {
        return function (a, b) {
          return (a.added < b.added ? 1 : a.added > b.added ? -1 : 0) || a.order - b.order;
        };
      }
      if (name === "title") return function (a, b) { return a.title.localeCompare(b.title) || a.order - b.order; };
      if (name === "venue") {
        return function (a, b) {
          return (a.values.venue[0] || "\uffff").localeCompare(b.values.venue[0] || "\uffff") ||
            (b.year || 0) - (a.year || 0) || a.order - b.order;
        };
      }
      return function (a, b) { return a.order - b.order; };
    }

    var sortedBy = "";
    /* Sorts the papers of each list or section among themselves: a group
     * keeps its heading, and its papers take the places they had. */
    function reorder(name) {
      if (name === sortedBy) return;
      sortedBy = name;
      var byParent = new Map();
      papers.forEach(function (paper) {
        var parent = paper.element.parentNode;
        if (!byParent.has(parent)) byParent.set(parent, []);
        byParent.get(parent).push(paper);
      });
      var compare = sortKey(name);
      byParent.forEach(function (group, parent) {
        var slots = group.map(function (paper) {
          var slot = document.createComment("");
          parent.replaceChild(slot, paper.element);
          return slot;
        });
        group.slice().sort(compare).forEach(function (paper, i) {
          parent.replaceChild(paper.element, slots[i]);
        });
      });
    }

    function apply() {
      var current = state();
      var terms = words(current.q);
      var span = parseYears(current.year);
      if (terms.length) extendWithSearchData();
      if (current.sort === "added") extendWithSearchData();
      var shown = [];
      papers.forEach(function (paper) {
        var visible = passes(paper, current, terms, span, null);
        paper.element.hidden = !visible;
        if (visible) shown.push(paper);
      });
      facets.forEach(function (facet) {
        // papers, not items: an index may list a paper in several groups
        var counts = {};
        papers.forEach(function (paper) {
          if (!passes(paper, current, terms, span, facet.name)) return;
          paper.values[facet.name].forEach(function (value) {
            (counts[value] = counts[value] || {})[paper.key || paper.haystack] = true;
          });
        });
        Object.keys(facet.boxes).forEach(function (value) {
          var n = counts[value] ? Object.keys(counts[value]).length : 0;
          facet.boxes[value].count.textContent = "(" + n + ")";
          facet.boxes[value].label.classList.toggle("ps-facet-empty", n === 0);
        });
        var chosen = current[facet.name];
        facet.chosenLabel.textContent = chosen.length
          ? ": " + chosen.map(function (v) { return valueLabel(facet.name, v); }).join(", ") : "";
      });
      reorder(SORTS.some(function (c) { return c[0] === current.sort; }) ? current.sort : "");
      var active = ["q", "year"].some(function (name) { return current[name]; }) ||
        facets.some(function (facet) { return current[facet.name].length; });
      updateGroups(active);
      var n = uniqueCount(shown);
      count.textContent = active
        ? "Showing " + n + " of " + plural(total, "paper") + "."
        : plural(total, "paper") + " on this page.";
      count.dataset.shown = n;
      count.dataset.total = total;
      clear.disabled = !active && !current.sort;
      document.body.classList.toggle("ps-filtering", active);

      // what the address asks for and the page cannot give is said
      var missing = [];
      facets.forEach(function (facet) {
        current[facet.name].forEach(function (value) {
          var any = papers.some(function (paper) { return paper.values[facet.name].indexOf(value) !== -1; });
          if (!any) missing.push(facet.name + " \u201c" + value + "\u201d");
        });
      });
      if (span && !papers.some(function (paper) { return passes(paper, {q: "", kind: [], venue: [], tag: [], status: []}, [], span, null); })) {
        missing.push("year " + current.year);
      }
      var messages = [];
      if (missing.length) messages.push("No paper on this page has " + missing.join(", ") + ".");
      if (unknownSort) messages.push("Unknown sort \u201c" + unknownSort + "\u201d: papers are in page order.");
      notice.textContent = messages.join(" ");
      notice.hidden = !messages.length;
      save(current);
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", function (event) {
      if (event.target === sort) unknownSort = "";
      apply();
    });
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
    document.querySelectorAll("ul.ps-index-list, table.ps-index-table").forEach(function (list) {
      var items = list.querySelectorAll(".ps-index-item");
      var left = list.querySelectorAll(".ps-index-item:not([hidden])").length;
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

  /* Index tables sort by the column whose heading is clicked (or pressed
   * with Enter); a second click reverses the order. */
  function sortableTables() {
    document.querySelectorAll("table.ps-index-table").forEach(function (table) {
      var headings = table.querySelectorAll("thead th");
      headings.forEach(function (heading, column) {
        heading.tabIndex = 0;
        heading.setAttribute("aria-sort", "none");
        heading.title = "Sort by " + heading.textContent.trim();
        function sort() {
          var ascending = heading.getAttribute("aria-sort") !== "ascending";
          headings.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
          heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
          var body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          rows.sort(function (one, two) {
            var a = one.cells[column].textContent.trim(), b = two.cells[column].textContent.trim();
            var order = /^\d+$/.test(a) && /^\d+$/.test(b) ? Number(a) - Number(b)
                                                           : a.localeCompare(b, undefined, { sensitivity: "base" });
            return ascending ? order : -order;
          });
          rows.forEach(function (row) { body.appendChild(row); });
        }
        heading.addEventListener("click", sort);
        heading.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
        });
      });
    });
  }

  // -- the search page: papers first ----------------------------------------------------

  function stemmer() {
    try {
      if (typeof window.Stemmer === "function") {
        var made = new window.Stemmer();
        if (typeof made.stemWord === "function") return made;
      }
    } catch (error) { /* no stemmer: words are matched as written */ }
    return null;
  }

  /* A Chinese run cut into the longest words the index knows, left to right. */
  function cutChinese(run, data) {
    var pieces = [];
    var i = 0;
    while (i < run.length) {
      var size = Math.min(data.longest, run.length - i);
      while (size > 1 && !hasOwn(data.terms, run.substr(i, size))) size -= 1;
      pieces.push(run.substr(i, size));
      i += size;
    }
    return pieces;
  }

  /* The query's terms: each the text as typed (found word for word) and its
   * words as the index keeps them (each a list of spellings, any of which may match). */
  function parseQuery(text, data, stem) {
    // a term of punctuation alone would match nearly every paper
    return words(text).filter(function (term) { return /[\p{L}\p{N}]/u.test(term); }).map(function (term) {
      var pieces = [];
      (term.match(/[a-z0-9_]+|[^\sa-z0-9_\p{P}\p{S}]+/gu) || []).forEach(function (run) {
        if (CJK.test(run)) {
          cutChinese(run, data).forEach(function (piece) {
            // a lone character is not indexed: the query's text, found word for word, covers it
            if (piece.length > 1 || hasOwn(data.terms, piece)) pieces.push([piece]);
          });
        } else if (run.length > 1) {
          var spellings = [run];
          if (stem) spellings.push(stem.stemWord(run));
          pieces.push(spellings);
        }
      });
      return { text: term, pieces: pieces };
    });
  }

  function postings(data, spellings) {
    var found = new Set();
    spellings.forEach(function (spelling) {
      if (hasOwn(data.terms, spelling)) data.terms[spelling].forEach(function (id) { found.add(id); });
    });
    return found;
  }

  function searchPapers(data, query, stem) {
    var terms = parseQuery(query, data, stem);
    if (!terms.length) return { terms: terms, results: [] };
    var scores = null;
    terms.forEach(function (term) {
      var scored = new Map();
      data.papers.forEach(function (paper) {
        if (paper.haystack.indexOf(term.text) === -1) return;
        scored.set(paper.id, paper.titleLower.indexOf(term.text) !== -1 ? 8
          : paper.metaLower.indexOf(term.text) !== -1 ? 4 : 3);
      });
      if (term.pieces.length) {
        var sets = term.pieces.map(function (spellings) { return postings(data, spellings); });
        sets[0].forEach(function (id) {
          if (!scored.has(id) && sets.every(function (set) { return set.has(id); })) scored.set(id, 1);
        });
      }
      if (scores === null) {
        scores = scored;
      } else {
        scores.forEach(function (score, id) {
          if (scored.has(id)) scores.set(id, score + scored.get(id)); else scores.delete(id);
        });
      }
    });
    var results = [];
    scores.forEach(function (score, id) { results.push({ paper: data.papers[id], score: score }); });
    results.sort(function (a, b) {
      return b.score - a.score || a.paper.title.localeCompare(b.paper.title);
    });
    return { terms: terms, results: results };
  }

  /* The line of summary, notes or abstract that holds the query best, and
   * where: [line, start, length], or null. */
  function matchedLine(paper, terms) {
    var best = null;
    paper.linesLower.forEach(function (line, i) {
      terms.forEach(function (term) {
        var candidates = [term.text];
        term.pieces.forEach(function (spellings) { candidates = candidates.concat(spellings); });
        candidates.some(function (candidate, rank) {
          var at = candidate.length > 1 || CJK.test(candidate) ? line.indexOf(candidate) : -1;
          if (at === -1) return false;
          var score = rank === 0 ? 2 : 1;
          if (!best || score > best.score) best = { score: score, line: i, at: at, length: candidate.length };
          return true;
        });
      });
    });
    return best;
  }

  function excerpt(paper, match) {
    var element = document.createElement("p");
    element.className = "ps-search-line";
    var line = paper.lines[match.line];
    var start = Math.max(0, match.at - 60);
    var end = Math.min(line.length, match.at + match.length + 100);
    element.appendChild(document.createTextNode((start ? "\u2026" : "") + line.slice(start, match.at)));
    var mark = document.createElement("mark");
    mark.textContent = line.slice(match.at, match.at + match.length);
    element.appendChild(mark);
    element.appendChild(document.createTextNode(line.slice(match.at + match.length, end) + (end < line.length ? "\u2026" : "")));
    return element;
  }

  function paperResult(paper, terms) {
    var item = document.createElement("li");
    item.className = "ps-search-paper";
    item.dataset.key = paper.key;
    var title = document.createElement("a");
    title.className = "ps-search-title";
    title.textContent = paper.title || paper.key;
    // an absolute address only over http(s); anything else is the site's own page
    title.href = /^https?:\/\/|^\//i.test(paper.url) ? paper.url
      : contentRoot() + paper.url.replace(/^[a-z][a-z0-9+.-]*:/i, "");
    item.appendChild(title);
    paper.badges.forEach(function (word) {
      var badge = document.createElement("span");
      badge.className = "ps-badge";
      badge.textContent = word;
      item.appendChild(document.createTextNode(" "));
      item.appendChild(badge);
    });
    var match = matchedLine(paper, terms);
    if (match) {
      item.appendChild(excerpt(paper, match));
    } else if (paper.lines.length) {
      // the title or the authors matched: the summary's first line says what it is about
      var first = document.createElement("p");
      first.className = "ps-search-line";
      first.textContent = paper.lines[0].length > 160 ? paper.lines[0].slice(0, 160) + "\u2026" : paper.lines[0];
      item.appendChild(first);
    }
    return item;
  }

  var SHOWN_AT_FIRST = 50;

  function setUpPaperSearch() {
    var sphinxResults = document.getElementById("search-results");
    if (!sphinxResults) return;
    var query = new URLSearchParams(window.location.search).get("q") || "";
    if (!query.trim()) return;
    var section = document.createElement("section");
    section.className = "ps-search";
    section.setAttribute("aria-label", "Papers");
    var heading = document.createElement("h2");
    heading.textContent = "Papers";
    var summary = document.createElement("p");
    summary.className = "ps-search-summary";
    summary.setAttribute("role", "status");
    summary.textContent = "Searching the papers\u2026";
    var list = document.createElement("ol");
    list.className = "ps-search-list";
    section.appendChild(heading);
    section.appendChild(summary);
    section.appendChild(list);
    sphinxResults.parentNode.insertBefore(section, sphinxResults);

    withSearchData(function (data) {
      if (!data) {
        summary.textContent = "The papers' search data could not be loaded.";
        return;
      }
      var started = window.performance ? performance.now() : 0;
      var found = searchPapers(data, query, stemmer());
      var results = found.results;
      function show(count) {
        list.textContent = "";
        results.slice(0, count).forEach(function (result) {
          list.appendChild(paperResult(result.paper, found.terms));
        });
      }
      show(SHOWN_AT_FIRST);
      summary.textContent = results.length
        ? plural(results.length, "paper") + " match."
        : "No paper matches.";
      summary.dataset.count = results.length;
      // how long reading the data and searching took, for the benchmark
      if (window.performance) {
        section.dataset.milliseconds = Math.round(performance.now() - started);
        section.dataset.preparedIn = Math.round(data.milliseconds);
      }
      if (results.length > SHOWN_AT_FIRST) {
        var more = document.createElement("button");
        more.type = "button";
        more.className = "ps-search-more";
        more.textContent = "Show all " + results.length;
        more.addEventListener("click", function () {
          show(results.length);
          more.remove();
        });
        section.appendChild(more);
      }
      section.dataset.ready = "true";
    });
  }

  // -- Copy BibTeX --------------------------------------------------------------------------

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
    sortableTables();
    setUpFilter();
    setUpPaperSearch();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
