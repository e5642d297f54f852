// The optiops page: submit a job, follow its progress events, draw the best cost, show KPIs and outputs.
"use strict";

const $ = (id) => document.getElementById(id);
const FINISHED = ["done", "failed", "stopped"];
let current = null;   // id of the job shown
let timer = null;
const blobs = [];     // object URLs to release when another job is shown

function headers() {
  const key = $("api-key").value || localStorage.getItem("optiops-key") || "";
  return key ? { "X-API-Key": key } : {};
}

async function api(path, init = {}) {
  const response = await fetch(path, { ...init, headers: { ...headers(), ...(init.headers || {}) } });
  if (!response.ok) {
    let text = response.statusText;
    try {
      const body = await response.json();
      text = [body.detail, ...(body.errors || [])].join("\n");
    } catch (e) { /* not JSON */ }
    throw new Error(`${response.status}: ${text}`);
  }
  return response;
}

function fmt(value) {
  if (value === null || value === undefined) return "–";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(4);
  return String(value);
}

async function submit(event) {
  event.preventDefault();
  $("form-error").textContent = "";
  localStorage.setItem("optiops-key", $("api-key").value);
  const form = new FormData();
  const file = $("file").files[0];
  if (!file) { $("form-error").textContent = "choose a file"; return; }
  const mode = $("mode").value;
  form.append("file", file);
  form.append("mode", mode);  // a scenario zip sent as "solve" is planned
  form.append("time_limit", $("time-limit").value);
  form.append("backend", $("backend").value || "auto");
  if ($("days").value) form.append(mode === "replay" ? "days" : "horizon", $("days").value);
  try {
    const body = await (await api("/v1/jobs", { method: "POST", body: form })).json();
    show(body.id);
    listJobs();
  } catch (e) {
    $("form-error").textContent = e.message;
  }
}

function show(id) {
  current = id;
  blobs.splice(0).forEach((url) => URL.revokeObjectURL(url));
  $("job-panel").hidden = false;
  $("results").hidden = true;
  $("job-id").textContent = id;
  $("job-error").textContent = "";
  $("figures").replaceChildren();
  $("files").replaceChildren();
  $("report").hidden = true;
  clearTimeout(timer);
  watch();
}

// Follows /events (read through fetch, so the API key goes in a header as everywhere); polls instead
// when the browser cannot stream or the stream ends before the job does.
async function watch() {
  const id = current;
  let response;
  try {
    response = await api(`/v1/jobs/${id}/events`);
  } catch (e) {
    return poll();
  }
  if (!response.body || !response.body.getReader) return poll();
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (id !== current) { reader.cancel(); return; }
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const event = parseEvent(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
        if (event.event === "progress" && await render(id, JSON.parse(event.data))) {
          reader.cancel();
          return;
        }
      }
    }
  } catch (e) { /* the connection dropped: poll below */ }
  if (id === current) poll();
}

function parseEvent(block) {
  const fields = { event: "message", data: "" };
  for (const line of block.split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const key = line.slice(0, colon), value = line.slice(colon + 1).replace(/^ /, "");
    fields[key] = key === "data" && fields.data ? `${fields.data}\n${value}` : value;
  }
  return fields;
}

async function poll() {
  const id = current;
  let job;
  try {
    job = await (await api(`/v1/jobs/${id}`)).json();
  } catch (e) {
    $("job-error").textContent = e.message;
    return;
  }
  if (!(await render(id, job)) && id === current) timer = setTimeout(poll, 500);
}

// Shows ``job`` if it is still the one on the page; true once it has finished.
async function render(id, job) {
  if (id !== current) return true;
  const p = job.progress || {};
  $("status").textContent = job.status;
  $("elapsed").textContent = p.elapsed_s == null ? "–" : `${p.elapsed_s.toFixed(1)} s`;
  $("best").textContent = fmt(p.best);
  $("bound").textContent = fmt(p.bound);
  $("message").textContent = p.message || "";
  $("stop").hidden = FINISHED.includes(job.status);
  draw(p.history || []);
  if (!FINISHED.includes(job.status)) return false;
  $("job-error").textContent = job.error || "";
  await results(job);
  listJobs();
  return true;
}

