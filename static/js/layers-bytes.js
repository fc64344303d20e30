// The packet inspector of the Layers page, in the manner of Wireshark: the
// header fields of one packet grouped by layer, and its frame as a hex and
// text dump. Hovering or focusing a field marks its bytes; hovering or
// focusing a byte marks every field that lives in it (a byte may hold
// several bit fields, such as the TCP flags).

import { el, layerShort, sourceLabel } from "./layers-view.js";

const BYTES_PER_ROW = 16;

function hex2(n) { return n.toString(16).padStart(2, "0"); }
function hex4(n) { return n.toString(16).padStart(4, "0"); }

export function hexToBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

function printable(b) {
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".";
}

function byteRange(f) {
  const end = f.offset + f.length - 1;
  return f.length > 1 ? `${f.offset}–${end}` : `${f.offset}`;
}

function bitRange(f) {
  if (!f.bit_length) return "";
  const first = f.bit_offset || 0;
  const last = first + f.bit_length - 1;
  return f.bit_length === 1 ? `bit ${first}` : `bits ${first}–${last}`;
}

// createInspector wires the fields list and the hex pane; show() fills them.
export function createInspector({ fieldsEl, hexEl, infoEl, titleEl }) {
  let packet = null;
  let frame = new Uint8Array(0);
  let rows = []; // { el, field, layer }
  let byteRows = []; // per byte: indexes into rows
  let hexCells = [];
  let asciiCells = [];
  let marked = []; // elements carrying a highlight class now
  let hover = null; // { kind: "row" | "byte", i }
  let focus = null;
  let hexCursor = 0;

  function clearMarks() {
    for (const e of marked) e.classList.remove("hl", "cur");
    marked = [];
  }

  function mark(e, cls) {
    if (!e) return;
    e.classList.add(cls);
    marked.push(e);
  }

  function refresh() {
    clearMarks();
    const a = hover || focus;
    if (!a) {
      infoEl.replaceChildren(el("p", { class: "hint" }, "Hover or focus a field, or a byte, to see it explained here."));
      return;
    }
    if (a.kind === "row") markField(a.i);
    else markByte(a.i);
  }

  function markField(i) {
    const r = rows[i];
    if (!r) return;
    mark(r.el, "hl");
    const f = r.field;
    for (let b = f.offset; b < f.offset + f.length; b++) {
      mark(hexCells[b], "hl");
      mark(asciiCells[b], "hl");
    }
    const parts = [
      el("p", { class: "fi-head" }, [
        el("strong", {}, f.name), " ", el("code", {}, f.key), " ",
        el("span", { class: `src src-${f.source}` }, sourceLabel(f.source)),
      ]),
      el("p", {}, [el("span", { class: "fi-label" }, "Value: "), f.value]),
      el("p", {}, [
        el("span", { class: "fi-label" }, "Bytes: "),
        `${byteRange(f)} (${f.length} byte${f.length === 1 ? "" : "s"})`,
        f.bit_length ? `, ${bitRange(f)} counted from the left` : "",
        f.little_endian ? ", sent least significant byte first" : "",
      ]),
    ];
    if (f.bit_length) parts.push(bitsView(f));
    if (f.help) parts.push(el("p", { class: "fi-help" }, f.help));
    infoEl.replaceChildren(...parts);
  }

  function bitsView(f) {
    const p = el("p", { class: "fi-bits" }, [el("span", { class: "fi-label" }, "Bits: ")]);
    const first = f.bit_offset || 0;
    const last = first + f.bit_length - 1;
    for (let b = 0; b < f.length; b++) {
      const v = frame[f.offset + b] ?? 0;
      const bits = v.toString(2).padStart(8, "0");
      for (let k = 0; k < 8; k++) {
        const n = b * 8 + k;
        if (n >= first && n <= last) p.append(el("mark", {}, bits[k]));
        else p.append(bits[k]);
      }
      if (b < f.length - 1) p.append(" ");
    }
    return p;
  }

  function markByte(off) {
    mark(hexCells[off], "cur");
    mark(asciiCells[off], "cur");
    const names = [];
    for (const i of byteRows[off] || []) {
      mark(rows[i].el, "hl");
      names.push(`${rows[i].field.name} (${layerShort(rows[i].layer.key)})`);
    }
    const v = frame[off];
    infoEl.replaceChildren(
      el("p", { class: "fi-head" }, [el("strong", {}, `Byte ${off}`), ` (offset 0x${hex4(off)})`]),
      el("p", {}, [el("span", { class: "fi-label" }, "Value: "),
        `0x${hex2(v)} = ${v} = ${v.toString(2).padStart(8, "0")}`, v >= 0x20 && v < 0x7f ? ` = “${printable(v)}”` : ""]),
      el("p", {}, [el("span", { class: "fi-label" }, names.length > 1 ? "Fields: " : "Field: "),
        names.length ? names.join(", ") : "none"]),
    );
    const first = (byteRows[off] || [])[0];
    if (first !== undefined && focus && focus.kind === "byte") {
      scrollIntoPane(rows[first].el);
    }
  }

  // scrollIntoPane brings a row into view inside its own scrolling pane
  // without scrolling the page.
  function scrollIntoPane(e) {
    const pane = fieldsEl;
    if (pane.scrollHeight <= pane.clientHeight) return;
    const top = e.getBoundingClientRect().top - pane.getBoundingClientRect().top + pane.scrollTop;
    if (top < pane.scrollTop) pane.scrollTop = top;
    else if (top + e.offsetHeight > pane.scrollTop + pane.clientHeight) pane.scrollTop = top + e.offsetHeight - pane.clientHeight;
  }

  // --- building ---

  function buildFields(pkt) {
    rows = [];
    byteRows = Array.from({ length: frame.length }, () => []);
    const groups = [];
    for (const layer of pkt.layers) {
      const tbody = el("tbody");
      const addRows = (fields, depth) => {
        for (const f of fields) {
          const i = rows.length;
          const tr = el("tr", {
            class: `field-row depth-${depth}`, "data-key": f.key, "data-fi": String(i), tabindex: "-1",
          }, [
            el("th", { scope: "row" }, [
              el("span", { class: "fname" }, f.name),
              el("span", { class: "fbytes" }, [
                el("span", { class: "visually-hidden" }, ", bytes "),
                byteRange(f) + (f.bit_length ? ` · ${bitRange(f)}` : ""),
              ]),
              f.help ? el("span", { class: "visually-hidden" }, `. ${f.help}`) : null,
            ]),
            el("td", { class: "fvalue" }, f.value),
            el("td", { class: "fsource" }, el("span", { class: `src src-${f.source}` }, sourceLabel(f.source))),
          ]);
          rows.push({ el: tr, field: f, layer });
          for (let b = f.offset; b < f.offset + f.length && b < frame.length; b++) byteRows[b].push(i);
          tbody.append(tr);
          if (f.children) addRows(f.children, depth + 1);
        }
      };
      addRows(layer.fields || [], 0);
      const first = tbody.querySelector("tr");
      if (first) first.tabIndex = 0;
      const end = layer.offset + layer.length - 1;
      const details = el("details", { class: `layer-group l-${layer.key}`, "data-layer": layer.key, open: "" }, [
        el("summary", {}, [
          el("span", { class: "lg-name" }, layer.name),
          el("span", { class: "lg-meta" },
            `${layer.pdu} · OSI ${layer.osi} · TCP/IP ${layer.tcpip} · bytes ${layer.offset}–${end}` +
            (layer.header_length ? `, header ${layer.header_length} B` : "")),
          el("span", { class: "lg-state" }, ""),
        ]),
        el("table", { class: "fields-table" }, [
          el("caption", { class: "visually-hidden" }, `${layer.name} header fields`),
          el("thead", {}, el("tr", {}, [
            el("th", { scope: "col" }, "Field (bytes)"), el("th", { scope: "col" }, "Value"),
            el("th", { scope: "col" }, "Source"),
          ])),
          tbody,
        ]),
      ]);
      groups.push(details);
    }
    fieldsEl.replaceChildren(...groups);
  }

  function innermostLayer(pkt, off) {
    let key = "";
    for (const l of pkt.layers) if (off >= l.offset && off < l.offset + l.length) key = l.key;
    return key;
  }

  function buildHex(pkt) {
    hexCells = [];
    asciiCells = [];
    const lines = [];
    for (let start = 0; start < frame.length; start += BYTES_PER_ROW) {
      const hexPart = el("span", { class: "hex-bytes" });
      const asciiPart = el("span", { class: "hex-ascii", "aria-hidden": "true" });
      for (let off = start; off < start + BYTES_PER_ROW; off++) {
        if (off >= frame.length) {
          hexPart.append(el("span", { class: "hb pad", "aria-hidden": "true" }, "  "));
          continue;
        }
        const v = frame[off];
        const layerCls = `l-${innermostLayer(pkt, off)}`;
        const names = (byteRows[off] || []).map((i) => rows[i].field.name);
        const cell = el("span", {
          class: `hb ${layerCls}`, role: "gridcell", tabindex: off === hexCursor ? "0" : "-1",
          "data-off": String(off),
          "aria-label": `Byte ${off}: ${hex2(v)}${names.length ? ", " + names.join(", ") : ""}`,
        }, hex2(v));
        const ch = el("span", { class: `ha ${layerCls}`, "data-off": String(off) }, printable(v));
        hexCells.push(cell);
        asciiCells.push(ch);
        hexPart.append(cell);
        asciiPart.append(ch);
      }
      lines.push(el("div", { class: "hex-row", role: "row" }, [
        el("span", { class: "hex-off", role: "rowheader" }, hex4(start)),
        hexPart,
        asciiPart,
      ]));
    }
    hexEl.setAttribute("role", "grid");
    hexEl.replaceChildren(...lines);
  }

  // presence dims what the current step's PDU does not (yet, or any
  // longer) contain, and says so in words on each layer.
  function presence(step) {
    const keys = step && step.layers && step.layers.length ? step.layers : packet.layers.map((l) => l.key);
    const outer = packet.layers.find((l) => l.key === keys[0]);
    const lo = outer ? outer.offset : 0;
    const hi = outer ? outer.offset + outer.length : frame.length;
    hexCells.forEach((c, off) => {
      const out = off < lo || off >= hi;
      c.classList.toggle("out", out);
      asciiCells[off].classList.toggle("out", out);
    });
    for (const g of fieldsEl.querySelectorAll(".layer-group")) {
      const inPdu = keys.includes(g.dataset.layer);
      g.classList.toggle("absent", !inPdu);
      g.querySelector(".lg-state").textContent = inPdu ? "" : "not in this step’s PDU";
    }
  }

  function show(pkt, step) {
    if (!pkt) return;
    const same = packet && packet.index === pkt.index && packet.frame === pkt.frame;
    if (!same) {
      const hadFocus = document.activeElement && (fieldsEl.contains(document.activeElement) || hexEl.contains(document.activeElement));
      const focusedKey = hadFocus && document.activeElement.dataset.key;
      const focusedOff = hadFocus && document.activeElement.dataset.off;
      packet = pkt;
      frame = hexToBytes(pkt.frame);
      hexCursor = Math.min(hexCursor, Math.max(frame.length - 1, 0));
      hover = null;
      focus = null;
      marked = [];
      buildFields(pkt);
      buildHex(pkt);
      const badges = [];
      if (pkt.dropped) badges.push(el("span", { class: "badge lost" }, "✗ lost on the way"));
      if (pkt.retransmission) badges.push(el("span", { class: "badge retrans" }, "↻ retransmission"));
      titleEl.replaceChildren(
        el("strong", {}, `Packet ${pkt.index}: ${pkt.caption}`), " ",
        el("span", { class: "packet-dir" }, `(${pkt.direction}, ${frame.length} bytes)`), " ",
        ...badges,
        el("br"),
        el("code", { class: "packet-info" }, pkt.info),
      );
      // Keep the student's place when playback moves to another packet.
      if (focusedKey) {
        const r = fieldsEl.querySelector(`tr[data-key="${CSS.escape(focusedKey)}"]`) || fieldsEl.querySelector("tr.field-row");
        if (r) { rovingTo(r); r.focus(); }
      } else if (focusedOff !== undefined && focusedOff !== false) {
        focusByte(Math.min(Number(focusedOff), frame.length - 1));
      }
      refresh();
    }
    presence(step);
  }

  // --- interaction ---

  function rovingTo(tr) {
    const table = tr.closest("tbody");
    for (const r of table.querySelectorAll("tr.field-row")) r.tabIndex = -1;
    tr.tabIndex = 0;
  }

  function focusByte(off) {
    if (!hexCells.length) return;
    off = Math.max(0, Math.min(frame.length - 1, off));
    hexCells[hexCursor]?.setAttribute("tabindex", "-1");
    hexCursor = off;
    const c = hexCells[off];
    c.setAttribute("tabindex", "0");
    c.focus();
  }

  fieldsEl.addEventListener("pointerover", (e) => {
    const tr = e.target.closest("tr.field-row");
    if (!tr) return;
    hover = { kind: "row", i: Number(tr.dataset.fi) };
    refresh();
  });
  fieldsEl.addEventListener("pointerleave", () => { hover = null; refresh(); });
  fieldsEl.addEventListener("focusin", (e) => {
    const tr = e.target.closest("tr.field-row");
    if (!tr) return;
    rovingTo(tr);
    focus = { kind: "row", i: Number(tr.dataset.fi) };
    refresh();
  });
  fieldsEl.addEventListener("focusout", (e) => {
    if (!e.relatedTarget || !e.relatedTarget.closest || !e.relatedTarget.closest("tr.field-row")) {
      focus = null;
      refresh();
    }
  });
  fieldsEl.addEventListener("keydown", (e) => {
    const tr = e.target.closest("tr.field-row");
    if (!tr || e.altKey || e.ctrlKey || e.metaKey) return;
    const visible = [...fieldsEl.querySelectorAll("details[open] tr.field-row")];
    const i = visible.indexOf(tr);
    let next = null;
    if (e.key === "ArrowDown") next = visible[i + 1];
    else if (e.key === "ArrowUp") next = visible[i - 1];
    else if (e.key === "Home") next = visible[0];
    else if (e.key === "End") next = visible[visible.length - 1];
    else return;
    e.preventDefault();
    if (next) next.focus();
  });

  function byteTarget(e) {
    const c = e.target.closest(".hb, .ha");
    return c && c.dataset.off !== undefined ? Number(c.dataset.off) : null;
  }
  hexEl.addEventListener("pointerover", (e) => {
    const off = byteTarget(e);
    if (off === null) return;
    hover = { kind: "byte", i: off };
    refresh();
  });
  hexEl.addEventListener("pointerleave", () => { hover = null; refresh(); });
  hexEl.addEventListener("click", (e) => {
    const off = byteTarget(e);
    if (off !== null) focusByte(off);
  });
  hexEl.addEventListener("focusin", (e) => {
    const off = byteTarget(e);
    if (off === null) return;
    if (off !== hexCursor) {
      hexCells[hexCursor]?.setAttribute("tabindex", "-1");
      hexCursor = off;
      hexCells[off].setAttribute("tabindex", "0");
    }
    focus = { kind: "byte", i: off };
    refresh();
  });
  hexEl.addEventListener("focusout", (e) => {
    if (!e.relatedTarget || !hexEl.contains(e.relatedTarget)) {
      focus = null;
      refresh();
    }
  });
  hexEl.addEventListener("keydown", (e) => {
    if (byteTarget(e) === null || e.altKey || e.ctrlKey || e.metaKey) return;
    const moves = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: BYTES_PER_ROW, ArrowUp: -BYTES_PER_ROW };
    let off;
    if (e.key in moves) off = hexCursor + moves[e.key];
    else if (e.key === "Home") off = hexCursor - (hexCursor % BYTES_PER_ROW);
    else if (e.key === "End") off = Math.min(hexCursor - (hexCursor % BYTES_PER_ROW) + BYTES_PER_ROW - 1, frame.length - 1);
    else if (e.key === "PageUp") off = 0;
    else if (e.key === "PageDown") off = frame.length - 1;
    else return;
    e.preventDefault();
    if (off >= 0 && off < frame.length) focusByte(off);
  });

  return { show };
}
