// The operator console: map, key figures, boards, damage edits, alert queue, live updates.
"use strict";

const $ = (id) => document.getElementById(id);
const ROLES = ["viewer", "operator", "approver", "admin"];

const state = {
  user: null,
  map: null,
  mapReady: null,
  geometry: null, // the city's columns (/console/geometry), fetched once
  geometryLoad: null,
  gl: null, // the WebGL layers of the buildings and the branches in service
  nodesShown: 0,
  layers: null, // feature collections built once from the geometry; their states follow the situation
  incidents: [],
  alerts: [],
  selectedAlert: null,
  tool: null, // null | "circle" | "polygon" | "incident"
  shape: null, // {circle: {...}} | {polygon: [...]}
  polygon: [],
  incidentPoint: null,
  loading: null,
  reloadAgain: false,
  timeline: null, // {start: ms, end: ms, events: [...]}
  replay: null, // ISO time the console shows, or null: live
  playing: null,
};

const STATES = ["served", "power", "heat", "both"]; // codes of /console/layers
const STATE_COLOURS = {served: "#2f7d4f", power: "#6a3d9a", heat: "#d95f0e", both: "#b2182b"};
// Colour of a building without heat by its hours to 12 °C (unknown: 96 h), linear between stops.
const H12_STOPS = [[6, "#67000d"], [12, "#b2182b"], [24, "#e6550d"], [48, "#fd8d3c"], [72, "#fdd0a2"]];
const NETWORK_STYLE = {power: ["#4a5a6a", 1, 1.5], heat: ["#c2410c", 0.6, 2.5]}; // colour, opacity, width px
const BUILDING_ZOOMS = [11, 15]; // radius 2.5 px at zoom 11, 4 + √people / 3 px at 15

const LAYER_GROUPS = [
  {id: "buildings", label: "Buildings", layers: ["buildings"]},
  {id: "networks", label: "Power and heat networks", layers: ["net-lines", "net-bad"]},
  {id: "assets", label: "Damaged assets", layers: ["assets-damaged"]},
  {id: "outage", label: "Outage areas", layers: ["outage-fill", "outage-line"]},
  {id: "incidents", label: "Incidents", layers: ["incidents", "incident-areas"]},
  {id: "centres", label: "Warming centres", layers: ["centres"]},
  {id: "crews", label: "Crews", layers: ["crews"]},
];

function allows(role) {
  return state.user && ROLES.indexOf(state.user.role) >= ROLES.indexOf(role);
}

// ---------- sign-in ----------

async function start() {
  const answer = await wg.api("/session");
  if (!answer.ok || !answer.data.signed_in) {
    showSignIn();
    return;
  }
  await enter(answer.data);
}

function showSignIn() {
  $("console-view").hidden = true;
  $("who").hidden = true;
  $("signin-view").hidden = false;
  $("signin-token").focus();
}

async function enter(user) {
  state.user = user;
  wg.csrf = user.csrf_token;
  $("signin-view").hidden = true;
  $("console-view").hidden = false;
  $("who").hidden = false;
  $("who-name").textContent = `${user.name} (${user.role})`;
  for (const node of document.querySelectorAll(".needs-operator")) {
    if (!allows("operator")) node.remove();
  }
  setupTabs();
  setupMap();
  setupForms();
  setupTimeline();
  await reload();
  listen();
}

$("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const token = $("signin-token").value.trim();
  $("signin-error").textContent = "";
  if (!token) {
    $("signin-error").textContent = "Enter your API token.";
    return;
  }
  const answer = await wg.api("/session", {method: "POST", body: {token}});
  if (!answer.ok) {
    $("signin-error").textContent = wg.message(answer);
    return;
  }
  $("signin-token").value = "";
  await enter(answer.data);
});

$("sign-out").addEventListener("click", async () => {
  await wg.api("/session", {method: "DELETE"});
  window.location.reload();
});

// ---------- tabs ----------

function setupTabs() {
  const tabs = [...document.querySelectorAll("#tabs [role=tab]")];
  for (const tab of tabs) {
    tab.addEventListener("click", () => selectTab(tab.id));
  }
}

function selectTab(id) {
  for (const tab of document.querySelectorAll("#tabs [role=tab]")) {
    const on = tab.id === id;
    tab.setAttribute("aria-selected", on ? "true" : "false");
    const board = $(tab.getAttribute("aria-controls"));
    if (board) board.hidden = !on;
  }
}

// ---------- figures ----------

function figure(label, value, note, urgent) {
  return wg.el("div", {class: urgent ? "figure urgent" : "figure"},
    wg.el("span", {class: "label"}, label),
    wg.el("strong", {class: "value"}, value),
    note ? wg.el("span", {class: "note"}, note) : null);
}

function renderFigures(f) {
  $("asof").textContent = `Situation since ${wg.clock(f.start)} · ${f.damaged_assets.length} damaged assets`;
  const critical = (list) => list.map((b) => b.name || b.id).join(", ");
  const next = f.next_etrs.length
    ? f.next_etrs.slice(0, 3).map((r) => `${r.service} for ${wg.number(r.people)} by ${wg.clock(r.etr_at)}`).join("; ")
    : "no plan";
  const box = $("figures");
  box.replaceChildren(
    figure("People without power", wg.number(f.people_without_power), `${f.buildings_without_power} buildings`),
    figure("People without heat", wg.number(f.people_without_heat), `${f.buildings_without_heat} buildings`),
    figure("Critical facilities without power", String(f.critical_without_power.length), critical(f.critical_without_power), f.critical_without_power.length > 0),
    figure("Critical facilities without heat", String(f.critical_without_heat.length), critical(f.critical_without_heat), f.critical_without_heat.length > 0),
    figure("First homes below 12 °C", f.first_below_12c_at ? wg.clock(f.first_below_12c_at) : "—", wg.hours(f.first_below_12c_h), f.first_below_12c_h !== null && f.first_below_12c_h < 24),
    figure("First homes below 5 °C", f.first_below_5c_at ? wg.clock(f.first_below_5c_at) : "—", wg.hours(f.first_below_5c_h)),
    figure("Drain the heat network by", f.drain_deadline_at ? wg.clock(f.drain_deadline_at) : "—", f.drain_deadline_h === null ? "no freezing within the forecast" : wg.hours(f.drain_deadline_h), f.drain_deadline_h !== null),
    figure("Next restorations", "", next),
  );
  box.dataset.peopleWithoutPower = String(f.people_without_power);
  box.dataset.peopleWithoutHeat = String(f.people_without_heat);
}

