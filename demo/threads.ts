/**
 * The training panel's threads control. The worker's engine splits its big kernels (GEMM, convolution)
 * across threads (src/wasm/parallel.ts), which needs memory shared with workers: a page has that only
 * when cross-origin isolated (served with COOP + COEP, as vite.config.ts does). Elsewhere the control
 * stays at one thread and says why.
 */

/** True where this page may share memory with workers, so the worker's engine may use threads. */
export const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;

/** "1 thread" or "n threads". */
export function threadsText(n: number): string {
  return n === 1 ? "1 thread" : `${n} threads`;
}

/** The control: a select of "1 thread" / "all cores (N)" and a note under it; `chosen()` is the count to ask for. */
export interface ThreadsControl {
  chosen(): number;
  /** Shows a note (why fewer threads run than asked for); "" hides it. */
  note(text: string): void;
}

/** Fills the select (N = navigator.hardwareConcurrency), defaulting to all cores where the page is isolated. */
export function mountThreads(select: HTMLSelectElement, noteEl: HTMLElement): ThreadsControl {
  const cores = Math.max(1, Math.floor(navigator.hardwareConcurrency || 1));
  const all = new Option(`all cores (${cores})`, String(cores));
  all.disabled = !isolated;
  select.add(new Option("1 thread", "1"));
  if (cores > 1) select.add(all);
  select.value = isolated ? String(cores) : "1";
  select.disabled = !isolated || cores === 1;
  const note = (text: string): void => {
    noteEl.textContent = text;
    noteEl.hidden = !text;
  };
  note(!isolated
    ? "threads unavailable: this page is not cross-origin isolated (it was served without Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp), so it cannot share memory with workers; training runs on 1 thread"
    : cores === 1 ? "this browser reports one core: training runs on 1 thread" : "");
  return { chosen: () => Number(select.value), note };
}
