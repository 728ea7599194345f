// The console's rotation board: groups × time slots of the published rotating-outage
// schedule, a now-marker, critical groups marked exempt. Reads GET /rotation (viewer).
"use strict";

const rotationBoard = {data: null, timer: null};
const ROTATION_REFRESH_MS = 60_000;

function rotationSvg(shown, nowMs) {
  const start = Date.parse(shown.start);
  const end = Date.parse(shown.end);
  const spanMs = Math.max(1, end - start);
  const width = 460, row = 24, left = 178, right = 8, top = 22;
  const height = top + shown.groups.length * row + 20;
  const x = (ms) => left + ((width - left - right) * (ms - start)) / spanMs;
  const svg = wg.svg("svg", {viewBox: `0 0 ${width} ${height}`, role: "img", class: "rotation-grid",
    "aria-label": "Rotation schedule: groups by time slot, dark when off"});
  shown.slots.forEach((slot, k) => {
    const a = Date.parse(slot.start);
    svg.append(wg.svg("line", {x1: x(a), x2: x(a), y1: top - 4, y2: height - 18, class: "slot-edge"}));
    if (k % Math.max(1, Math.ceil(shown.slots.length / 8)) === 0) {
      svg.append(wg.svg("text", {x: x(a) + 2, y: top - 8, class: "tick"}, wg.clock(slot.start).split(" ").pop()));
    }
  });
  shown.groups.forEach((group, k) => {
    const y = top + k * row;
    const room = group.critical ? 26 : 30;
    const label = group.area_name.length > room ? `${group.area_name.slice(0, room - 1)}…` : group.area_name;
    svg.append(wg.svg("text", {x: 4, y: y + 16, class: group.critical ? "tick exempt" : "tick"}, label,
      wg.svg("title", {}, `${group.area_name}: ${wg.number(group.people)} people, ${group.buildings} buildings`)));
    if (group.critical) {
      svg.append(wg.svg("rect", {x: left, y: y + 4, width: width - left - right, height: row - 8, class: "exempt-row", "data-group": group.id},
        wg.svg("title", {}, `${group.area_name}: critical facility on the feeder, never off`)));
      svg.append(wg.svg("text", {x: left + 6, y: y + 16, class: "tick exempt exempt-note"}, "exempt: feeds a critical facility"));
    }
    shown.slots.forEach((slot) => {
      if (!slot.off.includes(group.id)) return;
      const a = Date.parse(slot.start), b = Date.parse(slot.finish);
      svg.append(wg.svg("rect", {x: x(a), y: y + 3, width: Math.max(1, x(b) - x(a)), height: row - 6, class: "off-cell", "data-group": group.id, "data-start": slot.start},
        wg.svg("title", {}, `${group.area_name}: off ${wg.clock(slot.start)}–${wg.clock(slot.finish)}`)));
    });
  });
  if (nowMs >= start && nowMs <= end) {
    svg.append(wg.svg("line", {x1: x(nowMs), x2: x(nowMs), y1: top - 4, y2: height - 14, class: "now-marker"}));
    svg.append(wg.svg("text", {x: x(nowMs), y: height - 3, class: "tick now-label", "text-anchor": "middle"}, "now"));
  }
  return svg;
}

function renderRotation() {
  const box = document.getElementById("rotation-board");
  const data = rotationBoard.data;
  if (!data) {
    box.replaceChildren(wg.el("p", {class: "muted"}, "No rotation schedule is published."));
    return;
  }
  const shown = data.public;
  const off = shown.groups.filter((g) => !g.critical);
  const exempt = shown.groups.filter((g) => g.critical);
  box.replaceChildren(
    wg.el("p", {class: "muted"}, `From ${wg.clock(shown.start)} to ${wg.clock(shown.end)} · deficit ${shown.deficit_mw} MW · ${off.length} rotated groups, ${exempt.length} exempt · published ${wg.clock(data.created_at)} by ${data.created_by}`),
    wg.el("div", {class: "chart"}, rotationSvg(shown, Date.now())),
    wg.el("ul", {class: "chart-legend"},
      wg.el("li", {}, wg.el("span", {class: "key off"}), "off"),
      wg.el("li", {}, wg.el("span", {class: "key exempt"}), "exempt: feeds a critical facility"),
      wg.el("li", {}, wg.el("span", {class: "key now"}), "now")),
  );
}

async function loadRotation() {
  const answer = await wg.api("/rotation");
  if (answer.ok) rotationBoard.data = answer.data;
  else {
    document.getElementById("rotation-board").replaceChildren(wg.el("p", {class: "field-error"}, wg.message(answer)));
    return;
  }
  renderRotation();
  document.body.dataset.rotation = "true";
}

async function publishRotation(event) {
  event.preventDefault();
  const form = event.target;
  const error = document.getElementById("rotation-error");
  error.textContent = "";
  for (const old of form.querySelectorAll(".inline-error")) old.remove();
  const file = document.getElementById("rot-file").files[0];
  if (!file) {
    error.textContent = "Choose the schedule's JSON file.";
    return;
  }
  let schedule;
  try {
    schedule = JSON.parse(await file.text());
  } catch (problem) {
    error.textContent = `${file.name}: not JSON (${problem.message})`;
    return;
  }
  const start = document.getElementById("rot-start").value.trim();
  const query = start ? `?${new URLSearchParams({start})}` : "";
  const answer = await wg.api(`/rotation${query}`, {method: "PUT", body: schedule});
  if (!answer.ok) {
    wg.showFieldError(form, answer, error);
    return;
  }
  form.reset();
  await loadRotation();
}

async function draftRotationAlerts() {
  const status = document.getElementById("rotation-alerts-result");
  const answer = await wg.api("/rotation/alerts", {method: "POST"});
  status.textContent = answer.ok
    ? `${answer.data.length} alert drafts (one per group still to be off): see the Alerts board.`
    : wg.message(answer);
}

document.getElementById("rotation-form").addEventListener("submit", publishRotation);
document.getElementById("rotation-alerts").addEventListener("click", draftRotationAlerts);
document.getElementById("tab-rotation").addEventListener("click", () => {
  loadRotation();
  if (rotationBoard.timer === null) rotationBoard.timer = setInterval(loadRotation, ROTATION_REFRESH_MS);
});
