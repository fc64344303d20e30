// The Layers page: fetches a scenario from /api/layers/{id} with the
// form's parameters, then plays its steps: the stacks and the chip show
// where the PDU is, the anatomy bar what it is made of, the ladder which
// packet it is, the inspector its fields and bytes, and a polite live
// region says each step in words. The page's address always holds the
// parameters, so any state can be linked to (the live quiz will link here).

import {
  createStage, formatTime, markLadder, markMapping, markTranscript, renderLadder,
  renderMapping, renderPDU, renderTranscript, whereText,
} from "./layers-view.js";
import { createInspector, hexToBytes } from "./layers-bytes.js";

const $ = (id) => document.getElementById(id);
const form = $("layers-form");
const viz = $("viz");
const inspectorSection = $("inspector");
const scenarioSel = $("scenario");
const dropInput = $("drop");
const observedInput = $("observed");
const errorsBox = $("form-errors");
const pcapLink = $("pcap");
const stepMeta = $("step-meta");
const stepText = $("step-text");
const stepCount = $("step-count");
const scrub = $("scrub");
const backBtn = $("step-back");
const fwdBtn = $("step-fwd");
const playBtn = $("play");
const speedSel = $("speed");
const ladder = $("ladder");
const ladderScroll = $("ladder-scroll");
const ladderNote = $("ladder-note");
const transcript = $("steps-list");

const defaults = JSON.parse($("layers-defaults").textContent);
// Parameters the form edits; the others (MACs) ride along as hidden inputs.
const EDITABLE = ["message", "client_ip", "client_port", "server_ip", "server_port", "ttl", "mtu"];
const MAX_DROP_INDEX = 99;
const BASE_INTERVAL_MS = 2600;
const STORE_KEY = "netstudy.layers";

const stage = createStage({ stageEl: $("stage"), gridEl: $("stage-grid"), chipEl: $("chip") });
const inspector = createInspector({ fieldsEl: $("fields"), hexEl: $("hex"), infoEl: $("field-info"), titleEl: $("packet-title") });

const state = {
  sc: null,
  id: scenarioSel.value,
  step: 0,
  model: "osi",
  playing: false,
  timer: 0,
  seq: 0,
  loads: 0,
  frames: new Map(), // packet index → bytes, for the bits line
};

function saved() {
  try { return JSON.parse(localStorage.getItem(STORE_KEY)) || {}; } catch { return {}; }
}
function save() {
  try { localStorage.setItem(STORE_KEY, JSON.stringify({ model: state.model, speed: speedSel.value })); } catch { /* private mode: not remembered */ }
}

// --- parameters ---------------------------------------------------------

// query is what differs from the scenario's defaults, so links stay short.
function query() {
  const q = new URLSearchParams();
  const d = defaults[scenarioSel.value] || {};
  for (const name of EDITABLE) {
    const v = form.elements[name].value;
    if (v !== (d[name] ?? "")) q.set(name, v);
  }
  const drop = normaliseDrop(dropInput.value);
  if (drop) q.set("drop", drop);
  if (observedInput.value) q.set("observed", observedInput.value);
  for (const h of form.querySelectorAll('input[type="hidden"]')) {
    if (h !== observedInput && h.name && h.value) q.set(h.name, h.value);
  }
  return q;
}

// "none" asks for no loss at all, even in the loss scenario, whose
// default (no drop given) loses packet 3.
function normaliseDrop(v) {
  if (v.trim().toLowerCase() === "none") return "none";
  return v.split(",").map((s) => s.trim()).filter(Boolean).join(",");
}

function dropList() {
  return normaliseDrop(dropInput.value).split(",").filter((s) => /^\d+$/.test(s));
}

function showErrors(problems) {
  const list = document.createElement("ul");
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  for (const p of problems) {
    const li = document.createElement("li");
    const input = p.param && form.elements[p.param];
    if (input && input.type !== "hidden") {
      input.setAttribute("aria-invalid", "true");
      if (input.closest("details")) input.closest("details").open = true;
      const a = document.createElement("a");
      a.href = `#${p.param}`;
      a.textContent = p.label || p.param;
      li.append(a, `: ${p.message}`);
    } else {
      li.textContent = p.label ? `${p.label}: ${p.message}` : p.message;
    }
    list.append(li);
  }
  const lead = document.createElement("p");
  lead.textContent = "Please fix:";
  errorsBox.replaceChildren(lead, list);
  errorsBox.hidden = false;
}

function clearErrors() {
  errorsBox.hidden = true;
  errorsBox.replaceChildren();
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
}

// --- loading ------------------------------------------------------------

