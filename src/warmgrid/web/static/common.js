// Helpers shared by the console and the public page. Text from the server is only ever
// put into the page as text (textContent / createTextNode), never as HTML.
"use strict";

const wg = {};

/** Build an element: wg.el("p", {class: "x"}, "text", child, ...). */
wg.el = function (tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
};

wg.svg = function (tag, attrs, ...children) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
};

wg.csrf = "";

/** JSON request to the same origin; returns {ok, status, data}. */
wg.api = async function (path, options) {
  const opts = options || {};
  const headers = {Accept: "application/json"};
  const method = opts.method || "GET";
  if (opts.body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && wg.csrf) headers["X-CSRF-Token"] = wg.csrf;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch (error) {
    return {ok: false, status: 0, data: {detail: "the server does not answer"}};
  }
  let data = null;
  const type = response.headers.get("content-type") || "";
  if (response.status !== 204) {
    data = type.includes("json") ? await response.json() : await response.text();
  }
  return {ok: response.ok, status: response.status, data};
};

/** A one-line message from an error answer (FastAPI's detail, string or list). */
wg.message = function (answer) {
  const detail = answer.data && answer.data.detail;
  if (Array.isArray(detail)) {
    return detail.map((d) => `${(d.loc || []).slice(1).join(".")}: ${d.msg}`).join("; ");
  }
  return detail ? String(detail) : `request failed (${answer.status})`;
};

/** Show an error answer next to the form field it names (else in ``fallback``). */
wg.showFieldError = function (form, answer, fallback) {
  for (const old of form.querySelectorAll(".field-error.inline-error")) old.remove();
  const detail = answer.data && answer.data.detail;
  const loc = Array.isArray(detail) && detail[0].loc ? detail[0].loc : [];
  const named = String((answer.data && answer.data.field) || "").split(/[.[\s]/)[0];
  const names = [...loc.slice(1).map(String), named].filter(Boolean);
  const field = names.map((n) => form.elements[n]).find((f) => f && f.nodeType === 1);
  const message = wg.message(answer);
  if (!field) {
    fallback.textContent = message;
    return;
  }
  const note = wg.el("p", {class: "field-error inline-error", id: `${field.id}-error`, role: "alert"}, message);
  field.setAttribute("aria-describedby", note.id);
  field.insertAdjacentElement("afterend", note);
};

// A count for people: "32,316" in English, "32 316" (no-break space) in Ukrainian, as the
// alerts write it (warmgrid.alerts.texts.format_count).
wg.number = (value, lang = "en") => (value === null || value === undefined ? "—"
  : Number(value).toLocaleString(lang === "uk" ? "uk-UA" : "en-GB"));

wg.hours = function (value) {
  if (value === null || value === undefined) return "not within the forecast";
  return `${Number(value).toFixed(1)} h`;
};

/** "26 Nov 07:10" from an ISO time, in the time zone written in it. */
wg.clock = function (iso) {
  if (!iso) return "—";
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso);
  if (!match) return iso;
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  return `${Number(match[3])} ${months[Number(match[2]) - 1]} ${match[4]}:${match[5]}`;
};

/** A map style with the city's own layers only: a plain background, no tiles, no glyphs. */
wg.baseStyle = function () {
  return {
    version: 8,
    sources: {},
    layers: [{id: "background", type: "background", paint: {"background-color": "#eef1f4"}}],
  };
};

wg.emptyCollection = () => ({type: "FeatureCollection", features: []});

/** The bounds [[w, s], [e, n]] of the points of some feature collections. */
wg.bounds = function (...collections) {
  let w = 180, s = 90, e = -180, n = -90;
  const visit = (coords) => {
    if (typeof coords[0] === "number") {
      w = Math.min(w, coords[0]); e = Math.max(e, coords[0]);
      s = Math.min(s, coords[1]); n = Math.max(n, coords[1]);
    } else coords.forEach(visit);
  };
  for (const collection of collections) {
    for (const feature of collection.features) visit(feature.geometry.coordinates);
  }
  return w <= e ? [[w, s], [e, n]] : null;
};

wg.newMap = function (container) {
  maplibregl.setWorkerUrl("/static/vendor/maplibre-gl/maplibre-gl-csp-worker.js");
  const map = new maplibregl.Map({
    container,
    style: wg.baseStyle(),
    center: [30.51, 50.445],
    zoom: 12,
    attributionControl: false,
    fadeDuration: 0,
  });
  const basemap = document.querySelector("meta[name=warmgrid-basemap]");
  if (basemap && basemap.content && window.pmtiles) wg.addBasemap(map, basemap.content);
  return map;
};

const PMTILES_MVT = 1;

/** The server's PMTiles base map (read by byte ranges) under the city's layers: raster
 * tiles as they are, vector tiles as plain grey areas and lines (no labels: no glyphs). */
wg.addBasemap = function (map, path) {
  const protocol = new pmtiles.Protocol();
  maplibregl.addProtocol("pmtiles", protocol.tile);
  const archive = new pmtiles.PMTiles(new URL(path, window.location.href).href);
  protocol.add(archive);
  const url = `pmtiles://${archive.source.getKey()}`;
  const loaded = new Promise((resolve) => map.once("load", resolve));
  Promise.all([archive.getHeader(), archive.getMetadata(), loaded]).then(([header, metadata]) => {
    const below = map.getStyle().layers.length > 1 ? map.getStyle().layers[1].id : undefined;
    if (header.tileType !== PMTILES_MVT) {
      map.addSource("basemap", {type: "raster", url, tileSize: 256});
      map.addLayer({id: "basemap", type: "raster", source: "basemap", paint: {"raster-opacity": 0.8}}, below);
      return;
    }
    map.addSource("basemap", {type: "vector", url});
    for (const layer of (metadata && metadata.vector_layers) || []) {
      map.addLayer({id: `basemap-${layer.id}-fill`, type: "fill", source: "basemap", "source-layer": layer.id,
        filter: ["==", ["geometry-type"], "Polygon"], paint: {"fill-color": "#dde3e8"}}, below);
      map.addLayer({id: `basemap-${layer.id}-line`, type: "line", source: "basemap", "source-layer": layer.id,
        filter: ["==", ["geometry-type"], "LineString"], paint: {"line-color": "#c3ccd4", "line-width": 1}}, below);
    }
  });
};
