import { describe, expect, it } from "@effect/vitest"
import { Result, Schema } from "effect"
import { Escalation, EscalationRule, Instant, Simulation, SimulationEvent } from "../src"
import { hexiModel } from "./fixtures/simulation/HexiModel"

const t = Instant.unsafeFromIso
const obligationA = "019a6f40-0000-7000-8000-0000000000a1"
const obligationB = "019a6f40-0000-7000-8000-0000000000b2"

const settings = (input: unknown): EscalationRule.EscalationSettings =>
  Schema.decodeUnknownSync(EscalationRule.EscalationSettings)(input, { onExcessProperty: "error" })

const decodeProblems = (input: unknown): string => {
  const result = Schema.decodeUnknownResult(EscalationRule.EscalationSettings)(input, {
    errors: "all",
    onExcessProperty: "error"
  })
  return Result.isFailure(result) ? String(result.failure) : "decoded"
}

const facts = (input: Record<string, unknown>): Escalation.Facts =>
  Schema.decodeUnknownSync(Escalation.Facts)({ subject: "matter-1", obligations: [], repeats: 0, parties: 1, ...input })

const oneRule = (when: Record<string, unknown>) =>
  Escalation.table(
    settings({ hitPolicy: "first", rules: [{ id: "r", when, actions: [{ do: "notify", roles: ["leader"] }] }] }),
    "2026.1"
  )

const openAt = (share: number, status = "open", rule = "grid.resolve", obligation = obligationA) => ({
  obligation,
  rule,
  status,
  shareUsed: share,
  due: t("2026-09-30T17:30:00+08:00")
})

describe("EscalationRule: the decision table is checked when decoded", () => {
  it("decodes a table with every trigger and every action", () => {
    const decoded = settings({
      hitPolicy: "collect",
      receivers: { village: "village-committee" },
      rules: [
        {
          id: "all-triggers",
          when: {
            overdue: true,
            shareUsedAtLeast: 0.8,
            obligations: ["grid.resolve"],
            riskAtLeast: "medium",
            repeatsAtLeast: 2,
            partiesAtLeast: 5,
            partyRequest: true,
            designatedHandBack: true,
            tiers: ["grid"]
          },
          actions: [
            { do: "move-up" },
            { do: "assign-leader", role: "leader", tier: "county" },
            { do: "supervise", tier: "county" },
            { do: "notify", roles: ["leader", "supervisor"] },
            { do: "open", rule: "escalated.resolve" }
          ]
        },
        { id: "named-tier", when: { riskAtLeast: "high" }, actions: [{ do: "move-to", tier: "county" }] }
      ]
    })
    expect(decoded.rules.map((r) => r.actions.map((a) => a.do))).toEqual([
      ["move-up", "assign-leader", "supervise", "notify", "open"],
      ["move-to"]
    ])
  })

  it("requires an explicit hit policy", () => {
    expect(decodeProblems({ rules: [] })).toContain('["hitPolicy"]')
    expect(decodeProblems({ hitPolicy: "any", rules: [] })).toContain('Expected "first" | "collect"')
  })

  it("refuses a rule without a trigger, a rule moving twice, duplicate ids, unknown actions and fields", () => {
    expect(
      decodeProblems({
        hitPolicy: "first",
        rules: [{ id: "x", when: { tiers: ["grid"] }, actions: [{ do: "move-up" }] }]
      })
    ).toContain("a rule needs at least one trigger")
    expect(
      decodeProblems({
        hitPolicy: "first",
        rules: [{ id: "x", when: { overdue: true }, actions: [{ do: "move-up" }, { do: "move-to", tier: "county" }] }]
      })
    ).toContain("at most once")
    expect(
      decodeProblems({
        hitPolicy: "first",
        rules: [
          { id: "x", when: { overdue: true }, actions: [{ do: "move-up" }] },
          { id: "x", when: { partyRequest: true }, actions: [{ do: "move-up" }] }
        ]
      })
    ).toContain('rule id "x" is already used by rules[0]')
    expect(
      decodeProblems({ hitPolicy: "first", rules: [{ id: "x", when: { overdue: true }, actions: [{ do: "jump" }] }] })
    ).toContain('["rules"][0]["actions"][0]')
    expect(
      decodeProblems({ hitPolicy: "first", rules: [{ id: "x", when: { overdu: true }, actions: [{ do: "move-up" }] }] })
    ).toContain('["overdu"]')
    expect(
      decodeProblems({
        hitPolicy: "first",
        rules: [{ id: "x", when: { obligations: ["a"], riskAtLeast: "high" }, actions: [{ do: "move-up" }] }]
      })
    ).toContain("obligations narrows overdue or shareUsedAtLeast")
  })

  it("checks tiers, roles and deadline ids against the model", () => {
    const problems = EscalationRule.validate(
      settings({
        hitPolicy: "first",
        receivers: { district: "office" },
        rules: [
          {
            id: "x",
            when: { overdue: true, tiers: ["grid", "ward"], obligations: ["nope"] },
            actions: [
              { do: "move-to", tier: "province" },
              { do: "assign-leader", role: "mayor" },
              { do: "notify", roles: ["leader", "clerk"] },
              { do: "open", rule: "missing.rule" }
            ]
          }
        ]
      }),
      { tiers: ["grid", "village"], roles: new Set(["leader"]), deadlines: new Set(["grid.resolve"]) }
    )
    expect(problems.map((p) => [p.path.join("."), p.rule])).toEqual([
      ["receivers.district", "escalation.unknown-tier"],
      ["rules.0.when.tiers.1", "escalation.unknown-tier"],
      ["rules.0.when.obligations.0", "escalation.unknown-deadline"],
      ["rules.0.actions.0.tier", "escalation.unknown-tier"],
      ["rules.0.actions.1.role", "escalation.unknown-role"],
      ["rules.0.actions.2.roles.1", "escalation.unknown-role"],
      ["rules.0.actions.3.rule", "escalation.unknown-deadline"]
    ])
  })
})

