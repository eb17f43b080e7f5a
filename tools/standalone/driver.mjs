// Standalone node driver: runs the .js half of duet workloads in plain node with duet's iteration
// loop and writes duet-run/1 JSON, so host-vs-standalone comparisons time the very same files.
// Usage: node driver.mjs [--filter RE] [--size NAME] [--runs N] [--warmup N] [--json FILE|-] PATH...

import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as nodeModule from "node:module";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const USAGE = "usage: node driver.mjs [--filter RE] [--size NAME] [--runs N] [--warmup N] [--json FILE|-] PATH...";
const RUNTIME = "v8";
const DEFAULT_RUNS = 10;
const DEFAULT_WARMUP = 3;

// What `import * as duet from 'duet'` sees. The module text runs on the main thread and reads
// this object; `params` is an exported `let`, so the driver can rebind it per workload.
const HOST_KEY = Symbol.for("duet.standalone.host");
const host = {
  now: () => Number(process.hrtime.bigint()),
  blackhole: (x) => {
    host.sink = x;
  },
  sink: undefined,
  params: {},
  setParams: null, // installed by the duet module when it is evaluated
};
globalThis[HOST_KEY] = host;

const DUET_MODULE_SOURCE = `
const host = globalThis[Symbol.for("duet.standalone.host")];
export const runtime = "v8";
export const now = host.now;
export const blackhole = host.blackhole;
export let params = host.params;
host.setParams = (value) => { params = value; };
`;

// Loader hooks (they may run on a separate thread, so they only hand back source text).
const HOOKS_SOURCE = `
const URL = "duet:standalone";
export async function resolve(specifier, context, next) {
  if (specifier === "duet") return { url: URL, shortCircuit: true };
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (url === URL) return { format: "module", source: ${JSON.stringify(DUET_MODULE_SOURCE)}, shortCircuit: true };
  return next(url, context);
}
`;

class UsageError extends Error {}

function parseArgs(argv) {
  const opts = { filter: null, size: null, runs: null, warmup: null, json: null, paths: [] };
  const count = (flag, text) => {
    if (!/^\d+$/.test(text ?? "")) throw new UsageError(`${flag} needs a non-negative integer`);
    return Number(text);
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value = null;
    const eq = arg.indexOf("=");
    if (arg.startsWith("--") && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const takeValue = () => {
      if (value !== null) return value;
      if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === "-h" || arg === "--help") {
      process.stdout.write(USAGE + "\n");
      process.exit(0);
    } else if (arg === "--filter") {
      try {
        opts.filter = new RegExp(takeValue());
      } catch (err) {
        throw new UsageError(`--filter: ${err.message}`);
      }
    } else if (arg === "--size") {
      opts.size = takeValue();
    } else if (arg === "--runs") {
      opts.runs = count(arg, takeValue());
    } else if (arg === "--warmup") {
      opts.warmup = count(arg, takeValue());
    } else if (arg === "--json") {
      opts.json = takeValue();
    } else if (arg.startsWith("-") && arg !== "-") {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      opts.paths.push(arg);
    }
  }
  if (opts.paths.length === 0) throw new UsageError("no workload paths given");
  return opts;
}

// Workload folders under the given paths, sorted and de-duplicated like duet's discovery.
function discover(roots) {
  const dirs = new Set();
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== "node_modules") walk(path.join(dir, entry.name));
      else if (entry.name === "workload.json") dirs.add(dir);
    }
  };
  for (const root of roots) {
    const abs = path.resolve(root);
    if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) {
      throw new UsageError(`no such workload folder: ${root}`);
    }
    if (fs.existsSync(path.join(abs, "workload.json"))) dirs.add(fs.realpathSync(abs));
    else walk(fs.realpathSync(abs));
  }
  return [...dirs].sort();
}

