#!/usr/bin/env node
// Validate glTF 2.0 / GLB files with the Khronos glTF validator (npm package gltf-validator).
// Usage: node tools/validate_gltf.js FILE... ; prints one JSON array with each file's report
// (the validator's own report object, external buffers/images resolved beside the file) and exits
// 1 when any file has an error, 2 when a file cannot be read or its format is not recognised.
"use strict";
const fs = require("fs");
const path = require("path");
const validator = require("gltf-validator");

async function validateFile(file) {
  const bytes = new Uint8Array(fs.readFileSync(file));
  return validator.validateBytes(bytes, {
    uri: path.basename(file),
    maxIssues: 0,
    writeTimestamp: false,
    externalResourceFunction: (uri) =>
      new Promise((resolve, reject) => {
        const full = path.resolve(path.dirname(file), decodeURIComponent(uri));
        fs.readFile(full, (err, data) => (err ? reject(err.toString()) : resolve(new Uint8Array(data))));
      }),
  });
}

(async () => {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error("usage: node tools/validate_gltf.js FILE...");
    process.exit(2);
  }
  const reports = [];
  let errors = 0;
  for (const file of files) {
    try {
      const report = await validateFile(file);
      errors += report.issues.numErrors;
      reports.push(report);
    } catch (err) {
      console.error(`error: ${file}: ${err}`);
      process.exitCode = 2;
      return;
    }
  }
  // exitCode, not exit(): a pipe reader must get the whole report before the process ends
  process.stdout.write(JSON.stringify(reports, null, 1) + "\n");
  process.exitCode = errors > 0 ? 1 : 0;
})();