describe("Escalation.evaluate: each trigger", () => {
  const cases: ReadonlyArray<
    readonly [
      string,
      Record<string, unknown>,
      Record<string, unknown>,
      ReadonlyArray<Record<string, unknown>> | undefined
    ]
  > = [
    [
      "overdue: an overdue obligation matches",
      { overdue: true },
      { obligations: [openAt(1, "overdue")] },
      [{ _tag: "Overdue", obligation: obligationA, rule: "grid.resolve", due: t("2026-09-30T17:30:00+08:00") }]
    ],
    ["overdue: an open obligation does not", { overdue: true }, { obligations: [openAt(0.9)] }, undefined],
    [
      "overdue narrowed to other rules does not",
      { overdue: true, obligations: ["village.resolve"] },
      { obligations: [openAt(1, "overdue")] },
      undefined
    ],
    [
      "shareUsedAtLeast 0.8: 80% used matches",
      { shareUsedAtLeast: 0.8 },
      { obligations: [openAt(0.5, "open", "grid.resolve", obligationB), openAt(0.8)] },
      [{ _tag: "ShareUsed", obligation: obligationA, rule: "grid.resolve", share: 0.8, threshold: 0.8 }]
    ],
    ["shareUsedAtLeast 0.8: 50% used does not", { shareUsedAtLeast: 0.8 }, { obligations: [openAt(0.5)] }, undefined],
    [
      "riskAtLeast medium: high matches",
      { riskAtLeast: "medium" },
      { riskLevel: "high" },
      [{ _tag: "Risk", level: "high", threshold: "medium" }]
    ],
    [
      "riskAtLeast medium: medium matches",
      { riskAtLeast: "medium" },
      { riskLevel: "medium" },
      [{ _tag: "Risk", level: "medium", threshold: "medium" }]
    ],
    ["riskAtLeast medium: low does not", { riskAtLeast: "medium" }, { riskLevel: "low" }, undefined],
    ["riskAtLeast medium: unassessed does not", { riskAtLeast: "medium" }, {}, undefined],
    [
      "repeatsAtLeast 2: two repeats match",
      { repeatsAtLeast: 2 },
      { repeats: 2 },
      [{ _tag: "Repeats", count: 2, threshold: 2 }]
    ],
    ["repeatsAtLeast 2: one repeat does not", { repeatsAtLeast: 2 }, { repeats: 1 }, undefined],
    [
      "partiesAtLeast 5: five parties match",
      { partiesAtLeast: 5 },
      { parties: 5 },
      [{ _tag: "Parties", count: 5, threshold: 5 }]
    ],
    ["partiesAtLeast 5: four do not", { partiesAtLeast: 5 }, { parties: 4 }, undefined],
    [
      "partyRequest: a request matches",
      { partyRequest: true },
      { partyRequest: { at: t("2026-10-12T09:00:00+08:00") } },
      [{ _tag: "PartyRequest", at: t("2026-10-12T09:00:00+08:00") }]
    ],
    ["partyRequest: no request does not", { partyRequest: true }, {}, undefined],
    [
      "designatedHandBack: a designated unit's attempt matches",
      { designatedHandBack: true },
      { handBack: { unit: "hexi.town.zzzx", at: t("2026-10-12T09:00:00+08:00"), designated: true } },
      [{ _tag: "DesignatedHandBack", unit: "hexi.town.zzzx", at: t("2026-10-12T09:00:00+08:00") }]
    ],
    [
      "designatedHandBack: a free unit's hand-back does not",
      { designatedHandBack: true },
      { handBack: { unit: "hexi.town.zzzx", at: t("2026-10-12T09:00:00+08:00"), designated: false } },
      undefined
    ],
    [
      "tiers: at a listed tier matches",
      { riskAtLeast: "high", tiers: ["grid", "village"] },
      { riskLevel: "high", tier: "village" },
      [
        { _tag: "Tier", tier: "village" },
        { _tag: "Risk", level: "high", threshold: "high" }
      ]
    ],
    [
      "tiers: at another tier does not",
      { riskAtLeast: "high", tiers: ["grid"] },
      { riskLevel: "high", tier: "county" },
      undefined
    ],
    [
      "all triggers of a rule must hold",
      { riskAtLeast: "high", partiesAtLeast: 5 },
      { riskLevel: "high", parties: 3 },
      undefined
    ]
  ]

  for (const [name, when, given, observed] of cases) {
    it(name, () => {
      const firings = Escalation.evaluate(oneRule(when), facts(given))
      if (observed === undefined) expect(firings).toEqual([])
      else {
        expect(firings).toHaveLength(1)
        expect(firings[0]).toMatchObject({ rule: "r", policyVersion: "2026.1", subject: "matter-1", observed })
      }
    })
  }
})