// load fetches the scenario for the form's values. Later requests win:
// a slow answer to an older one is ignored.
async function load({ step = 0, packet = null, focusDrop = null } = {}) {
  const id = scenarioSel.value;
  const q = query();
  const seq = ++state.seq;
  viz.setAttribute("aria-busy", "true");
  let res;
  let body = null;
  try {
    res = await fetch(`/api/layers/${encodeURIComponent(id)}?${q}`, { headers: { Accept: "application/json" } });
    body = await res.json();
  } catch {
    if (seq === state.seq) {
      viz.removeAttribute("aria-busy");
      showErrors([{ message: "The server could not be reached. Check the connection and try again." }]);
    }
    return;
  }
  if (seq !== state.seq) return;
  viz.removeAttribute("aria-busy");
  if (!res.ok) {
    showErrors(body && body.errors ? body.errors : [{ message: (body && body.error) || "The scenario could not be built." }]);
    return;
  }
  clearErrors();
  show(body, q, { step, packet, focusDrop });
}

function show(sc, q, { step, packet, focusDrop }) {
  pause();
  state.sc = sc;
  state.id = sc.id;
  state.frames = new Map();
  const qs = q.toString();
  history.replaceState(null, "", `/layers?scenario=${encodeURIComponent(sc.id)}${qs ? "&" + qs : ""}`);
  pcapLink.href = `/api/layers/${encodeURIComponent(sc.id)}.pcapng${qs ? "?" + qs : ""}`;
  pcapLink.setAttribute("download", `${sc.id}.pcapng`);
  $("scenario-summary").textContent = sc.summary;

  const notes = $("scenario-notes");
  notes.replaceChildren(...(sc.notes || []).map((n) => { const p = document.createElement("p"); p.textContent = n; return p; }));
  notes.hidden = !(sc.notes && sc.notes.length);

  dropInput.value = sc.packets.filter((p) => p.dropped).map((p) => p.index).join(",") || (q.get("drop") === "none" ? "none" : "");
  ladderNote.hidden = true;
  if (sc.id === "tcp-loss" && !q.get("drop")) {
    ladderNote.textContent = "With no packet chosen, this scenario loses packet 3, the segment with your message. Untick it (or type “none”) for a run with no loss.";
    ladderNote.hidden = false;
  }

  viz.hidden = false;
  inspectorSection.hidden = false;
  stage.render(sc, state.model);
  renderLadder({ headEl: $("ladder-head"), listEl: ladder }, sc, MAX_DROP_INDEX);
  renderTranscript(transcript, sc, state.model);
  $("transcript-summary").textContent = `${sc.title}: ${sc.steps.length} steps`;
  scrub.max = String(Math.max(0, sc.steps.length - 1));

  if (packet !== null) {
    const first = sc.steps.find((s) => s.packet === packet);
    if (first) step = first.index;
  }
  goTo(Math.min(step, sc.steps.length - 1), false);
  if (focusDrop !== null) ladder.querySelector(`.drop-toggle[data-index="${focusDrop}"]`)?.focus();
  state.loads++;
  viz.dataset.loads = String(state.loads);
  viz.dataset.scenario = sc.id;
}

// --- stepping -----------------------------------------------------------

function packetFor(i) {
  const sc = state.sc;
  for (let k = i; k >= 0; k--) if (sc.steps[k].packet >= 0) return sc.packets[sc.steps[k].packet];
  const next = sc.steps.find((s) => s.packet >= 0);
  return next ? sc.packets[next.packet] : sc.packets[0];
}

function frameOf(p) {
  if (!p) return null;
  if (!state.frames.has(p.index)) state.frames.set(p.index, hexToBytes(p.frame));
  return state.frames.get(p.index);
}

function goTo(i, animate = true) {
  const sc = state.sc;
  if (!sc || !sc.steps.length) return;
  i = Math.max(0, Math.min(sc.steps.length - 1, i));
  state.step = i;
  const step = sc.steps[i];
  const packet = step.packet >= 0 ? sc.packets[step.packet] : null;
  const last = sc.steps.length - 1;

  stepCount.textContent = `Step ${i + 1} of ${sc.steps.length}`;
  scrub.value = String(i);
  scrub.setAttribute("aria-valuetext", `Step ${i + 1} of ${sc.steps.length}: ${whereText(sc, step, state.model)}`);
  backBtn.setAttribute("aria-disabled", String(i === 0));
  fwdBtn.setAttribute("aria-disabled", String(i === last));

  // The live region: one sentence of where, then what.
  stepMeta.replaceChildren(
    strong(`Step ${i + 1} of ${sc.steps.length}`), ` · ${whereText(sc, step, state.model)} · t = ${formatTime(step.time_us)}`,
  );
  stepText.textContent = step.description;
  $("step-box").dataset.action = step.action;

  stage.update(step, packet, animate);
  markMapping($("mapping-grid"), step, state.model);
  const shown = packet || packetFor(i);
  renderPDU($("pdu-bar"), $("pdu-bits"), shown, packet ? step : { ...step, layers: [] }, frameOf(shown));
  markLadder(ladder, ladderScroll, step);
  markTranscript(transcript, i);
  inspector.show(shown, packet ? step : null);
}

function strong(text) {
  const s = document.createElement("strong");
  s.textContent = text;
  return s;
}

function interval() {
  return BASE_INTERVAL_MS / Number(speedSel.value || 1);
}

function tick() {
  if (!state.sc) return;
  if (state.step >= state.sc.steps.length - 1) { pause(); return; }
  goTo(state.step + 1);
  if (state.step >= state.sc.steps.length - 1) pause();
  else state.timer = setTimeout(tick, interval());
}

