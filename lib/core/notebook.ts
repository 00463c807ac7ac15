// Talking to the Jupyter front end when the code runs inside the tslab kernel. tslab keeps a hook that
// publishes display data for the cell being executed; it is null outside a kernel (CLI, tests).

type DisplayWriter = (content: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: Record<string, unknown> }, update: boolean) => void;

/**
 * tslab's display hook, non-null while a cell executes. Looked up among already-loaded modules only, so
 * that outside a kernel (CLI, tests, workers) tslab and its ZeroMQ binding are never loaded just to ask.
 */
function writer(): DisplayWriter | undefined {
  for (const [id, mod] of Object.entries(require.cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(id)) continue;
    const hook = (mod?.exports as { lastWriteDisplayData?: unknown } | undefined)?.lastWriteDisplayData;
    if (typeof hook === 'function') return hook as DisplayWriter;
  }
  return undefined;
}

/** True while a notebook cell is executing in the tslab kernel. */
export function inKernel(): boolean {
  return writer() !== undefined;
}

let displayCounter = 0;

/**
 * Publish one output with several representations (a MIME bundle); the front end shows the richest it
 * supports. With `displayId`, later calls with `update: true` replace the same output in place.
 */
export function publish(data: Record<string, unknown>, options: { displayId?: string; update?: boolean; metadata?: Record<string, unknown> } = {}): boolean {
  const write = writer();
  if (!write) return false;
  const transient = options.displayId ? { display_id: options.displayId } : {};
  write({ data, metadata: options.metadata ?? {}, transient }, options.update === true);
  return true;
}

/** A fresh display id for an output that will be updated (a progress bar). */
export function newDisplayId(): string {
  displayCounter += 1;
  return `collapse-${process.pid}-${Date.now().toString(36)}-${displayCounter}`;
}
