// The lesson page's player: reads the run from #lesson-data and draws it
// at a cursor that counts the model's changes that have happened (a step
// is one change; an instant, the changes at one time), as saywhen play's
// does. Text goes in with textContent only: a message is data, never HTML.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("lesson-data").textContent);
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";
  const SPEEDS = [0.25, 0.5, 1, 2, 4, 8, 16];
  // At 1×, no wait between two instants lasts longer than this (ms of real
  // time): a run with a minute's sleep still plays in a few seconds.
  const LONGEST_WAIT = 1500;
  const SHOWN_EVENTS = 200;
  // Between two looks at the clock while playing (ms): about a screen's frame.
  const FRAME = 16;
  const ROW = 26;
  const GLYPHS = {
    "not started": "○", waiting: "⋯", permit: "◔", sleeping: "☾", ready: "◇",
    holding: "■", offloaded: "⇉", children: "▿", done: "✓", failed: "✗",
    cancelled: "✂", "timed out": "◷", skipped: "↷", interrupted: "‖",
  };
  const ENDS = ["done", "failed", "cancelled", "timed out", "skipped"];
  const MEANINGS = {
    "not started": "nothing has happened to it yet",
    done: "said its message, or saw its children through",
    failed: "failed, or reported a child's failure",
    cancelled: "dropped before it could finish",
    "timed out": "its deadline came first",
    skipped: "never started: an earlier child failed",
  };

  let run = null;
  let cursor = 0;
  let playing = false;
  let speed = 2;
  let clock = 0;
  let last = 0;
  let frame = 0;
  let selected = null;
  let phases = [];
  let marked = {};
  const codeLines = {};
  let addressTimer = 0;
  let lineHeight = 0;
  let eventItems = new Map();
  // The events the list holds, [shownFrom, shownTo), and those it marks.
  let shownFrom = 0;
  let shownTo = 0;
  let markedEvents = [];
  // The deepest line at work in each program, scrolled into view.
  const deepestLine = { python: -1, rust: -1 };

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    return node;
  }

  // How saywhen writes a time (src/scenario/units.rs: human).
  function human(ns) {
    const MICRO = 1e3, MILLI = 1e6, SECOND = 1e9, MINUTE = 60e9;
    const round = (v, unit) => Math.floor((v + Math.floor(unit / 2)) / unit);
    const decimal = (scaled, per, unit) => {
      const whole = Math.floor(scaled / per), fraction = scaled % per;
      if (fraction === 0) return whole + unit;
      return whole + "." + String(fraction).padStart(3, "0").replace(/0+$/, "") + unit;
    };
    const significant = (v, unit, name) => {
      const q = Math.floor(v / unit);
      const decimals = q <= 9 ? 3 : q <= 99 ? 2 : 1;
      const step = unit / Math.pow(10, decimals);
      const steps = round(v, step);
      if (steps * step >= 1000 * unit) return human(steps * step);
      return decimal(steps * Math.pow(10, 3 - decimals), 1000, name);
    };
    if (ns === 0) return "0s";
    if (ns < MICRO) return ns + "ns";
    if (ns < MILLI) return significant(ns, MICRO, "µs");
    const micros = round(ns, MICRO);
    if (micros < SECOND / MICRO) return significant(micros * MICRO, MILLI, "ms");
    const millis = round(ns, MILLI);
    if (millis * MILLI < MINUTE) return decimal(millis, 1000, "s");
    const seconds = Math.floor(millis / 1000);
    let out = "";
    for (const [count, unit] of [[Math.floor(seconds / 86400), "d"],
      [Math.floor(seconds / 3600) % 24, "h"], [Math.floor(seconds / 60) % 60, "m"]]) {
      if (count > 0) out += count + unit;
    }
    if (millis % 60000 > 0) out += decimal(millis % 60000, 1000, "s");
    return out;
  }

  // Whose code is executing: what sleeps, holds the thread, runs on its
  // own or is ready to go on, and the groups waiting for them; not what
  // waits for its turn or a permit (its call is not reached yet).
  const AT_WORK = ["sleeping", "ready", "holding", "offloaded", "children"];
  function active(phase) {
    return AT_WORK.includes(phase);
  }

  function cssName(phase) {
    return phase.replace(/ /g, "-");
  }

  // The time at the cursor: that of the last change that happened.
  function now() {
    return cursor === 0 ? 0 : run.instants[run.events[cursor - 1][2]].at;
  }

  function end() {
    const last = run.instants[run.instants.length - 1];
    return Math.max(run.wall, last ? last.at : 0, 1);
  }

  // The instant the cursor is in (-1 before anything happened).
  function instantAt(c) {
    return c === 0 ? -1 : run.events[c - 1][2];
  }

  // The cursor at the end of the next instant, or of the previous one.
  function nextInstant(c) {
    const next = run.instants.find((instant) => instant.end > c);
    return next ? next.end : run.events.length;
  }

  function prevInstant(c) {
    for (let i = run.instants.length - 1; i >= 0; i--) {
      if (run.instants[i].end < c) return run.instants[i].end;
    }
    return 0;
  }

  // Every node's state at the cursor: its last change so far (a node's
  // first poll, "began", is an event, not a state).
  function phasesAt(c) {
    const out = run.nodes.map(() => "not started");
    for (let i = 0; i < c; i++) {
      const [n, what] = run.events[i];
      if (what !== "began") out[n] = what;
    }
    return out;
  }

  // ---- building the page for one run ----

  function load(r, at) {
    pause();
    run = data.runs[r];
    selected = null;
    $("title").textContent = "saywhen lesson";
    $("subtitle").textContent = run.title + " · " + run.clock;
    $("scrub").max = String(run.events.length);
    $("scrub").setAttribute("aria-valuetext", "");
    $("note").hidden = !run.note;
    $("note").textContent = run.note || "";
    buildTree();
    buildTimeline();
    buildCode("python", run.code.python);
    buildCode("rust", run.code.rust);
    buildLegend();
    eventItems = new Map();
    shownFrom = shownTo = 0;
    markedEvents = [];
    $("events").replaceChildren();
    cursor = Math.min(Math.max(at, 0), run.events.length);
    clock = now();
    draw();
  }

  function buildTree() {
    const tree = $("tree");
    tree.replaceChildren();
    run.rows.forEach((row, r) => {
      const li = el("li", { class: "row", style: "--depth:" + row.depth });
      const button = el("button", { type: "button", class: "node" });
      const glyph = el("span", { class: "glyph", "aria-hidden": "true" });
      const label = el("span", { class: "label" });
      const state = el("span", { class: "state" });
      if (row.more !== undefined) {
        li.classList.add("more");
        label.textContent = "… " + row.more + " more";
        button.addEventListener("click", () => select(r));
      } else {
        const node = run.nodes[row.node];
        li.dataset.nodeId = node.id;
        label.textContent = node.label + (row.folded ? " (folded)" : "");
        button.addEventListener("click", () => select(r));
        button.addEventListener("mouseenter", () => details(r));
        button.addEventListener("focus", () => details(r));
      }
      button.append(glyph, label, el("span", { class: "visually-hidden" }, ": "), state);
      li.append(button);
      tree.append(li);
    });
  }

  function x(t, width) {
    return (t / end()) * width;
  }

  function buildTimeline() {
    const box = $("timeline");
    box.replaceChildren();
    const width = Math.max(box.clientWidth || 600, 120);
    const height = run.rows.length * ROW + 30;
    const root = svg("svg", {
      width: String(width), height: String(height), viewBox: "0 0 " + width + " " + height,
      role: "img", "aria-label": "Timeline: each node's states over time; the line is the cursor",
    });
    root.append(patterns());
    run.rows.forEach((row, r) => {
      const g = svg("g", { class: "trow" });
      const y = r * ROW;
      const group = row.more === undefined && run.nodes[row.node].group;
      const spans = row.more === undefined ? [[row.node, run.nodes[row.node]]] : [];
      if (row.more !== undefined) {
        // The range the summarised pairs cover, shaded.
        let from = Infinity, to = 0;
        for (const p of row.pairs) {
          const node = run.nodes[p];
          for (const s of node.spans) { from = Math.min(from, s[1]); to = Math.max(to, s[2]); }
        }
        if (to > from) {
          g.append(svg("rect", { x: x(from, width), y: y + 8, width: Math.max(x(to - from, width), 1),
            height: ROW - 16, class: "summary" }));
        }
      }
      for (const [, node] of spans) {
        const h = group ? 6 : ROW - 8;
        const top = y + (ROW - h) / 2;
        for (const [state, from, to] of node.spans) {
          const name = run.states[state].name;
          const rect = svg("rect", { x: x(from, width), y: top, width: Math.max(x(to - from, width), 1),
            height: h, class: "span s-" + name, fill: "url(#p-" + name + ")" });
          const title = svg("title");
          title.textContent = node.label + ": " + name + " from " + human(from) + " to " + human(to);
          rect.append(title);
          g.append(rect);
        }
        if (node.ended) {
          const mark = svg("text", { x: x(node.ended[0], width) + 2, y: y + ROW / 2 + 4, class: "endmark" });
          mark.textContent = GLYPHS[node.ended[1]] || "";
          g.append(mark);
        }
      }
      g.append(svg("rect", { x: 0, y: y, width: width, height: ROW, class: "hit" }));
      g.addEventListener("mouseenter", () => details(r));
      g.addEventListener("click", () => select(r));
      root.append(g);
    });
    const axis = run.rows.length * ROW;
    root.append(svg("line", { x1: 0, y1: axis + 2, x2: width, y2: axis + 2, class: "axis" }));
    for (const t of ticks(end(), width)) {
      const tx = x(t, width);
      root.append(svg("line", { x1: tx, y1: axis, x2: tx, y2: axis + 6, class: "axis" }));
      const anchor = tx < 16 ? "start" : tx > width - 16 ? "end" : "middle";
      const label = svg("text", { x: tx, y: axis + 20, class: "tick", "text-anchor": anchor });
      label.textContent = human(t);
      root.append(label);
    }
    root.append(svg("rect", { id: "future", x: 0, y: 0, width: 0, height: axis, class: "future" }));
    root.append(svg("line", { id: "cursor", x1: 0, y1: 0, x2: 0, y2: axis + 4, class: "cursor" }));
    box.append(root);
    box.dataset.width = String(width);
  }

  // Round steps along the axis, a label's width apart.
  function ticks(total, width) {
    const most = Math.max(Math.floor(width / 70), 1);
    let step = 1;
    while (total / step > most) {
      const digits = String(step);
      step = digits[0] === "1" ? step * 2 : digits[0] === "2" ? step * 2.5 : step * 2;
    }
    const out = [];
    for (let t = 0; t <= total + 1; t += step) out.push(t);
    return out;
  }

  function patterns() {
    const defs = svg("defs");
    const make = (name, shapes) => {
      const p = svg("pattern", { id: "p-" + name, width: 6, height: 6, patternUnits: "userSpaceOnUse" });
      p.append(svg("rect", { width: 6, height: 6, class: "bg s-" + name }));
      for (const [tag, attrs] of shapes) p.append(svg(tag, Object.assign({ class: "ink s-" + name }, attrs)));
      defs.append(p);
    };
    make("waiting", [["circle", { cx: 3, cy: 3, r: 1 }]]);
    make("permit", [["circle", { cx: 1.5, cy: 1.5, r: 1 }], ["circle", { cx: 4.5, cy: 4.5, r: 1 }]]);
    make("sleeping", []);
    make("ready", [["path", { d: "M0 6L6 0", "stroke-width": 1.5 }]]);
    make("holding", [["rect", { width: 6, height: 6 }]]);
    make("offloaded", [["path", { d: "M0 6L6 0M0 0L6 6", "stroke-width": 1 }]]);
    make("children", [["path", { d: "M0 3H6", "stroke-width": 1 }]]);
    return defs;
  }

  function buildCode(language, text) {
    const pre = $(language);
    pre.replaceChildren();
    codeLines[language] = [];
    const lines = text.split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    const all = document.createDocumentFragment();
    for (const line of lines) {
      const span = el("span", { class: "line" }, line);
      codeLines[language].push(span);
      all.append(span);
    }
    pre.append(all);
    marked[language] = new Set();
  }

  function buildLegend() {
    const legend = $("legend");
    legend.replaceChildren();
    const add = (name, meaning) => {
      const item = el("span", { class: "key" });
      item.append(el("span", { class: "glyph", "aria-hidden": "true" }, GLYPHS[name]),
        el("span", { class: "swatch s-" + cssName(name), "aria-hidden": "true" }),
        el("strong", {}, name), " " + meaning);
      legend.append(item);
    };
    add("not started", MEANINGS["not started"]);
    for (const s of run.states) add(s.name, s.meaning);
    for (const e of ENDS) add(e, MEANINGS[e]);
  }

  // ---- drawing the cursor ----

  function draw() {
    const t = now();
    phases = phasesAt(cursor);
    drawTree();
    drawTimeline(t);
    drawCode();
    drawEvents();
    drawArithmetic();
    const instant = instantAt(cursor);
    const total = run.events.length;
    let where = "Step " + cursor + " of " + total + " · t = " + human(t);
    if (cursor === 0) {
      where += " · nothing has happened yet";
    } else {
      const [n, what] = run.events[cursor - 1];
      where += " · instant " + (instant + 1) + " of " + run.instants.length + " · " + run.nodes[n].label + " " + what;
    }
    $("where").textContent = total ? where : "Nothing happened in this run.";
    const scrub = $("scrub");
    scrub.value = String(cursor);
    scrub.setAttribute("aria-valuetext", "step " + cursor + " of " + total + ", t = " + human(t));
    $("back").disabled = cursor === 0;
    $("start").disabled = cursor === 0;
    $("previous").disabled = cursor === 0;
    const atEnd = cursor >= total;
    $("step").disabled = atEnd;
    $("end").disabled = atEnd;
    $("next").disabled = atEnd;
    document.body.dataset.step = String(cursor);
    if (selected !== null) details(selected);
    // The address says where the cursor is, for a link to this step; once
    // it rests (browsers refuse many address changes in a row).
    clearTimeout(addressTimer);
    addressTimer = setTimeout(() => {
      try {
        history.replaceState(null, "", "#step=" + cursor + (data.runs.length > 1 ? "&run=" + $("run").value : ""));
      } catch (e) {
        // A page opened where the address cannot change: nothing to keep.
      }
    }, 400);
  }

  function drawTree() {
    const items = $("tree").children;
    run.rows.forEach((row, r) => {
      const li = items[r];
      const state = li.querySelector(".state");
      const glyph = li.querySelector(".glyph");
      if (row.more !== undefined) {
        const counts = {};
        for (const p of row.pairs) counts[phases[p]] = (counts[phases[p]] || 0) + 1;
        state.textContent = Object.entries(counts).map(([k, v]) => v + " " + k).join(", ");
        glyph.textContent = "…";
        return;
      }
      const phase = phases[row.node];
      if (li.dataset.state !== phase) {
        li.dataset.state = phase;
        li.className = "row p-" + cssName(phase) + (li.classList.contains("more") ? " more" : "");
        glyph.textContent = GLYPHS[phase] || "?";
        state.textContent = phase;
      }
    });
  }

  function drawTimeline(t) {
    const width = Number($("timeline").dataset.width || 600);
    const cx = x(t, width);
    const line = $("cursor");
    line.setAttribute("x1", cx);
    line.setAttribute("x2", cx);
    const future = $("future");
    future.setAttribute("x", cx);
    future.setAttribute("width", Math.max(width - cx, 0));
  }

  // Marks the lines of the nodes at work, changing only the lines that
  // change, and brings the deepest into view in its pane.
  function drawCode() {
    for (const language of ["python", "rust"]) {
      const lines = codeLines[language];
      const now = new Set();
      let deepest = -1;
      run.nodes.forEach((node, n) => {
        if (!active(phases[n]) || !lines[node[language]]) return;
        now.add(node[language]);
        deepest = Math.max(deepest, node[language]);
      });
      for (const i of marked[language]) if (!now.has(i)) lines[i].classList.remove("at");
      for (const i of now) if (!marked[language].has(i)) lines[i].classList.add("at");
      marked[language] = now;
      deepestLine[language] = deepest;
    }
  }

  // The last events up to the cursor, those of its instant marked. Each
  // event's item is made once and kept, and a step changes only the ends
  // of the list and the items it marks: a step of a 1,000-node run stays
  // well within a frame (rebuilding the list each step took 17 ms).
  function eventItem(i) {
    let li = eventItems.get(i);
    if (!li) {
      const [n, what, at] = run.events[i];
      li = el("li");
      li.className = "";
      li.append(el("span", { class: "time" }, run.instants[at].time), " ",
        el("span", { class: "glyph", "aria-hidden": "true" }, GLYPHS[what] || "▸"), " ",
        el("span", { class: "label" }, run.nodes[n].label), " " + what);
      eventItems.set(i, li);
    }
    return li;
  }

  function drawEvents() {
    const from = Math.max(cursor - SHOWN_EVENTS, 0);
    const list = $("events");
    if (list.childElementCount !== shownTo - shownFrom || from >= shownTo || cursor <= shownFrom) {
      const items = [];
      for (let i = from; i < cursor; i++) items.push(eventItem(i));
      list.replaceChildren(...items);
    } else {
      for (; shownTo > cursor; shownTo--) list.lastElementChild.remove();
      for (; shownTo < cursor; shownTo++) list.append(eventItem(shownTo));
      for (; shownFrom < from; shownFrom++) list.firstElementChild.remove();
      while (shownFrom > from) list.prepend(eventItem(--shownFrom));
    }
    shownFrom = from;
    shownTo = cursor;
    for (const li of markedEvents) li.className = "";
    markedEvents = [];
    const instant = instantAt(cursor);
    for (let i = cursor - 1; i >= from && run.events[i][2] === instant; i--) {
      const li = eventItem(i);
      li.className = i === cursor - 1 ? "now last" : "now";
      markedEvents.push(li);
    }
    list.start = from + 1;
    afterLayout();
  }

  // Scrolling reads the layout, which a step has just changed: done once
  // a frame, not once a step, so playing fast or stepping many times
  // lays the page out once.
  let scrollPending = false;
  function afterLayout() {
    if (scrollPending) return;
    scrollPending = true;
    requestAnimationFrame(() => {
      scrollPending = false;
      const list = $("events");
      list.scrollTop = list.scrollHeight;
      for (const language of ["python", "rust"]) {
        const line = deepestLine[language];
        if (line < 0) continue;
        const lines = codeLines[language];
        const pre = $(language);
        // Every line is one line high (no wrapping): measured once.
        lineHeight = lineHeight || lines[0].offsetHeight || 18;
        const top = line * lineHeight;
        if (top < pre.scrollTop || top > pre.scrollTop + pre.clientHeight - 2 * lineHeight) {
          pre.scrollTop = Math.max(top - pre.clientHeight / 3, 0);
        }
      }
    });
  }

  function drawArithmetic() {
    const box = $("arithmetic");
    box.replaceChildren();
    box.append(el("p", { class: "formula" }, run.arithmetic.summary));
    for (const reason of run.arithmetic.reasons) box.append(el("p", { class: "reason" }, reason));
    box.append(el("p", {}, run.arithmetic.measured));
    const row = selected === null ? null : run.rows[selected];
    if (row && row.more === undefined) {
      const node = run.nodes[row.node];
      if (node.formula) box.append(el("p", { class: "formula" }, node.id + " " + node.label + ": " + node.formula));
    }
  }

  function details(r) {
    const box = $("details");
    box.replaceChildren();
    const row = run.rows[r];
    if (!row) return;
    if (row.more !== undefined) {
      box.append(el("h3", {}, "… " + row.more + " more"));
      box.append(el("p", {}, row.pairs.length + " pairs, summarised: " +
        $("tree").children[r].querySelector(".state").textContent));
      return;
    }
    const node = run.nodes[row.node];
    box.append(el("h3", {}, node.label));
    const dl = el("dl");
    const add = (k, v) => { dl.append(el("dt", {}, k), el("dd", {}, v)); };
    add("node", node.id + " · " + node.kind);
    add("at the cursor", phases[row.node]);
    if (node.delay !== null) add("delay", human(node.delay));
    const [start, endAt, how] = node.expected;
    add("expected", start === null ? how : human(start) + " → " + human(endAt) + ", " + how);
    if (node.measured) {
      const [s, e, status] = node.measured;
      add("measured", (s === null ? "" : human(s)) + " → " + (e === null ? "…" : human(e)) + ", " + status);
    }
    if (node.spans.length) {
      add("states", node.spans.map(([st, f, t]) => run.states[st].name + " " + human(f) + "–" + human(t)).join(", "));
    }
    if (node.formula) add("formula", node.formula);
    box.append(dl);
  }

  function select(r) {
    selected = selected === r ? null : r;
    for (const [i, li] of Array.from($("tree").children).entries()) {
      li.querySelector("button").setAttribute("aria-pressed", String(i === selected));
    }
    if (selected !== null) details(selected);
    drawArithmetic();
  }

  // ---- moving the cursor ----

  function go(step) {
    cursor = Math.min(Math.max(step, 0), run.events.length);
    clock = now();
    draw();
  }

  // While playing, the clock runs at the speed chosen; each instant's
  // changes happen together once the clock reaches it.
  function tick(time) {
    const elapsed = Math.min(time - last, 250);
    last = time;
    if (cursor >= run.events.length) {
      pause();
      return;
    }
    const next = run.instants[instantAt(nextInstant(cursor))];
    const gap = next.at - now();
    const rate = gap > LONGEST_WAIT * 1e6 ? gap / LONGEST_WAIT : 1e6;
    clock += elapsed * rate * SPEEDS[speed];
    let moved = false;
    while (cursor < run.events.length && run.instants[instantAt(nextInstant(cursor))].at <= clock) {
      cursor = nextInstant(cursor);
      moved = true;
    }
    if (moved) draw();
    if (cursor >= run.events.length) {
      pause();
      return;
    }
    frame = setTimeout(() => tick(performance.now()), FRAME);
  }

  function play() {
    if (!run.events.length) return;
    if (cursor >= run.events.length) go(0);
    playing = true;
    last = performance.now();
    clock = now();
    setPlayButton();
    frame = setTimeout(() => tick(performance.now()), FRAME);
  }

  function pause() {
    playing = false;
    clearTimeout(frame);
    setPlayButton();
  }

  function setPlayButton() {
    const button = $("play");
    button.replaceChildren(el("span", { "aria-hidden": "true" }, playing ? "⏸" : "▶"),
      playing ? " Pause" : " Play");
    button.setAttribute("aria-pressed", String(playing));
  }

  function setSpeed(i) {
    speed = Math.min(Math.max(i, 0), SPEEDS.length - 1);
    $("speed").value = String(speed);
  }

  function help() {
    const box = $("help");
    box.hidden = !box.hidden;
    $("help-button").setAttribute("aria-expanded", String(!box.hidden));
  }

  function keys(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    const tag = target.tagName;
    // A control's own keys stay its own: a menu's arrows, the scrub bar's,
    // a code pane's scrolling.
    const moves = ["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key);
    const own = tag === "SELECT" || ((tag === "INPUT" || tag === "PRE") && moves);
    if (own) return;
    if (tag === "BUTTON" && (event.key === " " || event.key === "Enter")) return;
    const actions = {
      " ": () => (playing ? pause() : play()),
      ArrowRight: () => { pause(); go(cursor + 1); },
      "]": () => { pause(); go(nextInstant(cursor)); },
      ArrowLeft: () => { pause(); go(cursor - 1); },
      "[": () => { pause(); go(prevInstant(cursor)); },
      Home: () => { pause(); go(0); },
      End: () => { pause(); go(run.events.length); },
      "+": () => setSpeed(speed + 1),
      "=": () => setSpeed(speed + 1),
      "-": () => setSpeed(speed - 1),
      "?": help,
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  }

  function fromAddress() {
    const found = {};
    for (const part of location.hash.replace(/^#/, "").split("&")) {
      const [k, v] = part.split("=");
      if (k && v !== undefined && /^\d+$/.test(v)) found[k] = Number(v);
    }
    return found;
  }

  function start() {
    const speedBox = $("speed");
    SPEEDS.forEach((s, i) => speedBox.append(el("option", { value: String(i) }, (s === 0.25 ? "¼" : s === 0.5 ? "½" : s) + "×")));
    setSpeed(speed);
    speedBox.addEventListener("change", () => setSpeed(Number(speedBox.value)));
    $("start").addEventListener("click", () => { pause(); go(0); });
    $("back").addEventListener("click", () => { pause(); go(cursor - 1); });
    $("play").addEventListener("click", () => (playing ? pause() : play()));
    $("step").addEventListener("click", () => { pause(); go(cursor + 1); });
    $("end").addEventListener("click", () => { pause(); go(run.events.length); });
    $("previous").addEventListener("click", () => { pause(); go(prevInstant(cursor)); });
    $("next").addEventListener("click", () => { pause(); go(nextInstant(cursor)); });
    $("help-button").addEventListener("click", help);
    $("scrub").addEventListener("input", () => { pause(); go(Number($("scrub").value)); });
    document.addEventListener("keydown", keys);
    const address = fromAddress();
    const choice = $("run");
    data.runs.forEach((r, i) => choice.append(el("option", { value: String(i) }, r.title)));
    const r = Math.min(address.run || 0, data.runs.length - 1);
    choice.value = String(r);
    $("run-choice").hidden = data.runs.length < 2;
    choice.addEventListener("change", () => load(Number(choice.value), 0));
    let width = window.innerWidth;
    window.addEventListener("resize", () => {
      if (window.innerWidth === width) return;
      width = window.innerWidth;
      buildTimeline();
      drawTimeline(now());
    });
    load(r, address.step || 0);
  }

  start();
})();
