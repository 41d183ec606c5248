/**
 * The Kafka broker stopped and started while events flow: nothing lost, nothing doubled once it is
 * back. Runs its own broker (infra/kafka/kafka.sh on a spare port and data folder) so stopping it
 * cannot disturb other suites.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { counterProjection, counterRows } from "../support/counter-projection";
import { describeWithKafka } from "../support/kafka";
import { type Pipeline, pipeline, seedCounters } from "../support/pipeline";
import { waitFor } from "../support/wait";

const PORT = Number(process.env.TEST_RESTART_KAFKA_PORT ?? 19092);
const stackDir = mkdtempSync(join(tmpdir(), "kafka-restart-"));
const env = { ...process.env, KAFKA_PORT: String(PORT), KAFKA_CONTROLLER_PORT: String(PORT + 1), STACK_DIR: stackDir };
const kafkaSh = (cmd: "start" | "stop") =>
  execFileSync("bash", [join(__dirname, "../../infra/kafka/kafka.sh"), cmd], { env, stdio: "pipe", timeout: 180_000 });

describeWithKafka("broker restart on a dedicated broker", () => {
  let p: Pipeline;
  beforeAll(() => kafkaSh("start"), 180_000);
  afterAll(() => {
    kafkaSh("stop");
    rmSync(stackDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    p = await pipeline([`127.0.0.1:${PORT}`]);
  });
  afterEach(() => p.close());

  it("loses nothing and doubles nothing across a broker stop and start", async () => {
    const relay = p.relay();
    relay.start();
    await p.feed(counterProjection);
    const n1 = await seedCounters(p.store, 3, 4, "before");
    await waitFor("first events applied", async () => (await counterRows(p.t.db)).length === 3);

    kafkaSh("stop");
    const n2 = await seedCounters(p.store, 3, 4, "during"); // appended while the broker is down
    await new Promise((r) => setTimeout(r, 1500));
    kafkaSh("start");
    const n3 = await seedCounters(p.store, 3, 4, "after");

    await waitFor(
      "every event applied",
      async () => {
        const rows = await counterRows(p.t.db);
        return rows.length === 9 && rows.reduce((s, r) => s + Number(r.events), 0) === n1 + n2 + n3;
      },
      90_000,
      250,
    );
    const rows = await counterRows(p.t.db);
    expect(rows.map((r) => r.total)).toEqual(Array(9).fill("10"));
    expect(relay.status.published).toBeGreaterThanOrEqual(n1 + n2 + n3);
  }, 180_000);
});
