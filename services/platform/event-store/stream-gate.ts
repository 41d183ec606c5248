/**
 * Per-stream admission of appends within one process: at most one append of a stream is in the
 * database at a time (it alone holds a pooled connection while it waits for the stream's lock);
 * the others wait here, in arrival order, holding nothing, at most `maxWaiters` of them and for at
 * most `waitMs` each. A stream that one writer holds (a slow transaction, another process) thus
 * costs one connection, not the pool: reads and other streams' commands keep theirs.
 */
import { StreamBusyError } from "./errors";

interface Lane {
  busy: boolean;
  queue: { grant: () => void }[];
}

/** Bounds of a gate: waiters per stream and how long each may wait (ms). */
export interface StreamGateOptions {
  maxWaiters: number;
  waitMs: number;
}

export class StreamGate {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly o: StreamGateOptions) {}

  /**
   * Runs `work` once the stream's turn comes.
   * @throws StreamBusyError when `maxWaiters` already wait or the turn does not come within `waitMs`.
   */
  async run<T>(streamId: string, work: () => Promise<T>): Promise<T> {
    await this.enter(streamId);
    try {
      return await work();
    } finally {
      this.leave(streamId);
    }
  }

  /** Appends of `streamId` waiting here now (for tests and metrics). */
  waiting(streamId: string): number {
    return this.lanes.get(streamId)?.queue.length ?? 0;
  }

  private enter(streamId: string): Promise<void> {
    let lane = this.lanes.get(streamId);
    if (!lane) {
      lane = { busy: false, queue: [] };
      this.lanes.set(streamId, lane);
    }
    if (!lane.busy) {
      lane.busy = true;
      return Promise.resolve();
    }
    if (lane.queue.length >= this.o.maxWaiters) {
      return Promise.reject(new StreamBusyError(streamId, `${lane.queue.length} appends already wait for it`));
    }
    const l = lane;
    return new Promise<void>((resolve, reject) => {
      const entry = {
        grant: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        const i = l.queue.indexOf(entry);
        if (i >= 0) l.queue.splice(i, 1);
        reject(new StreamBusyError(streamId, `not its turn within ${this.o.waitMs} ms`));
      }, this.o.waitMs);
      l.queue.push(entry);
    });
  }

  private leave(streamId: string): void {
    const lane = this.lanes.get(streamId);
    if (!lane) return;
    const next = lane.queue.shift();
    if (next) next.grant();
    else {
      lane.busy = false;
      this.lanes.delete(streamId);
    }
  }
}
