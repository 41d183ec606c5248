/**
 * The natural persons a filing names (an investor, the actual controller, the legal
 * representative, a contact person): personal information under the 个人信息保护法 (Art. 4).
 * Which persons each report must name is set in the 外商投资信息报告办法's articles on report
 * contents, which were not read in a faithful copy: here all are optional.
 *
 * Three forms of the same person:
 *   - `NaturalPersonInput`, what a submission carries (clear text, over TLS);
 *   - `SealedNaturalPerson`, what the events hold: name, document number, phone and e-mail sealed
 *     with the person's own key (`{ pii: 1, subject, iv, data }`, AES-256-GCM); role and
 *     nationality in clear (the nationality decides negative-list rules);
 *   - `NaturalPersonView`, what a reader entitled to it sees (the filing's enterprise and the
 *     bureau): the fields opened, or `erased: true` once the person was erased (Art. 47).
 */
import { CountryCode } from "../direct-clearance/declaration-shapes";
import { SafeString, Uuid } from "../http/common";
import { z } from "../http/zod";

/** What a person is to the filing. */
export const PersonRole = z
  .enum(["investor", "actual_controller", "legal_representative", "contact"])
  .openapi("NaturalPersonRole");

/** An identity document's kind. */
export const IdDocumentType = z.enum(["resident_id_card", "passport", "other"]).openapi("IdDocumentType");

/** A natural person as a submission gives them. `subjectId` names a person filed before (an amendment keeps them). */
export const NaturalPersonInput = z
  .strictObject({
    subjectId: Uuid.optional().openapi({
      description: "The person's data-subject id from an earlier answer; new persons get one",
    }),
    role: PersonRole,
    name: SafeString.min(1).max(200),
    nationality: CountryCode,
    idDocument: z.strictObject({ type: IdDocumentType, number: SafeString.min(1).max(60) }).optional(),
    phone: SafeString.max(40).optional(),
    email: z.email().max(254).optional(),
  })
  .openapi("NaturalPersonInput");
export type NaturalPersonInput = z.output<typeof NaturalPersonInput>;

/** A sealed value (sealed-value.ts of the platform). */
export const Sealed = z
  .object({ pii: z.literal(1), subject: Uuid, iv: z.string(), data: z.string() })
  .openapi("SealedPersonalValue", { description: "A personal field sealed with its data subject's key (AES-256-GCM)" });

/** A natural person as the events hold them. */
export const SealedNaturalPerson = z
  .object({
    subjectId: Uuid,
    role: PersonRole,
    nationality: CountryCode,
    name: Sealed,
    idDocument: z.object({ type: IdDocumentType, number: Sealed }).optional(),
    phone: Sealed.optional(),
    email: Sealed.optional(),
  })
  .openapi("SealedNaturalPerson");
export type SealedNaturalPerson = z.output<typeof SealedNaturalPerson>;

const Opened = z.union([z.string(), z.object({ erased: z.literal(true) })]);

/** A natural person as an entitled reader sees them: opened, or `{ erased: true }` per field once erased. */
export const NaturalPersonView = z
  .object({
    subjectId: Uuid,
    role: PersonRole,
    nationality: CountryCode,
    name: Opened,
    idDocument: z.object({ type: IdDocumentType, number: Opened }).optional(),
    phone: Opened.optional(),
    email: Opened.optional(),
  })
  .openapi("NaturalPersonView");
