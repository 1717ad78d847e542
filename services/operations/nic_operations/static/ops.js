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

function fill(tbody, items, render, empty) {
  tbody.replaceChildren();
  if (!items.length) {
    const row = tbody.insertRow();
    const td = cell(row, empty);
    td.colSpan = 8;
    return;
  }
  for (const item of items) render(tbody.insertRow(), item);
}

function setState(text, on) {
  const pill = $("stream-state");
  pill.textContent = `stream: ${text}`;
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
    setState(`no access (${error.message})`, false);
    return;
  }
  source = new EventSource(`/v1/stream?${params}`);
  setState("connecting", false);
  source.addEventListener("ready", (message) => {
    if (message.lastEventId) lastId = message.lastEventId;
    live = true;
    failedResumes = 0;
    setState("live", true);
  });
  source.addEventListener("failure", () => setState("broker unavailable", false));
  source.onerror = () => {
    // EventSource would reconnect by itself with the same URL, but a ticket opens one
    // connection only (a second use is refused): close it and connect with a new ticket
    setState("reconnecting", false);
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
    cell(row, new Date(event.time).toLocaleTimeString());
    cell(row, event.type, "mono");
    cell(row, event.subject, "mono");
    cell(row, `${event.topic}/${event.partition}@${event.offset}`, "mono");
    cell(row, event.id, "mono");
    if (event.error) row.classList.add("bad");
    while ($("events").rows.length > MAX_ROWS) $("events").deleteRow(-1);
  };
}

// The ranking column reads in Norwegian (bokmål) when the browser asks for it (nb, nn, no),
// in English otherwise; ?lang=nb or ?lang=en chooses.
const LANG = (() => {
  const asked = new URLSearchParams(location.search).get("lang");
  if (asked === "nb" || asked === "en") return asked;
  return (navigator.languages || [navigator.language]).some((l) => /^(nb|nn|no)\b/i.test(l || "")) ? "nb" : "en";
})();
const TEXT = {
  en: {
    heading: "ranking",
    none: "not published",
    current: "current",
    stale: "stale — republish",
    staleTitle: (v) => `Version ${v} no longer matches its facts: an officer must publish again`,
    call: "the call",
    why: "Stale because:",
    more: (n) => `… and ${n} more`,
    reasons: {
      withdrawn: "withdrawn",
      no_longer_eligible: "no longer eligible",
      result_voided: "panel result voided",
      result_changed: "result or amount changed",
      newly_scored: "scored after publication",
      budget_changed: "budget frame changed",
      inputs_changed: "other inputs changed",
    },
  },
  nb: {
    heading: "rangering",
    none: "ikke publisert",
    current: "gjeldende",
    stale: "utdatert — publiser på nytt",
    staleTitle: (v) => `Versjon ${v} stemmer ikke lenger med fakta: en saksbehandler må publisere på nytt`,
    call: "utlysningen",
    why: "Utdatert fordi:",
    more: (n) => `… og ${n} til`,
    reasons: {
      withdrawn: "trukket",
      no_longer_eligible: "ikke lenger kvalifisert",
      result_voided: "panelresultat annullert",
      result_changed: "resultat eller beløp endret",
      newly_scored: "vurdert etter publisering",
      budget_changed: "budsjettrammen endret",
      inputs_changed: "annet grunnlag endret",
    },
  },
}[LANG];
const MAX_REASONS = 6;

function rankingCell(row, ranking) {
  const td = row.insertCell();
  td.className = "ranking";
  if (!ranking || ranking.version === null) {
    td.textContent = TEXT.none;
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
  td.colSpan = 7;
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
    who.textContent = r.application_id ? r.application_id.slice(0, 8) : TEXT.call;
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
    cell(row, c.call_id.slice(0, 8), "mono").title = c.call_id;
    for (const key of ["submitted", "assessed", "eligible", "scored", "recommended"]) cell(row, c[key]);
    rankingCell(row, c.ranking);
    if (c.ranking?.stale) {
      row.classList.add("stale");
      reasonsRow(row.parentElement, c.call_id, c.ranking);
    }
  }, "no applications yet");
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
    cell(row, st.broker_connected ? "ok" : "down", st.broker_connected ? "ok" : "bad");
    cell(row, st.outbox_unsent);
    cell(row, `${Math.round(st.outbox_oldest_unsent_age_s)} s`);
    cell(row, st.consumer_lag.reduce((sum, p) => sum + p.lag, 0));
    cell(row, `${st.dead_letters_unreplayed} / ${st.dead_letters}`, st.dead_letters_unreplayed ? "bad" : "");
  }, "no services configured");
}

async function refreshDeadLetters() {
  const perService = await api("/v1/services/dead-letters?limit=20");
  const items = perService.flatMap((s) => s.items.map((d) => ({ ...d, service: s.service })));
  fill($("dead-letters"), items, (row, d) => {
    cell(row, d.service);
    cell(row, d.id);
    cell(row, d.event_type, "mono");
    cell(row, d.key, "mono");
    cell(row, d.error, "bad");
    cell(row, new Date(d.dead_lettered_at).toLocaleString());
    cell(row, d.applied ? `${d.replay_count} (applied)` : d.replay_count);
    const button = document.createElement("button");
    button.textContent = "Replay";
    button.dataset.replay = `${d.service}/${d.id}`;
    button.onclick = async () => {
      button.disabled = true;
      try {
        await api(`/v1/services/${d.service}/dead-letters/${d.id}/replay`, { method: "POST" });
        button.textContent = "Replayed";
        setTimeout(refreshDeadLetters, 1500);
      } catch (error) {
        button.textContent = "Failed";
        button.title = error.message;
      }
    };
    row.insertCell().appendChild(button);
  }, "none");
}

async function showTrail(id) {
  const trail = await api(`/v1/applications/${encodeURIComponent(id)}/trail`);
  const list = $("trail");
  list.replaceChildren();
  for (const step of trail.steps) {
    const li = document.createElement("li");
    const when = step.at ? new Date(step.at).toLocaleString() : "";
    li.textContent = `${step.name} (${step.service}): ${step.status} ${when} ${step.event_id ?? ""} ${step.detail ?? ""}`;
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
  $("ranking-heading").textContent = TEXT.heading;
  if (!token()) {
    $("token-form").hidden = false;
    setState("needs a token", false);
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
  start();
});
$("filter-form").addEventListener("submit", (e) => { e.preventDefault(); connect(); });
$("pause").addEventListener("click", () => {
  paused = !paused;
  $("pause").textContent = paused ? "Resume" : "Pause";
});
$("trail-form").addEventListener("submit", (e) => {
  e.preventDefault();
  showTrail($("trail-id").value.trim()).catch((error) => { $("trail").textContent = error.message; });
});
start();
