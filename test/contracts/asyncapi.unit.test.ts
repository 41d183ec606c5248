/** The AsyncAPI 3.0 document: every event type and topic, valid per @asyncapi/parser, committed as generated. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  buildAsyncApiDocument,
  CLOUD_EVENT_HEADERS,
  renderAsyncApiYaml,
  validateAsyncApi,
} from "../../contracts/asyncapi";
import { EVENT_SCHEMAS } from "../../contracts/events";
import { ROLES } from "../../contracts/roles";
import { toKafkaMessage } from "../../services/platform/messaging/cloudevent-message";
import type { RecordedEvent } from "../../services/platform/event-store/types";

/** A stored event with every metadata field the relay can publish. */
const stored = (metadata: RecordedEvent["metadata"]): RecordedEvent => ({
  eventId: "0f8fad5b-d9cb-469f-a165-70867728950e",
  type: "DeclarationLodged",
  streamId: "Declaration-949920260000000001",
  streamVersion: 3,
  globalPosition: 41,
  transactionId: "812",
  schemaVersion: 2,
  data: { declarationNumber: "949920260000000001" },
  metadata,
  occurredAt: new Date("2026-11-30T04:00:00Z"),
  recordedAt: new Date("2026-11-30T04:00:01Z"),
});

describe("AsyncAPI document", () => {
  it("describes every registered event type as a message with its payload schema", () => {
    const doc = buildAsyncApiDocument() as {
      components: { messages: Record<string, unknown>; schemas: Record<string, unknown> };
    };
    expect(Object.keys(doc.components.messages).sort()).toEqual(Object.keys(EVENT_SCHEMAS).sort());
    expect(doc.components.schemas.DeclarationLodged).toMatchObject({
      type: "object",
      required: expect.arrayContaining(["declarationNumber", "enterprise", "goods", "lodgedAt"]),
    });
  });

  it("is valid AsyncAPI 3.0, and the parser does refuse a broken one", async () => {
    expect(await validateAsyncApi(renderAsyncApiYaml())).toEqual([]);
    const broken = renderAsyncApiYaml().replace("action: send", "action: shout");
    expect((await validateAsyncApi(broken)).length).toBeGreaterThan(0);
  }, 60_000);

  it("matches the committed contracts/asyncapi.yaml", () => {
    expect(readFileSync(join(__dirname, "../../contracts/asyncapi.yaml"), "utf8")).toBe(renderAsyncApiYaml());
  });

  it("documents every header the relay writes and no other; the actor's subject is not published", () => {
    const documented = Object.keys(CLOUD_EVENT_HEADERS.properties).sort();
    const full = toKafkaMessage(
      stored({
        correlationId: "req-1",
        causationId: "cmd-1",
        actor: { subject: "clerk-张三", role: "enterprise", enterprise: "91350200776049653A" },
      }),
    );
    expect(Object.keys(full.headers ?? {}).sort()).toEqual(documented);
    expect(JSON.stringify(full.headers)).not.toContain("clerk-张三");
    const bare = toKafkaMessage(stored({}));
    expect(Object.keys(bare.headers ?? {}).sort()).toEqual(
      expect.arrayContaining([...CLOUD_EVENT_HEADERS.required].sort()),
    );
    for (const name of Object.keys(bare.headers ?? {})) expect(documented).toContain(name);
  });

  it("lists the roles a token may carry as the values of ce_actorrole", () => {
    expect(CLOUD_EVENT_HEADERS.properties.ce_actorrole.enum).toEqual([...ROLES]);
  });
});
