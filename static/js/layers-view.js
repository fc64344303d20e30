// Drawing for the Layers page: the models' mapping, the nodes' stacks with
// the moving PDU chip, the PDU's anatomy, the ladder of packets and the
// steps in words. Everything is built with DOM calls (no innerHTML, so a
// typed message can never become markup) and styled by classes, because
// the Content-Security-Policy forbids inline style attributes; positions
// are set through the CSSOM, which it allows.

const SVG_NS = "http://www.w3.org/2000/svg";

// el makes an element: el("p", { class: "x" }, ["text", child]).
export function el(tag, attrs = {}, children = []) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of [].concat(children)) {
    if (c === null || c === undefined || c === "") continue;
    e.append(c);
  }
  return e;
}

function svg(tag, attrs = {}) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

const SHORT = { eth: "Ethernet", arp: "ARP", ip: "IPv4", icmp: "ICMP", tcp: "TCP", udp: "UDP", dns: "DNS", dhcp: "DHCP", tls: "TLS", http: "HTTP", websocket: "WebSocket", data: "Data" };
export function layerShort(key) { return SHORT[key] || key; }

const SOURCES = { observed: "observed", computed: "computed", illustrative: "illustrative" };
export function sourceLabel(s) { return SOURCES[s] || s; }

export const TCPIP_LAYERS = [
  { name: "Application", osi: [7, 6, 5] },
  { name: "Transport", osi: [4] },
  { name: "Internet", osi: [3] },
  { name: "Link", osi: [2, 1] },
];

export function osiName(sc, osi) {
  const row = sc.stack.find((l) => l.osi === osi);
  return row ? row.osi_name : `Layer ${osi}`;
}

export function nodeName(sc, id) {
  if (id === "wire") return "On the wire";
  const n = sc.nodes.find((x) => x.id === id);
  return n ? n.name : id;
}

// shortPDU names a layer's PDU in the stacks; layer 4's depends on
// whether the scenario uses TCP or UDP.
function shortPDU(sc, osi) {
  if (osi >= 5) return "data";
  if (osi === 4) {
    const udp = sc.packets.some((p) => p.layers.some((l) => l.key === "udp"));
    const tcp = sc.packets.some((p) => p.layers.some((l) => l.key === "tcp"));
    return udp && !tcp ? "datagram" : tcp && !udp ? "segment" : "segment / datagram";
  }
  return { 3: "packet", 2: "frame", 1: "bits" }[osi];
}

// whereText says where a step happens, in words, in the chosen model.
export function whereText(sc, step, model) {
  const osi = `${osiName(sc, step.osi)} layer (OSI ${step.osi})`;
  const tcpip = `${step.tcpip} layer (TCP/IP)`;
  const layer = model === "tcpip" ? `${tcpip}, ${osi}` : `${osi}, ${tcpip}`;
  return `${nodeName(sc, step.side)} · ${layer}${step.pdu ? " · " + step.pdu : ""}`;
}

export function formatTime(us) {
  if (us < 1000) return `${us} µs`;
  return `${(us / 1000).toLocaleString("en", { maximumFractionDigits: 3 })} ms`;
}

// ---------------------------------------------------------------------------
// Mapping figure: OSI on the left, TCP/IP on the right, rows aligned.

export function renderMapping(gridEl) {
  const cells = [];
  const osiNames = ["Application", "Presentation", "Session", "Transport", "Network", "Data link", "Physical"];
  osiNames.forEach((name, i) => {
    const osi = 7 - i;
    const c = el("div", { class: "map-osi", "data-osi": String(osi) }, [el("span", { class: "layer-num" }, String(osi)), " ", name]);
    c.style.gridRow = String(i + 1);
    cells.push(c);
  });
  for (const t of TCPIP_LAYERS) {
    const top = 8 - t.osi[0];
    const c = el("div", { class: "map-tcpip", "data-tcpip": t.name }, t.name);
    c.style.gridRow = `${top} / span ${t.osi.length}`;
    cells.push(c);
  }
  gridEl.replaceChildren(
    el("div", { class: "map-head osi-head" }, "OSI"),
    el("div", { class: "map-head tcpip-head" }, "TCP/IP"),
    el("div", { class: "map-body" }, cells),
  );
}

export function markMapping(gridEl, step, model) {
  gridEl.closest(".mapping").dataset.model = model;
  for (const c of gridEl.querySelectorAll(".map-osi, .map-tcpip")) {
    const on = step && (Number(c.dataset.osi) === step.osi || c.dataset.tcpip === step.tcpip);
    c.classList.toggle("active", Boolean(on));
  }
}