function errorText(err) {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

// File and line of an exception: the innermost stack frame inside the workload folder, else the
// innermost frame at all; a module SyntaxError's stack starts with "file:///...:LINE".
function locate(err, dir) {
  const stack = err instanceof Error && typeof err.stack === "string" ? err.stack : "";
  const frames = [];
  for (const m of stack.matchAll(/(file:\/\/[^\s()]+?):(\d+)(?::\d+)?/g)) {
    try {
      frames.push({ file: fileURLToPath(m[1]), line: Number(m[2]) });
    } catch {
      // not a file URL node can map; skip it
    }
  }
  const own = frames.find((f) => f.file.startsWith(dir + path.sep));
  return own ?? frames[0] ?? null;
}

// Node keeps a module SyntaxError's position out of reach of JS, but `node --check` prints it.
function syntaxErrorLine(script) {
  const check = spawnSync(process.execPath, ["--check", script], { encoding: "utf8" });
  const m = /^(.*):(\d+)\n/.exec(check.stderr ?? "");
  return m && m[1] === script ? { file: script, line: Number(m[2]) } : null;
}

function errorRecord(err, phase, dir, fallbackFile) {
  let where = locate(err, dir);
  if (where === null && phase === "load" && err instanceof SyntaxError) where = syntaxErrorLine(fallbackFile);
  return {
    runtime: RUNTIME,
    file: where ? where.file : fallbackFile,
    line: where ? where.line : null,
    message: `${phase}: ${errorText(err)}`,
  };
}

function isThenable(value) {
  return value !== null && (typeof value === "object" || typeof value === "function") && typeof value.then === "function";
}

async function settle(value) {
  return isThenable(value) ? await value : value;
}

// The result as a JSON value (undefined becomes null, BigInt a string) so the report stays JSON.
function asJson(value) {
  const text = JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v));
  return text === undefined ? null : JSON.parse(text);
}

function median(samples) {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2n;
}

function readManifest(dir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "workload.json"), "utf8"));
  if (manifest === null || typeof manifest !== "object" || Array.isArray(manifest)) {
    throw new Error("workload.json must hold an object");
  }
  return manifest;
}

// The workload's params, with sizes[size] merged over them when a size is named (as duet's --size
// does); a workload without that size is an error for that workload.
function manifestParams(manifest, size) {
  const params = manifest.params ?? {};
  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  if (!isObject(params)) throw new Error('"params" must be an object');
  if (size === null) return params;
  const sizes = manifest.sizes ?? {};
  if (!isObject(sizes)) throw new Error('"sizes" must map size names to parameter objects');
  if (!Object.prototype.hasOwnProperty.call(sizes, size)) throw new Error(`no size "${size}" in workload.json`);
  if (!isObject(sizes[size])) throw new Error(`"sizes"."${size}" must be an object`);
  return { ...params, ...sizes[size] };
}

// Network pairs (workload.json "load"; docs/net-workloads.md): node has no load generator, so
// `duet load` runs as a child process against the server setup() started while this loop serves.
const DUET = process.env.DUET_BIN ?? path.join(path.dirname(fileURLToPath(import.meta.url)), "../../build/duet");

function loadCommand(load, params, state) {
  if (load.mode !== "echo" && load.mode !== "http") {
    throw new Error(`load mode '${load.mode}' is measured by duet run only (its server's RSS while \`duet load --hold\` holds the connections)`);
  }
  const args = ["load", "--port", String(state.port), "--mode", load.mode];
  const flags = { connections: "--connections", message_size: "--size", requests: "--requests", duration: "--duration" };
  for (const [key, flag] of Object.entries(flags)) {
    const value = params[key] ?? load[key];
    if (value !== undefined) args.push(flag, String(value));
  }
  return args;
}

function driveLoad(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(DUET, args, { stdio: ["ignore", "ignore", "inherit"] });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`duet ${args.join(" ")} exited with ${code}`))));
  });
}

async function runWorkload(dir, params, manifest, opts) {
  const script = path.join(dir, path.basename(dir) + ".js");
  const runs = opts.runs ?? manifest.runs ?? DEFAULT_RUNS;
  const warmup = opts.warmup ?? manifest.warmup ?? DEFAULT_WARMUP;
  const lane = { median_ns: null, samples_ns: [], warmup: 0, result: null, verified: null, error: null };
  const samples = [];
  let phase = "load";
  let mod = null;
  let state;
  let setUp = false;
  let last;
  try {
    if (host.setParams) host.setParams(params);
    host.params = params;
    if (!fs.existsSync(script)) throw new Error(`missing script ${path.basename(script)}`);
    mod = await import(pathToFileURL(script).href);
    if (typeof mod.run !== "function") throw new Error("the module does not export a function named run");
    phase = "setup";
    state = typeof mod.setup === "function" ? await settle(mod.setup(params)) : undefined;
    setUp = true;
    phase = "run";
    if (manifest.load !== undefined) {
      const args = loadCommand(manifest.load, params, state);
      const serveRun = mod.run;
      mod = { ...mod, run: async (s) => { await driveLoad(args); return serveRun(s); } };
    }
    for (let i = 0; i < warmup; i++) {
      let r = mod.run(state);
      if (isThenable(r)) r = await r;
      last = r;
      lane.warmup++;
    }
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      let r = mod.run(state);
      if (isThenable(r)) r = await r;
      const t1 = process.hrtime.bigint();
      samples.push(t1 - t0);
      last = r;
    }
    if (runs + warmup > 0) {
      phase = "result";
      lane.result = asJson(last);
      if (typeof mod.verify === "function") {
        phase = "verify";
        lane.verified = Boolean(await settle(mod.verify(lane.result, params)));
      }
    }
  } catch (err) {
    lane.error = errorRecord(err, phase, dir, script);
  }
  if (setUp && typeof mod.teardown === "function") {
    try {
      await settle(mod.teardown(state));
    } catch (err) {
      lane.error ??= errorRecord(err, "teardown", dir, script);
    }
  }
  lane.samples_ns = samples.map(Number);
  const med = median(samples);
  lane.median_ns = med === null ? null : Number(med);
  return lane;
}

