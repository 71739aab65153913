/* yingji interactive map: draws the layers of the JSON in #webmap-data as SVG.
 * Written for this page (inlined by experiments/webmap.py); no libraries, no requests.
 * Every word shown comes from the data (data.labels, layer labels): the page speaks the
 * run's language. After drawing, each layer's <g> carries data-count (items drawn) and
 * <body> data-ready="1"; the browser tests read them. */
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("webmap-data").textContent);
  const L = data.labels;
  const svg = document.getElementById("map");
  const NS = svg.namespaceURI;  // the SVG namespace, read from the page rather than written here
  const mapbox = document.getElementById("mapbox");
  const panel = document.getElementById("panel");
  const view = { s: 1, tx: 0, ty: 0, fit: 1 };
  const markers = [];  // {node, x, y}: point marks, kept at a fixed size on screen
  const arrows = [];  // {casing, line, head, hit, pair}: move arrows, in screen pixels
  const roads = data.roads;

  function svgEl(name, attrs, parent) {
    const node = document.createElementNS(NS, name);
    for (const k in attrs) node.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(node);
    return node;
  }
  function htmlEl(name, attrs, parent, text) {
    const node = document.createElement(name);
    for (const k in attrs) node.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (parent) parent.appendChild(node);
    return node;
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
  }
  function clock(t, startHour) {
    const total = Math.round(startHour * 60 + t);
    const day = Math.floor(total / 1440);
    const rest = total - day * 1440;
    const hh = String(Math.floor(rest / 60)).padStart(2, "0");
    const mm = String(rest % 60).padStart(2, "0");
    return fill(L.clock, { day: day + 1, clock: hh + ":" + mm });
  }

  // ------------------------------------------------------------------ the map's frame
  const world = svgEl("g", { id: "world" }, svg);
  const lines = svgEl("g", { id: "lines" }, world);
  const marks = svgEl("g", { id: "marks" }, svg);
  let pending = false;

  function apply() {
    pending = false;
    world.setAttribute("transform",
      "matrix(" + view.s + " 0 0 " + -view.s + " " + view.tx + " " + view.ty + ")");
    for (const m of markers) {
      const sx = view.s * m.x + view.tx;
      const sy = view.ty - view.s * m.y;
      m.node.setAttribute("transform", "translate(" + sx.toFixed(1) + " " + sy.toFixed(1) + ")");
    }
    for (const a of arrows) placeArrow(a);
    svg.dataset.scale = String(view.s);
  }
  function schedule() {
    if (!pending) {
      pending = true;
      requestAnimationFrame(apply);
    }
  }
  function fit() {
    const box = svg.getBoundingClientRect();
    const w = Math.max(data.extent[0], 1);
    const h = Math.max(data.extent[1], 1);
    view.s = view.fit = 0.95 * Math.min(box.width / w, box.height / h);
    view.tx = (box.width - view.s * w) / 2;
    view.ty = (box.height + view.s * h) / 2;
    apply();
  }
  function zoomAt(factor, px, py) {
    const s = Math.min(Math.max(view.s * factor, view.fit / 4), view.fit * 4000);
    const f = s / view.s;
    view.tx = px - f * (px - view.tx);
    view.ty = py - f * (py - view.ty);
    view.s = s;
    schedule();
  }

  // ------------------------------------------------------------------ layers
  // "M x1 y1 L x2 y2" of the segments ``rows`` of a flat [x1, y1, x2, y2, ...] (all by default).
  function segmentPath(xy, rows) {
    const parts = [];
    for (const i of rows || Array.from({ length: xy.length / 4 }, (_, k) => k)) {
      parts.push("M" + xy[4 * i] + " " + xy[4 * i + 1] + "L" + xy[4 * i + 2] + " " + xy[4 * i + 3]);
    }
    return parts.join("");
  }
  function linePath(parent, d, style) {
    const attrs = {
      d: d, fill: "none", "vector-effect": "non-scaling-stroke",
      "stroke-linecap": "round", "stroke-linejoin": "round",
    };
    for (const k in style) attrs[k] = style[k];
    return svgEl("path", attrs, parent);
  }
  function inCells(parent) {
    return svgEl("g", { transform: "scale(" + roads.cell + ")" }, parent);
  }
  // Road segments by tile of an 8 x 8 grid over the map: one path per tile and style, so
  // that the browser skips the tiles off screen when the map is zoomed in.
  const TILES = 8;
  const tileOf = (() => {
    const w = Math.max(data.extent[0], 1) / roads.cell / TILES;
    const h = Math.max(data.extent[1], 1) / roads.cell / TILES;
    const out = new Int32Array(roads.cls.length);
    for (let i = 0; i < out.length; i++) {
      const tx = Math.min(Math.max(Math.floor(roads.xy[4 * i] / w), 0), TILES - 1);
      const ty = Math.min(Math.max(Math.floor(roads.xy[4 * i + 1] / h), 0), TILES - 1);
      out[i] = tx * TILES + ty;
    }
    return out;
  })();
  // The road segments of each style (styleOf(i), -1: not drawn), tile by tile, styles in
  // the order given (later ones on top).
  function tiledPaths(parent, styles, styleOf, order, groupAttrs) {
    const rows = styles.map(() => Array.from({ length: TILES * TILES }, () => []));
    for (let i = 0; i < roads.cls.length; i++) {
      const k = styleOf(i);
      if (k >= 0 && k < styles.length) rows[k][tileOf[i]].push(i);
    }
    for (const k of order) {
      const g = svgEl("g", groupAttrs || {}, parent);
      for (const tile of rows[k]) {
        if (tile.length) linePath(g, segmentPath(roads.xy, tile), styles[k]);
      }
    }
  }

  function drawRoads(layer, g) {
    const styles = roads.classes.map(
      (c) => ({ stroke: c.colour, "stroke-width": c.width, "data-class": c.key }));
    // Slow classes first, so that the fast ones lie on top.
    tiledPaths(inCells(g), styles, (i) => roads.cls[i], styles.map((_, k) => k).reverse());
    return roads.cls.length;
  }
  function drawBands(layer, g) {
    const styles = layer.bands.map((b) => ({ stroke: b.colour, "stroke-width": 7 }));
    // The farthest band first: nearer bands lie on top. Translucent as a whole band, so
    // that where its tiles and segments overlap it is not darker.
    const order = styles.map((_, k) => k).reverse();
    tiledPaths(inCells(g), styles, (i) => layer.band[i], order, { opacity: 0.45 });
    let n = 0;
    for (const b of layer.band) if (b < layer.bands.length) n++;
    return n;
  }
  const timed = [];  // {node, item}
  function drawTimed(layer, g) {
    const inner = inCells(g);
    for (const item of layer.items) {
      const style = item.closed
        ? { stroke: "#d00000", "stroke-width": 3.5 }
        : { stroke: "#ff8c00", "stroke-width": 3, "stroke-dasharray": "6 4" };
      style.class = "timed";
      const node = linePath(inner, segmentPath(item.xy), style);
      svgEl("title", {}, node).textContent = item.label;
      timed.push({ node: node, item: item, group: g });
    }
    return layer.items.length;
  }
  function shapePath(shape, r) {
    if (shape === "triangle") {
      return "M0 " + -r + "L" + 0.9 * r + " " + 0.6 * r + "L" + -0.9 * r + " " + 0.6 * r + "Z";
    }
    if (shape === "square") return "M" + -r + " " + -r + "H" + r + "V" + r + "H" + -r + "Z";
    if (shape === "star") {
      const pts = [];
      for (let k = 0; k < 10; k++) {
        const a = (Math.PI * k) / 5 - Math.PI / 2;
        const q = k % 2 ? 0.45 * r : r;
        pts.push((q * Math.cos(a)).toFixed(2) + " " + (q * Math.sin(a)).toFixed(2));
      }
      return "M" + pts.join("L") + "Z";
    }
    const arc = "a" + r + " " + r + " 0 1 0 ";
    return "M" + -r + " 0" + arc + 2 * r + " 0" + arc + -2 * r + " 0Z";  // a circle
  }
  function markStyle(layer, p) {
    const grp = layer.groups[p.g || 0] || {};
    const colour = p.c || grp.colour || "#444444";
    if (grp.stroke || grp.hollow) {
      const hollow = { fill: "none", stroke: colour, "stroke-width": 1.6 };
      return grp.hollow ? hollow : { fill: colour, stroke: grp.stroke, "stroke-width": 1.6 };
    }
    // Points coloured by a value: a faint outline, so that dense points keep their colour.
    if (p.c) return { fill: colour, stroke: "rgba(0,0,0,0.35)", "stroke-width": 0.5 };
    return { fill: colour, stroke: "#222222", "stroke-width": 0.7 };
  }
  function drawPoints(layer, g) {
    const d = shapePath(layer.shape, layer.size);
    layer.points.forEach((p, i) => {
      const attrs = { class: "mark", d: d, "pointer-events": "visible", "data-index": i };
      Object.assign(attrs, markStyle(layer, p));
      if (p.id !== undefined) attrs["data-id"] = p.id;
      const node = svgEl("path", attrs, g);
      if (p.name) svgEl("title", {}, node).textContent = p.name;
      node.addEventListener("click", (ev) => {
        ev.stopPropagation();
        showPopup(p, ev);
      });
      markers.push({ node: node, x: p.x, y: p.y });
    });
    return layer.points.length;
  }
  // Team moves: an arrow per station pair and direction, bent to its right (so that the
  // two directions of a pair are apart), in screen pixels so that its width and head keep
  // their size at any zoom; a wide invisible stroke takes the clicks.
  const GAP = 9;  // pixels left free at either end: the station's mark
  function placeArrow(a) {
    const p = a.pair;
    const x1 = view.s * p.x1 + view.tx, y1 = view.ty - view.s * p.y1;
    const x2 = view.s * p.x2 + view.tx, y2 = view.ty - view.s * p.y2;
    const dx = x2 - x1, dy = y2 - y1;
    const len = Math.hypot(dx, dy);
    if (len < 1) {
      for (const node of [a.casing, a.line, a.head, a.hit]) node.setAttribute("d", "");
      return;
    }
    const cx = (x1 + x2) / 2 - 0.2 * dy, cy = (y1 + y2) / 2 + 0.2 * dx;  // bend to the right
    const unit = (x, y) => { const l = Math.hypot(x, y) || 1; return [x / l, y / l]; };
    const [ux, uy] = unit(x2 - cx, y2 - cy);  // direction at the head
    const [vx, vy] = unit(cx - x1, cy - y1);  // direction at the tail
    const gap = Math.min(GAP, 0.25 * len);
    const head = Math.min(6 + 1.5 * p.w, 0.3 * len);
    const half = Math.min(3 + p.w, 0.6 * head + p.w / 2);
    const tx = x2 - gap * ux, ty = y2 - gap * uy;  // the tip
    const bx = tx - head * ux, by = ty - head * uy;  // the middle of the head's base
    const sx = x1 + gap * vx, sy = y1 + gap * vy;
    const f = (v) => v.toFixed(1);
    const body = "M" + f(sx) + " " + f(sy) + "Q" + f(cx) + " " + f(cy) + " " + f(bx) + " " + f(by);
    a.casing.setAttribute("d", body);
    a.line.setAttribute("d", body);
    a.head.setAttribute("d", "M" + f(tx) + " " + f(ty) + "L" + f(bx - half * uy) + " " +
      f(by + half * ux) + "L" + f(bx + half * uy) + " " + f(by - half * ux) + "Z");
    a.hit.setAttribute("d", "M" + f(sx) + " " + f(sy) + "Q" + f(cx) + " " + f(cy) + " " +
      f(tx) + " " + f(ty));
  }
  function drawMoves(layer, g) {
    layer.pairs.forEach((p, i) => {
      const colour = (layer.groups[p.g] || {}).colour || "#444444";
      const arrow = svgEl("g", { class: "move", "data-index": i, "data-n": p.n }, g);
      const casing = svgEl("path", {  // a white edge: the arrow stands out of the roads
        fill: "none", stroke: "#ffffff", "stroke-width": p.w + 2.5, "stroke-linecap": "round",
        "stroke-opacity": 0.8, "pointer-events": "none",
      }, arrow);
      const line = svgEl("path", {
        fill: "none", stroke: colour, "stroke-width": p.w, "stroke-linecap": "round",
        "stroke-opacity": 0.85, "pointer-events": "none",
      }, arrow);
      const head = svgEl("path", { fill: colour, "fill-opacity": 0.9, "pointer-events": "none" },
        arrow);
      const hit = svgEl("path", {
        class: "mark", fill: "none", stroke: "#000", "stroke-opacity": 0,
        "stroke-width": Math.max(12, p.w + 8), "pointer-events": "stroke",
      }, arrow);
      svgEl("title", {}, hit).textContent = p.name + " (" + p.n + ")";
      hit.addEventListener("click", (ev) => {
        ev.stopPropagation();
        showPopup(p, ev);
      });
      const a = { casing: casing, line: line, head: head, hit: hit, pair: p };
      arrows.push(a);
      placeArrow(a);
    });
    return layer.pairs.length;
  }
  const draw = {
    roads: drawRoads, bands: drawBands, timed: drawTimed, points: drawPoints, moves: drawMoves,
  };

  // ------------------------------------------------------------------ popup
  const popup = htmlEl("div", { id: "popup", role: "dialog" }, mapbox);
  popup.hidden = true;
  const closeButton = htmlEl("button", { id: "popup-close", title: L.close, "aria-label": L.close },
    popup, "×");
  const popupTitle = htmlEl("h3", {}, popup);
  const popupTable = htmlEl("table", {}, popup);
  function hidePopup() {
    popup.hidden = true;
  }
  function showPopup(p, ev) {
    popupTitle.textContent = p.name || "";
    popupTable.replaceChildren();
    for (const [k, v] of p.popup || []) {
      const tr = htmlEl("tr", {}, popupTable);
      htmlEl("th", {}, tr, k);
      htmlEl("td", {}, tr, v);
    }
    popup.hidden = false;
    const box = mapbox.getBoundingClientRect();
    const x = Math.min(ev.clientX - box.left + 12, box.width - popup.offsetWidth - 4);
    const y = Math.min(ev.clientY - box.top + 12, box.height - popup.offsetHeight - 4);
    popup.style.left = Math.max(x, 4) + "px";
    popup.style.top = Math.max(y, 4) + "px";
  }
  closeButton.addEventListener("click", hidePopup);
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") hidePopup();
  });

  // ------------------------------------------------------------------ panel and legends
  function swatchLine(parent, colour, width, dash, opacity) {
    const s = svgEl("svg", { width: 26, height: 12 }, parent);
    svgEl("line", {
      x1: 1, y1: 6, x2: 25, y2: 6, stroke: colour, "stroke-width": width,
      "stroke-dasharray": dash || "none", "stroke-opacity": opacity || 1,
    }, s);
  }
  function swatchMark(parent, layer, grp) {
    const r = Math.min(layer.size, 6);
    const s = svgEl("svg", { width: 16, height: 16, viewBox: "-8 -8 16 16" }, parent);
    const style = markStyle({ groups: [grp] }, { g: 0, c: grp.colour });
    svgEl("path", Object.assign({ d: shapePath(layer.shape, r) }, style), s);
  }
  function legend(layer, box) {
    if (layer.type === "roads") {
      for (const cls of roads.classes) {
        const row = htmlEl("div", {}, box);
        swatchLine(row, cls.colour, cls.width + 0.5);
        htmlEl("span", {}, row, cls.label);
      }
    } else if (layer.type === "bands") {
      for (const b of layer.bands) {
        const row = htmlEl("div", {}, box);
        swatchLine(row, b.colour, 7, null, 0.6);
        htmlEl("span", {}, row, b.label);
      }
    } else if (layer.type === "timed") {
      const styles = [["#d00000", null], ["#ff8c00", "6 4"]];
      layer.legend.forEach((e, k) => {
        const row = htmlEl("div", {}, box);
        swatchLine(row, e.colour, 3, styles[k][1]);
        htmlEl("span", {}, row, e.label);
      });
    } else if (layer.type === "moves") {
      for (const grp of layer.groups) {
        const row = htmlEl("div", {}, box);
        swatchLine(row, grp.colour, 4);
        htmlEl("span", {}, row, grp.label);
      }
      if (layer.widths.length) htmlEl("div", {}, box, layer.width_title);
      for (const w of layer.widths) {
        const row = htmlEl("div", {}, box);
        swatchLine(row, "#555555", w.width);
        htmlEl("span", {}, row, w.n);
      }
    } else if (layer.type === "points") {
      if (layer.scale) {
        const sc = layer.scale;
        htmlEl("div", {}, box, sc.title);
        const bar = htmlEl("div", { class: "gradient" }, box);
        bar.style.background = "linear-gradient(to right, " + sc.stops.join(", ") + ")";
        const ticks = htmlEl("div", { class: "ticks" }, box);
        for (const t of [0, sc.max / 2, sc.max]) {
          htmlEl("span", {}, ticks, (t === sc.max ? "≥ " : "") + +t.toFixed(1));
        }
        const row = htmlEl("div", {}, box);
        swatchMark(row, layer, { colour: sc.none_colour });
        htmlEl("span", {}, row, sc.none);
      }
      if (!layer.scale && layer.groups.length === 1 && layer.groups[0].label == null) {
        swatchMark(htmlEl("div", {}, box), layer, layer.groups[0]);
      }
      for (const grp of layer.groups) {
        if (grp.label === null || grp.label === undefined) continue;
        const row = htmlEl("div", {}, box);
        swatchMark(row, layer, grp);
        htmlEl("span", {}, row, grp.label);
      }
    }
    if (layer.note) htmlEl("div", { class: "note" }, box, layer.note);
  }

  htmlEl("h2", {}, panel, L.layers);
  for (const layer of data.layers) {
    const parent = layer.type === "points" || layer.type === "moves" ? marks : lines;
    const g = svgEl("g", { "data-layer": layer.id, "data-type": layer.type }, parent);
    const n = draw[layer.type](layer, g);
    g.dataset.count = String(n);
    const section = htmlEl("section", { class: "layer", "data-layer": layer.id }, panel);
    const label = htmlEl("label", {}, section);
    const box = htmlEl("input", { type: "checkbox", "data-layer": layer.id }, label);
    box.checked = layer.on !== false;
    const counted = layer.type === "points" || layer.type === "timed";
    label.append(" " + layer.label + (counted ? " (" + n + ")" : ""));
    const show = () => {
      g.style.display = box.checked ? "" : "none";
      g.dataset.visible = box.checked ? "1" : "0";
    };
    box.addEventListener("change", show);
    show();
    legend(layer, htmlEl("div", { class: "legend" }, section));
  }
  for (const note of data.notes || []) htmlEl("p", { class: "note" }, panel, note);

  // ------------------------------------------------------------------ closures over time
  if (data.time && timed.length) {
    const bar = htmlEl("div", { id: "timebar" });
    document.body.insertBefore(bar, document.querySelector("main").nextSibling);
    htmlEl("label", { for: "time" }, bar, L.time);
    const slider = htmlEl("input", {
      id: "time", type: "range", step: 1,
      min: Math.floor(data.time.start), max: Math.ceil(data.time.end),
    }, bar);
    slider.value = String(data.time.value);
    const text = htmlEl("span", { id: "time-text" }, bar);
    const update = () => {
      const t = Number(slider.value);
      let active = 0;
      for (const c of timed) {
        const on = c.item.start <= t && t < c.item.end;
        c.node.style.display = on ? "" : "none";
        if (on) active++;
      }
      for (const g of new Set(timed.map((c) => c.group))) g.dataset.active = String(active);
      text.textContent = clock(t, data.time.start_hour) + " · " + fill(L.active, { n: active });
    };
    slider.addEventListener("input", update);
    update();
  }

  // ------------------------------------------------------------------ controls
  const zoom = htmlEl("div", { id: "zoom" }, mapbox);
  const buttons = [
    ["zoom-in", "+", L.zoom_in], ["zoom-out", "−", L.zoom_out], ["zoom-reset", "⤢", L.reset],
  ];
  for (const [id, glyph, title] of buttons) {
    const attrs = { id: id, type: "button", title: title, "aria-label": title };
    const b = htmlEl("button", attrs, zoom, glyph);
    b.addEventListener("click", () => {
      const box = svg.getBoundingClientRect();
      if (id === "zoom-reset") fit();
      else zoomAt(id === "zoom-in" ? 2 : 0.5, box.width / 2, box.height / 2);
    });
  }
  if (data.attribution) htmlEl("div", { id: "attribution" }, mapbox, data.attribution);

  svg.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const box = svg.getBoundingClientRect();
    zoomAt(Math.exp(-ev.deltaY * 0.0015), ev.clientX - box.left, ev.clientY - box.top);
  }, { passive: false });
  let drag = null;
  svg.addEventListener("pointerdown", (ev) => {
    if (ev.target.classList && ev.target.classList.contains("mark")) return;
    drag = { x: ev.clientX, y: ev.clientY, moved: false };
    svg.setPointerCapture(ev.pointerId);
    svg.classList.add("dragging");
  });
  svg.addEventListener("pointermove", (ev) => {
    if (!drag) return;
    view.tx += ev.clientX - drag.x;
    view.ty += ev.clientY - drag.y;
    drag.moved = drag.moved || Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) > 0;
    drag.x = ev.clientX;
    drag.y = ev.clientY;
    schedule();
  });
  const endDrag = () => {
    if (drag && !drag.moved) hidePopup();  // a click on the map itself
    drag = null;
    svg.classList.remove("dragging");
  };
  svg.addEventListener("pointerup", endDrag);
  svg.addEventListener("pointercancel", endDrag);
  window.addEventListener("resize", fit);

  fit();
  document.body.dataset.ready = "1";
})();
