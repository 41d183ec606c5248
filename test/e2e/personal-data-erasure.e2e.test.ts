/**
 * Personal information under the 个人信息保护法 on the full stack (PostgreSQL + Kafka, the relay and a
 * Kafka-fed read model): a filing names a natural person; the person's name, document number,
 * phone and e-mail are sealed with the person's own key before they are stored, so no table of the
 * database (events, idempotency keys, read models, all of them) and no Kafka record holds them in
 * clear, while the filing's enterprise and the bureau read them opened. Erasing the person (admin,
 * with the legal basis, audited) deletes the key: the filing then shows the fields as erased, and
 * nothing else about it changes; a rebuild of the read model changes nothing either.
 */
import pino from "pino";
import { TOPICS, topicName } from "../../contracts/topics";
import { filingsProjection } from "../../projections/filings/filings-projection";
import { negativeListProjection } from "../../projections/negative-list/negative-list-projection";
import { rebuildProjection } from "../../projections/runner/rebuild";
import { createApp } from "../../services/api/app";
import { seedEditions } from "../../services/negative-list/edition-seed";
import { SubjectKeys } from "../../services/platform/personal-data/subject-keys";
import { as, ENTERPRISE_A } from "../support/auth";
import { outboundMillFiling } from "../support/filings";
import { describeWithKafka } from "../support/kafka";
import { type Pipeline, pipeline } from "../support/pipeline";
import { waitFor } from "../support/wait";

const PERSON = {
  role: "legal_representative",
  name: "阿依古丽·买买提",
  nationality: "CN",
  idDocument: { type: "resident_id_card", number: "650102199001011234" },
  phone: "13899912345",
  email: "ayguli.maimaiti@example.cn",
};
const CLEARTEXT = [PERSON.name, PERSON.idDocument.number, PERSON.phone, PERSON.email];

