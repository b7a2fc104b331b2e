/**
 * cdktn validates features such as write-only attributes against the Terraform versions a project
 * declares (`targetVersions` in cdktf.json). Its CLI passes them to the app as context; an app
 * synthesized in-process (tests, src/synth/synth-tenants.ts) gets them from here, read from the same
 * cdktf.json, so both see one declaration. cdktf ignores the field and the context key.
 */
"use strict";
const { readFileSync } = require("node:fs");
const path = require("node:path");

const CONTEXT_ENV = "CDKTF_CONTEXT_JSON";
const cdktfJson = path.resolve(__dirname, "..", "..", "cdktf.json");

function declaredTargetVersions() {
  const { targetVersions } = JSON.parse(readFileSync(cdktfJson, "utf8"));
  if (!targetVersions || typeof targetVersions.terraform !== "string")
    throw new Error(`${cdktfJson}: targetVersions.terraform is missing; declare the supported Terraform versions, e.g. ">=1.11.0"`);
  return targetVersions;
}

function provideTargetVersions(env = process.env) {
  const context = env[CONTEXT_ENV] ? JSON.parse(env[CONTEXT_ENV]) : {};
  context.targetVersions ??= declaredTargetVersions();
  env[CONTEXT_ENV] = JSON.stringify(context);
}

module.exports = { declaredTargetVersions, provideTargetVersions };