// ---------- map ----------

function setupMap() {
  state.map = wg.newMap("map");
  state.map.addControl(new maplibregl.NavigationControl({showCompass: false}), "bottom-right");
  state.mapReady = new Promise((resolve) => state.map.on("load", resolve));
  state.mapReady.then(addLayers);
}

const ASSETS_MIN_ZOOM = 15;

function addLayers() {
  const map = state.map;
  for (const name of ["networks", "assets", "damaged", "outage", "incidents", "centres", "crews", "alertArea", "draft"]) {
    map.addSource(name, {type: "geojson", data: wg.emptyCollection()});
  }
  map.addLayer({id: "outage-fill", type: "fill", source: "outage", paint: {"fill-color": "#d95f0e", "fill-opacity": 0.12}});
  map.addLayer({id: "outage-line", type: "line", source: "outage", paint: {"line-color": "#d95f0e", "line-width": 1.5, "line-dasharray": [2, 2]}});
  map.addLayer({id: "incident-areas", type: "fill", source: "incidents", filter: ["==", ["geometry-type"], "Polygon"], paint: {"fill-color": "#ff7f00", "fill-opacity": 0.2}});
  // The branches in service and the buildings are WebGL layers (wg.lineLayer, wg.pointLayer)
  // put in below "net-bad" and "assets-pick" once the geometry is there.
  map.addLayer({id: "net-bad", type: "line", source: "networks", paint: {
    "line-color": ["case", ["==", ["get", "state"], "damaged"], "#d7191c", "#7a7a7a"],
    "line-width": ["case", ["==", ["get", "state"], "damaged"], 5, 2.5],
    "line-dasharray": [1.5, 1],
  }});
  // Every node only close up (to pick one); the damaged ones always.
  map.addLayer({id: "assets-pick", type: "circle", source: "assets", minzoom: ASSETS_MIN_ZOOM, paint: {"circle-radius": 3, "circle-color": "#4a5a6a", "circle-opacity": 0.6}});
  map.addLayer({id: "assets-damaged", type: "circle", source: "damaged", paint: {"circle-radius": 7, "circle-color": "#d7191c", "circle-stroke-color": "#ffffff", "circle-stroke-width": 2}});
  map.addLayer({id: "incidents", type: "circle", source: "incidents", filter: ["==", ["geometry-type"], "Point"], paint: {
    "circle-radius": 9, "circle-color": "#ff7f00",
    "circle-opacity": ["match", ["get", "certainty"], "Observed", 0.95, "Likely", 0.75, "Possible", 0.5, 0.3],
    "circle-stroke-color": "#5a2d00", "circle-stroke-width": 2,
  }});
  map.addLayer({id: "centres", type: "circle", source: "centres", paint: {"circle-radius": 8, "circle-color": "#1a9850", "circle-stroke-color": "#ffffff", "circle-stroke-width": 3}});
  map.addLayer({id: "crews", type: "circle", source: "crews", paint: {"circle-radius": 7, "circle-color": "#2166ac", "circle-stroke-color": "#ffffff", "circle-stroke-width": 2}});
  map.addLayer({id: "alert-area", type: "line", source: "alertArea", paint: {"line-color": "#08519c", "line-width": 3}});
  map.addLayer({id: "draft-fill", type: "fill", source: "draft", filter: ["==", ["geometry-type"], "Polygon"], paint: {"fill-color": "#d7191c", "fill-opacity": 0.15}});
  map.addLayer({id: "draft-points", type: "circle", source: "draft", filter: ["==", ["geometry-type"], "Point"], paint: {"circle-radius": 4, "circle-color": "#d7191c"}});

  const clickable = ["incidents", "crews", "centres", "assets-damaged", "assets-pick", "net-bad"];
  for (const id of clickable) {
    map.on("mouseenter", id, () => { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", id, () => { map.getCanvas().style.cursor = ""; });
  }
  map.on("click", (event) => onMapClick(event, clickable));
  map.on("moveend", showNodesInView);
  map.on("dblclick", (event) => {
    if (state.tool === "polygon") {
      event.preventDefault();
      finishPolygon();
    }
  });
  renderToggles();
  renderLegend();
}

function renderToggles() {
  const box = $("toggles");
  for (const group of LAYER_GROUPS) {
    const id = `toggle-${group.id}`;
    const input = wg.el("input", {type: "checkbox", id, checked: true});
    input.addEventListener("change", () => {
      for (const layer of group.layers) {
        if (state.map.getLayer(layer)) state.map.setLayoutProperty(layer, "visibility", input.checked ? "visible" : "none");
      }
    });
    box.append(wg.el("div", {class: "toggle"}, input, wg.el("label", {for: id}, group.label)));
  }
}

function renderLegend() {
  const swatch = (colour, label, ring) => wg.el("li", {},
    wg.el("span", {class: ring ? "swatch ring" : "swatch", "data-colour": colour}), label);
  const list = wg.el("ul", {},
    swatch(STATE_COLOURS.served, "served"),
    swatch(STATE_COLOURS.power, "no power"),
    swatch("#b2182b", "no heat: 12 °C within 12 h"),
    swatch("#e6550d", "no heat: within 24 h"),
    swatch("#fdd0a2", "no heat: later"),
    swatch("#b2182b", "no power and no heat (dark ring)", true),
    swatch("#d7191c", "damaged asset or branch"),
    swatch("#7a7a7a", "de-energised or cold branch"),
    swatch("#ff7f00", "incident (paler: less certain)"),
    swatch("#1a9850", "warming centre"),
    swatch("#2166ac", "crew"));
  $("legend").replaceChildren(wg.el("h2", {}, "Legend"), list);
  for (const node of $("legend").querySelectorAll(".swatch")) {
    node.style.background = node.dataset.colour;
  }
}

function onMapClick(event, clickable) {
  const point = [event.lngLat.lng, event.lngLat.lat];
  if (state.tool === "circle") {
    const radius = Number($("dmg-radius").value);
    state.shape = {circle: {lon: point[0], lat: point[1], radius_m: radius}};
    state.tool = null;
    drawShape();
    return;
  }
  if (state.tool === "polygon") {
    state.polygon.push(point);
    drawShape();
    return;
  }
  if (state.tool === "incident") {
    state.incidentPoint = point;
    state.tool = null;
    $("inc-where").textContent = `Location: ${point[0].toFixed(5)}, ${point[1].toFixed(5)}`;
    $("map-hint").textContent = "";
    return;
  }
  const hit = featureAt(event.point, clickable);
  if (hit) showFeature(hit);
}

const shown = (id) => state.map.getLayer(id) && state.map.getLayoutProperty(id, "visibility") !== "none";

/** The topmost feature at a screen point: the map's own layers above the buildings, the
 * buildings, the broken branches, then the branches in service. */
function featureAt(screen, clickable) {
  const above = clickable.filter((id) => id !== "net-bad" && shown(id));
  const hits = state.map.queryRenderedFeatures(screen, {layers: above});
  if (hits.length) return hits[0];
  const picked = (id, source) => {
    const row = shown(id) ? state.gl[source].pick([screen.x, screen.y]) : -1;
    return row >= 0 ? {properties: state.layers[source].features[row].properties, layer: {id}} : null;
  };
  const building = state.gl && picked("buildings", "buildings");
  if (building) return building;
  const bad = shown("net-bad") ? state.map.queryRenderedFeatures(screen, {layers: ["net-bad"]}) : [];
  if (bad.length) return bad[0];
  return state.gl ? picked("net-lines", "networks") : null;
}

function drawShape() {
  const features = [];
  let text = "No area drawn.";
  if (state.shape && state.shape.circle) {
    const c = state.shape.circle;
    const ring = [];
    for (let k = 0; k <= 48; k++) {
      const angle = (2 * Math.PI * k) / 48;
      const dLat = (c.radius_m / 111320) * Math.sin(angle);
      const dLon = (c.radius_m / (111320 * Math.cos((c.lat * Math.PI) / 180))) * Math.cos(angle);
      ring.push([c.lon + dLon, c.lat + dLat]);
    }
    features.push({type: "Feature", geometry: {type: "Polygon", coordinates: [ring]}, properties: {}});
    text = `Circle of ${c.radius_m} m at ${c.lon.toFixed(5)}, ${c.lat.toFixed(5)}.`;
  } else if (state.polygon.length) {
    for (const p of state.polygon) features.push({type: "Feature", geometry: {type: "Point", coordinates: p}, properties: {}});
    if (state.polygon.length >= 3) {
      features.push({type: "Feature", geometry: {type: "Polygon", coordinates: [[...state.polygon, state.polygon[0]]]}, properties: {}});
    }
    text = state.tool === "polygon"
      ? `Polygon: ${state.polygon.length} points. Double-click the map to finish.`
      : `Polygon of ${state.polygon.length} points.`;
  }
  state.map.getSource("draft").setData({type: "FeatureCollection", features});
  $("dmg-shape").textContent = text;
  $("map-hint").textContent = state.tool ? text : "";
}

function finishPolygon() {
  state.tool = null;
  if (state.polygon.length >= 3) state.shape = {polygon: state.polygon.slice()};
  drawShape();
}

// ---------- details ----------

function detailList(rows) {
  const dl = wg.el("dl", {class: "facts"});
  for (const [term, value] of rows) {
    if (value === null || value === undefined || value === "") continue;
    dl.append(wg.el("dt", {}, term), wg.el("dd", {}, value));
  }
  return dl;
}

async function showFeature(feature) {
  const p = feature.properties;
  const layer = feature.layer.id;
  selectTab("tab-details");
  const box = $("details");
  if (layer === "buildings") {
    const answer = await wg.api(`/console/buildings/${encodeURIComponent(state.geometry.buildings.id[p.i])}`);
    if (!answer.ok) {
      box.replaceChildren(wg.el("p", {class: "field-error"}, wg.message(answer)));
      return;
    }
    const b = answer.data;
    const why = Object.entries(b.why_text).map(([service, lines]) => wg.el("div", {},
      wg.el("h3", {}, `Why no ${service}`), wg.el("pre", {class: "why"}, lines.join("\n"))));
    box.replaceChildren(
      wg.el("h2", {}, b.name || b.id),
      detailList([
        ["Id", b.id], ["Use", b.use + (b.critical ? " (critical facility)" : "")],
        ["People", wg.number(b.people)], ["State", {served: "served", power: "no power", heat: "no heat", both: "no power and no heat"}[b.state]],
        ["Hours to 12 °C", b.state === "heat" || b.state === "both" ? wg.hours(b.hours_to_12c) : null],
        ["Power back (ETR)", b.power_etr_h === null ? null : wg.hours(b.power_etr_h)],
        ["Heat back (ETR)", b.heat_etr_h === null ? null : wg.hours(b.heat_etr_h)],
      ]),
      ...why);
    return;
  }
  if (layer === "incidents" || layer === "incident-areas") {
    const incident = state.incidents.find((i) => i.id === p.id);
    if (incident) box.replaceChildren(incidentCard(incident, true));
    return;
  }
  if (layer === "crews") {
    const job = (j) => (j ? `${state.layers.labels[j.task] || j.task}, ${wg.hours(j.start_h)}–${wg.hours(j.end_h)}` : "none");
    const parse = (v) => (typeof v === "string" ? JSON.parse(v) : v || null);
    const current = parse(p.current);
    const next = parse(p.next);
    box.replaceChildren(wg.el("h2", {}, `Crew ${p.id}`),
      detailList([["First repair", job(current)], ["Next repair", job(next)]]));
    return;
  }
  if (layer === "centres") {
    box.replaceChildren(wg.el("h2", {}, p.name), wg.el("p", {}, "Warming centre: heated, powered, open to the public."));
    return;
  }
  const branch = layer.startsWith("net-");
  const g = branch ? state.geometry.branches : state.geometry.assets;
  const id = g.id[p.i];
  const status = branch ? p.state : state.layers.damaged.has(p.i) ? "damaged" : "in service";
  const asset = wg.el("div", {},
    wg.el("h2", {}, g.name[p.i] || id),
    detailList([["Id", id], ["Network", g.network[p.i]], ["Kind", g.kind[p.i]], ["State", status]]));
  if (allows("operator")) {
    asset.append(wg.el("button", {type: "button", onclick: () => {
      $("dmg-assets").value = id;
      selectTab("tab-damage");
      $("dmg-note").focus();
    }}, "Mark damaged…"));
  }
  box.replaceChildren(asset);
}

// ---------- incidents ----------

function incidentCard(incident, open) {
  const reports = incident.reports.map((r) => wg.el("li", {},
    wg.el("strong", {}, `${r.source_name} (${r.source_kind.replace("_", " ")}), ${r.certainty}`),
    wg.el("span", {class: "muted"}, ` ${wg.clock(r.received_at)}`),
    wg.el("q", {}, r.quoted_text)));
  const revisions = incident.revisions.map((v) => wg.el("li", {},
    `rev. ${v.revision} · ${wg.clock(v.changed_at)} · ${v.changed_by}${v.note ? ": " + v.note : ""}`));
  const damage = incident.damage.map((d) => wg.el("li", {class: d.retracted ? "retracted" : ""},
    `${d.asset_id} · ${d.confirmed_by} · ${wg.clock(d.confirmed_at)}${d.note ? " · " + d.note : ""}${d.retracted ? " (retracted)" : ""}`));
  const certainty = incident.reports.length ? incident.reports[incident.reports.length - 1].certainty : "Unknown";
  return wg.el("details", {class: "incident", open: open || false, "data-incident": incident.id},
    wg.el("summary", {},
      wg.el("span", {class: `badge ${incident.status}`}, incident.status),
      ` #${incident.id} `, wg.el("span", {class: "title"}, incident.title),
      wg.el("span", {class: "muted"}, ` · ${incident.kind.replace("_", " ")} · ${certainty}`)),
    wg.el("h3", {}, "Sources"), reports.length ? wg.el("ul", {}, reports) : wg.el("p", {class: "muted"}, "No report yet."),
    wg.el("h3", {}, "Confirmed damage"), damage.length ? wg.el("ul", {}, damage) : wg.el("p", {class: "muted"}, "None."),
    wg.el("h3", {}, "Timeline"), wg.el("ul", {}, revisions));
}

function renderIncidents() {
  $("incident-list").replaceChildren(...state.incidents.map((i) => wg.el("li", {}, incidentCard(i, false))));
  const select = $("dmg-incident");
  if (select) {
    const keep = select.value;
    select.replaceChildren(...state.incidents
      .filter((i) => i.status !== "ruled_out")
      .map((i) => wg.el("option", {value: i.id}, `#${i.id} ${i.title}`)));
    if (keep && [...select.options].some((o) => o.value === keep)) select.value = keep;
  }
  const features = [];
  for (const incident of state.incidents) {
    if (!incident.location) continue;
    const certainty = incident.reports.length ? incident.reports[incident.reports.length - 1].certainty : "Unknown";
    features.push({type: "Feature", geometry: incident.location, properties: {id: incident.id, title: incident.title, certainty}});
  }
  state.mapReady.then(() => state.map.getSource("incidents").setData({type: "FeatureCollection", features}));
}

// ---------- charts ----------

function lineChart(container, xs, series, options) {
  const width = 400, height = 180, left = 52, bottom = 26, top = 10, right = 20;
  const maxY = Math.max(1, ...series.flatMap((s) => s.values));
  const maxX = Math.max(1, ...xs);
  const x = (v) => left + ((width - left - right) * v) / maxX;
  const y = (v) => top + (height - top - bottom) * (1 - v / maxY);
  const svg = wg.svg("svg", {viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": options.label});
  svg.append(wg.svg("line", {x1: left, y1: y(0), x2: width - right, y2: y(0), class: "axis"}));
  svg.append(wg.svg("line", {x1: left, y1: top, x2: left, y2: y(0), class: "axis"}));
  for (const tick of [0, maxY / 2, maxY]) {
    svg.append(wg.svg("text", {x: left - 4, y: y(tick) + 4, class: "tick", "text-anchor": "end"}, Math.round(tick).toLocaleString("en-GB")));
  }
  const step = maxX > 48 ? 24 : maxX > 12 ? 6 : 1;
  for (let t = 0; t <= maxX; t += step) {
    svg.append(wg.svg("text", {x: x(t), y: height - 8, class: "tick", "text-anchor": "middle"}, `${t} h`));
  }
  for (const s of series) {
    const points = s.values.map((v, k) => `${x(s.xs ? s.xs[k] : xs[k]).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    svg.append(wg.svg("polyline", {points, class: `series ${s.class}`}));
  }
  const legend = wg.el("ul", {class: "chart-legend"}, series.map((s) => wg.el("li", {}, wg.el("span", {class: `key ${s.class}`}), s.label)));
  container.replaceChildren(svg, legend);
}

function renderCooldown(chart) {
  const s = chart.series;
  if (!s.below_12c) {
    $("cooldown-chart").replaceChildren(wg.el("p", {class: "muted"}, "Every building keeps its heat."));
    return;
  }
  lineChart($("cooldown-chart"), chart.hours, [
    {values: s.below_12c, label: "below 12 °C, no repairs", class: "c12"},
    {values: s.below_12c_plan, label: "below 12 °C, with the plan", class: "c12 plan"},
    {values: s.below_5c, label: "below 5 °C, no repairs", class: "c5"},
    {values: s.below_5c_plan, label: "below 5 °C, with the plan", class: "c5 plan"},
  ], {label: "People below 12 °C and 5 °C over the forecast hours"});
}

function renderPlan(plan) {
  if (!plan) {
    for (const id of ["gantt", "curve", "etr-table"]) $(id).replaceChildren(wg.el("p", {class: "muted"}, "No plan: no damage or no crews."));
    return;
  }
  const crews = Object.keys(plan.timeline);
  const end = Math.max(1, ...Object.values(plan.timeline).flat().map((j) => j.end_h));
  const width = 400, row = 26, left = 90, right = 22, height = crews.length * row + 24;
  const x = (h) => left + ((width - left - right) * h) / end;
  const svg = wg.svg("svg", {viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "Repairs of each crew over time"});
  crews.forEach((crew, k) => {
    svg.append(wg.svg("text", {x: 4, y: k * row + 17, class: "tick"}, crew));
    for (const job of plan.timeline[crew]) {
      if (job.travel_h > 0) svg.append(wg.svg("rect", {x: x(job.start_h - job.travel_h), y: k * row + 9, width: Math.max(1, x(job.start_h) - x(job.start_h - job.travel_h)), height: 6, class: "travel"}));
      svg.append(wg.svg("rect", {x: x(job.start_h), y: k * row + 4, width: Math.max(2, x(job.end_h) - x(job.start_h)), height: 16, class: "job"},
        wg.svg("title", {}, `${plan.labels[job.task] || job.task}: ${job.start_h.toFixed(1)}–${job.end_h.toFixed(1)} h`)));
    }
  });
  const step = end > 48 ? 12 : end > 12 ? 4 : 1;
  for (let t = 0; t <= end; t += step) svg.append(wg.svg("text", {x: x(t), y: height - 4, class: "tick", "text-anchor": "middle"}, `${t} h`));
  $("gantt").replaceChildren(svg);
  const curve = plan.restoration_curve;
  const xs = [];
  const values = [];
  curve.forEach((p, k) => {
    if (k > 0) { xs.push(p.t_h); values.push(curve[k - 1].people_restored); }
    xs.push(p.t_h); values.push(p.people_restored);
  });
  lineChart($("curve"), xs, [{values, xs, label: "people with power and heat back (each person counted once)", class: "restored"}], {label: "People with service back over time"});
  const rows = plan.groups.slice().sort((a, b) => (a.etr_h ?? 1e9) - (b.etr_h ?? 1e9)).map((g) => wg.el("tr", {},
    wg.el("td", {}, g.service), wg.el("td", {class: "num"}, wg.number(g.people)),
    wg.el("td", {}, wg.clock(g.etr_at)), wg.el("td", {}, g.waits_for.map((t) => plan.labels[t] || t).join(", "))));
  $("etr-table").replaceChildren(wg.el("table", {},
    wg.el("thead", {}, wg.el("tr", {}, wg.el("th", {scope: "col"}, "Service"), wg.el("th", {scope: "col"}, "People"), wg.el("th", {scope: "col"}, "ETR"), wg.el("th", {scope: "col"}, "Waits for"))),
    wg.el("tbody", {}, rows)));
  state.layers.labels = plan.labels;
}

// ---------- alerts ----------

function renderAlerts() {
  const items = state.alerts.map((a) => wg.el("li", {},
    wg.el("button", {type: "button", class: "link", "data-alert": a.id, onclick: () => previewAlert(a.id)},
      wg.el("span", {class: `badge ${a.status}`}, a.superseded_by ? "superseded" : a.status),
      ` #${a.id} ${a.msg_type}: `, wg.el("span", {class: "title"}, a.headline)),
    wg.el("span", {class: "muted"}, ` by ${a.created_by}${a.published_by ? ", published by " + a.published_by : ""}`)));
  $("alert-list").replaceChildren(...items);
  if (state.selectedAlert) previewAlert(state.selectedAlert, true);
}

async function previewAlert(id, quiet) {
  const answer = await wg.api(`/console/alerts/${id}/preview`);
  if (!answer.ok) return;
  state.selectedAlert = id;
  const a = answer.data;
  const texts = Object.entries(a.texts).map(([language, t]) => wg.el("section", {lang: language, class: "alert-text"},
    wg.el("h3", {}, t.headline), wg.el("p", {}, t.description), t.instruction ? wg.el("p", {class: "instruction"}, t.instruction) : null));
  const actions = wg.el("div", {class: "row"});
  const error = wg.el("p", {class: "field-error", role: "alert"});
  if (a.status === "draft" && allows("approver")) {
    actions.append(wg.el("button", {type: "button", id: "alert-publish", onclick: async () => {
      const done = await wg.api(`/alert-messages/${id}/publish`, {method: "POST"});
      if (!done.ok) error.textContent = wg.message(done);
      else await reload();
    }}, "Approve and publish"));
  }
  if (a.status === "published" && allows("operator")) {
    actions.append(wg.el("button", {type: "button", class: "secondary", onclick: async () => {
      const done = await wg.api(`/alert-messages/${id}/update`, {method: "POST", body: {expires_after_minutes: 360, note: "Still valid; reviewed by the emergency centre."}});
      if (!done.ok) error.textContent = wg.message(done);
      else await reload();
    }}, "Draft an update (valid 6 h more)"));
    actions.append(wg.el("button", {type: "button", class: "secondary", onclick: async () => {
      const done = await wg.api(`/alert-messages/${id}/cancel`, {method: "POST", body: {reason: "Cancelled by the emergency centre."}});
      if (!done.ok) error.textContent = wg.message(done);
      else await reload();
    }}, "Draft a cancel"));
  }
  $("alert-preview").replaceChildren(wg.el("div", {class: "card"},
    wg.el("h2", {}, `Alert #${a.id} (${a.status})`), ...texts, actions, error,
    wg.el("details", {}, wg.el("summary", {}, "CAP XML"), wg.el("pre", {class: "xml"}, a.cap_xml))));
  state.mapReady.then(() => state.map.getSource("alertArea").setData({type: "FeatureCollection", features: a.areas}));
  if (!quiet) selectTab("tab-alerts");
}

// ---------- forms ----------

function setupForms() {
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const query = $("search").value.trim().toLowerCase();
    $("search-error").textContent = "";
    if (!query || !state.layers) return;
    const sources = [["buildings", "buildings", "buildings"], ["assets", "assets", "assets-pick"], ["branches", "networks", "net-power"]];
    for (const [columns, source, layer] of sources) {
      const g = state.geometry[columns];
      let row = g.id.findIndex((id) => id.toLowerCase() === query);
      if (row < 0) row = g.name.findIndex((name) => (name || "").toLowerCase().includes(query));
      if (row >= 0) {
        const found = state.layers[source].features[row];
        const c = found.geometry.type === "Point" ? found.geometry.coordinates : found.geometry.coordinates[0];
        state.map.flyTo({center: c, zoom: Math.max(state.map.getZoom(), ASSETS_MIN_ZOOM)});
        showFeature({properties: found.properties, layer: {id: layer}});
        return;
      }
    }
    $("search-error").textContent = `Nothing called “${$("search").value.trim()}”.`;
  });
  if (!allows("operator")) return;

  $("inc-pick").addEventListener("click", () => {
    state.tool = "incident";
    $("map-hint").textContent = "Click the map where the incident is.";
  });
  $("incident-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const value = (name) => form.elements[name].value.trim();
    $("incident-error").textContent = "";
    for (const old of form.querySelectorAll(".inline-error")) old.remove();
    const missing = ["title", "source_name", "quoted_text"].find((n) => !value(n));
    if (missing) {
      $("incident-error").textContent = `Fill in “${form.elements[missing].labels[0].textContent}”.`;
      form.elements[missing].focus();
      return;
    }
    const centre = state.map.getCenter();
    const point = state.incidentPoint || [centre.lng, centre.lat];
    const answer = await wg.api("/incidents", {method: "POST", body: {
      kind: value("kind"), title: value("title"), occurred_at: new Date().toISOString(), time_precision: "minute",
      location: {type: "Point", coordinates: point}, location_precision_m: 100,
      report: {source_name: value("source_name"), source_kind: value("source_kind"), received_at: new Date().toISOString(),
        quoted_text: value("quoted_text"), certainty: value("certainty")},
    }});
    if (!answer.ok) {
      wg.showFieldError(form, answer, $("incident-error"));
      return;
    }
    form.reset();
    state.incidentPoint = null;
    $("inc-where").textContent = "Location: centre of the map (or pick one).";
    await reload();
    $("dmg-incident").value = String(answer.data.id);
  });

  $("dmg-circle").addEventListener("click", () => {
    state.tool = "circle";
    state.polygon = [];
    state.shape = null;
    $("map-hint").textContent = "Click the centre of the damaged area on the map.";
  });
  $("dmg-polygon").addEventListener("click", () => {
    state.tool = "polygon";
    state.polygon = [];
    state.shape = null;
    drawShape();
  });
  $("dmg-clear").addEventListener("click", () => {
    state.tool = null;
    state.polygon = [];
    state.shape = null;
    drawShape();
  });
  $("damage-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("damage-error").textContent = "";
    for (const old of event.target.querySelectorAll(".inline-error")) old.remove();
    if (state.tool === "polygon") finishPolygon();
    const incident = Number($("dmg-incident").value);
    if (!incident) {
      $("damage-error").textContent = "Choose the incident that caused the damage (add one first).";
      return;
    }
    const ids = $("dmg-assets").value.split(",").map((s) => s.trim()).filter(Boolean);
    const body = {incident_id: incident, asset_ids: ids, note: $("dmg-note").value.trim()};
    if (state.shape && state.shape.circle) body.circle = state.shape.circle;
    if (state.shape && state.shape.polygon) body.polygon = state.shape.polygon;
    if (!ids.length && !state.shape) {
      $("damage-error").textContent = "Name an asset, or draw a circle or a polygon.";
      return;
    }
    $("dmg-submit").disabled = true;
    const answer = await wg.api("/console/damage", {method: "POST", body});
    $("dmg-submit").disabled = false;
    if (!answer.ok) {
      wg.showFieldError(event.target, answer, $("damage-error"));
      return;
    }
    renderFigures(answer.data.figures);
    $("damage-result").textContent = answer.data.added.length
      ? `Recorded as damaged: ${answer.data.added.join(", ")}.`
      : "Already recorded; nothing new.";
    $("dmg-assets").value = "";
    state.shape = null;
    state.polygon = [];
    drawShape();
    await reload();
  });

  $("alert-draft").addEventListener("click", async () => {
    $("alert-error").textContent = "";
    const answer = await wg.api("/console/alerts/draft", {method: "POST"});
    if (!answer.ok) {
      $("alert-error").textContent = wg.message(answer);
      return;
    }
    await reload();
    previewAlert(answer.data[0].id);
  });
}

