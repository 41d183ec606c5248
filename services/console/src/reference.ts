/**
 * Reference lists the pages share, loaded once per session from the API: the departments and the
 * reform fields with their Chinese and English names.
 */
import { api, ok } from "./api";
import { lang } from "./i18n";

/** A code with its names. */
export interface Named {
  code: string;
  nameZh: string | null;
  nameEn: string | null;
}

let departments: Promise<Named[]> | undefined;
let fields: Promise<Named[]> | undefined;

/** The departments of the task list (GET /reform-tasks/departments); a failed load is tried again next time. */
export const loadDepartments = (): Promise<Named[]> => {
  departments ??= ok(api.GET("/reform-tasks/departments")).then(
    (d) => d.departments,
    (err) => {
      departments = undefined;
      throw err;
    },
  );
  return departments;
};

/** The reform fields (GET /reform-tasks/fields); a failed load is tried again next time. */
export const loadFields = (): Promise<Named[]> => {
  fields ??= ok(api.GET("/reform-tasks/fields")).then(
    (d) => d.fields,
    (err) => {
      fields = undefined;
      throw err;
    },
  );
  return fields;
};

/** The name of `code` in `list` in the current language (the other language, then the code, when missing). */
export function nameIn(list: Named[] | undefined, code: string): string {
  const n = list?.find((x) => x.code === code);
  if (!n) return code;
  return (lang() === "zh" ? (n.nameZh ?? n.nameEn) : (n.nameEn ?? n.nameZh)) ?? code;
}
