// npm test's first step (scripts/test-deps.ts): nothing to do when Chromium, ONNX's test data and
// python3-onnx are there; one apt-get install of what is missing as root; else one line naming it.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PATHS, needs, plan, type Machine } from "../../scripts/test-deps.js";

const script = fileURLToPath(new URL("../../scripts/test-deps.ts", import.meta.url));

/** A machine where `have` lists the paths that exist (and are executable). */
function machine(have: string[], over: Partial<Machine> = {}): Machine {
  return { env: {}, exists: (p) => have.includes(p), executable: (p) => have.includes(p), pythonHasOnnx: () => false, isRoot: false, hasAptGet: true, ...over };
}
const everything = [PATHS.chromium, PATHS.onnxData, PATHS.onnxPython];

describe("test-deps plan", () => {
  it("does nothing when everything is there (a pip-installed onnx counts)", () => {
    expect(plan(needs(machine(everything)), machine(everything))).toEqual({ kind: "ready" });
    const pip = machine([PATHS.chromium, PATHS.onnxData], { pythonHasOnnx: () => true });
    expect(plan(needs(pip), pip)).toEqual({ kind: "ready" });
  });

  it("as root with apt-get: one install of everything missing", () => {
    const m = machine([PATHS.onnxPython], { isRoot: true });
    expect(plan(needs(m), m)).toEqual({ kind: "install", packages: ["chromium", "libonnx-testdata"] });
    const all = machine([], { isRoot: true });
    expect(plan(needs(all), all)).toEqual({ kind: "install", packages: ["chromium", "libonnx-testdata", "python3-onnx"] });
  });

  it("otherwise stops with one line naming what to install", () => {
    for (const m of [machine([]), machine([], { isRoot: true, hasAptGet: false })]) {
      const p = plan(needs(m), m);
      expect(p.kind).toBe("stop");
      const message = (p as { message: string }).message;
      expect(message.split("\n")).toHaveLength(1);
      expect(message).toBe("npm test needs Debian's chromium and libonnx-testdata: run `sudo apt-get install chromium libonnx-testdata python3-onnx` (or set CHROMIUM_PATH to a Chromium binary), then npm test again");
    }
    const noData = machine([PATHS.chromium, PATHS.onnxPython]);
    expect(plan(needs(noData), noData)).toEqual({ kind: "stop", message: "npm test needs Debian's libonnx-testdata: run `sudo apt-get install libonnx-testdata`, then npm test again" });
  });

  it("only python3-onnx missing and no way to install it: a note, and the tests go on", () => {
    const m = machine([PATHS.chromium, PATHS.onnxData]);
    expect(plan(needs(m), m)).toEqual({ kind: "ready", note: expect.stringMatching(/python3-onnx is not installed, so the tests that need it are skipped/) });
  });

  it("honours CHROMIUM_PATH, as vitest.config.ts does", () => {
    const m = machine(["/opt/chrome/chrome", PATHS.onnxData, PATHS.onnxPython], { env: { CHROMIUM_PATH: "/opt/chrome/chrome" } });
    expect(plan(needs(m), m)).toEqual({ kind: "ready" });
  });
});

describe("scripts/test-deps.ts on this machine, with a stand-in apt-get first on PATH", () => {
  // The stand-in records its arguments and "installs" by creating the file named in FAKE_CREATES.
  const run = (env: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), "simdnet-deps-"));
    const log = join(dir, "apt.log");
    writeFileSync(join(dir, "apt-get"), `#!/bin/sh\necho "$*" >> "${log}"\n[ "$1" = install ] && [ -n "$FAKE_CREATES" ] && printf '#!/bin/sh\\n' > "$FAKE_CREATES" && chmod +x "$FAKE_CREATES"\nexit 0\n`);
    chmodSync(join(dir, "apt-get"), 0o755);
    const r = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, ...env } });
    const calls = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [];
    rmSync(dir, { recursive: true, force: true });
    return { status: r.status, stderr: r.stderr, calls };
  };
  const root = process.getuid?.() === 0;
  const ready = existsSync(PATHS.onnxData) && existsSync(process.env.CHROMIUM_PATH || PATHS.chromium);

  it.runIf(ready)("everything present: exits 0 and never calls apt-get", () => {
    const r = run({});
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([]);
  });

  it.runIf(root && ready)("a missing Chromium as root: installs it with apt-get, then goes on", () => {
    const fake = join(mkdtempSync(join(tmpdir(), "simdnet-chromium-")), "chromium");
    const r = run({ CHROMIUM_PATH: fake, FAKE_CREATES: fake });
    rmSync(fake, { force: true });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/installing chromium with apt-get/);
    expect(r.calls.filter((c) => c.startsWith("install"))).toEqual(["install -y --no-install-recommends chromium"]);
  });

  it.runIf(root && ready)("an install that does not provide Chromium: exits 1 with one line", () => {
    const r = run({ CHROMIUM_PATH: "/nonexistent/chromium" });
    expect(r.status).toBe(1);
    expect(r.calls.filter((c) => c.startsWith("install"))).toEqual(["install -y --no-install-recommends chromium"]);
    const last = r.stderr.trim().split("\n").at(-1)!;
    expect(last).toMatch(/^npm test needs Debian's chromium, and `apt-get install chromium` did not provide it/);
  });
});