// ---------- timeline (replay of the log) ----------

const MINUTE_MS = 60000;
const MAX_SUGGESTIONS = 1000;

function setupTimeline() {
  const range = $("tl-range");
  let pending = null;
  range.addEventListener("input", () => {
    clearTimeout(pending);
    pending = setTimeout(() => showAsOf(rangeTime()), 120);
  });
  $("tl-live").addEventListener("click", goLive);
  $("tl-play").addEventListener("click", () => (state.playing ? stopPlaying() : play()));
}

function rangeTime() {
  return new Date(state.timeline.start + Number($("tl-range").value) * MINUTE_MS);
}

function renderTimeline(data) {
  const start = Date.parse(data.start);
  const end = Date.parse(data.end);
  state.timeline = {start, end, events: data.events};
  const range = $("tl-range");
  const steps = Math.max(1, Math.ceil((end - start) / MINUTE_MS));
  range.max = String(steps);
  if (!state.replay) range.value = String(steps);
  $("tl-ticks").replaceChildren(...data.events.map((event) =>
    wg.el("option", {value: String(Math.round((Date.parse(event.at) - start) / MINUTE_MS))})));
  range.setAttribute("aria-valuetext", state.replay ? wg.clock(state.replay) : "live");
}

function lastEventBefore(time) {
  let found = null;
  for (const event of state.timeline.events) {
    if (Date.parse(event.at) <= time.getTime()) found = event;
  }
  return found;
}