describe("Escalation.evaluate: hit policies and keys", () => {
  const rules = [
    { id: "risky", when: { riskAtLeast: "high" }, actions: [{ do: "assign-leader", role: "leader" }] },
    { id: "late", when: { overdue: true }, actions: [{ do: "move-up" }] },
    { id: "crowd", when: { partiesAtLeast: 5 }, actions: [{ do: "supervise" }] }
  ]
  const matching = facts({ riskLevel: "high", obligations: [openAt(1, "overdue")], parties: 2 })

  it("first: only the first matching rule fires; the others it passed over are named", () => {
    const firings = Escalation.evaluate(Escalation.table(settings({ hitPolicy: "first", rules }), "2026.1"), matching)
    expect(firings.map((f) => [f.rule, f.hitPolicy, f.supersedes])).toEqual([
      ["risky", "first", [`late|overdue=${obligationA}`]]
    ])
    expect(Escalation.explain(firings[0]!, "Asia/Shanghai")).toBe(
      "rule risky (policy 2026.1, hit policy first): risk high (≥ high) → assign a leader as owner (passed over: late)"
    )
  })

  it("collect: every matching rule fires, in table order", () => {
    const firings = Escalation.evaluate(Escalation.table(settings({ hitPolicy: "collect", rules }), "2026.1"), matching)
    expect(firings.map((f) => [f.rule, f.key, f.supersedes])).toEqual([
      ["risky", "risky", []],
      ["late", `late|overdue=${obligationA}`, []]
    ])
    expect(firings[1]?.actions).toEqual([{ do: "move-up" }])
  })

  it("a situation already acted on does not fire again; a new one does", () => {
    const table = Escalation.table(settings({ hitPolicy: "first", rules }), "2026.1")
    const first = Escalation.evaluate(table, matching)[0]!
    const fired = [first.key, ...first.supersedes]
    expect(Escalation.evaluate(table, { ...matching, fired })).toEqual([])
    // Another obligation falls overdue: a new situation for rule `late`.
    const later = Escalation.evaluate(table, {
      ...matching,
      obligations: [...matching.obligations, { ...matching.obligations[0]!, obligation: obligationB as never }],
      fired
    })
    expect(later.map((f) => [f.rule, f.key])).toEqual([["late", `late|overdue=${obligationA}|overdue=${obligationB}`]])
  })

  it("explains a firing in words, in the locality's time", () => {
    const table = oneRule({ overdue: true, tiers: ["grid"] })
    const [firing] = Escalation.evaluate(table, facts({ tier: "grid", obligations: [openAt(1, "overdue")] }))
    expect(Escalation.explain(firing!, "Asia/Shanghai")).toBe(
      `rule r (policy 2026.1, hit policy first): held at tier grid; obligation ${obligationA} (grid.resolve) overdue since 2026-09-30 17:30 → notify leader`
    )
  })
})

