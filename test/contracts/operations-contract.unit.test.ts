/** The operations contract names every read model the registry runs, and no other. */
import { ProjectionParams } from "../../contracts/http/operations";
import { PROJECTIONS } from "../../projections/registry";

describe("operations contract", () => {
  it("lists exactly the registered projections as rebuildable", () => {
    expect([...ProjectionParams.shape.projection.options].sort()).toEqual(PROJECTIONS.map((p) => p.name).sort());
  });
});