async function showAsOf(time) {
  const iso = time.toISOString();
  state.replay = iso;
  document.body.dataset.replay = "true";
  $("tl-live").disabled = false;
  const query = `?at=${encodeURIComponent(iso)}`;
  const [situation, layers] = await Promise.all([
    wg.api(`/console/situation${query}`), wg.api(`/console/layers${query}`), loadGeometry(),
  ]);
  if (state.replay !== iso) return; // the slider moved on meanwhile
  if (!situation.ok) {
    $("tl-event").textContent = wg.message(situation);
    return;
  }
  renderFigures(situation.data.figures);
  if (layers.ok) await showLayers(layers.data);
  const shown = situation.data.at;
  $("tl-at").textContent = `as of ${wg.clock(shown)}`;
  $("tl-range").setAttribute("aria-valuetext", wg.clock(shown));
  $("asof").textContent = `Replay: situation as of ${wg.clock(shown)} · ${situation.data.incidents} incidents · ${situation.data.published_alerts} alerts published`;
  const event = lastEventBefore(time);
  $("tl-event").textContent = event ? `last event: ${event.kind} — ${event.label} (${wg.clock(event.at)})` : "before the first event";
  document.body.dataset.asOf = shown;
}

function play() {
  const range = $("tl-range");
  const max = Number(range.max);
  if (Number(range.value) >= max) range.value = "0";
  $("tl-play").textContent = "Pause";
  const step = Math.max(1, Math.round(max / 60));
  state.playing = setInterval(async () => {
    const next = Math.min(max, Number(range.value) + step);
    range.value = String(next);
    await showAsOf(rangeTime());
    if (next >= max) stopPlaying();
  }, 800);
}

