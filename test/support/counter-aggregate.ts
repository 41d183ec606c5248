/**
 * The platform's small test aggregate: a named counter that can be opened, incremented by a
 * positive amount and closed. It exercises the event store, relay, projections and API plumbing
 * before the business contexts exist; it is not part of the product.
 */
import { type Decider, DomainError, type DomainEvent } from "../../services/platform/decider";

export type CounterEvent =
  | DomainEvent<"CounterOpened", { name: string }>
  | DomainEvent<"CounterIncremented", { by: number }>
  | DomainEvent<"CounterClosed", { reason: string }>;

export type CounterCommand =
  | { kind: "open"; name: string; at: string }
  | { kind: "increment"; by: number; at: string }
  | { kind: "close"; reason: string; at: string };

export interface CounterState {
  status: "none" | "open" | "closed";
  name: string;
  total: number;
}

export const counterDecider: Decider<CounterCommand, CounterEvent, CounterState> = {
  initialState: { status: "none", name: "", total: 0 },
  decide(cmd, s) {
    switch (cmd.kind) {
      case "open":
        if (s.status !== "none")
          throw new DomainError("illegal_transition", `counter is ${s.status}`, { state: s.status });
        return [{ type: "CounterOpened", data: { name: cmd.name }, occurredAt: cmd.at }];
      case "increment":
        if (s.status !== "open")
          throw new DomainError("illegal_transition", `counter is ${s.status}`, { state: s.status });
        return [{ type: "CounterIncremented", data: { by: cmd.by }, occurredAt: cmd.at }];
      case "close":
        if (s.status !== "open")
          throw new DomainError("illegal_transition", `counter is ${s.status}`, { state: s.status });
        return [{ type: "CounterClosed", data: { reason: cmd.reason }, occurredAt: cmd.at }];
    }
  },
  evolve(s, e) {
    switch (e.type) {
      case "CounterOpened":
        return { status: "open", name: e.data.name, total: 0 };
      case "CounterIncremented":
        return { ...s, total: s.total + e.data.by };
      case "CounterClosed":
        return { ...s, status: "closed" };
    }
  },
};
