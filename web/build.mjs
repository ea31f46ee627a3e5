// Build Stadtbild's web viewer into dist/: the page (src/) plus the parts of CesiumJS's prebuilt
// release (node_modules/cesium/Build/Cesium, from the npm registry) that the page uses. No bundler:
// Cesium ships a minified IIFE build; our app.js is plain browser JavaScript.
//
// Left out on purpose (the page never asks for them; the browser test fails on any 404 or
// off-origin request): sky box and moon textures (the page draws the sky atmosphere and no
// moon), Natural Earth imagery, Draco/KTX2/zip decoders (our tiles
// are plain glTF), Cesium's TypeScript/ESM sources.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const cesium = join(here, "node_modules", "cesium");
const build = join(cesium, "Build", "Cesium");
const dist = join(here, "dist");
if (!existsSync(join(build, "Cesium.js"))) {
  console.error("error: node_modules/cesium missing: run `npm ci` in web/ first");
  process.exit(2);
}
rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, "cesium", "Assets"), { recursive: true });
const copy = (from, to) => cpSync(join(build, from), join(dist, "cesium", to ?? from), { recursive: true });
copy("Cesium.js");
copy("Workers");
copy("Widgets/widgets.css");
copy("Widgets/Images");
copy("Widgets/CesiumWidget");
copy("Widgets/Viewer");
copy("Assets/approximateTerrainHeights.json");
copy("Assets/IAU2006_XYS"); // Earth orientation for the sun position of the clock
copy("Assets/Images");
cpSync(join(cesium, "LICENSE.md"), join(dist, "cesium", "LICENSE.md"));
for (const f of readdirSync(join(here, "src"))) cpSync(join(here, "src", f), join(dist, f), { recursive: true });
const version = JSON.parse((await import("node:fs")).readFileSync(join(cesium, "package.json"), "utf8")).version;
writeFileSync(join(dist, "cesium", "VERSION"), `CesiumJS ${version} (npm package cesium, Apache-2.0)\n`);
let bytes = 0;
const walk = (d) => { for (const f of readdirSync(d)) { const p = join(d, f); const s = statSync(p); s.isDirectory() ? walk(p) : (bytes += s.size); } };
walk(dist);
console.log(`built web/dist (CesiumJS ${version}, ${(bytes / 1e6).toFixed(1)} MB)`);