function stopPlaying() {
  clearInterval(state.playing);
  state.playing = null;
  $("tl-play").textContent = "Play";
}

async function goLive() {
  stopPlaying();
  state.replay = null;
  delete document.body.dataset.replay;
  delete document.body.dataset.asOf;
  $("tl-live").disabled = true;
  $("tl-at").textContent = "live";
  $("tl-event").textContent = "";
  $("tl-range").value = $("tl-range").max;
  await reload();
}

// ---------- loading and live updates ----------

async function reload() {
  if (state.loading) {
    state.reloadAgain = true;
    return state.loading;
  }
  state.loading = (async () => {
    if (state.replay) {
      await showAsOf(new Date(state.replay));
    } else {
      const [figures, layers] = await Promise.all([wg.api("/console/figures"), wg.api("/console/layers"), loadGeometry()]);
      if (figures.status === 401) {
        showSignIn();
        return;
      }
      if (figures.ok) renderFigures(figures.data);
      else $("figures").replaceChildren(wg.el("p", {class: "field-error"}, wg.message(figures)));
      if (layers.ok) await showLayers(layers.data);
    }
    const boards = Promise.all([
      wg.api("/console/incidents"), wg.api("/alert-messages?limit=50"),
      wg.api("/console/cooldown"), wg.api("/console/plan"), wg.api("/console/timeline"),
    ]);
    if (!document.body.dataset.ready) {
      // The first time, the map is drawn before the boards take the main thread.
      document.body.dataset.readyAt = String(Math.round(performance.now()));
      const drawn = new Promise((resolve) => state.map.once("idle", resolve));
      state.map.triggerRepaint();
      document.body.dataset.ready = "true";
      await drawn;
      document.body.dataset.drawnAt = String(Math.round(performance.now()));
    }
    const [incidents, alerts, cooldown, plan, timeline] = await boards;
    if (timeline.ok) renderTimeline(timeline.data);
    if (incidents.ok) {
      state.incidents = incidents.data;
      renderIncidents();
    }
    if (plan.ok) renderPlan(plan.data);
    if (cooldown.ok) renderCooldown(cooldown.data);
    if (alerts.ok) {
      state.alerts = alerts.data;
      renderAlerts();
    }
    document.body.dataset.boards = "true";
  })();
  try {
    await state.loading;
  } finally {
    state.loading = null;
  }
  if (state.reloadAgain) {
    state.reloadAgain = false;
    await reload();
  }
}