// ---------------------------------------------------------------------------
// Actions, applied by the simulation on the Hexi test county
// ---------------------------------------------------------------------------

const reported = {
  type: "MatterReported",
  subject: "matter-1",
  at: "2026-09-28T10:00:00+08:00",
  unit: "hexi.town.liushu.g1.station"
}

const simulate = (escalation: string, extra: ReadonlyArray<Record<string, unknown>> = []) => {
  const events = Result.getOrThrow(SimulationEvent.decodeEvents([reported, ...extra], "test"))
  return Simulation.simulate(hexiModel(escalation), events, t("2026-10-31T00:00:00+08:00"))
}

/** The entries from the first escalation on, as [kind, holder, explanation]. */
const afterFiring = (run: Simulation.Simulation) => {
  const from = run.timeline.findIndex((e) => e.kind === "escalated")
  return run.timeline.slice(from).map((e) => [e.kind, e.holder ?? "-", e.explanation])
}

const onRisk = (actions: string, receivers = "") =>
  `      hitPolicy: first\n${receivers}      rules:\n        - id: act\n          when: { riskAtLeast: high }\n          actions: ${actions}\n`

const riskHigh = { type: "RiskAssessed", subject: "matter-1", at: "2026-09-28T11:00:00+08:00", riskLevel: "high" }

