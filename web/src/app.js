// Stadtbild public web scene: shows the 3D Tiles written by `main.py publish` with CesiumJS.
// Reads scene.json (states, layers, legends, views, credits) and builds the page from it.
// Only relative URLs are used, so the folder works from any static web server and asks no
// other origin (no Cesium ion, no imagery, geocoder or web fonts).
/* global Cesium */
"use strict";

const TEXT = {
  de: {
    show: "Anzeige", swipe: "Vergleich", date: "Datum", time: "Uhrzeit", views: "Ansichten", home: "Übersicht",
    layers: "Ergebnisse", attributes: "Gebäude", click_hint: "Klicken Sie auf ein Gebäude.",
    licence_link: "Lizenz und Quellen", data: "Daten", licence: "Lizenz", software: "Software",
    loading: "Lädt …", no_attributes: "Keine öffentlichen Angaben.", local_time: "Ortszeit",
    id: "Kennung", type: "Art", height_m: "Höhe (m)", no_webgl: "Dieser Browser kann kein WebGL: die 3D-Szene lässt sich nicht zeigen.",
    load_error: "Die Szene konnte nicht geladen werden", inserted: "neu", demolished: "abgerissen",
    swipe_no_shadows: "Vergleich ohne Schatten – Schatten vergleichen Sie durch Umschalten zwischen Bestand und Variante.",
  },
  en: {
    show: "Show", swipe: "Compare", date: "Date", time: "Time", views: "Views", home: "Overview",
    layers: "Results", attributes: "Building", click_hint: "Click a building.",
    licence_link: "Licence and sources", data: "Data", licence: "Licence", software: "Software",
    loading: "Loading …", no_attributes: "No public attributes.", local_time: "local time",
    id: "Id", type: "Type", height_m: "Height (m)", no_webgl: "This browser has no WebGL: the 3D scene cannot be shown.",
    load_error: "The scene could not be loaded", inserted: "new", demolished: "demolished",
    swipe_no_shadows: "Comparison without shadows – switch between existing and variant to compare shadows.",
  },
};
const STATE_LABEL_EN = { Bestand: "Existing" };

const app = {
  lang: new URLSearchParams(location.search).get("lang") === "en" ? "en" : "de",
  scene: null, viewer: null, tilesets: {}, layerTilesets: {}, ground: null, mode: null,
  selected: null, firstFrameMs: null, errors: [],
};
window.stadtbild = app; // for the browser test and for curious users

const $ = (id) => document.getElementById(id);
const t = (key) => TEXT[app.lang][key] ?? TEXT.de[key] ?? key;

function applyLanguage() {
  document.documentElement.lang = app.lang;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  $("lang").textContent = app.lang === "de" ? "EN" : "DE";
  if (app.scene) {
    buildStates();
    buildLayers();
    showCredits();
    showTime();
    if (app.selected) showFeature(app.selected);
  }
}