// ---------------------------------------------------------------------------
// Stage: one column per node with its stack, a wire between neighbours,
// and the chip that marks where the PDU is.

export function createStage({ stageEl, gridEl, chipEl }) {
  let sc = null;
  let model = "osi";
  let lastStep = null;
  let lastPacket = null;

  function stackRows(node) {
    const router = node.id === "router";
    const rows = [];
    if (model === "osi") {
      for (let osi = 7; osi >= 1; osi--) {
        if (router && osi > 3) continue;
        const li = el("li", { class: "layer", "data-osi": String(osi) }, [
          el("span", { class: "layer-num" }, String(osi)),
          el("span", { class: "layer-name" }, osiName(sc, osi)),
          el("span", { class: "layer-pdu" }, shortPDU(sc, osi)),
        ]);
        li.style.gridRow = String(8 - osi);
        rows.push(li);
      }
    } else {
      for (const t of TCPIP_LAYERS) {
        if (router && t.osi[0] > 3) continue;
        const span = t.osi.length;
        const osiLabel = span > 1 ? `OSI ${t.osi[span - 1]}–${t.osi[0]}` : `OSI ${t.osi[0]}`;
        const li = el("li", { class: `layer span-${span}`, "data-tcpip": t.name }, [
          el("span", { class: "layer-name" }, t.name),
          el("span", { class: "layer-pdu" }, shortPDU(sc, t.osi[0])),
          el("span", { class: "layer-osi" }, osiLabel),
        ]);
        li.style.gridRow = `${8 - t.osi[0]} / span ${span}`;
        rows.push(li);
      }
    }
    if (router) {
      const note = el("li", { class: "layer-note" }, "A router works up to the network layer.");
      note.style.gridRow = "1 / span 4";
      rows.unshift(note);
    }
    return rows;
  }

  // addresses returns a node's IP (and port) line and its MAC line.
  function addresses(node) {
    const ifs = node.interfaces || [];
    const ip = ifs.map((i) => i.ip).filter(Boolean).join(", ");
    return [ip && node.port ? `${ip} : ${node.port}` : ip, ifs.map((i) => i.mac).join(" / ")];
  }

  function render(scenario, m) {
    sc = scenario;
    model = m;
    const cols = [];
    sc.nodes.forEach((node, i) => {
      if (i > 0) {
        const wire = el("div", { class: "wire", "data-wire": String(i - 1) }, [
          el("span", { class: "wire-line" }),
          el("span", { class: "wire-label" }, "Ethernet link"),
        ]);
        wire.style.gridColumn = String(2 * i);
        cols.push(wire);
      }
      const [ipLine, macLine] = addresses(node);
      const col = el("div", { class: "node", "data-node": node.id }, [
        el("div", { class: "node-head" }, [
          el("strong", { class: "node-name" }, node.name),
          el("span", { class: "node-role" }, ""),
          ipLine ? el("span", { class: "node-addr" }, ipLine) : null,
          el("span", { class: "node-mac" }, macLine),
        ]),
        el("ol", { class: "stack", "aria-label": `${node.name}’s layers` }, stackRows(node)),
      ]);
      col.style.gridColumn = String(2 * i + 1);
      cols.push(col);
    });
    gridEl.dataset.nodes = String(sc.nodes.length);
    gridEl.replaceChildren(...cols);
    lastStep = null;
  }

  function setModel(m) {
    model = m;
    for (const n of gridEl.querySelectorAll(".node")) {
      const node = sc.nodes.find((x) => x.id === n.dataset.node);
      n.querySelector(".stack").replaceChildren(...stackRows(node));
    }
  }

  function activeRow(step) {
    const node = gridEl.querySelector(`.node[data-node="${CSS.escape(step.side)}"]`);
    if (!node) return null;
    if (model === "osi") return node.querySelector(`.layer[data-osi="${step.osi}"]`);
    return node.querySelector(`.layer[data-tcpip="${CSS.escape(step.tcpip)}"]`);
  }

  function wireFor(packet) {
    if (!packet) return gridEl.querySelector(".wire");
    const ids = sc.nodes.map((n) => n.id);
    const a = ids.indexOf(packet.from);
    const b = ids.indexOf(packet.to);
    return gridEl.querySelector(`.wire[data-wire="${Math.max(0, Math.min(a, b))}"]`) || gridEl.querySelector(".wire");
  }

  function chipText(step, packet) {
    const ids = sc.nodes.map((n) => n.id);
    switch (step.action) {
      case "lost": return ["✗", "lost"];
      case "timeout": return ["◷", "timer"];
      case "note": return ["ℹ", "note"];
      case "transmit": {
        const right = packet && ids.indexOf(packet.to) > ids.indexOf(packet.from);
        return [right ? "→" : "←", "bits"];
      }
      case "encapsulate": return ["↓", step.pdu];
      case "forward": return ["⇄", step.pdu];
      default: return ["↑", step.pdu];
    }
  }

  // update marks the step's layer and moves the chip onto it; animate is
  // false for the first placement and after a resize.
  function update(step, packet, animate) {
    lastStep = step;
    lastPacket = packet;
    for (const r of gridEl.querySelectorAll(".layer.active")) r.classList.remove("active");
    for (const w of gridEl.querySelectorAll(".wire.active")) w.classList.remove("active", "lost");
    for (const n of gridEl.querySelectorAll(".node")) {
      let role = "";
      if (packet && step.packet >= 0) {
        if (n.dataset.node === packet.from) role = n.dataset.node === "router" ? "forwarding" : "sending";
        else if (n.dataset.node === packet.to) role = "receiving";
      }
      if (step.side === n.dataset.node && step.action === "timeout") role = "waiting";
      if (step.side === n.dataset.node && step.action === "forward") role = "forwarding";
      n.querySelector(".node-role").textContent = role ? `· ${role}` : "";
      n.classList.toggle("current", step.side === n.dataset.node);
    }
    let target;
    if (step.side === "wire") {
      const wire = wireFor(packet);
      wire.classList.add("active");
      if (step.action === "lost") wire.classList.add("lost");
      target = wire.querySelector(".wire-line");
    } else {
      target = activeRow(step);
      if (target) target.classList.add("active");
    }
    let [icon, label] = chipText(step, packet);
    if (target && step.action === "transmit" && target.offsetHeight > target.offsetWidth) {
      icon = icon === "→" ? "↓" : "↑"; // on a phone the nodes are stacked, left to right becomes top to bottom
    }
    chipEl.replaceChildren(el("span", { class: "chip-icon" }, icon), " ", el("span", { class: "chip-label" }, label));
    chipEl.className = `chip action-${step.action}`;
    place(target, step.side === "wire", animate);
  }

  function place(target, centred, animate) {
    if (!target) { chipEl.hidden = true; return; }
    chipEl.hidden = false;
    const s = stageEl.getBoundingClientRect();
    const t = target.getBoundingClientRect();
    const cw = chipEl.offsetWidth;
    const ch = chipEl.offsetHeight;
    let x;
    let y;
    if (centred && t.height > t.width) { // a vertical wire, on a phone
      x = t.right - s.left + 8;
      y = t.top - s.top + (t.height - ch) / 2;
    } else if (centred) {
      x = t.left - s.left + t.width / 2 - cw / 2;
      y = t.top - s.top - ch - 4;
    } else {
      x = t.right - s.left - cw - 6;
      y = t.top - s.top + (t.height - ch) / 2;
    }
    if (!animate) chipEl.classList.add("no-anim");
    chipEl.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
    if (!animate) {
      void chipEl.offsetWidth; // apply the jump before transitions return
      chipEl.classList.remove("no-anim");
    }
  }

  new ResizeObserver(() => { if (lastStep) update(lastStep, lastPacket, false); }).observe(stageEl);

  return { render, setModel, update };
}

