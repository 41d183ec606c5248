/** The AsyncAPI 3.0 document: every event type and topic, valid per @asyncapi/parser, committed as generated. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildAsyncApiDocument, renderAsyncApiYaml, validateAsyncApi } from "../../contracts/asyncapi";
import { EVENT_SCHEMAS } from "../../contracts/events";

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
});
