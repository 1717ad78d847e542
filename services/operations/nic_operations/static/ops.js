// The operations page: no build step. A token comes from #token=... (kept in sessionStorage,
// never sent in a URL) or the form; the live stream uses a short-lived ticket because
// EventSource cannot send an Authorization header.
"use strict";

const $ = (id) => document.getElementById(id);
const MAX_ROWS = 200;
let source = null;
let paused = false;
let lastId = ""; // the SSE id of the last message: a reconnection resumes right after it
let failedResumes = 0; // reconnections in a row that never became live

function token() {
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get("token")) {
    sessionStorage.setItem("nic-token", hash.get("token"));
    history.replaceState(null, "", location.pathname);
  }
  return sessionStorage.getItem("nic-token");
}

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { Authorization: `Bearer ${token()}`, "Content-Type": "application/json" },
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.status === 204 ? null : response.json();
}

function cell(row, text, cls) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  if (cls) td.className = cls;
  row.appendChild(td);
  return td;
}

// An event type that may wrap after its dots on a narrow screen (<wbr> adds no text).
function typeCell(row, type) {
  const td = cell(row, "", "mono");
  (type ?? "").split(/(?<=\.)/).forEach((part, i) => {
    if (i) td.appendChild(document.createElement("wbr"));
    td.appendChild(document.createTextNode(part));
  });
  return td;
}

function fill(tbody, items, render, empty) {
  tbody.replaceChildren();
  if (!items.length) {
    const row = tbody.insertRow();
    const td = cell(row, empty);
    td.colSpan = 8;
    return;
  }
  for (const item of items) render(tbody.insertRow(), item);
  labelCells(tbody);
}

// On a narrow screen a row of a table.stack is a card: each cell shows its column's name.
function labelCells(tbody) {
  const names = [...tbody.closest("table").tHead.rows[0].cells].map((th) => th.textContent);
  for (const row of tbody.rows) {
    [...row.cells].forEach((td, i) => {
      if (td.colSpan === 1 && names[i]) td.dataset.label = names[i];
    });
  }
}

function setState(text, on) {
  const pill = $("stream-state");
  pill.textContent = TEXT.stream(text);
  pill.className = `pill ${on ? "on" : "off"}`;
}

async function connect(resume = false) {
  if (source) source.close();
  const params = new URLSearchParams({ since: "now" });
  // new filters start afresh; after a lost connection the stream resumes where it was
  // (an id it refuses, e.g. after an upgrade, is dropped after a few tries)
  if (!resume || failedResumes >= 3) {
    lastId = "";
    failedResumes = 0;
  }
  if (lastId) params.set("last_event_id", lastId);
  let live = false;
  const type = $("filter-type").value.trim();
  const subject = $("filter-subject").value.trim();
  const call = $("filter-call").value.trim();
  if (type) params.set("type", type);
  if (subject) params.set("subject", subject);
  if (call) params.set("call", call);
  try {
    const { ticket } = await api("/v1/stream/tickets", { method: "POST" });
    params.set("ticket", ticket);
  } catch (error) {
    setState(TEXT.state.denied(error.message), false);
    return;
  }
  source = new EventSource(`/v1/stream?${params}`);
  setState(TEXT.state.connecting, false);
  source.addEventListener("ready", (message) => {
    if (message.lastEventId) lastId = message.lastEventId;
    live = true;
    failedResumes = 0;
    setState(TEXT.state.live, true);
  });
  source.addEventListener("failure", () => setState(TEXT.state.broker, false));
  source.onerror = () => {
    // EventSource would reconnect by itself with the same URL, but a ticket opens one
    // connection only (a second use is refused): close it and connect with a new ticket
    setState(TEXT.state.reconnecting, false);
    if (!live && lastId) failedResumes += 1;
    source.close();
    setTimeout(() => connect(true), 3000);
  };
  source.onmessage = (message) => {
    lastId = message.lastEventId;
    if (paused) return;
    const event = JSON.parse(message.data);
    const row = $("events").insertRow(0);
    row.className = "fresh";
    row.dataset.eventId = event.id;
    row.title = `${event.topic}/${event.partition}@${event.offset} ${event.id}`;
    cell(row, new Date(event.time).toLocaleTimeString(LOCALE));
    typeCell(row, event.type);
    cell(row, event.subject, "mono");
    cell(row, `${event.topic}/${event.partition}@${event.offset}`, "mono hide-narrow");
    cell(row, event.id, "mono hide-narrow");
    if (event.error) row.classList.add("bad");
    while ($("events").rows.length > MAX_ROWS) $("events").deleteRow(-1);
  };
}