describe("Escalation actions, applied in a simulation", () => {
  it("move-up: to the receiving unit of the next tier's jurisdiction; the old holder's running obligation follows", () => {
    const run = simulate(onRisk("[{ do: move-up }]", "      receivers: { village: village-committee }\n"), [riskHigh])
    expect(afterFiring(run).slice(1, 3)).toEqual([
      [
        "holder",
        "hexi.town.liushu.cwh",
        "moved from hexi.town.liushu.g1.station to hexi.town.liushu.cwh (Liushu Villagers' Committee 柳树村村委会) at village hexi.town.liushu"
      ],
      [
        "reassigned",
        "hexi.town.liushu.cwh",
        "grid.resolve passes from hexi.town.liushu.g1.station to hexi.town.liushu.cwh (escalated), still due 2026-09-30 17:30"
      ]
    ])
    expect(run.matters[0]?.tier).toBe("village")
  })

  it("move-up without receivers takes the first unit and says how to choose", () => {
    const run = simulate(onRisk("[{ do: move-up }]"), [riskHigh])
    expect(afterFiring(run)[1]?.[2]).toContain("(first of 2 units there; set escalation.receivers.village)")
  })

  it("move-to: straight to a named tier", () => {
    const run = simulate(onRisk("[{ do: move-to, tier: county }]", "      receivers: { county: one-stop-center }\n"), [
      riskHigh
    ])
    expect(run.matters[0]).toMatchObject({ holder: { unit: "hexi.zzzx" }, tier: "county" })
  })

  it("move-up at the top tier is refused with the reason", () => {
    const run = simulate(onRisk("[{ do: move-up }]"), [
      { ...riskHigh, riskLevel: "low", assignTo: "hexi.xfj" },
      { ...riskHigh, at: "2026-09-29T09:00:00+08:00" }
    ])
    expect(afterFiring(run)[1]).toEqual(["refused", "hexi.xfj", "move to the next tier: county is the top tier"])
  })

  it("assign-leader: the nearest leader over the holder, or one at a named tier, takes charge (包案)", () => {
    const nearest = simulate(onRisk("[{ do: assign-leader, role: leader }]"), [riskHigh])
    expect(afterFiring(nearest)[1]).toEqual([
      "leader",
      "hexi.town.liushu.g1.station",
      "Sun Li 孙丽 (leader, hexi.town.gov) takes personal charge of the matter (包案); hexi.town.liushu.g1.station keeps handling it"
    ])
    expect(nearest.obligations[0]?.owner).toEqual({
      unit: "hexi.town.liushu.g1.station",
      role: "leader",
      actor: "019a6f40-0000-7000-8000-0000000000c2"
    })
    const county = simulate(onRisk("[{ do: assign-leader, role: leader, tier: county }]"), [riskHigh])
    expect(county.matters[0]?.leader).toEqual({
      unit: "hexi.xfj",
      role: "leader",
      actor: "019a6f40-0000-7000-8000-0000000000c3"
    })
  })

  it("supervise: listed for supervision by the tier above, or a named tier (挂牌督办)", () => {
    const above = simulate(onRisk("[{ do: supervise }]"), [riskHigh])
    expect(afterFiring(above)[1]).toEqual([
      "supervision",
      "hexi.town.liushu.g1.station",
      "listed for supervision (挂牌督办) by Liushu Village 柳树村 (hexi.town.liushu: hexi.town.liushu.cwh, hexi.town.liushu.tjh)"
    ])
    const named = simulate(onRisk("[{ do: supervise, tier: township }]"), [riskHigh])
    expect(named.matters[0]?.supervisedBy).toBe("hexi.town")
  })

  it("notify: the actors holding the roles over the matter", () => {
    const run = simulate(onRisk("[{ do: notify, roles: [supervisor, grid-worker] }]"), [riskHigh])
    expect(afterFiring(run)[1]).toEqual([
      "notified",
      "hexi.town.liushu.g1.station",
      "notify supervisor, grid-worker: Zhao Lei 赵磊 (hexi.town.liushu.g1.station); He Ping 何平 (hexi.zzzx)"
    ])
  })

  it("open: a new obligation of the named rule, owed by the holder after the move", () => {
    const run = simulate(
      onRisk(
        "[{ do: move-up }, { do: open, rule: escalated.resolve }]",
        "      receivers: { village: village-committee }\n"
      ),
      [riskHigh]
    )
    const opened = run.obligations.find((o) => o.terms.rule === "escalated.resolve")
    expect(opened).toMatchObject({
      owner: { unit: "hexi.town.liushu.cwh" },
      // 3 working days after Mon 28 Sep 11:00: 29, 30 Sep, (holiday) 8 Oct.
      due: t("2026-10-08T17:30:00+08:00"),
      cause: { escalation: "act" }
    })
  })
})

