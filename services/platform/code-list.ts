/**
 * Reference data kept as JSON data files (each entry with its `source`): a code list with lookup
 * by code or by name, shared by the bounded contexts' reference data (departments, reform fields,
 * customs offices, ports).
 */
import { readFileSync } from "node:fs";

/** Parses a JSON data file. @throws Error naming the file when it is missing or not JSON. */
export function readDataFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`reference data ${file}: ${(err as Error).message}`);
  }
}

/** A code list with lookup by code or by exact Chinese or English name. */
export class CodeList<T extends { code: string; nameZh: string; nameEn: string }> {
  private readonly byKey = new Map<string, T>();

  constructor(
    readonly what: string,
    readonly entries: readonly T[],
  ) {
    for (const e of entries) {
      if (this.byKey.has(e.code)) throw new Error(`${what}: code ${e.code} is listed twice`);
      this.byKey.set(e.code, e);
    }
    for (const e of entries) {
      for (const name of [e.nameZh, e.nameEn.toLowerCase()]) if (!this.byKey.has(name)) this.byKey.set(name, e);
    }
  }

  /** The entry with this code, or `undefined`. */
  get(code: string): T | undefined {
    const e = this.byKey.get(code);
    return e && e.code === code ? e : undefined;
  }

  /** The entry whose code, Chinese name or English name (any case) is `value` (trimmed), or `undefined`. */
  resolve(value: string): T | undefined {
    const v = value.trim();
    return this.byKey.get(v) ?? this.byKey.get(v.toLowerCase());
  }

  /** The message for an unknown value, naming it and the known codes. */
  unknown(value: string): string {
    const codes = this.entries.map((e) => e.code);
    return `unknown ${this.what} ${JSON.stringify(value)}; known codes: ${codes.join(", ")}`;
  }
}
