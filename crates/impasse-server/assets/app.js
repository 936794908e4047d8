// impasse web app: the page's script. Hand-written, no dependencies, no build step.
// It talks to the JSON API (GET /api/openapi.json) and draws every chart as inline SVG.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";

  // ---------------------------------------------------------------------------------------------
  // State

  const state = {
    scenarios: [], // from GET /api/scenarios
    current: null, // the selected scenario's name
    scenario: null, // GET /api/scenarios/{name}
    view: "editor",
    analysis: null, // the last analysis answer, for the current scenario
    analysisFor: null, // the key it was computed for
    agents: [],
    negotiationToken: 0,
    job: null, // the running tournament's id
    jobTimer: null,
    dynamicsTimer: null,
    dynamicsToken: 0,
    savedText: null,
    selectToken: 0,
    tournamentTouched: false, // whether the user chose the tournament's scenarios
  };

  // ---------------------------------------------------------------------------------------------
  // Helpers

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function svgEl(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined) continue;
      if (k === "text") node.textContent = v;
      else node.setAttribute(k, String(v));
    }
    for (const child of children.flat()) if (child) node.append(child);
    return node;
  }

  function message(text, isError) {
    const m = $("message");
    m.textContent = text || "";
    m.title = text || "";
    m.classList.toggle("error", !!isError);
  }

  function fmt(x, digits) {
    if (x === null || x === undefined || Number.isNaN(x)) return "–";
    if (typeof x !== "number") return String(x);
    return x.toFixed(digits === undefined ? 3 : digits);
  }

  function count(x) {
    if (typeof x !== "number") return String(x);
    return x >= 1e15 ? x.toExponential(3) : Math.round(x).toLocaleString("en-US");
  }

  function pct(x) {
    return (100 * x).toFixed(x > 0 && x < 0.001 ? 3 : 1) + "%";
  }

  async function api(method, path, body) {
    const init = { method, headers: {} };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (err) {
      return { ok: false, status: 0, data: { error: { message: "cannot reach the server: " + err.message } } };
    }
    let data = null;
    const type = response.headers.get("Content-Type") || "";
    if (type.startsWith("application/json")) {
      try {
        data = await response.json();
      } catch (err) {
        data = { error: { message: "unreadable answer" } };
      }
    } else {
      data = await response.text();
    }
    return { ok: response.ok, status: response.status, data };
  }

  function errorText(res) {
    const e = res.data && res.data.error;
    return e && e.message ? e.message : "request failed (" + res.status + ")";
  }

  function enc(name) {
    return encodeURIComponent(name);
  }

  function partyNames() {
    const info = state.scenario && state.scenario.info;
    return info ? info.parties.map((p) => p.name) : [];
  }

  // ---------------------------------------------------------------------------------------------
  // Charts

  // A linear scale.
  function scale(d0, d1, r0, r1) {
    const span = d1 - d0 || 1;
    const f = (v) => r0 + ((v - d0) / span) * (r1 - r0);
    f.domain = [d0, d1];
    return f;
  }

  // About n round tick values covering [lo, hi].
  function ticks(lo, hi, n) {
    if (!(hi > lo)) return [lo];
    const raw = (hi - lo) / n;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    return out;
  }

  function tickText(v, span) {
    if (Math.abs(v) >= 1e5) return v.toExponential(1);
    const digits = span >= 50 ? 0 : span >= 5 ? 1 : span >= 0.5 ? 2 : 3;
    return v.toFixed(digits);
  }

  // A chart frame: an SVG with axes, grid lines and labels; returns the svg and the scales.
  function frame(opts) {
    const w = opts.width || 560;
    const h = opts.height || 380;
    const m = Object.assign({ top: 14, right: 16, bottom: 42, left: 56 }, opts.margin || {});
    const x = scale(opts.x[0], opts.x[1], m.left, w - m.right);
    const y = scale(opts.y[0], opts.y[1], h - m.bottom, m.top);
    const svg = svgEl("svg", { viewBox: `0 0 ${w} ${h}`, role: "img", "aria-label": opts.title || "chart" });
    const grid = svgEl("g", {});
    const axis = svgEl("g", { class: "axis" });
    const xt = opts.xTicks || ticks(opts.x[0], opts.x[1], 6);
    const yt = opts.yTicks || ticks(opts.y[0], opts.y[1], 5);
    for (const t of xt) {
      grid.append(svgEl("line", { class: "grid-line", x1: x(t), x2: x(t), y1: m.top, y2: h - m.bottom }));
      axis.append(svgEl("text", { class: "tick", x: x(t), y: h - m.bottom + 15, "text-anchor": "middle", text: tickText(t, opts.x[1] - opts.x[0]) }));
    }
    for (const t of yt) {
      grid.append(svgEl("line", { class: "grid-line", x1: m.left, x2: w - m.right, y1: y(t), y2: y(t) }));
      axis.append(svgEl("text", { class: "tick", x: m.left - 6, y: y(t) + 4, "text-anchor": "end", text: opts.yFormat ? opts.yFormat(t) : tickText(t, opts.y[1] - opts.y[0]) }));
    }
    axis.append(svgEl("line", { x1: m.left, x2: w - m.right, y1: h - m.bottom, y2: h - m.bottom }));
    axis.append(svgEl("line", { x1: m.left, x2: m.left, y1: m.top, y2: h - m.bottom }));
    if (opts.xLabel) axis.append(svgEl("text", { class: "label", x: (m.left + w - m.right) / 2, y: h - 6, "text-anchor": "middle", text: opts.xLabel }));
    if (opts.yLabel) axis.append(svgEl("text", { class: "label", transform: `translate(14 ${(m.top + h - m.bottom) / 2}) rotate(-90)`, "text-anchor": "middle", text: opts.yLabel }));
    svg.append(grid, axis);
    return { svg, x, y, w, h, m };
  }

  function extent(values, pad) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) {
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (!Number.isFinite(lo)) return [0, 1];
    if (hi - lo < 1e-9) {
      lo -= 0.5;
      hi += 0.5;
    }
    const p = (hi - lo) * (pad === undefined ? 0.05 : pad);
    return [lo - p, hi + p];
  }

  // A legend from (x, y), wrapped into rows no wider than maxWidth.
  function legend(items, x, y, maxWidth) {
    const g = svgEl("g", { class: "legend" });
    let dx = 0;
    let dy = 0;
    for (const item of items) {
      const width = 26 + item.label.length * 6.2;
      if (maxWidth && dx > 0 && dx + width > maxWidth) {
        dx = 0;
        dy += 16;
      }
      g.append(svgEl("rect", { x: x + dx, y: y + dy - 9, width: 12, height: 10, fill: item.color, rx: 2 }));
      g.append(svgEl("text", { x: x + dx + 16, y: y + dy, text: item.label, class: "tick" }));
      dx += width;
    }
    return g;
  }

  // The tooltip: any SVG element with data-tip, or a package point (data-i into the plot's points).
  const tooltip = $("tooltip");
  function showTip(text, event) {
    tooltip.textContent = text;
    tooltip.hidden = false;
    const x = Math.min(event.clientX + 14, window.innerWidth - tooltip.offsetWidth - 8);
    const y = Math.min(event.clientY + 14, window.innerHeight - tooltip.offsetHeight - 8);
    tooltip.style.left = x + "px";
    tooltip.style.top = y + "px";
  }
  function hideTip() {
    tooltip.hidden = true;
  }
  function attachTips(container, textOf) {
    container.addEventListener("mouseover", (e) => {
      const text = textOf(e.target);
      if (text) showTip(text, e);
    });
    container.addEventListener("mousemove", (e) => {
      if (!tooltip.hidden) showTip(tooltip.textContent, e);
    });
    container.addEventListener("mouseout", hideTip);
  }

  // ---------------------------------------------------------------------------------------------
  // Tabs

  function showView(view) {
    state.view = view;
    for (const b of document.querySelectorAll(".tabs button")) b.classList.toggle("active", b.dataset.view === view);
    for (const v of ["editor", "analysis", "negotiation", "tournament", "dynamics"]) $("view-" + v).hidden = v !== view;
    if (!state.current) return;
    if (view === "analysis") loadAnalysis();
    if (view === "dynamics") setupDynamics();
    if (view === "tournament") fillTournamentScenarios();
    if (view === "negotiation") setupNegotiation();
  }

  // ---------------------------------------------------------------------------------------------
  // The library

  async function refreshList(select) {
    const res = await api("GET", "/api/scenarios");
    if (!res.ok) {
      message(errorText(res), true);
      return;
    }
    state.scenarios = res.data.scenarios;
    const list = $("scenario-list");
    list.replaceChildren();
    for (const s of state.scenarios) {
      const badge = s.source === "example" ? "example" : s.shadows_example ? "edited example" : s.format !== "toml" ? s.format : null;
      const li = el("li", { "data-scenario": s.name, title: s.name, class: s.name === state.current ? "selected" : null }, el("span", { text: s.name }), badge ? el("span", { class: "badge", text: badge }) : null);
      li.addEventListener("click", () => select_(s.name));
      list.append(li);
    }
    fillTournamentScenarios();
    if (select) await select_(select);
  }

  async function select_(name) {
    // Only the latest selection counts (a click while an earlier one is still loading wins).
    const token = ++state.selectToken;
    const res = await api("GET", "/api/scenarios/" + enc(name));
    if (token !== state.selectToken) return false;
    if (!res.ok) {
      message(errorText(res), true);
      return false;
    }
    state.current = name;
    state.scenario = res.data;
    state.analysis = null;
    state.analysisFor = null;
    state.savedText = res.data.text;
    for (const li of $("scenario-list").children) li.classList.toggle("selected", li.dataset.scenario === name);
    $("current").textContent = name + (res.data.info ? " — " + res.data.info.title : "");
    setEditor(res.data.text, res.data.format);
    showErrors(res.data.errors || []);
    $("save-status").textContent = "";
    $("save-status").className = "status";
    $("editor-note").textContent =
      res.data.source === "example"
        ? "A shipped example: saving keeps an edited copy under the same name (delete it to get the example back)."
        : res.data.shadows_example
          ? "Your edited copy of a shipped example (Delete restores the example)."
          : "";
    const isBundle = res.data.format === "genius" || res.data.format === "geniusweb";
    $("export").href = "/api/scenarios/" + enc(name) + "/export?to=" + (isBundle ? "genius" : "native") + "&download=1";
    $("export").setAttribute("download", isBundle ? name + "-genius.json" : name + "." + res.data.format);
    $("export-files").replaceChildren();
    resetNegotiation();
    state.dynamicsBuiltFor = null;
    $("dynamics-summary").replaceChildren();
    $("dynamics-plot").replaceChildren();
    showView(state.view);
    message("");
    return true;
  }

  function freeName(base) {
    const taken = new Set(state.scenarios.map((s) => s.name));
    base = base.replace(/[^A-Za-z0-9_.-]/g, "-").replace(/\.\.+/g, ".").replace(/^[^A-Za-z0-9]+/, "").slice(0, 56) || "scenario";
    if (!taken.has(base)) return base;
    for (let k = 2; ; k++) if (!taken.has(base + "-" + k)) return base + "-" + k;
  }

  async function create() {
    const name = $("new-name").value.trim();
    if (!name) {
      message("type a name for the new scenario first", true);
      $("new-name").focus();
      return;
    }
    const res = await api("POST", "/api/scenarios", { name });
    if (!res.ok) {
      message(errorText(res), true);
      return;
    }
    $("new-name").value = "";
    await refreshList(name);
    showView("editor");
    message("created " + name);
  }

  async function duplicate() {
    if (!state.current) return;
    const name = $("new-name").value.trim() || freeName(state.current + "-copy");
    const res = await api("POST", "/api/scenarios/" + enc(state.current) + "/duplicate", { name });
    if (!res.ok) {
      message(errorText(res), true);
      return;
    }
    $("new-name").value = "";
    await refreshList(name);
    message("copied to " + name);
  }

  async function remove() {
    if (!state.current) return;
    const name = state.current;
    const res = await api("DELETE", "/api/scenarios/" + enc(name));
    if (!res.ok) {
      message(errorText(res), true);
      return;
    }
    const next = res.data.example_restored ? name : (state.scenarios.find((s) => s.name !== name) || {}).name;
    state.current = null;
    await refreshList(next);
    message(res.data.example_restored ? "deleted your copy of " + name + "; the example is back" : "deleted " + name);
  }

  async function importFiles() {
    const input = $("import-files");
    if (!input.files || input.files.length === 0) {
      message("choose a scenario file, or a GENIUS domain's XML files, first", true);
      return;
    }
    const files = {};
    for (const f of input.files) files[f.name] = await f.text();
    const first = input.files[0].name.replace(/\.[^.]*$/, "");
    const name = $("new-name").value.trim() || freeName(input.files.length > 1 ? first.replace(/-?domain$/i, "") || "imported" : first);
    const res = await api("POST", "/api/import", { name, files });
    if (!res.ok) {
      message(errorText(res), true);
      if (res.data && res.data.errors) {
        showView("editor");
        showErrors(res.data.errors);
      }
      return;
    }
    input.value = "";
    $("new-name").value = "";
    await refreshList(name);
    message("imported " + name + " (" + res.data.format + ")");
  }

  async function exportGenius() {
    if (!state.current) return;
    const res = await api("GET", "/api/scenarios/" + enc(state.current) + "/export?to=genius");
    const list = $("export-files");
    list.replaceChildren();
    if (!res.ok) {
      message(errorText(res), true);
      return;
    }
    for (const [file, text] of Object.entries(res.data.files)) {
      const url = URL.createObjectURL(new Blob([text], { type: "application/xml" }));
      list.append(el("li", {}, el("a", { href: url, download: file, text: file })));
    }
    for (const d of res.data.dropped || []) list.append(el("li", { class: "note", text: "left out: " + d }));
    message("GENIUS files ready: click each to save it");
  }

  // ---------------------------------------------------------------------------------------------
  // Editor

  function setEditor(text, format) {
    $("editor").value = text;
    $("format").value = format;
    updateGutter([]);
  }

  function updateGutter(errorLines) {
    const lines = $("editor").value.split("\n").length;
    const bad = new Set(errorLines);
    const gutter = $("gutter");
    gutter.replaceChildren();
    const parts = [];
    for (let i = 1; i <= lines; i++) parts.push(i);
    // One text node per run of good lines keeps this fast for long files.
    let run = [];
    const flush = () => {
      if (run.length) gutter.append(document.createTextNode(run.join("\n") + "\n"));
      run = [];
    };
    for (const i of parts) {
      if (bad.has(i)) {
        flush();
        gutter.append(el("span", { class: "err", text: String(i) }), document.createTextNode("\n"));
      } else run.push(i);
    }
    flush();
    gutter.scrollTop = $("editor").scrollTop;
  }

  function showErrors(errors) {
    const list = $("errors");
    list.replaceChildren();
    for (const e of errors) {
      const where = e.line > 0 ? "line " + e.line + (e.column > 0 ? ", column " + e.column : "") : e.file || "scenario";
      const detail = e.expected || e.found ? " (expected " + (e.expected || "–") + ", found " + (e.found || "–") + ")" : "";
      const li = el("li", { "data-line": e.line, title: e.file || "" }, where + ": " + e.message + detail);
      li.addEventListener("click", () => goToLine(e.line, e.column));
      list.append(li);
    }
    updateGutter(errors.map((e) => e.line).filter((l) => l > 0));
  }

  function goToLine(line, column) {
    if (!(line > 0)) return;
    const ta = $("editor");
    const lines = ta.value.split("\n");
    let start = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) start += lines[i].length + 1;
    const end = start + (lines[line - 1] || "").length;
    ta.focus();
    ta.setSelectionRange(start + Math.max(0, Math.min((column || 1) - 1, end - start)), end);
    const lineHeight = parseFloat(getComputedStyle(ta).lineHeight) || 19.5;
    ta.scrollTop = Math.max(0, (line - 5) * lineHeight);
    $("gutter").scrollTop = ta.scrollTop;
  }

  async function check() {
    const res = await api("POST", "/api/check", { text: $("editor").value, format: $("format").value, name: state.current || undefined });
    if (!res.ok) {
      message(errorText(res), true);
      return;
    }
    showErrors(res.data.errors);
    const status = $("save-status");
    status.textContent = res.data.valid ? "no problems" : res.data.errors.length + " problem" + (res.data.errors.length === 1 ? "" : "s");
    status.className = "status " + (res.data.valid ? "ok" : "bad");
  }

  async function save() {
    if (!state.current) {
      message("select or create a scenario first", true);
      return;
    }
    const status = $("save-status");
    status.textContent = "saving…";
    status.className = "status";
    const text = $("editor").value;
    const res = await api("PUT", "/api/scenarios/" + enc(state.current), { text, format: $("format").value });
    if (!res.ok) {
      status.textContent = "not saved";
      status.className = "status bad";
      if (res.data && res.data.errors) showErrors(res.data.errors);
      message(errorText(res), true);
      return;
    }
    showErrors([]);
    const name = state.current;
    await refreshList();
    await select_(name);
    $("save-status").textContent = "saved";
    $("save-status").className = "status ok";
    message("saved " + name);
  }

  // ---------------------------------------------------------------------------------------------
  // Analysis

  async function loadAnalysis() {
    const name = state.current;
    const key = name + "\u0000" + (state.scenario && state.scenario.updated);
    if (state.analysisFor === key && state.analysis) return;
    if (state.scenario && !state.scenario.valid) {
      $("verdict").textContent = "The scenario has problems: fix them in the editor first.";
      $("verdict").className = "verdict";
      return;
    }
    $("verdict").textContent = "Analysing…";
    $("verdict").className = "verdict";
    const res = await api("GET", "/api/scenarios/" + enc(name) + "/analysis");
    if (state.current !== name) return;
    if (!res.ok) {
      $("verdict").textContent = "Cannot analyse: " + errorText(res);
      for (const id of ["clashes", "closest", "proposals", "solutions", "utility-plot", "ripeness-plot"]) $(id).replaceChildren();
      return;
    }
    state.analysis = res.data;
    state.analysisFor = key;
    renderAnalysis();
  }

  function outcomeText(outcome) {
    return Object.entries(outcome || {})
      .map(([k, v]) => k + "=" + v)
      .join(", ");
  }

  function constraintItem(c) {
    return el("li", {}, el("b", { text: c.party }), " · ", c.constraint, " ", el("span", { class: "kind", text: c.kind.replace("_", " ") }), c.description ? " — " + c.description : "");
  }

  function renderAnalysis() {
    const a = state.analysis;
    const r = a.report;
    const zone = r.agreement_zone;
    const v = $("verdict");
    v.replaceChildren();
    const impasse = r.verdict === "impasse";
    v.className = "verdict " + (impasse ? "impasse" : "agreement");
    v.append(
      impasse ? "Impasse" : "Agreement possible",
      " ",
      el("span", {
        class: "size",
        text: impasse
          ? "zone of agreement: 0 of " + count(r.scenario.outcomes) + " packages"
          : "zone of agreement: " + count(zone.size) + " of " + count(r.scenario.outcomes) + " packages (" + pct(zone.share) + ")",
      }),
    );
    const notes = [];
    if (!zone.preconditions_compatible) notes.push("the preconditions cannot all be met without crossing an absolute red line: talks cannot start as demanded");
    if (r.ripeness && r.ripeness.cheapest_lever) {
      const l = r.ripeness.cheapest_lever;
      notes.push("cheapest way to open a zone: " + (l.lever === "cost" ? "raise " + l.party + "'s cost of conflict by " + fmt(l.amount) : "shift the balance of power by " + fmt(l.amount) + (l.target !== null ? " (to " + fmt(l.target) + ")" : "")));
    }
    $("analysis-note").textContent = notes.join("; ");

    // Clashes.
    const clashes = $("clashes");
    clashes.replaceChildren();
    if (r.clashes.length === 0) clashes.append(el("p", { class: "note", text: impasse ? "No clash sets were found." : "None: there is a zone of agreement." }));
    r.clashes.forEach((set, k) => {
      clashes.append(el("div", {}, el("b", { text: "Clash " + (k + 1) + " " }), el("span", { class: "note", text: "(drop any one to open a zone)" }), el("ul", { class: "clash" }, set.map(constraintItem))));
    });
    if (r.clashes_truncated) clashes.append(el("p", { class: "note", text: "… more clash sets not listed." }));

    // Closest packages.
    const closest = $("closest");
    closest.replaceChildren();
    if (r.closest.length === 0) closest.append(el("p", { class: "note", text: impasse ? "None." : "Not needed: there is a zone of agreement." }));
    else {
      const parties = r.scenario.parties.map((p) => p.id);
      const table = el("table", { class: "table" }, el("thead", {}, el("tr", {}, el("th", { text: "Package" }), el("th", { text: "Worst shortfall" }), parties.map((p) => el("th", { text: p })), el("th", { text: "Hard violations" }))));
      const body = el("tbody");
      for (const c of r.closest) {
        body.append(
          el(
            "tr",
            {},
            el("td", { text: outcomeText(c.outcome) }),
            el("td", { class: "num", text: fmt(c.worst_shortfall) }),
            parties.map((p) => el("td", { class: "num " + (c.shortfalls[p] > 0 ? "no" : "yes"), text: fmt(c.utilities[p]) + (c.shortfalls[p] > 0 ? " (−" + fmt(c.shortfalls[p]) + ")" : "") })),
            el("td", { text: c.hard_violations.map((h) => h.party + " · " + h.constraint).join("; ") || "none" }),
          ),
        );
      }
      table.append(body);
      closest.append(table);
    }

    // Proposals.
    const proposals = $("proposals");
    proposals.replaceChildren();
    if (r.proposals.length === 0) proposals.append(el("tbody", {}, el("tr", {}, el("td", { class: "note", text: "The scenario lists no proposals." }))));
    else {
      const parties = r.scenario.parties.map((p) => p.id);
      proposals.append(el("thead", {}, el("tr", {}, el("th", { text: "Proposal" }), el("th", { text: "By" }), parties.map((p) => el("th", { text: p })), el("th", { text: "In zone" }), el("th", { text: "Crosses" }))));
      const body = el("tbody");
      for (const p of r.proposals) {
        const crosses = p.red_lines_crossed.concat(p.preconditions_violated).map((c) => c.party + " · " + c.constraint);
        const maybe = p.red_lines_maybe_crossed.concat(p.preconditions_maybe_violated).map((c) => c.party + " · " + c.constraint + " (some completions)");
        body.append(
          el(
            "tr",
            {},
            el("td", { title: outcomeText(p.package) + (p.complete ? "" : " (partial: " + count(p.completions) + " completions)") }, el("b", { text: p.name }), el("div", { class: "note", text: outcomeText(p.package) })),
            el("td", { text: p.by || "" }),
            parties.map((id) => {
              const u = p.utilities[id];
              const acc = p.acceptable[id];
              const text = u.min === u.max ? fmt(u.min) : fmt(u.min) + "–" + fmt(u.max);
              return el("td", { class: "num " + acc, title: "acceptable: " + acc, text });
            }),
            el("td", { class: p.in_zone ? "yes" : "no", text: p.in_zone ? "yes" : "no" }),
            el("td", { text: crosses.concat(maybe).join("; ") || "nothing" }),
          ),
        );
      }
      proposals.append(body);
    }

    // Solutions.
    const solutions = $("solutions");
    solutions.replaceChildren();
    const sol = r.solutions;
    const rows = [
      ["Nash", sol.nash],
      ["Kalai–Smorodinsky", sol.kalai_smorodinsky],
      ["Egalitarian", sol.egalitarian],
      ["Utilitarian", sol.utilitarian],
    ].filter(([, p]) => p);
    if (rows.length === 0) solutions.append(el("p", { class: "note", text: "None: the zone of agreement is empty." }));
    else {
      const parties = r.scenario.parties.map((p) => p.id);
      const table = el("table", { class: "table" }, el("thead", {}, el("tr", {}, el("th", { text: "Solution" }), el("th", { text: "Package" }), parties.map((p) => el("th", { text: p })))));
      const body = el("tbody");
      for (const [name, p] of rows) body.append(el("tr", {}, el("td", {}, el("b", { text: name })), el("td", { text: outcomeText(p.outcome) }), parties.map((id) => el("td", { class: "num", text: fmt(p.utilities[id]) }))));
      table.append(body);
      solutions.append(table);
    }

    setupAxes();
    drawUtilityPlot();
    drawRipeness();
  }

  function setupAxes() {
    const plot = state.analysis.plot;
    const xs = $("axis-x");
    const ys = $("axis-y");
    const n = plot.parties.length;
    for (const [sel, def] of [
      [xs, 0],
      [ys, 1],
    ]) {
      sel.replaceChildren(...plot.parties.map((p, i) => el("option", { value: i, text: p })));
      sel.value = String(def);
      sel.disabled = n < 3;
    }
    $("axis-x").parentElement.hidden = false;
    $("plot-note").textContent = plot.sampled ? "a sample of " + plot.points.length + " of " + count(plot.space_size) + " packages" : plot.points.length + " packages";
  }

  function drawUtilityPlot() {
    const plot = state.analysis.plot;
    const container = $("utility-plot");
    container.replaceChildren();
    const i = Number($("axis-x").value || 0);
    const j = Number($("axis-y").value || 1);
    const xs = plot.points.map((p) => p.u[i]).concat(plot.reservation[i]);
    const ys = plot.points.map((p) => p.u[j]).concat(plot.reservation[j]);
    const f = frame({ x: extent(xs), y: extent(ys), xLabel: "utility of " + plot.parties[i], yLabel: "utility of " + plot.parties[j], title: "utility space", margin: { top: 26 } });
    const { svg, x, y, m, w, h } = f;
    // Reservation values.
    svg.append(svgEl("line", { class: "reservation", x1: x(plot.reservation[i]), x2: x(plot.reservation[i]), y1: m.top, y2: h - m.bottom }));
    svg.append(svgEl("line", { class: "reservation", x1: m.left, x2: w - m.right, y1: y(plot.reservation[j]), y2: y(plot.reservation[j]) }));
    // Packages: grey, the zone green and on top. Circles drawn later cover earlier ones, so
    // packages with no neighbour under the pointer come first: they stay visible and hoverable
    // wherever they are in the order.
    const dots = svgEl("g", {});
    const pos = plot.points.map((p) => [x(p.u[i]), y(p.u[j])]);
    const R = 3.4;
    const cells = new Map();
    const cellOf = (px, py) => Math.floor(px / R) + "," + Math.floor(py / R);
    pos.forEach(([px, py], k) => {
      const key = cellOf(px, py);
      if (!cells.has(key)) cells.set(key, []);
      cells.get(key).push(k);
    });
    const crowded = pos.map(([px, py], k) => {
      const cx = Math.floor(px / R);
      const cy = Math.floor(py / R);
      for (let dx = -1; dx <= 1; dx++)
        for (let dy = -1; dy <= 1; dy++)
          for (const o of cells.get(cx + dx + "," + (cy + dy)) || [])
            if (o !== k && Math.hypot(pos[o][0] - px, pos[o][1] - py) <= R) return 1;
      return 0;
    });
    const order = plot.points.map((p, k) => k).sort((a, b) => Number(plot.points[a].zone) - Number(plot.points[b].zone) || crowded[a] - crowded[b] || a - b);
    for (const k of order) {
      const p = plot.points[k];
      dots.append(svgEl("circle", { class: p.zone ? "pkg zone" : "pkg", cx: pos[k][0].toFixed(1), cy: pos[k][1].toFixed(1), r: p.zone ? 3.4 : 2.6, "data-i": k }));
    }
    svg.append(dots);
    // The frontier (for two parties a line; otherwise its points projected).
    if (plot.parties.length === 2 && plot.frontier.length > 1) {
      const pts = plot.frontier.map((u) => [x(u[i]), y(u[j])]).sort((a, b) => a[0] - b[0]);
      svg.append(svgEl("polyline", { class: "frontier", points: pts.map((p) => p[0].toFixed(1) + "," + p[1].toFixed(1)).join(" ") }));
    } else {
      for (const u of plot.frontier.slice(0, 2000)) svg.append(svgEl("rect", { class: "frontier-pt", x: x(u[i]) - 1.5, y: y(u[j]) - 1.5, width: 3, height: 3 }));
    }
    // Proposals: a cross, or the range of a partial one.
    for (const p of plot.proposals) {
      const tip = "proposal " + p.name + (p.complete ? "" : " (partial: ranges over its completions)") + (p.in_zone ? ", in the zone" : "");
      if (p.complete || (p.min[i] === p.max[i] && p.min[j] === p.max[j])) {
        const cx = x(p.min[i]);
        const cy = y(p.min[j]);
        svg.append(svgEl("path", { class: "proposal", d: `M${cx - 5},${cy - 5}L${cx + 5},${cy + 5}M${cx - 5},${cy + 5}L${cx + 5},${cy - 5}`, "data-tip": tip }));
        const right = cx > w - m.right - 150;
        svg.append(svgEl("text", { class: "proposal-label", x: right ? cx - 7 : cx + 7, y: cy - 6, "text-anchor": right ? "end" : "start", text: p.name, "data-tip": tip }));
      } else {
        svg.append(svgEl("rect", { class: "proposal", x: x(p.min[i]), y: y(p.max[j]), width: Math.max(2, x(p.max[i]) - x(p.min[i])), height: Math.max(2, y(p.min[j]) - y(p.max[j])), "data-tip": tip }));
        const right = x(p.max[i]) > w - m.right - 150;
        svg.append(svgEl("text", { class: "proposal-label", x: right ? x(p.min[i]) - 4 : x(p.max[i]) + 4, y: y(p.max[j]) + 10, "text-anchor": right ? "end" : "start", text: p.name, "data-tip": tip }));
      }
    }
    // Solutions: diamonds, one label per place (solutions often coincide).
    const places = new Map();
    for (const s of plot.solutions) {
      const key = x(s.u[i]).toFixed(0) + "," + y(s.u[j]).toFixed(0);
      if (!places.has(key)) places.set(key, { cx: x(s.u[i]), cy: y(s.u[j]), names: [], packages: [] });
      places.get(key).names.push(s.name);
      places.get(key).packages.push(s.package);
    }
    for (const { cx, cy, names, packages } of places.values()) {
      const tip = names.join(", ") + ": " + packages[0];
      const right = cx > w - m.right - 150;
      svg.append(svgEl("path", { class: "solution", d: `M${cx},${cy - 6}L${cx + 6},${cy}L${cx},${cy + 6}L${cx - 6},${cy}Z`, "data-tip": tip }));
      svg.append(svgEl("text", { class: "solution-label", x: right ? cx - 9 : cx + 9, y: cy + 4, "text-anchor": right ? "end" : "start", text: names.join(", "), "data-tip": tip }));
    }
    svg.append(
      legend(
        [
          { label: "package", color: "#8a94a0" },
          { label: "in the zone", color: "#1f8a4c" },
          { label: "Pareto frontier", color: "#2456a6" },
          { label: "solution", color: "#f2b705" },
          { label: "proposal", color: "#7b3fb0" },
        ],
        m.left,
        14,
      ),
    );
    container.append(svg);
  }

  function tipFor(target) {
    if (target.dataset && target.dataset.i !== undefined && state.analysis) {
      const p = state.analysis.plot.points[Number(target.dataset.i)];
      if (!p) return null;
      const names = state.analysis.plot.parties;
      return p.package + "\n" + names.map((n, k) => n + " " + fmt(p.u[k])).join(", ") + (p.zone ? "\nin the zone of agreement" : "");
    }
    return target.getAttribute ? target.getAttribute("data-tip") : null;
  }

  function drawRipeness() {
    const a = state.analysis;
    const container = $("ripeness-plot");
    container.replaceChildren();
    const text = $("ripeness-text");
    text.textContent = "";
    const rip = a.report.ripeness;
    if (!a.ripeness_curve || !rip) {
      container.append(el("p", { class: "note", text: "No ripeness chart: " + (a.ripeness_curve_note || "the scenario has no conflict model") + "." }));
      return;
    }
    const curve = a.ripeness_curve;
    const max = Math.max(...curve.map((p) => p.zone_size));
    const f = frame({ x: [0, 1], y: [0, max > 0 ? max * 1.1 : 1], xLabel: "balance of power: P(side A prevails)  (side A: " + rip.side_a.join(", ") + ")", yLabel: "packages in the zone", title: "ripeness", yFormat: (t) => (max > 0 ? count(t) : "") });
    const { svg, x, y, m, h } = f;
    const pts = curve.map((p) => [x(p.balance), y(p.zone_size)]);
    const line = pts.map((p) => p[0].toFixed(1) + "," + p[1].toFixed(1)).join(" ");
    svg.append(svgEl("polygon", { class: "area", points: `${x(0)},${y(0)} ${line} ${x(1)},${y(0)}` }));
    svg.append(svgEl("polyline", { class: "curve", stroke: "#2456a6", points: line }));
    for (const p of curve) svg.append(svgEl("circle", { cx: x(p.balance), cy: y(p.zone_size), r: 6, fill: "transparent", "data-tip": "balance " + fmt(p.balance, 2) + ": " + count(p.zone_size) + " packages in the zone" }));
    const today = rip.balance_today;
    svg.append(svgEl("line", { class: "today", x1: x(today), x2: x(today), y1: m.top, y2: h - m.bottom, "data-tip": "today's balance " + fmt(today) }));
    svg.append(svgEl("text", { class: "tick", x: x(today) + 4, y: m.top + 10, text: "today " + fmt(today, 2) }));
    container.append(svg);
    const intervals = rip.balance_intervals.map((iv) => "[" + fmt(iv.low) + ", " + fmt(iv.high) + "]");
    const parts = [];
    parts.push(intervals.length ? "A zone exists at balances " + intervals.join(", ") + " (costs as today)." : "No balance of power opens a zone with today's costs.");
    if (rip.balance_shift) parts.push("Smallest shift: " + (rip.balance_shift.shift > 0 ? "+" : "") + fmt(rip.balance_shift.shift) + " (to " + fmt(rip.balance_shift.target) + ").");
    if (!rip.hard_feasible) parts.push("Every package crosses an absolute red line or misses a precondition.");
    if (max === 0) parts.push("(The chart counts packages acceptable at each balance, both sides agreeing on it.)");
    text.textContent = parts.join(" ");
  }

  // ---------------------------------------------------------------------------------------------
  // Negotiation

  function defaultAgents() {
    const n = partyNames().length;
    if (n === 2) return "boulware,conceder";
    return Array(n).fill("red-line-holder").join(",");
  }

  function setupNegotiation() {
    const info = state.scenario && state.scenario.info;
    if (!info) {
      $("agents-help").textContent = "The scenario has problems: fix them in the editor first.";
      return;
    }
    if ($("agents").dataset.for !== state.current) {
      $("agents").value = defaultAgents();
      $("agents").dataset.for = state.current;
    }
    const names = state.agents.map((a) => a.name).join(", ");
    $("agents-help").textContent = "One agent per party, in order: " + info.parties.map((p) => p.id).join(", ") + ". Agents: " + names + ".";
  }

  function resetNegotiation() {
    state.negotiationToken++;
    $("offers").replaceChildren();
    $("negotiation-status").textContent = "";
    $("negotiation-plot").replaceChildren();
  }

  async function negotiate() {
    if (!state.current) return;
    resetNegotiation();
    const token = state.negotiationToken;
    const agents = $("agents")
      .value.split(",")
      .map((s) => s.trim())
      .filter((s) => s);
    const body = { agents, steps: Number($("steps").value) || 100, seed: Number($("seed").value) || 0, protocol: $("protocol").value };
    $("negotiation-status").textContent = "negotiating…";
    const res = await api("POST", "/api/scenarios/" + enc(state.current) + "/negotiate", body);
    if (token !== state.negotiationToken) return;
    if (!res.ok) {
      $("negotiation-status").textContent = "Cannot negotiate: " + errorText(res);
      return;
    }
    animate(negotiationView(res.data), token);
  }

  // The negotiation report (the same as `impasse negotiate --format json`) as the views use it:
  // per-party maps as vectors in party order, packages as text.
  function negotiationView(report) {
    const ids = Object.keys(report.utilities);
    const names = Object.fromEntries(((state.scenario && state.scenario.info && state.scenario.info.parties) || []).map((p) => [p.id, p.name]));
    const vec = (m) => ids.map((id) => m[id]);
    return {
      reference: report.reference,
      trace: report.trace.map((t) => ({ step: t.step, proposer: t.proposer, package: outcomeText(t.outcome), utilities: vec(t.utilities) })),
      result: {
        parties: ids.map((id) => ({ id, name: names[id] || id })),
        end: report.end,
        ended_by: report.ended_by,
        steps: report.steps,
        offers: report.offers,
        agreement_package: report.agreement ? outcomeText(report.agreement) : null,
        utilities: vec(report.utilities),
        reservation: vec(report.reservation),
      },
    };
  }

  function negotiationFrame(data) {
    const trace = data.trace;
    const ref = data.reference;
    const res = data.result;
    const us = trace.map((t) => t.utilities).concat(ref.frontier, [res.reservation]);
    const f = frame({ x: extent(us.map((u) => u[0])), y: extent(us.map((u) => u[1])), xLabel: "utility of " + res.parties[0].name, yLabel: "utility of " + res.parties[1].name, title: "offers", margin: { top: 26 } });
    const { svg, x, y, m, w, h } = f;
    svg.append(svgEl("line", { class: "reservation", x1: x(res.reservation[0]), x2: x(res.reservation[0]), y1: m.top, y2: h - m.bottom }));
    svg.append(svgEl("line", { class: "reservation", x1: m.left, x2: w - m.right, y1: y(res.reservation[1]), y2: y(res.reservation[1]) }));
    for (const u of ref.frontier) svg.append(svgEl("rect", { class: "frontier-pt", x: x(u[0]) - 1.5, y: y(u[1]) - 1.5, width: 3, height: 3 }));
    if (ref.nash) svg.append(svgEl("path", { class: "solution", d: `M${x(ref.nash[0])},${y(ref.nash[1]) - 6}l6,6l-6,6l-6,-6Z`, "data-tip": "Nash point" }));
    const colors = ["#c2410c", "#7b3fb0", "#0f766e", "#9a6700", "#b3261e", "#4b5563", "#db2777"];
    const ids = res.parties.map((p) => p.id).concat(["mediator"]);
    const paths = ids.map((id, k) => {
      const p = svgEl("polyline", { class: "path", stroke: colors[k % colors.length], points: "" });
      svg.append(p);
      return p;
    });
    svg.append(legend(res.parties.map((p, k) => ({ label: p.name, color: colors[k % colors.length] })).concat([{ label: "Pareto frontier", color: "#2456a6" }, { label: "Nash point", color: "#f2b705" }]), m.left, 14, w - m.left - m.right));
    $("negotiation-plot").replaceChildren(svg);
    return { svg, x, y, ids, paths, colors };
  }

  function animate(data, token) {
    const trace = data.trace;
    const res = data.result;
    const offers = $("offers");
    const status = $("negotiation-status");
    const plot = res.parties.length >= 2 ? negotiationFrame(data) : null;
    const points = plot ? plot.ids.map(() => []) : [];
    let k = 0;
    const finish = () => {
      const agreed = res.end === "agreement";
      if (plot && agreed && res.utilities) {
        plot.svg.append(svgEl("circle", { class: "agreement", cx: plot.x(res.utilities[0]), cy: plot.y(res.utilities[1]), r: 7, "data-tip": "agreement: " + (res.agreement_package || "") }));
      }
      const how = agreed ? "on " + res.agreement_package : res.end === "deadline" ? "the deadline passed" : res.end + (res.ended_by ? " by " + res.ended_by : "");
      status.textContent = "After " + res.steps + " steps and " + res.offers + " offers (" + how + "; utilities " + res.utilities.map((u) => fmt(u)).join(", ") + "): " + (agreed ? "agreement" : "no agreement");
    };
    const step = () => {
      if (token !== state.negotiationToken) return;
      const speed = Number($("negotiation-speed").value);
      const batch = speed >= 100 ? trace.length : 1;
      for (let b = 0; b < batch && k < trace.length; b++, k++) {
        const t = trace[k];
        const who = plot ? Math.max(0, plot.ids.indexOf(t.proposer)) : 0;
        offers.append(el("li", {}, el("span", { class: "who", text: t.proposer }), " (step " + t.step + "): " + t.package + " ", el("span", { class: "u", text: "[" + t.utilities.map((u) => fmt(u)).join(", ") + "]" })));
        if (plot) {
          points[who].push(plot.x(t.utilities[0]).toFixed(1) + "," + plot.y(t.utilities[1]).toFixed(1));
          plot.paths[who].setAttribute("points", points[who].join(" "));
          plot.svg.append(svgEl("circle", { cx: plot.x(t.utilities[0]), cy: plot.y(t.utilities[1]), r: 2.5, fill: plot.colors[who % plot.colors.length], "data-tip": t.proposer + " at step " + t.step + ": " + t.package }));
        }
      }
      offers.scrollTop = offers.scrollHeight;
      if (k < trace.length) {
        status.textContent = "offer " + k + " of " + trace.length + "…";
        setTimeout(step, speed >= 100 ? 0 : 1000 / speed);
      } else finish();
    };
    if (trace.length === 0) finish();
    else step();
  }

  // ---------------------------------------------------------------------------------------------
  // Tournament

  function fillTournamentScenarios() {
    const sel = $("tournament-scenarios");
    // Until the user picks scenarios, the tournament runs on the selected one.
    const chosen = state.tournamentTouched ? new Set(Array.from(sel.selectedOptions).map((o) => o.value)) : new Set();
    if (chosen.size === 0 && state.current) chosen.add(state.current);
    sel.replaceChildren(...state.scenarios.map((s) => el("option", { value: s.name, text: s.name, selected: chosen.has(s.name) })));
  }

  function renderJob(job) {
    const progress = $("tournament-progress");
    progress.max = Math.max(1, job.total);
    progress.value = job.done;
    $("tournament-status").textContent = job.status;
    $("tournament-status").className = "status " + (job.status === "done" ? "ok" : job.status === "running" ? "" : "bad");
    $("tournament-count").textContent = count(job.done) + " of " + count(job.total) + " negotiations, " + count(job.agreements) + " agreements, " + fmt(job.elapsed_seconds, 1) + " s" + (job.error ? " — " + job.error : "");
    const body = $("leaderboard").tBodies[0];
    body.replaceChildren(
      ...job.standings.map((s) =>
        el("tr", {}, el("td", { class: "num", text: s.rank }), el("td", { text: s.agent }), el("td", { class: "num", text: fmt(s.mean_utility, 4) }), el("td", { class: "num", text: pct(s.agreement_rate) }), el("td", { class: "num", text: count(s.negotiations) }), el("td", { class: "num", text: fmt(s.mean_welfare, 4) })),
      ),
    );
    const running = job.status === "running";
    $("run-tournament").disabled = running;
    $("cancel-tournament").disabled = !running;
  }

  async function runTournament() {
    const scenarios = Array.from($("tournament-scenarios").selectedOptions).map((o) => o.value);
    if (scenarios.length === 0) {
      message("select at least one scenario", true);
      return;
    }
    const agents = $("tournament-agents")
      .value.split(",")
      .map((s) => s.trim())
      .filter((s) => s);
    const body = { scenarios, agents, repetitions: Number($("tournament-repetitions").value) || 1, steps: Number($("tournament-steps").value) || 100 };
    $("tournament-status").textContent = "starting…";
    $("tournament-status").className = "status";
    $("run-tournament").disabled = true;
    const res = await api("POST", "/api/tournaments", body);
    if (!res.ok) {
      $("run-tournament").disabled = false;
      $("tournament-status").textContent = "not started";
      $("tournament-status").className = "status bad";
      message(errorText(res), true);
      return;
    }
    state.job = res.data.job;
    renderJob(res.data);
    pollJob();
  }

  async function pollJob() {
    clearTimeout(state.jobTimer);
    if (!state.job) return;
    const res = await api("GET", "/api/jobs/" + enc(state.job));
    if (!res.ok) {
      message(errorText(res), true);
      $("run-tournament").disabled = false;
      return;
    }
    renderJob(res.data);
    if (res.data.status === "running") state.jobTimer = setTimeout(pollJob, 300);
  }

  async function cancelTournament() {
    if (!state.job) return;
    const res = await api("DELETE", "/api/jobs/" + enc(state.job));
    if (res.ok) renderJob(res.data);
    else message(errorText(res), true);
  }

  // ---------------------------------------------------------------------------------------------
  // Dynamics

  function setupDynamics() {
    if (state.dynamicsBuiltFor === state.current) return;
    state.dynamicsBuiltFor = state.current;
    const box = $("dynamics-sliders");
    box.replaceChildren();
    const info = state.scenario && state.scenario.info;
    const c = info && info.conflict;
    if (!c) {
      box.append(el("p", { class: "note", text: info ? "The scenario has no [conflict] section: no dynamics to simulate." : "The scenario has problems: fix them in the editor first." }));
      $("run-dynamics").disabled = true;
      return;
    }
    $("run-dynamics").disabled = false;
    const names = Object.fromEntries(info.parties.map((p) => [p.id, p.name]));
    const side = (ids) => ids.map((id) => names[id] || id).join(", ");
    const slider = (param, label, value, min, max, step) => {
      const out = el("span", { class: "value", text: fmt(value, 2) });
      const input = el("input", { type: "range", min, max, step, value, "data-param": param, "data-initial": value, "aria-label": label });
      input.addEventListener("input", () => {
        out.textContent = fmt(Number(input.value), 2);
        scheduleDynamics();
      });
      box.append(el("label", { text: label, title: param }), input, out);
    };
    box.append(el("div", { class: "head", text: "Balance of power" }));
    slider("conflict.balance", "P(" + side(c.side_a) + " prevails)", c.balance, 0.01, 0.99, 0.01);
    box.append(el("div", { class: "head", text: "Cost of fighting per round" }));
    for (const cost of c.costs) slider("conflict.costs." + cost.party, cost.name, cost.cost, 0, Math.max(0.3, Math.ceil(cost.cost * 40) / 10), 0.005);
    if (c.mobilisation.side_a !== null || c.mobilisation.side_b !== null) {
      box.append(el("div", { class: "head", text: "What if a side mobilises (share of its resources)" }));
      if (c.mobilisation.side_a !== null) slider("conflict.dynamics.mobilised_a", side(c.side_a), c.mobilised_a !== null ? c.mobilised_a : c.mobilisation.side_a, 0.05, 1, 0.01);
      if (c.mobilisation.side_b !== null) slider("conflict.dynamics.mobilised_b", side(c.side_b), c.mobilised_b !== null ? c.mobilised_b : c.mobilisation.side_b, 0.05, 1, 0.01);
    }
    runDynamics();
  }

  function scheduleDynamics() {
    clearTimeout(state.dynamicsTimer);
    state.dynamicsTimer = setTimeout(runDynamics, 350);
  }

  function resetSliders() {
    for (const input of $("dynamics-sliders").querySelectorAll("input[type=range]")) {
      input.value = input.dataset.initial;
      input.dispatchEvent(new Event("input"));
    }
  }

  async function runDynamics() {
    if (!state.current) return;
    const set = {};
    for (const input of $("dynamics-sliders").querySelectorAll("input[type=range]")) {
      if (Math.abs(Number(input.value) - Number(input.dataset.initial)) > 1e-12) set[input.dataset.param] = Number(input.value);
    }
    const token = ++state.dynamicsToken;
    const body = { runs: Number($("runs").value) || 10000, seed: Number($("dynamics-seed").value) || 0, set };
    $("dynamics-summary").classList.add("note");
    const res = await api("POST", "/api/scenarios/" + enc(state.current) + "/dynamics", body);
    if (token !== state.dynamicsToken) return;
    $("dynamics-summary").classList.remove("note");
    if (!res.ok) {
      $("dynamics-summary").replaceChildren(el("p", { class: "no", text: "Cannot simulate: " + errorText(res) }));
      $("dynamics-plot").replaceChildren();
      return;
    }
    renderDynamics(res.data.points[0]);
  }

  function sideNames() {
    const info = state.scenario.info;
    const names = Object.fromEntries(info.parties.map((p) => [p.id, p.name]));
    const c = info.conflict;
    return [c.side_a.map((id) => names[id]).join(", "), c.side_b.map((id) => names[id]).join(", ")];
  }

  function byRound(curve) {
    const marks = [1, 2, 4, 8, 12, 24, 50, 100, 200].filter((t) => t < curve.length);
    if (curve.length > 1 && !marks.includes(curve.length - 1)) marks.push(curve.length - 1);
    return marks.map((t) => "t≤" + t + ": " + fmt(curve[t])).join(", ");
  }

  function renderDynamics(d) {
    const [A, B] = sideNames();
    const out = $("dynamics-summary");
    out.replaceChildren();
    const w = d.way_out;
    if (w.skipped) out.append(el("p", { text: "The way-out model was not run: " + w.skipped }));
    else {
      const e = w.exact;
      const r = w.ripeness_today;
      out.append(el("p", { class: "big " + (e.p_settled > 0 ? "yes" : "no"), text: "P(deal within " + d.horizon + " rounds) = " + fmt(e.p_settled) }));
      out.append(el("p", { text: "P(deal by round t): " + byRound(e.settled_by_round) }));
      out.append(el("p", { text: "Today " + A + " puts its own chance of prevailing at " + fmt(w.perceived_balances_today[0]) + "; " + B + " puts it at " + fmt(w.perceived_balances_today[1]) + ". The zone at these perceived balances is " + (r.way_out ? "open." : "closed (impasse).") }));
      out.append(el("p", { text: "Within the horizon: decided for " + A + " " + fmt(e.p_decided_a) + ", for " + B + " " + fmt(e.p_decided_b) + ", still fighting " + fmt(e.p_ongoing) + "; expected rounds fought " + fmt(e.expected_rounds, 2) + "." }));
      const missing = [];
      if (!(r.side_a.stalemate && r.side_b.stalemate)) missing.push("a stalemate on both sides");
      if (!(r.side_a.hurting && r.side_b.hurting)) missing.push("hurt on both sides");
      if (!r.way_out) missing.push("a way out");
      out.append(el("p", {}, el("b", { text: "Ripeness today: " }), r.ripe ? "ripe (a mutually hurting stalemate and a way out)" : "not ripe — missing " + missing.join(", ")));
      if (!w.hard_feasible) out.append(el("p", { class: "no", text: "Every package crosses an absolute red line or misses a precondition: no belief can open a zone." }));
      if (w.terms.length) {
        out.append(el("p", { text: "Most likely deals (the Nash solution of the perceived zone):" }));
        out.append(el("ul", {}, w.terms.slice(0, 4).map((t) => el("li", { text: "P " + fmt(t.probability) + ", round " + fmt(t.mean_round, 1) + ": " + outcomeText(t.package) }))));
      } else out.append(el("p", { text: "No path within the horizon opens the zone." }));
    }
    const lines = [];
    if (d.commitment) lines.push("Commitment problem: " + (d.commitment.problem ? "yes — a war it drives does not end by learning" : "none over the stated trajectory"));
    if (!d.attrition.skipped) lines.push("War of attrition: expected " + fmt(d.attrition.expected_rounds, 2) + " rounds; P(" + A + " concedes first) " + fmt(d.attrition.p_a_concedes_first));
    if (!d.screening.skipped) lines.push("Screening while fighting: P(settle) " + fmt(d.screening.p_settle) + ", E[fought rounds] " + fmt(d.screening.expected_fought_rounds, 2));
    if (!d.learning.skipped) lines.push("Battlefield learning (one prize): P(settled) " + fmt(d.learning.exact.p_settled) + (d.learning.t_star !== null ? ", beliefs converge after " + d.learning.t_star + " battles" : ""));
    lines.push("Fearon's bargaining range over " + B + "'s share: [" + fmt(d.sides.bargaining_range[0]) + ", " + fmt(d.sides.bargaining_range[1]) + "]");
    out.append(el("ul", {}, lines.map((l) => el("li", { text: l }))));
    drawDynamics(d, A, B);
  }

  function drawDynamics(d, A, B) {
    const models = [
      ["way out (exact)", d.way_out.skipped ? null : d.way_out.exact, "#1f8a4c"],
      ["learning (exact)", d.learning.skipped ? null : d.learning.exact, "#2456a6"],
      ["screening (simulated)", d.screening.skipped ? null : d.screening.simulated, "#7b3fb0"],
      ["attrition (simulated)", d.attrition.skipped ? null : d.attrition.simulated, "#9a6700"],
    ].filter((m) => m[1]);
    const container = $("dynamics-plot");
    container.replaceChildren();
    if (models.length === 0) {
      container.append(el("p", { class: "note", text: "No model ran." }));
      return;
    }
    const horizon = d.horizon;
    const curves = models.filter((m) => m[1].settled_by_round && m[1].settled_by_round.some((v) => v > 0));
    const f = frame({ x: [0, horizon], y: [0, 1], height: 310, xLabel: "round", yLabel: "P(settled by round t)", title: "settlement", margin: { top: 42 } });
    const { svg, x, y, m } = f;
    for (const [name, r, color] of curves) {
      const pts = r.settled_by_round.map((v, t) => x(t).toFixed(1) + "," + y(v).toFixed(1)).join(" ");
      svg.append(svgEl("polyline", { class: "curve", stroke: color, points: pts, "data-tip": name + ": P(settled by " + horizon + ") = " + fmt(r.settled_by_round[r.settled_by_round.length - 1]) }));
    }
    svg.append(legend(curves.map(([name, , color]) => ({ label: name, color })), m.left, 14, f.w - m.left - m.right));
    if (curves.length === 0) svg.append(svgEl("text", { class: "label", x: x(horizon / 2), y: y(0.5), "text-anchor": "middle", text: "no model settles within the horizon" }));
    // How each model ends: stacked bars under the curves, in the same SVG.
    const top = f.h;
    const rowH = 26;
    const left = 150;
    const width = f.w;
    const bars = svgEl("g", { transform: `translate(0 ${top})` });
    const parts = [
      ["deal", "p_settled", "#1f8a4c"],
      ["decided for " + A, "p_decided_a", "#c2410c"],
      ["decided for " + B, "p_decided_b", "#2456a6"],
      ["still fighting", "p_ongoing", "#b8c0ca"],
    ];
    bars.append(svgEl("text", { class: "label", x: 10, y: 12, text: "How each model ends within the horizon" }));
    models.forEach(([name, r], k) => {
      let at = left;
      const yy = 22 + k * rowH;
      bars.append(svgEl("text", { class: "tick", x: left - 6, y: yy + 13, "text-anchor": "end", text: name }));
      for (const [label, key, color] of parts) {
        const v = r[key] || 0;
        const span = v * (width - left - 10);
        if (span > 0) bars.append(svgEl("rect", { x: at, y: yy, width: span, height: rowH - 8, fill: color, "data-tip": name + ": " + label + " " + fmt(v) }));
        at += span;
      }
    });
    bars.append(legend(parts.map(([label, , color]) => ({ label, color })), 10, 22 + models.length * rowH + 14, width - 20));
    svg.append(bars);
    svg.setAttribute("viewBox", `0 0 ${width} ${top + 22 + models.length * rowH + 52}`);
    container.append(svg);
  }

  // ---------------------------------------------------------------------------------------------
  // Wiring

  function init() {
    for (const b of document.querySelectorAll(".tabs button")) b.addEventListener("click", () => showView(b.dataset.view));
    $("create").addEventListener("click", create);
    $("duplicate").addEventListener("click", duplicate);
    $("delete").addEventListener("click", remove);
    $("import").addEventListener("click", importFiles);
    $("export-genius").addEventListener("click", exportGenius);
    $("check").addEventListener("click", check);
    $("save").addEventListener("click", save);
    $("editor").addEventListener("input", () => {
      updateGutter([]);
      $("save-status").textContent = $("editor").value === state.savedText ? "" : "unsaved changes";
      $("save-status").className = "status";
    });
    $("editor").addEventListener("scroll", () => {
      $("gutter").scrollTop = $("editor").scrollTop;
    });
    $("editor").addEventListener("keydown", (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key === "s") {
        e.preventDefault();
        save();
      }
    });
    $("new-name").addEventListener("keydown", (e) => {
      if (e.key === "Enter") create();
    });
    $("axis-x").addEventListener("change", drawUtilityPlot);
    $("axis-y").addEventListener("change", drawUtilityPlot);
    $("negotiate").addEventListener("click", negotiate);
    $("run-tournament").addEventListener("click", runTournament);
    $("tournament-scenarios").addEventListener("change", () => {
      state.tournamentTouched = true;
    });
    $("cancel-tournament").addEventListener("click", cancelTournament);
    $("run-dynamics").addEventListener("click", runDynamics);
    $("reset-sliders").addEventListener("click", resetSliders);
    attachTips($("utility-plot"), tipFor);
    attachTips($("ripeness-plot"), tipFor);
    attachTips($("negotiation-plot"), tipFor);
    attachTips($("dynamics-plot"), tipFor);
    api("GET", "/api/agents").then((res) => {
      if (res.ok) state.agents = res.data.agents;
    });
    const wanted = decodeURIComponent(location.hash.slice(1));
    refreshList().then(() => {
      const first = state.scenarios.find((s) => s.name === wanted) || state.scenarios.find((s) => s.name === "negotiation-impasse-2023") || state.scenarios[0];
      if (first) select_(first.name);
    });
  }

  init();
})();
