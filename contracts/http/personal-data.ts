/**
 * Erasing a data subject (POST /personal-data/subjects/{subjectId}/erasure, admin): the legal
 * basis is recorded with the erasure, on the operator log (audited), with the admin as actor.
 * 个人信息保护法 Art. 47 lists when personal information must be deleted; the API records the basis
 * the admin states and does not decide it.
 */
import { SafeString, Uuid } from "./common";
import { z } from "./zod";

/** The subject in a path. */
export const SubjectParams = z.object({ subjectId: Uuid.transform((id) => id.toLowerCase()) });

/** The erasure's request. */
export const ErasureBody = z
  .strictObject({
    legalBasis: SafeString.min(1)
      .max(300)
      .openapi({ description: "The legal basis, e.g. 个人信息保护法第四十七条第一款第（三）项（个人撤回同意）" }),
    note: SafeString.max(2000).default(""),
  })
  .openapi("ErasureBody", {
    example: { legalBasis: "个人信息保护法第四十七条第一款第（三）项", note: "本人申请删除，已核验身份" },
  });

/** What the erasure did. */
export const ErasureView = z
  .object({
    subjectId: Uuid,
    erasedAt: z.string(),
    alreadyErased: z.boolean().openapi({ description: "The subject had been erased before: nothing changed" }),
  })
  .openapi("Erasure");