// LANG, LOCALE and TEXT (every text, nb and en) come from ops-text.js, loaded first.

// The static texts, the title and the link to the other language.
function translate() {
  document.title = TEXT.title;
  for (const el of document.querySelectorAll("[data-text]")) el.textContent = TEXT[el.dataset.text];
  for (const el of document.querySelectorAll("[data-placeholder]")) el.placeholder = TEXT[el.dataset.placeholder];
  const other = LANG === "nb" ? "en" : "nb";
  const toggle = $("lang-toggle");
  toggle.href = `?lang=${other}`;
  toggle.hreflang = other;
  toggle.lang = other;
  toggle.textContent = other === "nb" ? "Norsk" : "English";
}
const MAX_REASONS = 6;

function rankingCell(row, ranking) {
  const td = row.insertCell();
  td.className = "ranking";
  if (!ranking || ranking.version === null) {
    td.textContent = TEXT.notPublished;
    td.classList.add("muted");
    return;
  }
  const version = document.createElement("span");
  version.className = "mono";
  version.textContent = `v${ranking.version}`;
  const badge = document.createElement("span");
  badge.className = `badge ${ranking.stale ? "stale" : "current"}`;
  badge.textContent = ranking.stale ? TEXT.stale : TEXT.current;
  if (ranking.stale) badge.title = TEXT.staleTitle(ranking.stale_version);
  td.append(version, " ", badge);
}

// A stale ranking's reasons, on a row of their own under the call's counts.
function reasonsRow(tbody, callId, ranking) {
  const row = tbody.insertRow();
  row.className = "stale reasons-row";
  row.dataset.call = callId;
  const td = row.insertCell();
  td.colSpan = 8;
  const list = document.createElement("ul");
  list.className = "reasons";
  const heading = document.createElement("li");
  heading.className = "why";
  heading.textContent = TEXT.why;
  list.appendChild(heading);
  for (const r of ranking.reasons.slice(0, MAX_REASONS)) {
    const li = document.createElement("li");
    li.dataset.reason = r.reason;
    const label = document.createElement("span");
    label.textContent = TEXT.reasons[r.reason] ?? r.reason;
    label.title = r.reason;
    const who = document.createElement("span");
    who.textContent = r.application_id ? r.application_id.slice(0, 8) : TEXT.theCall;
    if (r.application_id) {
      who.className = "mono";
      who.title = r.application_id;
    }
    li.append(label, ": ", who);
    list.appendChild(li);
  }
  if (ranking.reasons.length > MAX_REASONS) {
    const li = document.createElement("li");
    li.textContent = TEXT.more(ranking.reasons.length - MAX_REASONS);
    list.appendChild(li);
  }
  td.appendChild(list);
}

async function refreshCounts() {
  const calls = await api("/v1/pipeline/calls");
  fill($("counts"), calls, (row, c) => {
    row.dataset.call = c.call_id;
    // the call's code once its publication was seen; before that the start of its id
    const name = cell(row, c.call_code ?? c.call_id.slice(0, 8), c.call_code ? "code" : "mono");
    const title = LANG === "nb" ? c.call_title_nb : c.call_title_en;
    name.title = title ? `${title} (${c.call_id})` : c.call_id;
    for (const key of ["submitted", "assessed", "eligible", "scored", "recommended", "reserve"]) {
      cell(row, c[key]);
    }
    rankingCell(row, c.ranking);
    if (c.ranking?.stale) {
      row.classList.add("stale");
      reasonsRow(row.parentElement, c.call_id, c.ranking);
    }
  }, TEXT.noApplications);
}

async function refreshServices() {
  const services = await api("/v1/services/status");
  fill($("services"), services, (row, s) => {
    cell(row, s.service);
    if (!s.status) {
      cell(row, s.reachable, "bad").colSpan = 5;
      return;
    }
    const st = s.status;
    cell(row, st.broker_connected ? TEXT.up : TEXT.down, st.broker_connected ? "ok" : "bad");
    cell(row, st.outbox_unsent);
    cell(row, TEXT.seconds(Math.round(st.outbox_oldest_unsent_age_s)));
    cell(row, st.consumer_lag.reduce((sum, p) => sum + p.lag, 0));
    cell(row, `${st.dead_letters_unreplayed} / ${st.dead_letters}`, st.dead_letters_unreplayed ? "bad" : "");
  }, TEXT.noServices);
}

