/**
 * `gridwork simulate <model> <events> [--until ISO] [--policy file] [--report] [--json]`:
 * "given this locality model and these events, what fires when?"
 *
 * Loads the model (and optionally a policy overlay: a draft of `deadlines` and
 * `escalation` to try before it goes into the model), reads the events (a JSON array or
 * NDJSON, see `SimulationEvent` in `@gridwork/core`), runs `Simulation.simulate` up to
 * `--until` (default: one year after the last event) and prints the timeline, one line
 * per entry in the locality's time: instant, matter, kind, holder, explanation (which
 * rule, which facts, which policy version). `--report` adds the backward tracing
 * (责任倒查) of every matter; `--json` prints everything as JSON instead.
 *
 * Exits with status 1 when the model, the overlay or the events have problems (all of
 * them printed to standard error, with file, line and rule).
 *
 * @example
 * ```sh
 * gridwork simulate examples/localities/lanxi-county.yaml examples/localities/events/lanxi-petition-climbs.json \
 *   --policy examples/localities/policies/lanxi-escalation-draft.yaml --until 2026-12-01T00:00:00+08:00
 * ```
 * @module
 */
import {
  AccountabilityReport,
  Instant,
  type LocalityModel,
  ModelLoader,
  ModuleRegistry,
  PolicyOverlay,
  Simulation,
  SimulationEvent,
  Timeline
} from "@gridwork/core"
import { Console, Effect, FileSystem, Option, type Path, Result, Runtime, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"

/**
 * The input of a simulation has problems; they have been printed already. The CLI exits
 * with status 1 without printing the error again.
 */
export class SimulationInputInvalid extends Schema.TaggedError<SimulationInputInvalid>()("SimulationInputInvalid", {
  file: Schema.String,
  problems: Schema.Int
}) {
  override readonly [Runtime.errorReported] = false
}

/** One year, the default horizon after the last event. */
const YEAR = 366 * Instant.DAY

const reportProblem = (file: string, lines: string, problems: number) =>
  Console.error(lines).pipe(Effect.andThen(Effect.fail(new SimulationInputInvalid({ file, problems }))))

const readText = (file: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    return yield* fs
      .readFileString(file)
      .pipe(Effect.catch((error) => reportProblem(file, `${file}: cannot read the file: ${error.message}`, 1)))
  })

const loadModel = (file: string, policy: Option.Option<string>, registry: ModuleRegistry.ModuleRegistry) =>
  Effect.gen(function* () {
    const model = yield* ModelLoader.loadModel(file, registry).pipe(
      Effect.catchTag("LocalityModelError", (error) => reportProblem(error.file, error.render(), error.problems.length))
    )
    if (Option.isNone(policy)) return model
    const text = yield* readText(policy.value)
    const applied = PolicyOverlay.apply(model, text, policy.value)
    if (Result.isFailure(applied)) {
      return yield* reportProblem(policy.value, applied.failure.render(), applied.failure.problems.length)
    }
    return applied.success
  })

const loadEvents = (file: string) =>
  Effect.gen(function* () {
    const text = yield* readText(file)
    const parsed = SimulationEvent.parseEvents(text, file)
    if (Result.isFailure(parsed)) {
      return yield* reportProblem(file, parsed.failure.message, parsed.failure.problems.length)
    }
    return parsed.success
  })

const parseUntil = (until: Option.Option<string>, events: ReadonlyArray<SimulationEvent.SimulationEvent>) =>
  Effect.gen(function* () {
    if (Option.isSome(until)) {
      const decoded = Schema.decodeUnknownResult(Instant.InstantFromString)(until.value)
      if (Result.isFailure(decoded)) {
        return yield* reportProblem(
          "--until",
          `--until: expected an ISO 8601 date-time with an offset, e.g. 2026-12-31T00:00:00+08:00, got ${JSON.stringify(until.value)}`,
          1
        )
      }
      return decoded.success
    }
    const last = events.reduce((max, e) => Math.max(max, e.at), 0)
    return Instant.fromMillis(last + YEAR)
  })