describeWithKafka("personal data on real PostgreSQL and Kafka", () => {
  let p: Pipeline;
  beforeEach(async () => {
    p = await pipeline();
  });
  afterEach(() => p.close());

  /** Every table of the schema whose rows, as text, contain one of the cleartexts. */
  const tablesHolding = async (): Promise<string[]> => {
    const { rows } = await p.t.db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
    );
    const found: string[] = [];
    for (const { table_name } of rows) {
      const hit = await p.t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${table_name}" t WHERE t::text LIKE ANY($1::text[])`,
        [CLEARTEXT.map((c) => `%${c}%`)],
      );
      if (hit.rows[0]!.n > 0) found.push(table_name);
    }
    expect(rows.length).toBeGreaterThan(10); // the events, the read models, the idempotency keys ...
    return found;
  };
  /** Whether any record on the filings topic holds a cleartext (values and headers). */
  const kafkaHolds = async (records: number): Promise<boolean> => {
    const filings = TOPICS.find((t) => t.categories.includes("Filing"))!;
    const messages = await p.readTopic(topicName(filings, p.prefix), records);
    const text = messages
      .map((m) => `${m.value?.toString() ?? ""} ${JSON.stringify(Object.values(m.headers ?? {}).map(String))}`)
      .join("\n");
    expect(text).toContain('"pii":1'); // the sealed fields did travel
    return CLEARTEXT.some((c) => text.includes(c));
  };

  it("seals a person's fields everywhere, opens them for the entitled, and an erasure shows them erased", async () => {
    p.relay().start();
    await p.feed(negativeListProjection);
    await p.feed(filingsProjection);
    await seedEditions(p.store);
    const app = createApp({ db: p.t.db, store: p.store, logger: pino({ level: "silent" }) });
    const [admin, enterprise, analyst] = await Promise.all([
      as(app, "admin"),
      as(app, "enterprise", ENTERPRISE_A),
      as(app, "analyst"),
    ]);
    await waitFor("editions in the Kafka-fed read model", async () => {
      const res = await admin.get("/negative-list/editions");
      return res.body.editions?.length === 3;
    });
    const filed = await enterprise
      .post("/filings")
      .set("Idempotency-Key", "pii-filing")
      .send({ ...outboundMillFiling(ENTERPRISE_A), persons: [PERSON] });
    expect(filed.status).toBe(201);
    expect(filed.body.persons).toEqual([]); // a command's answer (kept under its key) opens nothing
    const id = filed.body.filingId as string;

    // The enterprise and the bureau read the person opened; an analyst gets none.
    const read = await enterprise.get(`/filings/${id}`);
    expect(read.body.persons).toEqual([
      {
        subjectId: expect.any(String),
        role: "legal_representative",
        nationality: "CN",
        name: PERSON.name,
        idDocument: { type: "resident_id_card", number: PERSON.idDocument.number },
        phone: PERSON.phone,
        email: PERSON.email,
      },
    ]);
    const subjectId = read.body.persons[0].subjectId as string;
    expect((await admin.get(`/filings/${id}`)).body.persons[0].name).toBe(PERSON.name);
    // An analyst may read filings (for the figures), but not the persons in them.
    const byAnalyst = await analyst.get(`/filings/${id}`);
    expect(byAnalyst.status).toBe(200);
    expect(byAnalyst.body.persons).toEqual([]);

    // Through the pipeline: on Kafka and in the queue; in clear nowhere.
    await waitFor("the filing in the Kafka-fed queue", async () => {
      const res = await admin.get("/filings/queue");
      return res.body.items?.some((f: { filingId: string }) => f.filingId === id);
    });
    await p.appliedAll(filingsProjection);
    expect(await tablesHolding()).toEqual([]);
    expect(await kafkaHolds(2)).toBe(false);

    // The erasure: audited, with its legal basis; idempotent.
    const basis = "个人信息保护法第四十七条第一款第（三）项";
    const erased = await admin
      .post(`/personal-data/subjects/${subjectId}/erasure`)
      .set("Idempotency-Key", "erase-1")
      .send({ legalBasis: basis, note: "本人撤回同意" });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ subjectId, alreadyErased: false });
    const again = await admin
      .post(`/personal-data/subjects/${subjectId}/erasure`)
      .set("Idempotency-Key", "erase-2")
      .send({ legalBasis: basis });
    expect(again.body).toMatchObject({ subjectId, alreadyErased: true, erasedAt: erased.body.erasedAt });
    expect(
      (
        await enterprise
          .post(`/personal-data/subjects/${subjectId}/erasure`)
          .set("Idempotency-Key", "e3")
          .send({ legalBasis: basis })
      ).status,
    ).toBe(403);
    expect(
      (
        await admin
          .post("/personal-data/subjects/3f2b8c1e-8a4e-4d0b-9a51-2f0c5b7d9e10/erasure")
          .set("Idempotency-Key", "e4")
          .send({ legalBasis: basis })
      ).status,
    ).toBe(404);

    // The person now reads erased; everything else about the filing is as it was.
    const after = await enterprise.get(`/filings/${id}`);
    const gone = { erased: true };
    expect(after.body.persons).toEqual([
      {
        subjectId,
        role: "legal_representative",
        nationality: "CN",
        name: gone,
        idDocument: { type: "resident_id_card", number: gone },
        phone: gone,
        email: gone,
      },
    ]);
    const { persons: _before, ...restBefore } = read.body;
    const { persons: _after, ...restAfter } = after.body;
    expect(restAfter).toEqual(restBefore);
    // The stored ciphertext can no longer be opened, by anyone.
    const { rows } = await p.t.db.query<{ data: unknown }>(
      "SELECT data FROM events WHERE type = 'FilingSubmitted' AND data->>'filingId' = $1",
      [id],
    );
    expect(await new SubjectKeys(p.t.db).reveal((rows[0]!.data as { persons: unknown }).persons)).toEqual([
      expect.objectContaining({ name: gone, phone: gone }),
    ]);
    const key = await p.t.db.query<{ wrapped_key: unknown; legal_basis: string; erased_by: string }>(
      "SELECT wrapped_key, legal_basis, erased_by FROM personal_data_keys WHERE subject_id = $1",
      [subjectId],
    );
    expect(key.rows[0]).toEqual({ wrapped_key: null, legal_basis: basis, erased_by: "admin" });
    // An amendment cannot bring the erased person back under their old id.
    const amend = await enterprise
      .post(`/filings/${id}/amendments`)
      .set("If-Match", after.headers.etag as string)
      .set("Idempotency-Key", "amend-erased")
      .send({ details: read.body.details, reason: "补充", persons: [{ ...PERSON, subjectId }] });
    expect(amend.status).toBe(422);
    expect(amend.body.errors).toEqual([expect.objectContaining({ pointer: "/body/persons/0/subjectId" })]);

    // The audit trail has the erasure, with the admin and the basis, and no personal data.
    const audit = await admin.get("/audit/streams/Operations-log");
    expect(audit.body.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: "PersonalDataErased",
          data: { subjectId, legalBasis: basis, note: "本人撤回同意" },
        }),
      ]),
    );

    // A rebuild of the read model from the store changes nothing, and still holds nothing in clear.
    await rebuildProjection(p.t.db, p.store, filingsProjection);
    expect((await admin.get("/filings/queue")).body.items.some((f: { filingId: string }) => f.filingId === id)).toBe(
      true,
    );
    expect(await tablesHolding()).toEqual([]);
    expect(await kafkaHolds(2)).toBe(false);
  }, 180_000);
});
