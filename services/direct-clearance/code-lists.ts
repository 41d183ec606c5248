/**
 * Reference data of the direct-clearance context, kept as data files with a `source` and a
 * `confidence` per entry: customs offices (`data/customs-offices.json`; no Xinjiang code could be
 * confirmed from a published table, see `data/REFERENCE-SOURCES.md`) and ports
 * (`data/ports.json`). Declarations name both by code; unknown codes are refused by name.
 */
import path from "node:path";
import { z } from "../../contracts/http/zod";
import { CodeList, readDataFile } from "../platform/code-list";

const Confidence = z.enum(["confirmed", "unconfirmed", "placeholder"]);

/** A customs office (关区). */
export const CustomsOffice = z
  .strictObject({
    code: z.string().regex(/^\d{4}$/),
    nameZh: z.string().min(1),
    nameEn: z.string().min(1),
    source: z.string().min(1),
    confidence: Confidence,
  })
  .openapi("CustomsOffice");
export type CustomsOffice = z.infer<typeof CustomsOffice>;

/** A port: a border crossing (port of entry/exit) or an inland site. */
export const Port = z
  .strictObject({
    code: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
    nameZh: z.string().min(1),
    nameEn: z.string().min(1),
    kind: z.enum(["border", "inland"]),
    modes: z.array(z.enum(["rail", "road", "air", "sea"])).min(1),
    customsOffice: z.string().regex(/^\d{4}$/),
    neighbour: z.string().nullable(),
    source: z.string().min(1),
    confidence: Confidence,
  })
  .openapi("Port");
export type Port = z.infer<typeof Port>;

/** The context's reference data. */
export interface ClearanceCodeLists {
  offices: CodeList<CustomsOffice>;
  ports: CodeList<Port>;
}

const DATA_DIR = path.join(__dirname, "data");
let cached: ClearanceCodeLists | undefined;

/** The reference data from `data/` (validated once). @throws when a file is malformed. */
export function clearanceCodeLists(): ClearanceCodeLists {
  if (!cached) {
    const offices = z
      .object({ offices: z.array(CustomsOffice).min(1) })
      .parse(readDataFile(path.join(DATA_DIR, "customs-offices.json"))).offices;
    const ports = z
      .object({ ports: z.array(Port).min(1) })
      .parse(readDataFile(path.join(DATA_DIR, "ports.json"))).ports;
    const officeList = new CodeList("customs office", offices);
    for (const p of ports) {
      if (!officeList.get(p.customsOffice))
        throw new Error(`ports.json: ${p.code} names unknown office ${p.customsOffice}`);
    }
    cached = { offices: officeList, ports: new CodeList("port", ports) };
  }
  return cached;
}

/** Field errors (JSON pointers under the body) for unknown office or port codes of a lodgement. */
export function lodgementReferenceErrors(
  input: { declaringOffice?: string; port?: string; transportMode?: string },
  ref: ClearanceCodeLists,
): { pointer: string; detail: string }[] {
  const errors: { pointer: string; detail: string }[] = [];
  if (input.declaringOffice !== undefined && !ref.offices.get(input.declaringOffice)) {
    errors.push({ pointer: "/declaringOffice", detail: ref.offices.unknown(input.declaringOffice) });
  }
  if (input.port !== undefined) {
    const port = ref.ports.get(input.port);
    if (!port) errors.push({ pointer: "/port", detail: ref.ports.unknown(input.port) });
    else if (port.kind !== "border") {
      errors.push({ pointer: "/port", detail: `${input.port} is an inland site, not a border port of entry or exit` });
    } else if (
      input.transportMode !== undefined &&
      input.transportMode !== "multimodal" &&
      !port.modes.includes(input.transportMode as Port["modes"][number])
    ) {
      errors.push({
        pointer: "/transportMode",
        detail: `${input.port} handles ${port.modes.join(" and ")}, not ${input.transportMode}`,
      });
    }
  }
  return errors;
}