describe("Escalation triggers, fed by events in a simulation", () => {
  const rule = (when: string) =>
    `      hitPolicy: collect\n      rules:\n        - id: trig\n          when: ${when}\n          actions: [{ do: notify, roles: [leader] }]\n`
  const at = "2026-09-28T11:00:00+08:00"
  const event = (fields: Record<string, unknown>) => ({ type: "FactNoted", subject: "matter-1", at, ...fields })
  const cases: ReadonlyArray<readonly [string, string, ReadonlyArray<Record<string, unknown>>, string]> = [
    ["risk level", "{ riskAtLeast: medium }", [event({ riskLevel: "medium" })], "2026-09-28 11:00"],
    [
      "repeats",
      "{ repeatsAtLeast: 2 }",
      [event({ repeat: true }), event({ repeat: true, at: "2026-09-29T09:00:00+08:00" })],
      "2026-09-29 09:00"
    ],
    ["parties", "{ partiesAtLeast: 5 }", [event({ parties: 6 })], "2026-09-28 11:00"],
    ["a party's request", "{ partyRequest: true }", [event({ partyRequest: true })], "2026-09-28 11:00"],
    [
      "a designated unit handing back",
      "{ designatedHandBack: true }",
      [
        event({ type: "MatterRouted", assignTo: "hexi.town.zzzx", designated: true }),
        event({ type: "HandBackRequested", unit: "hexi.town.zzzx", handBack: true, at: "2026-09-29T09:00:00+08:00" })
      ],
      "2026-09-29 09:00"
    ],
    ["a warning share", "{ shareUsedAtLeast: 0.5 }", [], "2026-09-29 14:45"],
    ["an overdue obligation", "{ overdue: true }", [], "2026-09-30 17:30"]
  ]
  for (const [name, when, events, firedAt] of cases) {
    it(name, () => {
      const run = simulate(rule(when), events)
      const fired = run.timeline.filter((e) => e.kind === "escalated")
      expect(fired.map((e) => new Date(e.at).toISOString())).toEqual(
        [t(`${firedAt.replace(" ", "T")}:00+08:00`)].map((x) => new Date(x).toISOString())
      )
    })
  }

  it("a designated unit's hand-back is refused and it keeps the matter; a free unit's is accepted", () => {
    const designated = simulate(rule("{ designatedHandBack: true }"), [
      event({ type: "MatterRouted", assignTo: "hexi.town.zzzx", designated: true }),
      event({ type: "HandBackRequested", unit: "hexi.town.zzzx", handBack: true, at: "2026-09-29T09:00:00+08:00" })
    ])
    expect(designated.matters[0]?.holder).toEqual({ unit: "hexi.town.zzzx" })
    expect(designated.records.filter((r) => r._tag === "HandBackAttempted")).toMatchObject([
      { by: { unit: "hexi.town.zzzx" }, designated: true, accepted: false }
    ])
    const free = simulate(rule("{ designatedHandBack: true }"), [
      event({ type: "MatterRouted", assignTo: "hexi.town.zzzx" }),
      event({ type: "HandBackRequested", unit: "hexi.town.zzzx", handBack: true, at: "2026-09-29T09:00:00+08:00" })
    ])
    expect(free.matters[0]?.holder).toEqual({ unit: "hexi.town.liushu.g1.station" })
    expect(free.timeline.filter((e) => e.kind === "escalated")).toEqual([])
    // The grid's obligation went with the matter and came back with it.
    expect(free.obligations[0]?.owner).toEqual({ unit: "hexi.town.liushu.g1.station" })
  })
})
