/**
 * Filing routes (MOFCOM, NDRC, contracting), transitions and refusals, and working-day deadlines
 * across public holidays.
 */
import type { AutomatedCheck, FilingDetails } from "../../contracts/investment-filings/filing-shapes";
import {
  type FilingCommand,
  type FilingState,
  filingDecider,
  NO_FILING,
  yearsLater,
} from "../../services/investment-filings/filing-decider";
import { automatedCheck, filingRules } from "../../services/investment-filings/filing-rules";
import {
  addWorkingDays,
  chinaHolidayCalendar,
  isWorkingDay,
  workingDaysBetween,
} from "../../services/platform/calendar/working-days";
import { DomainError } from "../../services/platform/decider";

const cal = chinaHolidayCalendar();
const ctx = { rules: filingRules(), calendar: cal };
const usd = (v: number) => ({ value: v, currency: "USD", usd: v });

const outbound = (over: Partial<Extract<FilingDetails, { kind: "outbound_investment" }>> = {}): FilingDetails => ({
  kind: "outbound_investment",
  destinationCountry: "KZ",
  industryCodes: ["1711"],
  investment: usd(10_000_000),
  sensitiveIndustry: false,
  description: "spinning mill",
  ...over,
});
/** An inbound report for tobacco wholesale (prohibited by national-2024 measure 7). */
const inbound: FilingDetails = {
  kind: "inbound_report",
  industryCodes: ["5128"],
  foreignSharePercent: 10,
  largestForeignInvestorPercent: 10,
  legalRepresentativeNationality: "CN",
  insideFtz: false,
  investorCountries: ["SG"],
  investment: usd(1_000_000),
};
const contracting = (over: Partial<Extract<FilingDetails, { kind: "overseas_contracting" }>> = {}): FilingDetails => ({
  kind: "overseas_contracting",
  country: "UZ",
  contractValue: usd(50_000_000),
  involvesSeveralCountries: false,
  highRisk: false,
  description: "road section",
  ...over,
});

describe("working days (State Council holiday notices as data)", () => {
  it("knows weekends, holidays and adjusted working weekends", () => {
    expect(isWorkingDay(cal, "2026-09-30")).toBe(true); // Wednesday before National Day
    expect(isWorkingDay(cal, "2026-10-01")).toBe(false); // National Day
    expect(isWorkingDay(cal, "2026-09-20")).toBe(true); // a Sunday made a working day (国办发明电〔2025〕7号)
    expect(isWorkingDay(cal, "2025-01-26")).toBe(true); // Sunday before the 2025 Spring Festival
    expect(isWorkingDay(cal, "2025-01-28")).toBe(false);
  });

  it("counts a 3-working-day deadline across a public holiday", () => {
    // Filed Tuesday 2026-09-29: Wed 30 counts, 1–7 Oct are the National Day holiday, then Thu 8, Fri 9.
    expect(addWorkingDays(cal, "2026-09-29", 3)).toEqual({ date: "2026-10-09", provisional: false });
    // Filed Friday 2025-01-24 before the Spring Festival: Sunday 26 is a working day, Mon 27 too, then the holiday.
    expect(addWorkingDays(cal, "2025-01-24", 3).date).toBe("2025-02-05");
    expect(workingDaysBetween(cal, "2026-09-29", "2026-10-09")).toBe(3);
  });

  it("applies the statutory holidays in a year without a notice, and says the deadline is provisional", () => {
    // 全国年节及纪念日放假办法 Art. 2: New Year's Day 2027-01-01 (a Friday) is a holiday.
    expect(addWorkingDays(cal, "2026-12-30", 3)).toEqual({ date: "2027-01-05", provisional: true });
    expect(addWorkingDays(cal, "2026-12-04", 20)).toEqual({ date: "2027-01-04", provisional: true });
    expect(addWorkingDays(cal, "2026-12-04", 3)).toEqual({ date: "2026-12-09", provisional: false });
  });

  it("computes the statutory holidays of 2027 with the lunar calendar (Art. 2) and the weekend make-up days (Art. 6)", () => {
    const rest = [...cal.statutoryRestDays(2027)!].sort();
    // 除夕 2027-02-05 (the twelfth month has 29 days) to 正月初三 02-08; Sat 6 and Sun 7 give make-up days 9 and 10.
    expect(rest.filter((d) => d.startsWith("2027-02"))).toEqual([
      "2027-02-05",
      "2027-02-06",
      "2027-02-07",
      "2027-02-08",
      "2027-02-09",
      "2027-02-10",
    ]);
    expect(rest).toEqual(
      expect.arrayContaining(["2027-04-05", "2027-06-09", "2027-09-15", "2027-10-01", "2027-10-03"]),
    );
    expect(cal.statutoryRestDays(2026)).toBeUndefined(); // the 2026 notice decides 2026
    expect(isWorkingDay(cal, "2027-01-01")).toBe(false);
    expect(isWorkingDay(cal, "2027-01-04")).toBe(true);
  });
});