function draw(history) {
  const canvas = $("chart");
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (history.length === 0) return;
  const xs = history.map((h) => h[0]);
  const ys = history.map((h) => h[1]);
  const x1 = Math.max(...xs, 1e-6), y0 = Math.min(...ys), y1 = Math.max(...ys);
  const pad = 20, w = canvas.width - 2 * pad, h = canvas.height - 2 * pad;
  const X = (x) => pad + (x / x1) * w;
  const Y = (y) => pad + (y1 === y0 ? h / 2 : ((y1 - y) / (y1 - y0)) * h);
  ctx.strokeStyle = "#1f3b57";
  ctx.beginPath();
  history.forEach(([x, y], i) => {
    if (i === 0) ctx.moveTo(X(x), Y(y));
    else { ctx.lineTo(X(x), Y(history[i - 1][1])); ctx.lineTo(X(x), Y(y)); }
  });
  ctx.stroke();
  ctx.fillStyle = "#222";
  ctx.fillText(`best ${fmt(y0)}`, pad, 12);
}

function flatten(obj, prefix = "", rows = []) {
  for (const [key, value] of Object.entries(obj || {})) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === "object" && !Array.isArray(value)) flatten(value, name, rows);
    else rows.push([name, value]);
  }
  return rows;
}

async function blobUrl(id, name) {
  const blob = await (await api(`/v1/jobs/${id}/files/${encodeURIComponent(name)}`)).blob();
  const url = URL.createObjectURL(blob);
  blobs.push(url);
  return url;
}

async function results(job) {
  $("results").hidden = false;
  const body = $("kpis").querySelector("tbody");
  body.replaceChildren(...flatten(job.kpis).map(([k, v]) => {
    const tr = document.createElement("tr");
    tr.innerHTML = "<th></th><td></td>";
    tr.children[0].textContent = k;
    tr.children[1].textContent = fmt(v);
    return tr;
  }));
  $("files").replaceChildren(...job.files.map((name) => {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = "#";
    a.textContent = name;
    a.className = "download";
    a.addEventListener("click", async (event) => {
      event.preventDefault();
      const link = document.createElement("a");
      link.href = await blobUrl(job.id, name);
      link.download = name;
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
    li.appendChild(a);
    return li;
  }));
  for (const name of job.files.filter((n) => n.endsWith(".png"))) {
    const img = document.createElement("img");
    img.alt = name;
    img.className = name.startsWith("route_map") ? "figure route-map" : "figure";
    img.src = await blobUrl(job.id, name);
    $("figures").appendChild(img);
  }
  if (job.files.includes("report.html")) {
    $("report").src = await blobUrl(job.id, "report.html");
    $("report").hidden = false;
  }
}

async function listJobs() {
  try {
    const { jobs } = await (await api("/v1/jobs?limit=20")).json();
    $("jobs").querySelector("tbody").replaceChildren(...jobs.map((job) => {
      const tr = document.createElement("tr");
      for (const value of [job.id, job.kind, job.name, job.status]) {
        const td = document.createElement("td");
        td.textContent = value;
        tr.appendChild(td);
      }
      tr.addEventListener("click", () => show(job.id));
      return tr;
    }));
  } catch (e) { /* the key may not be set yet */ }
}

$("api-key").value = localStorage.getItem("optiops-key") || "";
$("job-form").addEventListener("submit", submit);
$("refresh").addEventListener("click", listJobs);
$("stop").addEventListener("click", async () => {
  try { await api(`/v1/jobs/${current}`, { method: "DELETE" }); } catch (e) { $("job-error").textContent = e.message; }
});
listJobs();