const subjectsOf = (run: Simulation.Simulation): ReadonlyArray<string> => run.matters.map((m) => m.subject)

const heading = (model: LocalityModel.LocalityModel, run: Simulation.Simulation, events: number): string =>
  `Simulation of ${model.locality.name} (${run.locality}), policy ${run.policyVersion}, until ${Timeline.isoLocal(run.until, run.timeZone)}: ` +
  `${events} event${events === 1 ? "" : "s"}, ${run.matters.length} matter${run.matters.length === 1 ? "" : "s"}, ${run.timeline.length} entries` +
  (run.eventsAfterUntil > 0 ? ` (${run.eventsAfterUntil} event(s) after --until not replayed)` : "") +
  (run.truncated ? " (stopped early: too many entries)" : "")

/** `gridwork simulate` over a registry. */
export const make = (registry: ModuleRegistry.ModuleRegistry = ModuleRegistry.core) =>
  Command.make(
    "simulate",
    {
      model: Argument.String("model").pipe(Argument.withDescription("Path of the locality model (.yaml, .yml, .json)")),
      events: Argument.String("events").pipe(
        Argument.withDescription("Path of the events: a JSON array or NDJSON, one event per line")
      ),
      until: Flag.String("until").pipe(
        Flag.withDescription(
          "Simulate up to this instant, ISO 8601 with offset (default: one year after the last event)"
        ),
        Flag.optional
      ),
      policy: Flag.String("policy").pipe(
        Flag.withDescription(
          "A policy overlay to try: responsibility.deadlines (added or replaced by id) and responsibility.escalation (replaced)"
        ),
        Flag.optional
      ),
      report: Flag.Boolean("report").pipe(
        Flag.withDescription("Also print the backward tracing (责任倒查) of every matter"),
        Flag.withDefault(false)
      ),
      json: Flag.Boolean("json").pipe(
        Flag.withDescription("Print JSON: { locality, policyVersion, timeZone, until, timeline, reports? }"),
        Flag.withDefault(false)
      )
    },
    Effect.fnUntraced(function* ({
      model: modelFile,
      events: eventsFile,
      until,
      policy,
      report,
      json
    }): Effect.fn.Return<void, SimulationInputInvalid, FileSystem.FileSystem | Path.Path> {
      const model = yield* loadModel(modelFile, policy, registry)
      const events = yield* loadEvents(eventsFile)
      const horizon = yield* parseUntil(until, events)
      const run = Simulation.simulate(model, events, horizon)
      const context = AccountabilityReport.contextOf(model, horizon)
      const reports = report
        ? subjectsOf(run).map((subject) => AccountabilityReport.forMatter(run.records, subject, context))
        : []
      if (json) {
        yield* Console.log(
          JSON.stringify(
            {
              locality: run.locality,
              policyVersion: run.policyVersion,
              timeZone: run.timeZone,
              until: Timeline.isoLocal(run.until, run.timeZone),
              eventsAfterUntil: run.eventsAfterUntil,
              truncated: run.truncated,
              timeline: Timeline.toJson(run.timeline, run.timeZone),
              ...(report ? { reports: reports.map((r) => AccountabilityReport.matterToJson(r, context)) } : {})
            },
            null,
            2
          )
        )
        return
      }
      yield* Console.log(heading(model, run, events.length))
      yield* Console.log("")
      yield* Console.log(Timeline.render(run.timeline, run.timeZone))
      for (const r of reports) {
        yield* Console.log("")
        yield* Console.log(AccountabilityReport.renderMatter(r, context))
      }
    })
  ).pipe(
    Command.withDescription("Replay events against a locality model: which deadlines and escalation rules fire when"),
    Command.withExamples([
      {
        command:
          "gridwork simulate examples/localities/lanxi-county.yaml examples/localities/events/lanxi-petition-climbs.json --policy examples/localities/policies/lanxi-escalation-draft.yaml",
        description: "Try Lanxi's draft escalation policy on a petition that climbs to the county"
      },
      {
        command: "gridwork simulate model.yaml events.ndjson --until 2026-12-31T00:00:00+08:00 --json",
        description: "As JSON"
      }
    ])
  )