// ---------------------------------------------------------------------------
// PDU anatomy: the blocks the PDU has at this step, headers outermost first.

export function pduBlocks(packet, step) {
  if (!packet) return [];
  const keys = step.layers && step.layers.length ? step.layers : packet.layers.map((l) => l.key);
  const ls = keys.map((k) => packet.layers.find((l) => l.key === k)).filter(Boolean);
  if (!ls.length) return [];
  const blocks = [];
  for (const l of ls) {
    if (l.header_length > 0) blocks.push({ key: l.key, kind: "hdr", label: `${layerShort(l.key)} header`, len: l.header_length });
  }
  const inner = ls[ls.length - 1];
  const rest = inner.length - inner.header_length;
  if (rest > 0) {
    const app = ["data", "http", "websocket", "dns", "dhcp", "tls"].includes(inner.key);
    const label = app ? (inner.header_length ? `${layerShort(inner.key)} payload` : layerShort(inner.key)) : `${layerShort(inner.key)} payload`;
    blocks.push({ key: inner.key, kind: "payload", label, len: rest });
  }
  for (let i = ls.length - 2; i >= 0; i--) {
    const outer = ls[i];
    const inn = ls[i + 1];
    const from = inn.offset + inn.length;
    const to = outer.offset + outer.length;
    if (to <= from) continue;
    const trailer = (outer.fields || []).filter((f) => f.offset >= from && f.offset < to);
    if (trailer.length) {
      for (const f of trailer) blocks.push({ key: outer.key, kind: "trailer", label: f.key === "eth.fcs" ? "FCS" : f.name, len: f.length });
    } else {
      blocks.push({ key: outer.key, kind: "trailer", label: `${layerShort(outer.key)} trailer`, len: to - from });
    }
  }
  return blocks;
}