/** The city's geometry (fetched once): state.geometry, columns of buildings, branches, assets. */
async function loadGeometry() {
  if (!state.geometryLoad) {
    state.geometryLoad = wg.api("/console/geometry").then((answer) => {
      if (answer.ok) state.geometry = answer.data;
      else state.geometryLoad = null;
    });
  }
  await state.geometryLoad;
}

const point = (lon, lat, properties) => ({type: "Feature", geometry: {type: "Point", coordinates: [lon, lat]}, properties});

/** Feature collections of the geometry, built once; only their states change afterwards. */
function buildLayers(g) {
  const b = g.buildings, n = g.branches, a = g.assets;
  return {
    buildings: {type: "FeatureCollection", features: b.id.map((_, i) => point(b.lon[i], b.lat[i], {i, people: b.people[i], state: "served", h12: null}))},
    networks: {type: "FeatureCollection", features: n.id.map((_, i) => ({type: "Feature",
      geometry: {type: "LineString", coordinates: [[n.lon0[i], n.lat0[i]], [n.lon1[i], n.lat1[i]]]},
      properties: {i, network: n.network[i], state: "ok"}}))},
    assets: {type: "FeatureCollection", features: a.id.map((_, i) => point(a.lon[i], a.lat[i], {i}))},
    damaged: new Set(),
    labels: {},
  };
}