function play() {
  if (!state.sc) return;
  if (state.step >= state.sc.steps.length - 1) goTo(0);
  state.playing = true;
  playBtn.setAttribute("aria-pressed", "true");
  playBtn.querySelector(".play-label").textContent = "Pause";
  playBtn.querySelector(".play-icon").textContent = "❚❚";
  clearTimeout(state.timer);
  state.timer = setTimeout(tick, interval());
}

function pause() {
  clearTimeout(state.timer);
  state.timer = 0;
  if (!state.playing) return;
  state.playing = false;
  playBtn.setAttribute("aria-pressed", "false");
  playBtn.querySelector(".play-label").textContent = "Play";
  playBtn.querySelector(".play-icon").textContent = "▶";
}

function step(delta) {
  pause();
  goTo(state.step + delta);
}

// --- wiring -------------------------------------------------------------

backBtn.addEventListener("click", () => step(-1));
fwdBtn.addEventListener("click", () => step(1));
playBtn.addEventListener("click", () => (state.playing ? pause() : play()));
speedSel.addEventListener("change", () => {
  save();
  if (state.playing) { clearTimeout(state.timer); state.timer = setTimeout(tick, interval()); }
});
scrub.addEventListener("input", () => { pause(); goTo(Number(scrub.value)); });

// Arrow keys step anywhere in the visualizer except where they already
// mean something: text fields, selects, the radio group, the slider.
viz.addEventListener("keydown", (e) => {
  if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || !state.sc) return;
  const t = e.target;
  if (t.closest("select, textarea") || (t.tagName === "INPUT" && t.type !== "checkbox")) return;
  const moves = { ArrowRight: () => step(1), ArrowLeft: () => step(-1), Home: () => { pause(); goTo(0); }, End: () => { pause(); goTo(state.sc.steps.length - 1); } };
  if (!(e.key in moves)) return;
  e.preventDefault();
  moves[e.key]();
});

for (const r of form.ownerDocument.querySelectorAll('input[name="model"]')) {
  r.addEventListener("change", () => {
    if (!r.checked) return;
    state.model = r.value;
    save();
    if (!state.sc) return;
    stage.setModel(state.model);
    renderTranscript(transcript, state.sc, state.model);
    goTo(state.step, false);
  });
}

ladder.addEventListener("click", (e) => {
  const b = e.target.closest(".pkt-jump");
  if (!b || !state.sc) return;
  pause();
  if (b.dataset.step !== undefined) goTo(Number(b.dataset.step));
  else {
    const first = state.sc.steps.find((s) => s.packet === Number(b.dataset.packet));
    if (first) goTo(first.index);
  }
});
ladder.addEventListener("change", (e) => {
  const box = e.target.closest(".drop-toggle");
  if (!box) return;
  const set = new Set(dropList());
  if (box.checked) set.add(box.dataset.index); else set.delete(box.dataset.index);
  dropInput.value = [...set].map(Number).sort((a, b) => a - b).join(",") || "none";
  const idx = Number(box.dataset.index);
  load({ packet: idx, focusDrop: idx });
});

// Switching scenarios keeps what the student typed but not the old
// scenario's defaults (router-hop puts the server on another network),
// nor packet numbers, which mean something else in another scenario.
let currentId = scenarioSel.value;
scenarioSel.addEventListener("change", () => {
  const from = defaults[currentId] || {};
  const to = defaults[scenarioSel.value] || {};
  for (const name of EDITABLE) {
    const input = form.elements[name];
    if (input.value === (from[name] ?? "")) input.value = to[name] ?? "";
  }
  dropInput.value = "";
  currentId = scenarioSel.value;
  load();
});

// A value the student edits is no longer the one observed on the wire.
form.addEventListener("input", (e) => {
  const name = e.target.name;
  if (!name || !observedInput.value) return;
  const list = observedInput.value.split(",").map((s) => s.trim()).filter((s) => s && s !== name);
  observedInput.value = list.join(",");
});

let typing = 0;
$("message").addEventListener("input", () => {
  clearTimeout(typing);
  typing = setTimeout(() => load({ step: state.step }), 450);
});
for (const name of EDITABLE.filter((n) => n !== "message")) {
  form.elements[name].addEventListener("change", () => load({ step: state.step }));
}
dropInput.addEventListener("change", () => load({ step: state.step }));
form.addEventListener("submit", (e) => {
  e.preventDefault();
  clearTimeout(typing);
  load({ step: state.step });
});

// --- start --------------------------------------------------------------

const prefs = saved();
if (prefs.model === "tcpip" || prefs.model === "osi") {
  state.model = prefs.model;
  document.querySelector(`input[name="model"][value="${prefs.model}"]`).checked = true;
}
if (prefs.speed && [...speedSel.options].some((o) => o.value === prefs.speed)) speedSel.value = prefs.speed;
renderMapping($("mapping-grid"));
$("transcript").open = false;
if (errorsBox.hidden) load({ step: 0 });