describe("filing routes (automated check)", () => {
  it.each<[string, FilingDetails, Partial<AutomatedCheck>]>([
    [
      "outbound, ordinary, below USD 300 million",
      outbound(),
      {
        route: "mofcom_filing",
        routes: ["mofcom_filing", "ndrc_provincial_filing"],
        recommendation: "accept",
        dueWorkingDays: 3,
      },
    ],
    [
      "outbound, exactly USD 300 million (NDRC files it)",
      outbound({ investment: usd(300_000_000) }),
      {
        routes: ["mofcom_filing", "ndrc_national_filing"],
      },
    ],
    [
      "outbound, USD 299,999,999.99 (provincial)",
      outbound({ investment: usd(299_999_999.99) }),
      {
        routes: ["mofcom_filing", "ndrc_provincial_filing"],
      },
    ],
    [
      "outbound to a country without diplomatic relations",
      outbound({ destinationCountry: "PY" }),
      {
        route: "mofcom_approval",
        routes: ["mofcom_approval", "ndrc_approval"],
        recommendation: "refer_for_approval",
        dueWorkingDays: 20,
      },
    ],
    [
      "outbound in a sensitive industry",
      outbound({ sensitiveIndustry: true }),
      {
        routes: ["mofcom_approval", "ndrc_approval"],
      },
    ],
    [
      "contracting, general project",
      contracting(),
      { route: "contracting_filing", recommendation: "accept", riskConsultation: false },
    ],
    [
      "contracting, several countries' interests",
      contracting({ involvesSeveralCountries: true }),
      {
        route: "contracting_initiation",
        recommendation: "refer_for_approval",
      },
    ],
    ["contracting under UN sanctions", contracting({ country: "KP" }), { route: "contracting_initiation" }],
    [
      "contracting of exactly USD 1 billion",
      contracting({ contractValue: usd(1_000_000_000) }),
      {
        route: "contracting_filing",
        riskConsultation: true,
        recommendation: "refer_for_approval",
      },
    ],
    [
      "contracting just under USD 1 billion",
      contracting({ contractValue: usd(999_999_999) }),
      { riskConsultation: false },
    ],
  ])("%s", (_what, details, expected) => {
    expect(automatedCheck(details, "2026-11-30", ctx)).toMatchObject(expected);
  });

  it("inbound reports follow the negative-list answer", () => {
    const prohibited = {
      outcome: "prohibited" as const,
      editionId: "national-2024",
      measures: [7],
      conditionsNotMet: [],
      confidence: "verified" as const,
      unverifiedMeasures: [],
    };
    expect(automatedCheck(inbound, "2026-11-30", { ...ctx, negativeList: prohibited })).toMatchObject({
      route: "mofcom_information_report",
      recommendation: "reject",
      negativeList: { outcome: "prohibited", editionId: "national-2024", measures: [7] },
    });
    const permitted = {
      outcome: "permitted" as const,
      editionId: "national-2024",
      measures: [],
      conditionsNotMet: [],
      confidence: "verified" as const,
      unverifiedMeasures: [],
    };
    expect(automatedCheck(inbound, "2026-11-30", { ...ctx, negativeList: permitted }).recommendation).toBe("accept");
    expect(automatedCheck(inbound, "2026-11-30", { ...ctx, negativeList: null }).recommendation).toBe(
      "refer_for_approval",
    );
  });

  it("never recommends rejection on a measure whose text was not read, nor on an indeterminate answer", () => {
    const unread = {
      outcome: "prohibited" as const,
      editionId: "ftz-2021",
      measures: [27],
      conditionsNotMet: [],
      confidence: "unverified" as const,
      unverifiedMeasures: [27],
    };
    const check = automatedCheck(inbound, "2026-11-30", { ...ctx, negativeList: unread });
    expect(check.recommendation).toBe("refer_for_approval");
    expect(check.reasons.join(" ")).toContain("rests on measure(s) 27");
    expect(check.negativeList).toMatchObject({ confidence: "unverified", unverifiedMeasures: [27] });
    const open = {
      ...unread,
      outcome: "indeterminate" as const,
      confidence: "verified" as const,
      unverifiedMeasures: [],
    };
    const indeterminate = automatedCheck(inbound, "2026-11-30", { ...ctx, negativeList: open });
    expect(indeterminate.recommendation).toBe("refer_for_approval");
    expect(indeterminate.reasons[0]).toContain("depends on the activities");
  });
});