/** Put the states of /console/layers on the features; true when any changed. */
function applyStates(layers, data) {
  let changed = false;
  const set = (properties, key, value) => {
    if (properties[key] !== value) {
      properties[key] = value;
      changed = true;
    }
  };
  const codes = data.buildings.state, h12 = data.buildings.h12;
  layers.buildings.features.forEach((f, i) => {
    set(f.properties, "state", STATES[codes[i]]);
    set(f.properties, "h12", h12[i]);
  });
  const branches = new Array(layers.networks.features.length).fill("ok");
  for (const i of data.branches.dead) branches[i] = "dead";
  for (const i of data.branches.damaged) branches[i] = "damaged";
  layers.networks.features.forEach((f, i) => set(f.properties, "state", branches[i]));
  return changed;
}

function h12Colour(hours) {
  const h = hours === null || hours === undefined ? 96 : hours;
  let k = 0;
  while (k < H12_STOPS.length - 1 && h > H12_STOPS[k + 1][0]) k++;
  const [h0, c0] = H12_STOPS[k];
  const [h1, c1] = H12_STOPS[Math.min(k + 1, H12_STOPS.length - 1)];
  const share = h1 > h0 ? Math.min(1, Math.max(0, (h - h0) / (h1 - h0))) : 0;
  const a = wg.rgba(c0), b = wg.rgba(c1);
  return a.map((v, j) => Math.round(v + (b[j] - v) * share));
}