function writeJson(target, doc) {
  const text = JSON.stringify(doc, null, 2) + "\n";
  if (target === "-") {
    process.stdout.write(text);
    return;
  }
  // Written atomically so a reader never sees half a file.
  const tmp = `${target}.tmp.${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, target);
}

function printTable(rows) {
  const header = ["workload", "median ms", "samples", "status"];
  const body = rows.map((w) => {
    const lane = w.runtimes[RUNTIME];
    const ms = lane && lane.median_ns !== null ? (lane.median_ns / 1e6).toFixed(3) : "-";
    const status = w.error ? `FAILED: ${w.error.message.replace(/\s+/g, " ")}` : lane.verified === null ? "ok (no verify)" : "ok";
    return [w.name, ms, String(lane ? lane.samples_ns.length : 0), status];
  });
  const widths = header.slice(0, 3).map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r) =>
    [r[0].padEnd(widths[0]), r[1].padStart(widths[1]), r[2].padStart(widths[2]), r[3]].join("  ");
  process.stderr.write([line(header), ...body.map(line)].join("\n") + "\n");
}

async function installDuetModule() {
  if (typeof nodeModule.register !== "function") {
    process.stderr.write(`driver: node ${process.version} lacks module.register; 'duet' cannot be imported\n`);
    return;
  }
  nodeModule.register("data:text/javascript," + encodeURIComponent(HOOKS_SOURCE));
  await import("duet"); // evaluates the module now so host.setParams exists before any workload
}

async function main() {
  let opts;
  let dirs;
  try {
    opts = parseArgs(process.argv.slice(2));
    dirs = discover(opts.paths);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`driver: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  await installDuetModule();

  const workloads = [];
  for (const dir of dirs) {
    const entry = {
      name: path.basename(dir),
      category: path.basename(path.dirname(dir)),
      path: dir,
      params: {},
      results_match: null,
      error: null,
      runtimes: {},
      ratio: { cpython_over_v8: null },
    };
    let manifest = null;
    let problem = null;
    try {
      manifest = readManifest(dir);
      entry.name = manifest.name ?? entry.name;
      entry.category = manifest.category ?? entry.category;
      entry.params = manifestParams(manifest, opts.size);
    } catch (err) {
      problem = { runtime: null, file: path.join(dir, "workload.json"), line: null, message: errorText(err) };
    }
    // Matched against category/name, as duet's --filter is, so one regex selects the same set.
    if (opts.filter && !opts.filter.test(`${entry.category}/${entry.name}`)) continue;
    if (problem) {
      entry.error = problem;
      workloads.push(entry);
      continue;
    }
    process.stderr.write(`driver: ${entry.name} ...\n`);
    const lane = await runWorkload(dir, entry.params, manifest, opts);
    entry.runtimes[RUNTIME] = lane;
    if (lane.error) {
      entry.error = lane.error;
    } else if (lane.verified === false) {
      entry.error = {
        runtime: RUNTIME,
        file: null,
        line: null,
        message: `verify() rejected the result ${JSON.stringify(lane.result)}`,
      };
    }
    workloads.push(entry);
  }

  const doc = {
    schema: "duet-run/1",
    environment: {
      host: "node",
      versions: { node: process.version, v8: process.versions.v8 },
      command_line: process.argv,
    },
    workloads,
  };
  printTable(workloads);
  if (opts.json !== null) writeJson(opts.json, doc);
  return workloads.some((w) => w.error !== null) ? 1 : 0;
}

process.exitCode = await main();
