// The public page: published alerts, outage areas with ETR, "when is my building back",
// warming centres; in English and Ukrainian (browser language, with a switch).
"use strict";

const TEXT = {
  en: {
    title: "Power and heat outages",
    alerts: "Current alerts",
    noAlerts: "No current alerts.",
    whenBack: "When is my building back?",
    findLabel: "Address or building name",
    find: "Find",
    orClick: "Or tap your building on the map.",
    map: "Outage areas and warming centres",
    legendOutage: "share of residents out in an outage area",
    areasTitle: "Outage areas",
    areaCol: "Area",
    outCol: "Residents out",
    noAreas: "No outage areas.",
    legendCentre: "warming centre",
    legendBuilding: "buildings (tap yours)",
    centres: "Warming centres",
    footer: "Published by the city's emergency centre. Alerts also as an Atom feed.",
    etr: "Expected back",
    unknown: "not yet known",
    updated: "Last update",
    inArea: "Your building is in an outage area.",
    notInArea: "No published outage covers this building.",
    nearest: "Nearest warming centres",
    km: "km",
    nothing: "No building found. Try another name.",
    enter: "Enter an address or a building name.",
    offline: "The server does not answer. Try again shortly.",
  },
  uk: {
    title: "Відключення електроенергії та тепла",
    alerts: "Чинні оповіщення",
    noAlerts: "Чинних оповіщень немає.",
    whenBack: "Коли в моєму будинку відновлять?",
    findLabel: "Адреса або назва будинку",
    find: "Знайти",
    orClick: "Або торкніться свого будинку на карті.",
    map: "Зони відключень і пункти обігріву",
    legendOutage: "частка мешканців без послуг у зоні відключення",
    areasTitle: "Зони відключень",
    areaCol: "Зона",
    outCol: "Мешканців без послуг",
    noAreas: "Зон відключень немає.",
    legendCentre: "пункт обігріву",
    legendBuilding: "будинки (торкніться свого)",
    centres: "Пункти обігріву",
    footer: "Публікує міський центр реагування. Оповіщення також у стрічці Atom.",
    etr: "Очікуване відновлення",
    unknown: "ще невідомо",
    updated: "Оновлено",
    inArea: "Ваш будинок у зоні відключення.",
    notInArea: "Жодне опубліковане оповіщення не охоплює цей будинок.",
    nearest: "Найближчі пункти обігріву",
    km: "км",
    nothing: "Будинок не знайдено. Спробуйте іншу назву.",
    enter: "Введіть адресу або назву будинку.",
    offline: "Сервер не відповідає. Спробуйте трохи згодом.",
  },
};

const page = {
  lang: (navigator.language || "en").toLowerCase().startsWith("uk") ? "uk" : "en",
  data: null,
  results: [],
  map: null,
  mapReady: null,
};

const t = (key) => TEXT[page.lang][key];
const $ = (id) => document.getElementById(id);

function setLanguage(lang) {
  page.lang = lang;
  document.documentElement.lang = lang;
  document.title = t("title");
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const button of document.querySelectorAll(".lang")) {
    button.setAttribute("aria-pressed", button.dataset.lang === lang ? "true" : "false");
  }
  render();
}

function textsOf(alert) {
  return alert.texts[page.lang] || alert.texts.en || Object.values(alert.texts)[0];
}

function render() {
  if (!page.data) return;
  const cards = page.data.alerts.map((alert) => {
    const texts = textsOf(alert);
    return wg.el("article", {class: "card alert", lang: page.lang, "data-alert": alert.id},
      wg.el("h3", {}, texts.headline),
      wg.el("p", {}, texts.description),
      texts.instruction ? wg.el("p", {class: "instruction"}, texts.instruction) : null,
      wg.el("p", {class: "muted"}, alert.outage
        ? `${t("etr")}: ${alert.etr ? wg.clock(alert.etr) : t("unknown")} · ${t("updated")}: ${wg.clock(alert.sent)}`
        : `${t("updated")}: ${wg.clock(alert.sent)}`));
  });
  $("alerts").replaceChildren(...(cards.length ? cards : [wg.el("p", {class: "muted"}, t("noAlerts"))]));
  $("centres").replaceChildren(...page.data.warming_centres.map((c) => wg.el("li", {}, c.name)));
  renderAreas();
  renderResults();
}