export function renderPDU(barEl, bitsEl, packet, step, frameBytes) {
  const blocks = pduBlocks(packet, step);
  const total = blocks.reduce((n, b) => n + b.len, 0);
  const changing = step.action === "encapsulate" || step.action === "decapsulate" ? step.layers[0] : null;
  const items = blocks.map((b) => {
    const cls = [`blk`, `blk-${b.kind}`, `l-${b.key}`];
    if (b.key === changing && b.kind !== "payload") cls.push(step.action === "encapsulate" ? "adding" : "removing");
    const e = el("span", { class: cls.join(" ") }, [
      el("span", { class: "blk-label" }, b.label),
      el("span", { class: "blk-len" }, `${b.len} B`),
    ]);
    e.style.flexGrow = String(Math.max(1, Math.sqrt(b.len)));
    return e;
  });
  const caption = el("span", { class: "pdu-caption" }, [
    el("strong", {}, step.pdu || "PDU"), ` · ${total} bytes`,
    changing && step.action === "encapsulate" ? ` · ${layerShort(changing)} header added` : "",
    changing && step.action === "decapsulate" ? ` · ${layerShort(changing)} header read, then removed` : "",
  ]);
  barEl.replaceChildren(caption, el("span", { class: "blk-row" }, items));
  barEl.classList.toggle("lost", step.action === "lost");
  if ((step.action === "transmit" || step.action === "lost") && frameBytes && frameBytes.length) {
    const shown = [...frameBytes.slice(0, 6)].map((b) => b.toString(2).padStart(8, "0")).join(" ");
    bitsEl.textContent = `Preamble and start-of-frame delimiter (8 bytes: 10101010 ×7, 10101011), then the frame’s ${frameBytes.length * 8} bits: ${shown} …`;
    bitsEl.hidden = false;
  } else {
    bitsEl.hidden = true;
  }
}

// ---------------------------------------------------------------------------
// Ladder: one row per packet (and per timer), arrows between node columns.

function columnX(sc, id) {
  const n = sc.nodes.length;
  const i = Math.max(0, sc.nodes.findIndex((x) => x.id === id));
  return n < 2 ? 50 : 8 + (i * 84) / (n - 1);
}