async function refreshDeadLetters() {
  const perService = await api("/v1/services/dead-letters?limit=20");
  const items = perService.flatMap((s) => s.items.map((d) => ({ ...d, service: s.service })));
  fill($("dead-letters"), items, (row, d) => {
    cell(row, d.service);
    cell(row, d.id);
    if (d.event_type) typeCell(row, d.event_type);
    else cell(row, TEXT.notAnEvent, "muted");
    cell(row, d.key, "mono");
    cell(row, d.error, "bad error");
    cell(row, new Date(d.dead_lettered_at).toLocaleString(LOCALE));
    cell(row, d.applied ? TEXT.applied(d.replay_count) : d.replay_count);
    const button = document.createElement("button");
    button.textContent = TEXT.replay;
    button.dataset.replay = `${d.service}/${d.id}`;
    button.onclick = async () => {
      button.disabled = true;
      try {
        await api(`/v1/services/${d.service}/dead-letters/${d.id}/replay`, { method: "POST" });
        button.textContent = TEXT.replayed;
        setTimeout(refreshDeadLetters, 1500);
      } catch (error) {
        button.textContent = TEXT.failed;
        button.title = error.message;
      }
    };
    const actions = row.insertCell();
    actions.className = "actions";
    actions.appendChild(button);
    // not an event at all: replaying only dead-letters it again, so it can be discarded
    if (!d.event_type) actions.appendChild(discardButton(d));
  }, TEXT.none);
}

function discardButton(d) {
  const button = document.createElement("button");
  button.textContent = TEXT.discard;
  button.dataset.discard = `${d.service}/${d.id}`;
  button.onclick = async () => {
    if (!confirm(TEXT.discardConfirm(d.id))) return;
    button.disabled = true;
    try {
      await api(`/v1/services/${d.service}/dead-letters/${d.id}/discard`, { method: "POST" });
      button.textContent = TEXT.discarded;
      setTimeout(refreshDeadLetters, 1500);
    } catch (error) {
      button.textContent = TEXT.failed;
      button.title = error.message;
    }
  };
  return button;
}

async function showTrail(id) {
  const trail = await api(`/v1/applications/${encodeURIComponent(id)}/trail`);
  const list = $("trail");
  list.replaceChildren();
  for (const step of trail.steps) {
    const li = document.createElement("li");
    const when = step.at ? new Date(step.at).toLocaleString(LOCALE) : "";
    const name = TEXT.steps[step.name] ?? step.name;
    const status = TEXT.statuses[step.status] ?? step.status;
    li.dataset.step = step.name;
    li.dataset.status = step.status;
    li.textContent = `${name} (${step.service}): ${status} ${when} ${step.event_id ?? ""} ${step.detail ?? ""}`;
    li.className = step.status === "done" ? "ok" : step.status === "stuck" ? "bad" : "";
    list.appendChild(li);
  }
}

async function refresh() {
  for (const job of [refreshCounts, refreshServices, refreshDeadLetters]) {
    try { await job(); } catch (error) { console.warn(error); }
  }
}

function start() {
  if (!token()) {
    $("token-form").hidden = false;
    setState(TEXT.state.token, false);
    return;
  }
  connect();
  refresh();
  setInterval(refresh, 5000);
}

$("token-form").addEventListener("submit", (e) => {
  e.preventDefault();
  sessionStorage.setItem("nic-token", $("token-input").value.trim());
  $("token-form").hidden = true;
  translate();
setState(TEXT.state.off, false);
start();
});
$("filter-form").addEventListener("submit", (e) => { e.preventDefault(); connect(); });
$("pause").addEventListener("click", () => {
  paused = !paused;
  $("pause").textContent = paused ? TEXT.resume : TEXT.pause;
});
$("trail-form").addEventListener("submit", (e) => {
  e.preventDefault();
  showTrail($("trail-id").value.trim()).catch((error) => { $("trail").textContent = error.message; });
});
translate();
setState(TEXT.state.off, false);
start();
