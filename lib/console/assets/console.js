// The ctlstore console's page script: new change-history entries appear live (from the console's
// own /watch stream), and the fleet page refreshes its table and charts. Plain browser
// JavaScript with no build step. Values from data are set with textContent, never parsed as
// HTML; the fleet table is HTML the server rendered (and escaped) for this page.
"use strict";

const COLORS = ["#2454d6", "#d1495b", "#13855c", "#e08e0b", "#7b3fbf", "#0f8fa8", "#6b7280"];

/** The `key` member of a change event's JSON, as the server wrote it (exact digits kept). */
function keyTextOf(data) {
  const start = data.indexOf('"key":');
  const end = data.lastIndexOf(',"tx":');
  return start < 0 || end < start ? "" : data.slice(start + 6, end);
}

/** Bytes of a base64 string as 0x hex, the console's URL form of a binary key part. */
function base64ToHex(text) {
  const binary = atob(text);
  let hex = "0x";
  for (let i = 0; i < binary.length; i++) {
    hex += binary.charCodeAt(i).toString(16).padStart(2, "0");
  }
  return hex;
}

/** The row page URL of a change's key; integers keep their digits where the browser can. */
function rowHref(base, keyText, keyTypes) {
  const parts = [];
  const key = JSON.parse(
    keyText,
    (_name, value, context) =>
      typeof value === "number" && context && typeof context.source === "string"
        ? context.source
        : value,
  );
  Object.values(key).forEach((value, i) => {
    const type = keyTypes[i];
    const binary = type === "bytestring" || type === "binary";
    parts.push(["k", binary && typeof value === "string" ? base64ToHex(value) : String(value)]);
  });
  return `${base}?${new URLSearchParams(parts)}`;
}

function cell(row, className) {
  const td = document.createElement("td");
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

function changeRow(change, keyText, tbody) {
  const tr = document.createElement("tr");
  tr.className = "fresh";
  cell(tr, "n").textContent = String(change.seq);
  const time = document.createElement("time");
  time.dateTime = change.time;
  time.textContent = change.time.replace("T", " ");
  cell(tr).appendChild(time);
  const op = document.createElement("span");
  op.className = `op ${change.op}`;
  op.textContent = change.op;
  cell(tr).appendChild(op);
  const keyCell = cell(tr);
  if (change.op === "upsert" || change.op === "delete") {
    const link = document.createElement("a");
    const types = JSON.parse(tbody.dataset.keyTypes || "[]");
    link.href = rowHref(tbody.dataset.rowBase, keyText, types);
    const code = document.createElement("code");
    code.textContent = keyText;
    link.appendChild(code);
    keyCell.appendChild(link);
  } else {
    keyCell.className = "muted";
    keyCell.textContent = "whole table";
  }
  cell(tr, "n").textContent = String(change.tx);
  return tr;
}

function setSeq(seq) {
  const shown = document.querySelector("[data-ldb-seq]");
  if (shown && Number(seq) > Number(shown.textContent)) shown.textContent = String(seq);
}

function followChanges(tbody) {
  const status = document.querySelector("[data-live-status]");
  const say = (text, on) => {
    if (!status) return;
    status.textContent = text;
    status.className = `live ${on ? "on" : "off"}`;
  };
  const source = new EventSource(tbody.dataset.watch);
  source.addEventListener("open", () => say("Live: new changes appear at the top", true));
  source.addEventListener("heartbeat", (event) => {
    setSeq(JSON.parse(event.data).lastSeq);
  });
  source.addEventListener("change", (event) => {
    const change = JSON.parse(event.data);
    const keyText = keyTextOf(event.data);
    setSeq(change.seq);
    const wanted = tbody.dataset.key;
    const tableWide = change.op === "clear" || change.op === "drop";
    if (wanted !== undefined && keyText !== wanted && !tableWide) return;
    tbody.querySelector("tr.empty")?.remove();
    tbody.insertBefore(changeRow(change, keyText, tbody), tbody.firstChild);
  });
  source.addEventListener("gone", () => {
    source.close();
    say("The history moved past this page: reload it", false);
  });
  source.addEventListener("error", (event) => {
    if (event.data) {
      source.close();
      say(`Stopped: ${JSON.parse(event.data).error}`, false);
    } else {
      say("Reconnecting…", false);
    }
  });
}

function chartData(data, kind) {
  return [data.t, ...data.targets.map((target) => target[kind])];
}

function makeChart(element, kind, data) {
  const unit = kind === "latency" ? " s" : "";
  const series = [
    {},
    ...data.targets.map((target, i) => ({
      label: target.label,
      stroke: COLORS[i % COLORS.length],
      width: 2,
      value: (
        _u,
        v,
      ) => (v === null || v === undefined
        ? "—"
        : `${kind === "latency" ? v.toFixed(2) : v}${unit}`),
    })),
  ];
  return new uPlot(
    {
      width: Math.max(240, element.clientWidth),
      height: 240,
      series,
      scales: { x: { time: true } },
      axes: [{}, { size: 70 }],
    },
    chartData(data, kind),
    element,
  );
}

function followFleet(container) {
  const interval = Math.max(1000, Number(container.dataset.interval) || 5000);
  const charts = new Map();
  const draw = (data) => {
    if (typeof uPlot === "undefined") return;
    for (const element of document.querySelectorAll("[data-chart]")) {
      const kind = element.dataset.chart;
      const chart = charts.get(element);
      if (chart && chart.series.length === data.targets.length + 1) {
        chart.setData(chartData(data, kind));
      } else {
        chart?.destroy();
        charts.set(element, makeChart(element, kind, data));
      }
    }
  };
  addEventListener("resize", () => {
    for (const [element, chart] of charts) {
      chart.setSize({ width: Math.max(240, element.clientWidth), height: 240 });
    }
  });
  const refresh = async () => {
    try {
      const [table, data] = await Promise.all([
        fetch("/fleet/table").then((r) =>
          r.ok ? r.text() : Promise.reject(new Error(r.statusText))
        ),
        fetch("/fleet.json").then((r) => r.ok ? r.json() : Promise.reject(new Error(r.statusText))),
      ]);
      container.innerHTML = table;
      const local = container.querySelector('tr.target[data-kind="ldb"] td.n');
      if (local) setSeq(local.textContent);
      draw(data);
    } catch {
      container.dataset.stale = "true";
    }
    setTimeout(refresh, interval);
  };
  refresh();
}

addEventListener("DOMContentLoaded", () => {
  const history = document.querySelector("tbody[data-watch]");
  if (history) followChanges(history);
  const fleet = document.querySelector("[data-fleet]");
  if (fleet) followFleet(fleet);
});