/** Colours and sizes of the buildings and branches after their states. */
function styleGl(layers) {
  const buildings = layers.buildings.features;
  const fill = new Uint8Array(buildings.length * 4);
  const stroke = new Uint8Array(buildings.length * 4);
  const size = new Float32Array(buildings.length * 3);
  const served = wg.rgba(STATE_COLOURS.served), power = wg.rgba(STATE_COLOURS.power);
  const white = wg.rgba("#ffffff"), dark = wg.rgba("#111111");
  buildings.forEach((f, i) => {
    const p = f.properties;
    const both = p.state === "both";
    fill.set(p.state === "served" ? served : p.state === "power" ? power : h12Colour(p.h12), 4 * i);
    stroke.set(both ? dark : white, 4 * i);
    size.set([2.5, 4 + Math.sqrt(p.people) / 3, both ? 1.5 : 0.5], 3 * i);
  });
  state.gl.buildings.style(fill, stroke, size);
  const branches = layers.networks.features;
  const colour = new Uint8Array(branches.length * 4);
  const width = new Float32Array(branches.length);
  branches.forEach((f, i) => {
    const [hex, opacity, px] = NETWORK_STYLE[f.properties.network] || NETWORK_STYLE.power;
    colour.set(wg.rgba(hex, f.properties.state === "ok" ? opacity : 0), 4 * i);
    width[i] = px;
  });
  state.gl.networks.style(colour, width);
}

/** Every node in view from zoom ASSETS_MIN_ZOOM on (to pick one), else none. */
function showNodesInView() {
  if (!state.layers) return;
  const map = state.map;
  let features = [];
  if (map.getZoom() >= ASSETS_MIN_ZOOM) {
    const view = map.getBounds();
    features = state.layers.assets.features.filter((f) => view.contains(f.geometry.coordinates));
  }
  if (!features.length && !state.nodesShown) return;
  state.nodesShown = features.length;
  map.getSource("assets").setData({type: "FeatureCollection", features});
}

async function showLayers(data) {
  if (!state.geometry) return;
  const first = state.layers === null;
  if (first) state.layers = buildLayers(state.geometry);
  const layers = state.layers;
  const changed = applyStates(layers, data);
  layers.damaged = new Set(data.assets.damaged);
  layers.warming_centres = data.warming_centres;
  layers.crews = data.crews;
  layers.outage_areas = data.outage_areas;
  await state.mapReady;
  const map = state.map;
  if (first) {
    const g = state.geometry;
    state.gl = {
      buildings: wg.pointLayer("buildings", g.buildings.lon, g.buildings.lat, BUILDING_ZOOMS),
      networks: wg.lineLayer("net-lines", g.branches.lon0, g.branches.lat0, g.branches.lon1, g.branches.lat1),
    };
    map.addLayer(state.gl.networks, "net-bad");
    map.addLayer(state.gl.buildings, "assets-pick");
  }
  if (first || changed) {
    styleGl(layers);
    map.getSource("networks").setData({type: "FeatureCollection", features: layers.networks.features.filter((f) => f.properties.state !== "ok")});
  }
  map.getSource("damaged").setData({type: "FeatureCollection", features: data.assets.damaged.map((i) => layers.assets.features[i])});
  map.getSource("outage").setData(data.outage_areas);
  map.getSource("centres").setData(data.warming_centres);
  map.getSource("crews").setData(data.crews);
  if (first) {
    const bounds = wg.bounds(layers.buildings, data.warming_centres);
    const wide = window.innerWidth >= 900;
    if (bounds) map.fitBounds(bounds, {padding: {top: 30, bottom: 30, right: 30, left: wide ? 300 : 30}, animate: false});
    showNodesInView();
    // Suggestions only: a datalist of every name of a large city costs seconds to build.
    const names = state.geometry.buildings.name.filter(Boolean).slice(0, MAX_SUGGESTIONS);
    $("search-list").replaceChildren(...names.map((name) => wg.el("option", {value: name})));
  }
}

function listen() {
  const source = new EventSource("/events");
  source.addEventListener("change", (event) => {
    document.body.dataset.version = event.data;
    reload();
  });
}

start();
