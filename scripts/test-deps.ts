/**
 * `npm test`'s first step (pretest): the system packages the suite needs beyond npm's, found or
 * installed before anything is built, so the README's two commands are the whole set-up.
 *
 *   chromium           the browser project and the packed-tarball page tests (/usr/bin/chromium, or CHROMIUM_PATH)
 *   libonnx-testdata   ONNX's backend conformance data (/usr/share/libonnx-testdata/data)
 *   python3-onnx       optional: the tests that need it skip without it
 *
 * All present: nothing else happens (no apt call). Something missing, as root with apt-get: one
 * `apt-get install` of everything missing (after `apt-get update` when the package lists are empty or
 * stale). Otherwise, a required package missing stops the run at once with one line naming what to install.
 *
 * Usage: node --import tsx scripts/test-deps.ts
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** What the suite looks at, in the places the tests look. */
export const PATHS = {
  chromium: "/usr/bin/chromium",
  onnxData: "/usr/share/libonnx-testdata/data",
  onnxPython: "/usr/lib/python3/dist-packages/onnx/__init__.py",
  aptLists: "/var/lib/apt/lists",
} as const;

/** One Debian package the suite uses. */
export interface Need {
  pkg: "chromium" | "libonnx-testdata" | "python3-onnx";
  required: boolean;
  present: boolean;
}

/** The probes the plan depends on, so tests can give it any machine. */
export interface Machine {
  env: Record<string, string | undefined>;
  exists(path: string): boolean;
  executable(path: string): boolean;
  /** Whether `python3` on PATH imports onnx (asked only when the Debian package's files are absent). */
  pythonHasOnnx(): boolean;
  isRoot: boolean;
  readonly hasAptGet: boolean;
}

/** The three packages and whether each is there. */
export function needs(m: Machine): Need[] {
  const chromium = m.env.CHROMIUM_PATH || PATHS.chromium;
  return [
    { pkg: "chromium", required: true, present: m.executable(chromium) },
    { pkg: "libonnx-testdata", required: true, present: m.exists(PATHS.onnxData) },
    { pkg: "python3-onnx", required: false, present: m.exists(PATHS.onnxPython) || m.pythonHasOnnx() },
  ];
}

/** What to do: nothing, one apt-get install of `packages`, or stop with `message` (one line). */
export type Plan = { kind: "ready"; note?: string } | { kind: "install"; packages: string[] } | { kind: "stop"; message: string };

/** Decides from the needs and the machine; the line it stops with names every missing package. */
export function plan(list: Need[], m: Machine): Plan {
  const missing = list.filter((n) => !n.present);
  if (missing.length === 0) return { kind: "ready" };
  if (m.isRoot && m.hasAptGet) return { kind: "install", packages: missing.map((n) => n.pkg) };
  const required = missing.filter((n) => n.required);
  const all = missing.map((n) => n.pkg).join(" ");
  if (required.length === 0) {
    return { kind: "ready", note: `npm test: ${all} is not installed, so the tests that need it are skipped (sudo apt-get install ${all})` };
  }
  const chromiumHint = required.some((n) => n.pkg === "chromium") ? " (or set CHROMIUM_PATH to a Chromium binary)" : "";
  return { kind: "stop", message: `npm test needs Debian's ${required.map((n) => n.pkg).join(" and ")}: run \`sudo apt-get install ${all}\`${chromiumHint}, then npm test again` };
}

function run(cmd: string, args: string[]): { ok: boolean; output: string } {
  const r = spawnSync(cmd, args, { encoding: "utf8", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  return { ok: r.status === 0, output: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

/** Package lists are missing (a fresh container) when no *_Packages file is there. */
function listsEmpty(): boolean {
  try {
    return !readdirSync(PATHS.aptLists).some((f) => f.endsWith("_Packages") || f.endsWith("_Packages.lz4"));
  } catch {
    return true;
  }
}

/** apt-get install, with `apt-get update` first when the lists are empty, or once more after it when the install fails. */
export function aptInstall(packages: string[], log: (s: string) => void = (s) => process.stderr.write(`${s}\n`)): { ok: boolean; output: string } {
  log(`npm test: installing ${packages.join(" ")} with apt-get (once)…`);
  const install = () => run("apt-get", ["install", "-y", "--no-install-recommends", ...packages]);
  if (listsEmpty()) {
    const u = run("apt-get", ["update"]);
    if (!u.ok) return u;
    return install();
  }
  const first = install();
  if (first.ok) return first;
  const u = run("apt-get", ["update"]);
  return u.ok ? install() : { ok: false, output: `${first.output}${u.output}` };
}

/** The real machine. */
export function thisMachine(): Machine {
  const on = (p: string, mode: number) => {
    try {
      accessSync(p, mode);
      return true;
    } catch {
      return false;
    }
  };
  return {
    env: process.env,
    exists: (p) => existsSync(p),
    executable: (p) => on(p, constants.X_OK),
    pythonHasOnnx: () => spawnSync("python3", ["-c", "import importlib.util, sys; sys.exit(importlib.util.find_spec('onnx') is None)"], { stdio: "ignore" }).status === 0,
    isRoot: process.getuid?.() === 0,
    // asked only when something is missing
    get hasAptGet() {
      return spawnSync("sh", ["-c", "command -v apt-get"], { stdio: "ignore" }).status === 0;
    },
  };
}

/** Checks, installs if it can, and returns the exit status (0: go on with the tests). */
export function main(m: Machine = thisMachine(), log: (s: string) => void = (s) => process.stderr.write(`${s}\n`)): number {
  const p = plan(needs(m), m);
  if (p.kind === "ready") {
    if (p.note) log(p.note);
    return 0;
  }
  if (p.kind === "stop") {
    log(p.message);
    return 1;
  }
  const r = aptInstall(p.packages, log);
  const still = needs(m).filter((n) => !n.present && n.required).map((n) => n.pkg);
  if (still.length === 0) return 0; // an optional package that did not come only skips its tests
  const tail = r.output.trim().split("\n").slice(-3).join(" | ");
  log(`npm test needs Debian's ${still.join(" and ")}, and \`apt-get install ${p.packages.join(" ")}\` did not provide ${still.length > 1 ? "them" : "it"}${tail ? ` (${tail})` : ""}`);
  return 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(main());