// Classes of the share of residents out (PowerOutage.us style: a share, not a count).
const SHARE_STEPS = [0.1, 0.25, 0.5, 0.75];
const SHARE_COLOURS = ["#fdd49e", "#fdae6b", "#f16913", "#d94801", "#8c2d04"];
const SHARE_FILL = ["case", ["==", ["get", "share_out"], null], "#bdbdbd",
  ["step", ["get", "share_out"], SHARE_COLOURS[0],
    ...SHARE_STEPS.flatMap((step, k) => [step, SHARE_COLOURS[k + 1]])]];

function percent(share) {
  return share === null || share === undefined ? t("unknown") : `${Math.round(share * 100)} %`;
}

function renderAreas() {
  const rows = page.data.alerts.flatMap((alert) => alert.areas.map((area) => {
    const p = area.properties;
    const texts = textsOf(alert);
    return wg.el("tr", {"data-share": String(p.share_out)},
      wg.el("td", {}, texts.area || p.area),
      wg.el("td", {class: "num"}, `${percent(p.share_out)} (${wg.number(p.people_out, page.lang)} / ${wg.number(p.people, page.lang)})`),
      wg.el("td", {}, p.etr ? wg.clock(p.etr) : t("unknown")),
      wg.el("td", {}, wg.clock(p.updated)));
  }));
  $("areas").replaceChildren(rows.length
    ? wg.el("table", {},
      wg.el("thead", {}, wg.el("tr", {}, ...["areaCol", "outCol", "etr", "updated"].map((k) => wg.el("th", {scope: "col"}, t(k))))),
      wg.el("tbody", {}, ...rows))
    : wg.el("p", {class: "muted"}, t("noAreas")));
  $("share-legend").replaceChildren(...SHARE_COLOURS.map((colour, k) => {
    const low = k === 0 ? 0 : SHARE_STEPS[k - 1];
    const high = k < SHARE_STEPS.length ? SHARE_STEPS[k] : 1;
    const key = wg.el("span", {class: "key share"});
    key.style.backgroundColor = colour; // CSSOM: allowed by the Content-Security-Policy
    return wg.el("li", {}, key, wg.el("span", {}, `${Math.round(low * 100)}–${Math.round(high * 100)} %`));
  }));
}

function renderResults() {
  $("results").replaceChildren(...page.results.map((b) => {
    const texts = b.texts ? b.texts[page.lang] || b.texts.en : null;
    return wg.el("article", {class: "result"},
      wg.el("h3", {}, b.name || b.id),
      wg.el("p", {class: b.alert_id ? "status out" : "status"}, b.alert_id ? t("inArea") : t("notInArea")),
      b.alert_id ? wg.el("p", {}, `${t("etr")}: ${b.etr ? wg.clock(b.etr) : t("unknown")} · ${t("updated")}: ${wg.clock(b.updated)}`) : null,
      texts ? wg.el("p", {class: "muted"}, texts.headline) : null,
      wg.el("h4", {}, t("nearest")),
      wg.el("ul", {}, b.centres.map((c) => wg.el("li", {}, `${c.name} — ${c.km.toFixed(1)} ${t("km")}`))));
  }));
}

