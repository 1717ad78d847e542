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

// Every text on the page in Norwegian (bokmål) or English: the server chose the page's
// language (?lang=nb|en, else Accept-Language) and wrote it in <html lang>; the link in the
// header switches. Elements name their text with data-text (data-placeholder for inputs).
const LANG = document.documentElement.lang === "nb" ? "nb" : "en";
const LOCALE = LANG === "nb" ? "nb-NO" : "en-GB";
const TEXT = {
  en: {
    title: "NIC operations",
    tokenLabel: "Bearer token (operations)",
    use: "Use",
    stream: (state) => `stream: ${state}`,
    state: {
      off: "not connected",
      connecting: "connecting",
      live: "live",
      reconnecting: "reconnecting",
      broker: "broker unavailable",
      token: "needs a token",
      denied: (why) => `no access (${why})`,
    },
    liveEvents: "Live events",
    filterType: "type, e.g. application.submitted",
    filterSubject: "subject (application id)",
    filterCall: "call id",
    filter: "Filter",
    pause: "Pause",
    resume: "Resume",
    time: "time",
    type: "type",
    subject: "subject",
    topic: "topic",
    eventId: "event id",
    pipeline: "Pipeline per call",
    call: "call",
    submitted: "submitted",
    assessed: "assessed",
    eligible: "eligible",
    scored: "scored",
    recommended: "recommended",
    reserve: "reserve",
    noApplications: "no applications yet",
    services: "Services",
    service: "service",
    broker: "broker",
    backlog: "outbox backlog",
    oldest: "oldest unsent",
    lag: "consumer lag",
    deadLetters: "dead letters",
    noServices: "no services configured",
    up: "ok",
    down: "down",
    seconds: (n) => `${n} s`,
    deadLettersHeading: "Dead letters",
    error: "error",
    at: "at",
    replays: "replays",
    applied: (n) => `${n} (applied)`,
    replay: "Replay",
    replayed: "Replayed",
    discard: "Discard",
    discarded: "Discarded",
    discardConfirm: (id) => `Discard dead letter ${id}? It is not an event; it is deleted and the discard audited.`,
    notAnEvent: "not an event",
    failed: "Failed",
    none: "none",
    where: "Where is application…",
    applicationId: "application id",
    find: "Find",
    steps: { submitted: "submitted", assessed: "assessed", scored: "scored", recommended: "recommended" },
    statuses: {
      done: "done",
      waiting: "waiting",
      stuck: "stuck",
      unknown: "unknown",
      not_reached: "not reached",
      not_applicable: "not applicable",
    },
    heading: "ranking",
    notPublished: "not published",
    current: "current",
    stale: "stale — republish",
    staleTitle: (v) => `Version ${v} no longer matches its facts: an officer must publish again`,
    theCall: "the call",
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
    title: "NIC drift",
    tokenLabel: "Bearer-token (drift)",
    use: "Bruk",
    stream: (state) => `strøm: ${state}`,
    state: {
      off: "ikke tilkoblet",
      connecting: "kobler til",
      live: "direkte",
      reconnecting: "kobler til igjen",
      broker: "megleren svarer ikke",
      token: "trenger en token",
      denied: (why) => `ingen tilgang (${why})`,
    },
    liveEvents: "Hendelser direkte",
    filterType: "type, f.eks. application.submitted",
    filterSubject: "gjelder (søknads-id)",
    filterCall: "utlysnings-id",
    filter: "Filtrer",
    pause: "Pause",
    resume: "Fortsett",
    time: "tid",
    type: "type",
    subject: "gjelder",
    topic: "emne",
    eventId: "hendelses-id",
    pipeline: "Saksflyt per utlysning",
    call: "utlysning",
    submitted: "sendt inn",
    assessed: "vurdert",
    eligible: "kvalifisert",
    scored: "panelvurdert",
    recommended: "innstilt",
    reserve: "reserve",
    noApplications: "ingen søknader ennå",
    services: "Tjenester",
    service: "tjeneste",
    broker: "megler",
    backlog: "usendt i utboksen",
    oldest: "eldste usendte",
    lag: "etterslep",
    deadLetters: "døde meldinger",
    noServices: "ingen tjenester satt opp",
    up: "ok",
    down: "nede",
    seconds: (n) => `${n} s`,
    deadLettersHeading: "Døde meldinger",
    error: "feil",
    at: "tidspunkt",
    replays: "avspillinger",
    applied: (n) => `${n} (tatt inn)`,
    replay: "Spill av",
    replayed: "Spilt av",
    discard: "Forkast",
    discarded: "Forkastet",
    discardConfirm: (id) => `Forkaste død melding ${id}? Den er ingen hendelse; den slettes og forkastingen logges.`,
    notAnEvent: "ikke en hendelse",
    failed: "Feilet",
    none: "ingen",
    where: "Hvor er søknaden…",
    applicationId: "søknads-id",
    find: "Finn",
    steps: { submitted: "sendt inn", assessed: "vurdert", scored: "panelvurdert", recommended: "innstilt" },
    statuses: {
      done: "ferdig",
      waiting: "venter",
      stuck: "står fast",
      unknown: "ukjent",
      not_reached: "ikke nådd",
      not_applicable: "gjelder ikke",
    },
    heading: "rangering",
    notPublished: "ikke publisert",
    current: "gjeldende",
    stale: "utdatert — publiser på nytt",
    staleTitle: (v) => `Versjon ${v} stemmer ikke lenger med fakta: en saksbehandler må publisere på nytt`,
    theCall: "utlysningen",
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
