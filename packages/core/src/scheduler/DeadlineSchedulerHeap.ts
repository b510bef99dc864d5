/**
 * The former name of the in-memory timer index. The binary min-heap it held was replaced
 * by the calendar queue of `DeadlineSchedulerWheel` (a tick's cost no longer grows with
 * the timers not yet due); {@link TimerHeap} stays as an alias of
 * {@link TimerWheel} so that existing code keeps compiling.
 *
 * @deprecated Use `DeadlineSchedulerWheel.TimerWheel`.
 * @module
 */
import { TimerWheel } from "./DeadlineSchedulerWheel"

/**
 * The in-memory timer index under its former name.
 *
 * @deprecated Use `DeadlineSchedulerWheel.TimerWheel`.
 */
export const TimerHeap = TimerWheel
/**
 * @see {@link TimerHeap}
 * @deprecated Use `DeadlineSchedulerWheel.TimerWheel`.
 */
export type TimerHeap = TimerWheel