const AT = "2026-11-30T10:00:00+08:00";
const run = (s: FilingState, cmd: FilingCommand) => filingDecider.decide(cmd, s).reduce(filingDecider.evolve, s);
function refusal(s: FilingState, cmd: FilingCommand): DomainError {
  try {
    filingDecider.decide(cmd, s);
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}
const submitted = (details: FilingDetails = outbound()) =>
  run(NO_FILING, {
    kind: "submit",
    filingId: "5a7e8d4c-1f2b-4c3d-9e8f-0a1b2c3d4e5f",
    enterprise: "91350200776049653A",
    details,
    check: automatedCheck(details, "2026-11-30", ctx),
    at: AT,
  });

describe("filing transitions", () => {
  it("records the submission and its automated check as two events", () => {
    const events = filingDecider.decide(
      {
        kind: "submit",
        filingId: "5a7e8d4c-1f2b-4c3d-9e8f-0a1b2c3d4e5f",
        enterprise: "91350200776049653A",
        details: outbound(),
        check: automatedCheck(outbound(), "2026-11-30", ctx),
        at: AT,
      },
      NO_FILING,
    );
    expect(events.map((e) => e.type)).toEqual(["FilingSubmitted", "AutomatedCheckRecorded"]);
  });

  it("accepts a filing route directly; an approval route only after referral", () => {
    expect(run(submitted(), { kind: "accept", filingNumber: "境外投资证第N6500202600001号", at: AT }).status).toBe(
      "accepted",
    );
    const approval = submitted(outbound({ destinationCountry: "PY" }));
    expect(refusal(approval, { kind: "accept", filingNumber: "x", at: AT })).toMatchObject({
      code: "approval_route",
      details: { route: "mofcom_approval" },
    });
    const referred = run(approval, { kind: "refer", reason: "sensitive country", at: AT });
    expect(run(referred, { kind: "accept", filingNumber: "x", at: AT }).status).toBe("accepted");
    expect(run(referred, { kind: "reject", reasons: ["no approval"], at: AT }).status).toBe("rejected");
  });

  it("amends (new check) and withdraws only while pending", () => {
    const s = submitted();
    const amended = filingDecider.decide(
      {
        kind: "amend",
        details: outbound({ investment: usd(400_000_000) }),
        reason: "larger plant",
        check: automatedCheck(outbound({ investment: usd(400_000_000) }), "2026-11-30", ctx),
        at: AT,
      },
      s,
    );
    expect(amended.map((e) => e.type)).toEqual(["FilingAmended", "AutomatedCheckRecorded"]);
    expect(amended.reduce(filingDecider.evolve, s).check!.routes).toContain("ndrc_national_filing");
    const accepted = run(s, { kind: "accept", filingNumber: "N1", at: AT });
    expect(refusal(accepted, { kind: "withdraw", reason: "x", at: AT })).toMatchObject({
      code: "illegal_transition",
      details: { state: "accepted" },
    });
    expect(run(s, { kind: "withdraw", reason: "project cancelled", at: AT }).status).toBe("withdrawn");
    const otherKind = {
      kind: "amend",
      details: contracting(),
      reason: "x",
      check: automatedCheck(contracting(), "2026-11-30", ctx),
      at: AT,
    } as FilingCommand;
    expect(refusal(s, otherKind).code).toBe("kind_unchanged");
  });

  it("issues a two-year certificate for outbound investment; used within it, or lapsed after it", () => {
    const accepted = run(submitted(), { kind: "accept", filingNumber: "N1", at: "2024-03-01T10:00:00+08:00" });
    const certified = run(accepted, {
      kind: "issueCertificate",
      certificateNumber: "C1",
      issuedOn: "2024-03-01",
      validYears: 2,
      at: "2024-03-01T10:00:00+08:00",
    });
    expect(certified.certificate).toMatchObject({ issuedOn: "2024-03-01", validUntil: "2026-03-01" });
    expect(run(certified, { kind: "use", on: "2026-03-01", at: AT }).status).toBe("used");
    expect(refusal(certified, { kind: "use", on: "2026-03-02", at: AT }).code).toBe("certificate_not_valid_then");
    expect(run(certified, { kind: "lapse", at: AT }).status).toBe("lapsed");
    const fresh = run(run(submitted(), { kind: "accept", filingNumber: "N2", at: AT }), {
      kind: "issueCertificate",
      certificateNumber: "C2",
      issuedOn: "2026-11-30",
      validYears: 2,
      at: AT,
    });
    expect(refusal(fresh, { kind: "lapse", at: AT }).code).toBe("certificate_still_valid");
    const contractingAccepted = run(submitted(contracting()), { kind: "accept", filingNumber: "N3", at: AT });
    expect(
      refusal(contractingAccepted, {
        kind: "issueCertificate",
        certificateNumber: "C",
        issuedOn: "2026-11-30",
        validYears: 2,
        at: AT,
      }).code,
    ).toBe("no_certificate");
  });

  it("ends a validity period on the anniversary, or the month's last day (Civil Code arts. 201–202)", () => {
    expect(yearsLater("2026-11-30", 2)).toBe("2028-11-30");
    expect(yearsLater("2028-02-29", 2)).toBe("2030-02-28");
  });

  it("accepts a filing the automated check did not recommend only after a referral", () => {
    const check = automatedCheck(inbound, "2026-11-30", {
      ...ctx,
      negativeList: {
        outcome: "prohibited",
        editionId: "national-2024",
        measures: [7],
        conditionsNotMet: [],
        confidence: "verified",
        unverifiedMeasures: [],
      },
    });
    const s = run(NO_FILING, {
      kind: "submit",
      filingId: "5a7e8d4c-1f2b-4c3d-9e8f-0a1b2c3d4e5f",
      enterprise: "91350200776049653A",
      details: inbound,
      check,
      at: AT,
    });
    expect(refusal(s, { kind: "accept", filingNumber: "N", at: AT })).toMatchObject({
      code: "check_not_passed",
      details: { recommendation: "reject" },
    });
    const referred = run(s, { kind: "refer", reason: "bureau reviews the tobacco activity", at: AT });
    expect(run(referred, { kind: "accept", filingNumber: "N", at: AT }).status).toBe("accepted");
  });
});