// ---------------------------------------------------------------- time in the site's time zone
function zoneOffsetMinutes(date, timeZone) {
  const parts = {};
  for (const p of new Intl.DateTimeFormat("en-US", {
    timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(date)) parts[p.type] = p.value;
  const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return Math.round((asUtc - date.getTime()) / 60000);
}

function localToUtc(dateText, minutes, timeZone) {
  const [y, m, d] = dateText.split("-").map(Number);
  const wall = Date.UTC(y, m - 1, d, Math.floor(minutes / 60), minutes % 60);
  let utc = wall - zoneOffsetMinutes(new Date(wall), timeZone) * 60000;
  utc = wall - zoneOffsetMinutes(new Date(utc), timeZone) * 60000; // across a DST change
  return new Date(utc);
}

function showTime() {
  const minutes = +$("time").value;
  const hh = String(Math.floor(minutes / 60)).padStart(2, "0");
  const mm = String(minutes % 60).padStart(2, "0");
  $("time-out").textContent = `${hh}:${mm} ${t("local_time")}`;
  const when = localToUtc($("date").value, minutes, app.scene.time_zone || "UTC");
  app.viewer.clock.currentTime = Cesium.JulianDate.fromDate(when);
  app.viewer.scene.requestRender();
}

// ---------------------------------------------------------------- states: toggle and swipe
function stateLabel(s) {
  return app.lang === "en" ? (STATE_LABEL_EN[s.label] ?? s.label) : s.label;
}

function buildStates() {
  const box = $("states");
  box.textContent = "";
  for (const s of app.scene.states) {
    const label = document.createElement("label");
    const input = document.createElement("input");
    Object.assign(input, { type: "radio", name: "state", value: s.key, checked: app.mode === s.key });
    label.append(input, " ", stateLabel(s));
    box.append(label);
  }
  $("swipe-mode").hidden = app.scene.states.length < 2;
  for (const input of document.querySelectorAll("input[name=state]")) {
    input.checked = input.value === app.mode;
    input.onchange = () => setMode(input.value);
  }
}

function setMode(mode) {
  app.mode = mode;
  const states = app.scene.states;
  const swipe = mode === "swipe";
  const left = states[0].key;
  const right = states[states.length - 1].key;
  for (const s of states) {
    const ts = app.tilesets[s.key];
    if (!ts) continue;
    ts.show = swipe ? (s.key === left || s.key === right) : s.key === mode;
    ts.splitDirection = !swipe ? Cesium.SplitDirection.NONE
      : s.key === left ? Cesium.SplitDirection.LEFT : Cesium.SplitDirection.RIGHT;
  }
  $("swipe").hidden = !swipe;
  // One shadow map serves the whole scene, so in the swipe the variant's new buildings would cast
  // shadows into the Bestand half (and demolished ones into the variant half): the swipe compares
  // volumes without shadows; the toggle compares shadows.
  app.viewer.shadows = !swipe && app.shadowsOn;
  $("status").textContent = swipe ? t("swipe_no_shadows") : "";
  app.viewer.scene.splitPosition = swipe ? app.splitPosition ?? 0.5 : 0.5;
  placeSwipe();
  updateLayers();
  for (const input of document.querySelectorAll("input[name=state]")) input.checked = input.value === mode;
  app.viewer.scene.requestRender();
}

function placeSwipe() {
  $("swipe").style.left = `${100 * (app.viewer.scene.splitPosition)}%`;
}

function initSwipe() {
  const handle = $("swipe-handle");
  let dragging = false;
  const move = (clientX) => {
    const pos = Math.min(0.98, Math.max(0.02, clientX / app.viewer.canvas.clientWidth));
    app.splitPosition = pos;
    app.viewer.scene.splitPosition = pos;
    placeSwipe();
    app.viewer.scene.requestRender();
  };
  handle.addEventListener("pointerdown", (e) => { dragging = true; handle.setPointerCapture(e.pointerId); });
  handle.addEventListener("pointermove", (e) => { if (dragging) move(e.clientX); });
  handle.addEventListener("pointerup", () => { dragging = false; });
  handle.addEventListener("keydown", (e) => {
    const step = e.key === "ArrowLeft" ? -0.02 : e.key === "ArrowRight" ? 0.02 : 0;
    if (step) move((app.viewer.scene.splitPosition + step) * app.viewer.canvas.clientWidth);
  });
}

// ---------------------------------------------------------------- result layers and legends
function layerVisibleFor(layer) {
  if (app.mode === "swipe") {
    const states = app.scene.states;
    return layer.state === states[0].key || layer.state === states[states.length - 1].key;
  }
  return layer.state === app.mode;
}

function splitFor(stateKey) {
  if (app.mode !== "swipe") return Cesium.SplitDirection.NONE;
  return stateKey === app.scene.states[0].key ? Cesium.SplitDirection.LEFT : Cesium.SplitDirection.RIGHT;
}

function surfaceShader(layer) {
  // the layer's class colour (attribute _C_<KEY>, linear RGB) where the surface has a value
  return new Cesium.CustomShader({
    fragmentShaderText: `
      void fragmentMain(FragmentInput fsInput, inout czm_modelMaterial material) {
        if (fsInput.attributes.${layer.property} > -9998.0) {
          material.diffuse = fsInput.attributes.${layer.attribute}.rgb;
        }
      }`,
  });
}

function updateLayers() {
  for (const layer of app.scene.layers) {
    const on = !!layer.on && layerVisibleFor(layer);
    if (layer.kind === "surface") {
      const ts = app.tilesets[layer.state];
      if (!ts) continue;
      const active = app.scene.layers.find((l) => l.kind === "surface" && l.state === layer.state && l.on);
      ts.customShader = active && layerVisibleFor(active) ? (active.shader ??= surfaceShader(active)) : undefined;
    } else {
      const ts = app.layerTilesets[layer.key];
      if (ts) {
        ts.show = on;
        ts.splitDirection = splitFor(layer.state);
      }
    }
  }
  app.viewer.scene.requestRender();
}

function buildLayers() {
  const box = $("layers");
  box.textContent = "";
  $("layers-box").hidden = app.scene.layers.length === 0;
  const stateOf = Object.fromEntries(app.scene.states.map((s) => [s.key, s]));
  for (const layer of app.scene.layers) {
    const div = document.createElement("div");
    div.className = "layer";
    const label = document.createElement("label");
    const input = document.createElement("input");
    Object.assign(input, { type: "checkbox", checked: !!layer.on });
    input.dataset.layer = layer.key;
    input.onchange = () => {
      if (input.checked && layer.kind === "surface") { // one colouring per state at a time
        for (const other of app.scene.layers) if (other !== layer && other.kind === "surface" && other.state === layer.state) other.on = false;
      }
      layer.on = input.checked;
      buildLayers();
      updateLayers();
    };
    const units = layer.units ? ` (${layer.units})` : "";
    label.append(input, ` ${layer.title}${units} – ${stateLabel(stateOf[layer.state])}`);
    const ul = document.createElement("ul");
    ul.className = "legend";
    for (const entry of layer.legend) {
      const li = document.createElement("li");
      const sw = document.createElement("span");
      sw.className = "swatch";
      sw.style.background = `rgba(${entry.rgb.join(",")},${entry.alpha === 0 ? 0 : 1})`;
      li.append(sw, entry.label);
      ul.append(li);
    }
    div.append(label, ul);
    box.append(div);
  }
}

// ---------------------------------------------------------------- picking
function featureRecord(feature) {
  const rec = {};
  for (const id of feature.getPropertyIds()) rec[id] = feature.getProperty(id);
  return rec;
}

function showFeature(sel) {
  const info = $("info");
  info.textContent = "";
  const rec = sel.record;
  info.dataset.featureId = rec.id ?? "";
  const table = document.createElement("table");
  const schema = app.scene.schema || {};
  for (const [key, value] of Object.entries(rec)) {
    if (value === undefined || value === null || value === "" || value === -9999) continue;
    const name = schema[key]?.name ?? key;
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.textContent = TEXT[app.lang][name] ?? name;
    const td = document.createElement("td");
    td.textContent = typeof value === "number" ? value.toLocaleString(app.lang, { maximumFractionDigits: 2 }) : String(value);
    if (key === "id") td.className = "feature-id";
    tr.append(th, td);
    table.append(tr);
  }
  const state = app.scene.states.find((s) => s.key === sel.state);
  if (state && state.inserted.includes(rec.id)) {
    const p = document.createElement("p");
    p.textContent = `(${t("inserted")}: ${stateLabel(state)})`;
    info.append(p);
  }
  info.prepend(table.childElementCount ? table : Object.assign(document.createElement("p"), { textContent: t("no_attributes") }));
}

function initPicking() {
  const handler = new Cesium.ScreenSpaceEventHandler(app.viewer.scene.canvas);
  handler.setInputAction((click) => {
    const picked = app.viewer.scene.pick(click.position);
    if (app.selected?.feature) app.selected.feature.color = Cesium.Color.WHITE;
    if (!(picked instanceof Cesium.Cesium3DTileFeature)) {
      app.selected = null;
      $("info").dataset.featureId = "";
      $("info").innerHTML = `<p class="hint">${t("click_hint")}</p>`;
      app.viewer.scene.requestRender();
      return;
    }
    const state = Object.keys(app.tilesets).find((k) => app.tilesets[k] === picked.tileset);
    app.selected = { feature: picked, record: featureRecord(picked), state };
    picked.color = Cesium.Color.fromCssColorString("#ffe680");
    showFeature(app.selected);
    app.viewer.scene.requestRender();
  }, Cesium.ScreenSpaceEventType.LEFT_CLICK);
}

// ---------------------------------------------------------------- views
function flyToView(v, duration = 1.2) {
  app.flying = true;
  const done = () => { app.flying = false; app.viewer.scene.requestRender(); };
  app.viewer.camera.flyTo({
    destination: new Cesium.Cartesian3(...v.position),
    orientation: { direction: new Cesium.Cartesian3(...v.direction), up: new Cesium.Cartesian3(...v.up) },
    duration, complete: done, cancel: done,
  });
}

// resolves after three drawn frames of which the last two had no shown tileset loading and no
// camera flight under way (for tests and for "take a picture now")
app.idle = () => new Promise((resolve) => {
  const scene = app.viewer.scene;
  let frames = 0;
  let quiet = 0;
  const remove = scene.postRender.addEventListener(() => {
    const shown = [...Object.values(app.tilesets), ...Object.values(app.layerTilesets), app.ground]
      .filter((ts) => ts && ts.show);
    const busy = app.flying || shown.some((ts) => !ts.tilesLoaded);
    frames += 1;
    quiet = busy ? 0 : quiet + 1;
    if (frames >= 3 && quiet >= 2) {
      remove();
      resolve();
    } else {
      setTimeout(() => scene.requestRender(), busy ? 50 : 0);
    }
  });
  scene.requestRender();
});

// window position (CSS pixels) of an ECEF point, or null when it is behind the camera
app.toWindow = (xyz) => {
  const p = Cesium.SceneTransforms.worldToWindowCoordinates(app.viewer.scene, new Cesium.Cartesian3(...xyz));
  return p ? [p.x, p.y] : null;
};

function homeView(duration = 0) {
  const ts = app.tilesets[app.scene.states[0].key];
  const sphere = ts.boundingSphere;
  const range = Math.max(sphere.radius * 2.2, 150);
  app.viewer.camera.flyToBoundingSphere(sphere, {
    offset: new Cesium.HeadingPitchRange(Cesium.Math.toRadians(30), Cesium.Math.toRadians(-35), range), duration,
  });
}

function buildViews() {
  const box = $("views");
  $("home").onclick = () => homeView(1.2);
  for (const v of app.scene.views) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = v.name;
    b.onclick = () => flyToView(v);
    box.append(b);
  }
}

function showCredits() {
  const c = app.scene.credits || {};
  $("credit-data").textContent = c.data ? `${t("data")}: ${c.data}` : "";
  $("credit-licence").textContent = `${t("licence")}: ${c.licence || "–"}`;
  $("credit-software").textContent = `${t("software")}: ${c.software || ""}`;
}

// ---------------------------------------------------------------- start
async function main() {
  $("status").textContent = t("loading");
  applyLanguage();
  $("lang").onclick = () => { app.lang = app.lang === "de" ? "en" : "de"; applyLanguage(); };
  const t0 = performance.now();
  app.scene = await (await fetch("scene.json")).json();
  const tScene = performance.now();
  document.title = app.scene.title;
  $("title").textContent = app.scene.title;
  if (!document.createElement("canvas").getContext("webgl2") && !document.createElement("canvas").getContext("webgl")) {
    $("status").textContent = t("no_webgl");
    app.errors.push("no WebGL");
    return;
  }
  const viewer = new Cesium.Viewer("map", {
    baseLayer: false, baseLayerPicker: false, geocoder: false, homeButton: false, sceneModePicker: false,
    navigationHelpButton: false, animation: false, timeline: false, fullscreenButton: false, infoBox: false,
    selectionIndicator: false, skyBox: false, terrainProvider: new Cesium.EllipsoidTerrainProvider(),
    shadows: false, requestRenderMode: true, maximumRenderTimeChange: Infinity, shouldAnimate: false,
    contextOptions: { webgl: { preserveDrawingBuffer: true } },
  });
  app.viewer = viewer;
  app.marks = { sceneJson: tScene - t0, viewer: performance.now() - t0 };
  const scene = viewer.scene;
  if (scene.moon) scene.moon.show = false;
  scene.globe.baseColor = Cesium.Color.fromBytes(196, 200, 188);
  scene.globe.enableLighting = true;
  scene.globe.showGroundAtmosphere = false;
  scene.fog.enabled = false;
  viewer.shadowMap.softShadows = false;
  viewer.shadowMap.size = 2048;
  viewer.shadowMap.maximumDistance = 3000;
  app.frames = [];
  scene.preRender.addEventListener(() => { app._f0 = performance.now(); });
  scene.postRender.addEventListener(() => { if (app.frames.length < 400) app.frames.push([Math.round(app._f0 - t0), Math.round(performance.now() - app._f0)]); });
  // Shadows come on after the first frame that shows the buildings: compiling the shadow
  // shaders takes seconds with software WebGL, and the district should not wait for them.
  scene.postRender.addEventListener(() => {
    if (app.firstFrameMs === null && app.tilesLoaded) {
      app.firstFrameMs = performance.now() - t0;
      app.shadowsOn = true;
      viewer.shadows = app.mode !== "swipe";
      setTimeout(() => scene.requestRender(), 0);
    }
  });
  const opts = { shadows: Cesium.ShadowMode.ENABLED, maximumScreenSpaceError: 16 };
  const startKey = app.scene.states[app.scene.states.length - 1].key; // the variant being published first
  const loads = app.scene.states.map(async (s) => {
    const ts = await Cesium.Cesium3DTileset.fromUrl(s.tileset, opts);
    ts.show = s.key === startKey; // the others load when first shown
    if (s.key === startKey) { // listen before the first frame can load anything
      ts.initialTilesLoaded.addEventListener(() => {
        app.tilesLoaded = true;
        app.marks.initialTiles = performance.now() - t0;
        scene.requestRender();
      });
      ts.allTilesLoaded.addEventListener(() => {
        app.allTilesLoaded = true;
        if ($("status").textContent === t("loading")) $("status").textContent = "";
      });
    }
    app.tilesets[s.key] = ts;
  });
  loads.push((async () => {
    app.ground = await Cesium.Cesium3DTileset.fromUrl(app.scene.ground, { shadows: Cesium.ShadowMode.RECEIVE_ONLY });
  })());
  for (const layer of app.scene.layers) {
    if (layer.kind === "surface") continue;
    loads.push((async () => {
      const ts = await Cesium.Cesium3DTileset.fromUrl(layer.tileset, { shadows: Cesium.ShadowMode.DISABLED });
      ts.show = false;
      app.layerTilesets[layer.key] = ts;
    })());
  }
  await Promise.all(loads);
  app.marks.tilesetsJson = performance.now() - t0;
  homeView(0); // the camera stands at the overview before any tile can load
  for (const s of app.scene.states) scene.primitives.add(app.tilesets[s.key]);
  scene.primitives.add(app.ground);
  for (const ts of Object.values(app.layerTilesets)) scene.primitives.add(ts);
  const [date, clock] = (app.scene.date_time || "2026-03-21T15:00").split("T");
  $("date").value = date;
  const [hh, mm] = clock.split(":").map(Number);
  $("time").value = String(hh * 60 + mm);
  $("date").oninput = showTime;
  $("time").oninput = showTime;
  showTime();
  buildStates();
  setMode(startKey);
  buildLayers();
  buildViews();
  showCredits();
  initSwipe();
  initPicking();
  app.ready = true;
  scene.requestRender();
}

window.addEventListener("error", (e) => app.errors.push(String(e.message)));
window.addEventListener("unhandledrejection", (e) => app.errors.push(String(e.reason)));
main().catch((err) => {
  app.errors.push(String(err));
  $("status").textContent = `${t("load_error")}: ${err.message ?? err}`;
});