export function renderLadder({ headEl, listEl }, sc, maxDrop) {
  headEl.replaceChildren(...sc.nodes.map((n) => {
    const s = el("span", { class: "ladder-node" }, n.name);
    s.style.left = `${columnX(sc, n.id)}%`;
    return s;
  }));
  const rows = [];
  const seen = new Set();
  const lanes = () => sc.nodes.map((n) => svg("line", {
    class: "lane-line", x1: `${columnX(sc, n.id)}%`, x2: `${columnX(sc, n.id)}%`, y1: "0", y2: "100%",
  }));
  const packetRow = (p) => {
    seen.add(p.index);
    const x1 = columnX(sc, p.from);
    const x2 = columnX(sc, p.to);
    const g = svg("svg", { class: "lane-svg", "aria-hidden": "true", focusable: "false" });
    g.append(...lanes());
    // The caption sits on the middle of the drawn arrow; a lost packet's
    // arrow stops short, at its ✗.
    let captionX = (x1 + x2) / 2;
    if (p.dropped) {
      const end = x1 + (x2 - x1) * 0.72;
      captionX = x1 + (x2 - x1) * 0.36;
      g.append(svg("line", { class: "arrow lost", x1: `${x1}%`, y1: "25%", x2: `${end}%`, y2: "65%" }));
      const t = svg("text", { class: "lost-mark", x: `${end}%`, y: "85%", "text-anchor": "middle" });
      t.textContent = "✗";
      g.append(t);
    } else {
      g.append(svg("line", {
        class: `arrow${p.retransmission ? " retrans" : ""}`, x1: `${x1}%`, y1: "25%", x2: `${x2}%`, y2: "80%",
        "marker-end": "url(#arrow)",
      }));
    }
    const badges = [];
    if (p.dropped) badges.push(el("span", { class: "badge lost" }, "✗ lost"));
    if (p.retransmission) badges.push(el("span", { class: "badge retrans" }, "↻ retransmission"));
    const canDrop = p.index <= maxDrop;
    const jump = el("button", { type: "button", class: "pkt-jump", "data-packet": String(p.index), title: p.info },
      [el("span", { class: "visually-hidden" }, `Packet ${p.index}, ${p.direction}: `), p.caption, ...badges.map((b) => [" ", b]).flat(),
        el("span", { class: "ladder-time" }, ` ${formatTime(p.time_us)}`)]);
    jump.style.left = `${captionX}%`;
    return el("li", {
      class: `ladder-row${p.dropped ? " is-lost" : ""}${p.retransmission ? " is-retrans" : ""}`,
      "data-packet": String(p.index),
    }, [
      el("span", { class: "ladder-num" }, `#${p.index}`),
      el("div", { class: "lane" }, [g, jump]),
      el("label", { class: "drop" }, [
        el("input", { type: "checkbox", class: "drop-toggle", "data-index": String(p.index),
          "aria-label": `Drop packet ${p.index}, ${p.caption}`, checked: p.dropped ? true : null, disabled: canDrop ? null : true }),
        el("span", { "aria-hidden": "true" }, "Drop"),
      ]),
    ]);
  };
  sc.steps.forEach((st) => {
    if (st.packet >= 0 && !seen.has(st.packet)) {
      const p = sc.packets[st.packet];
      if (p) rows.push(packetRow(p));
    } else if (st.packet < 0 && st.action === "timeout") {
      const g = svg("svg", { class: "lane-svg", "aria-hidden": "true", focusable: "false" });
      g.append(...lanes());
      const t = svg("text", { class: "timer-mark", x: `${columnX(sc, st.side)}%`, y: "70%", "text-anchor": "middle" });
      t.textContent = "◷";
      g.append(t);
      const jump = el("button", { type: "button", class: "pkt-jump timer", "data-step": String(st.index) },
        [`◷ ${nodeName(sc, st.side)}’s timer runs out`, el("span", { class: "ladder-time" }, ` ${formatTime(st.time_us)}`)]);
      jump.style.left = `${Math.min(70, Math.max(30, columnX(sc, st.side)))}%`;
      rows.push(el("li", { class: "ladder-row is-timer", "data-step": String(st.index) }, [
        el("span", { class: "ladder-num" }, ""),
        el("div", { class: "lane" }, [g, jump]),
        el("span", { class: "drop" }),
      ]));
    }
  });
  for (const p of sc.packets) if (!seen.has(p.index)) rows.push(packetRow(p));
  listEl.replaceChildren(...rows);
}

export function markLadder(listEl, scrollEl, step) {
  for (const r of listEl.querySelectorAll(".ladder-row.current")) {
    r.classList.remove("current");
    r.querySelector(".pkt-jump")?.removeAttribute("aria-current");
    r.querySelector(".arrow:not(.lost)")?.setAttribute("marker-end", "url(#arrow)");
  }
  const row = step.packet >= 0
    ? listEl.querySelector(`.ladder-row[data-packet="${step.packet}"]`)
    : listEl.querySelector(`.ladder-row[data-step="${step.index}"]`);
  if (!row) return;
  row.classList.add("current");
  row.querySelector(".pkt-jump")?.setAttribute("aria-current", "step");
  const arrow = row.querySelector(".arrow:not(.lost)");
  if (arrow) arrow.setAttribute("marker-end", "url(#arrow-current)");
  // Scroll the ladder, never the page.
  const head = scrollEl.querySelector(".ladder-head");
  const headH = head ? head.offsetHeight : 0;
  const top = row.getBoundingClientRect().top - scrollEl.getBoundingClientRect().top + scrollEl.scrollTop;
  if (top - headH < scrollEl.scrollTop) scrollEl.scrollTop = top - headH;
  else if (top + row.offsetHeight > scrollEl.scrollTop + scrollEl.clientHeight) {
    scrollEl.scrollTop = top + row.offsetHeight - scrollEl.clientHeight;
  }
}

// ---------------------------------------------------------------------------
// The steps in words.

export function renderTranscript(listEl, sc, model) {
  listEl.replaceChildren(...sc.steps.map((st) => el("li", { "data-step": String(st.index) }, [
    el("strong", {}, `${whereText(sc, st, model)}.`), " ", st.description,
  ])));
}

export function markTranscript(listEl, index) {
  for (const li of listEl.querySelectorAll("li[aria-current]")) li.removeAttribute("aria-current");
  listEl.querySelector(`li[data-step="${index}"]`)?.setAttribute("aria-current", "step");
}

