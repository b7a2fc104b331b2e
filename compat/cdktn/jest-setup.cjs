// Runs before each test file under compat/cdktn/jest.config.js. A green run must mean "green on cdktn under
// Node 22": stop at once if the mapping or the runtime is not what the run claims.
const path = require("node:path");

const cdktnDir = path.join(__dirname, "node_modules", "cdktn") + path.sep;
const resolved = require.resolve("cdktf");
if (!resolved.startsWith(cdktnDir))
  throw new Error(`compat/cdktn/jest.config.js: "cdktf" resolved to ${resolved}, not to cdktn in ${cdktnDir}`);
if (!/^v22\./.test(process.version))
  throw new Error(`compat/cdktn/jest.config.js runs on Node 22 (cdktn needs >=22.19); this is ${process.version}`);

require("./target-versions.cjs").provideTargetVersions();
