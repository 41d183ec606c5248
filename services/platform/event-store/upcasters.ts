/**
 * Upcaster registry: turns stored older schema versions of an event type into the current shape
 * on read, one step at a time (v1 → v2 → v3 ...). Stored rows are never rewritten, so streams stay
 * readable for the plan's five-year horizon and beyond while the shapes evolve.
 */
import type { RecordedEvent } from "./types";

/** Turns `data` of `type` at `fromVersion` into `fromVersion + 1`. Must be pure. */
export interface Upcaster {
  type: string;
  fromVersion: number;
  upcast(data: unknown, event: RecordedEvent): unknown;
}

export class UpcasterRegistry {
  private readonly steps = new Map<string, Map<number, Upcaster>>();

  /** Registers one step; throws when a step for the same type and version exists. */
  register(...upcasters: Upcaster[]): this {
    for (const u of upcasters) {
      const byVersion = this.steps.get(u.type) ?? new Map<number, Upcaster>();
      if (byVersion.has(u.fromVersion)) throw new Error(`upcaster ${u.type} v${u.fromVersion} registered twice`);
      byVersion.set(u.fromVersion, u);
      this.steps.set(u.type, byVersion);
    }
    return this;
  }

  /** Current schema version of `type`: one past its newest upcaster, or 1 when it has none. */
  currentVersion(type: string): number {
    const byVersion = this.steps.get(type);
    return byVersion ? Math.max(...byVersion.keys()) + 1 : 1;
  }

  /**
   * Returns `event` with `data` and `schemaVersion` brought to the current version.
   * @throws Error when a step in the chain is missing (a gap would silently drop a change).
   */
  upcast(event: RecordedEvent): RecordedEvent {
    const target = this.currentVersion(event.type);
    if (event.schemaVersion >= target) return event;
    let data = event.data;
    for (let v = event.schemaVersion; v < target; v++) {
      const step = this.steps.get(event.type)?.get(v);
      if (!step) throw new Error(`no upcaster for ${event.type} v${v} → v${v + 1}`);
      data = step.upcast(data, event);
    }
    return { ...event, data, schemaVersion: target };
  }
}