async function load() {
  const answer = await wg.api("/public/data");
  if (!answer.ok) {
    $("alerts").replaceChildren(wg.el("p", {class: "field-error"}, t("offline")));
    return;
  }
  page.data = answer.data;
  render();
  await page.mapReady;
  const areas = {type: "FeatureCollection", features: page.data.alerts.flatMap((a) => a.areas)};
  const centres = {type: "FeatureCollection", features: page.data.warming_centres.map((c) => ({
    type: "Feature", geometry: {type: "Point", coordinates: [c.lon, c.lat]}, properties: {name: c.name}}))};
  if (!page.map.getLayer("city")) showCity(page.data.buildings);
  page.map.getSource("areas").setData(areas);
  page.map.getSource("centres").setData(centres);
  if (document.body.dataset.ready) return;
  const city = {features: [{geometry: {coordinates: page.data.buildings}}]};
  const bounds = wg.bounds(areas, centres, city);
  if (bounds) page.map.fitBounds(bounds, {padding: 24, animate: false, maxZoom: 15});
  document.body.dataset.readyAt = String(Math.round(performance.now()));
  page.map.once("idle", () => { document.body.dataset.drawnAt = String(Math.round(performance.now())); });
  page.map.triggerRepaint();
  document.body.dataset.ready = "true";
}

async function find(params) {
  $("find-error").textContent = "";
  const answer = await wg.api(`/public/buildings?${new URLSearchParams(params)}`);
  if (!answer.ok) {
    $("find-error").textContent = answer.status === 0 ? t("offline") : wg.message(answer);
    return;
  }
  page.results = answer.data;
  if (!page.results.length) $("find-error").textContent = t("nothing");
  renderResults();
  const points = {type: "FeatureCollection", features: page.results.map((b) => ({
    type: "Feature", geometry: {type: "Point", coordinates: [b.lon, b.lat]}, properties: {}}))};
  page.map.getSource("mine").setData(points);
}

/** The city's built-up squares ([lon, lat] each) as grey dots under the areas, drawn by
 * WebGL (thousands of them for a large city: nothing for the map to tile). */
function showCity(points) {
  const layer = wg.pointLayer("city", points.map((p) => p[0]), points.map((p) => p[1]), [11, 16]);
  const grey = wg.rgba("#8795a3", 0.6);
  const fill = new Uint8Array(points.length * 4);
  const size = new Float32Array(points.length * 3);
  for (let i = 0; i < points.length; i++) {
    fill.set(grey, 4 * i);
    size.set([1.5, 5, 0], 3 * i);
  }
  layer.style(fill, fill, size);
  page.map.addLayer(layer, "areas-fill");
}

function setupMap() {
  page.map = wg.newMap("map");
  page.map.addControl(new maplibregl.NavigationControl({showCompass: false}), "bottom-right");
  page.mapReady = new Promise((resolve) => page.map.on("load", () => {
    const map = page.map;
    for (const name of ["areas", "centres", "mine"]) map.addSource(name, {type: "geojson", data: wg.emptyCollection()});
    map.addLayer({id: "areas-fill", type: "fill", source: "areas", paint: {"fill-color": SHARE_FILL, "fill-opacity": 0.55}});
    map.addLayer({id: "areas-line", type: "line", source: "areas", paint: {"line-color": "#a63603", "line-width": 2}});
    map.addLayer({id: "centres", type: "circle", source: "centres", paint: {"circle-radius": 8, "circle-color": "#1a9850", "circle-stroke-color": "#ffffff", "circle-stroke-width": 3}});
    map.addLayer({id: "mine", type: "circle", source: "mine", paint: {"circle-radius": 7, "circle-color": "#08519c", "circle-stroke-color": "#ffffff", "circle-stroke-width": 2}});
    map.on("click", (event) => find({lon: event.lngLat.lng.toFixed(6), lat: event.lngLat.lat.toFixed(6)}));
    resolve();
  }));
}

$("find-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const query = $("find").value.trim();
  if (!query) {
    $("find-error").textContent = t("enter");
    return;
  }
  find({q: query});
});

for (const button of document.querySelectorAll(".lang")) {
  button.addEventListener("click", () => setLanguage(button.dataset.lang));
}

const REFRESH_MS = 60_000;

setupMap();
setLanguage(page.lang);
load();
setInterval(load, REFRESH_MS);
